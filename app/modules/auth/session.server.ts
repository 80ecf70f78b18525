import { createCookieSessionStorage, redirect } from '@remix-run/node'
import { prisma } from '~/lib/db.server.ts'
import { sql, type Sql } from '~/lib/sql.server.ts'
import { getEnv, isSecureCookies } from '~/lib/env.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { singleton } from '~/lib/singleton.server.ts'
import { OFFICER_SQL, SECOND_FACTOR_WINDOW_MS } from './two-factor.server.ts'
import type { ProviderKind, Role } from '~/generated/prisma/enums.ts'

const SESSION_TTL_MS = 1000 * 60 * 60 * 24 * 14
const SESSION_KEY = 'sid'

// The cookie holds only the session id; the session row lives in PostgreSQL, so any web process
// can serve any request and signing out anywhere ends the session everywhere.
export const sessionStorage = singleton('session-storage', () => {
	const env = getEnv()
	return createCookieSessionStorage({
		cookie: {
			name: 'yy_session',
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: isSecureCookies(env),
			secrets: [env.SESSION_SECRET],
			maxAge: SESSION_TTL_MS / 1000,
		},
	})
})

export type SessionUser = {
	id: string
	name: string
	phone: string
	role: Role
	districtId: string | null
	communityId: string | null
	providerId: string | null
	/** Kind of the provider for provider staff, else null. */
	providerKind?: ProviderKind | null
}

/** The id of the request's session row, if its cookie carries a well-formed one. */
export async function currentSessionId(request: Request): Promise<string | null> {
	const session = await sessionStorage.getSession(request.headers.get('Cookie'))
	const sid = session.get(SESSION_KEY)
	return typeof sid === 'string' && /^[0-9a-f-]{36}$/i.test(sid) ? sid : null
}

const perRequest = new WeakMap<Request, Promise<SessionUser | null>>()

// Every signed-in request runs this, so it is one plain statement on the pool: through Prisma's
// query compiler the same lookup cost about 4.5 ms of CPU per request (profile of the search and
// dashboard benchmarks), more than the rest of the loader. `expiresAt` is a timestamp without time
// zone holding UTC (as Prisma writes it), hence the ISO string rather than now().
// The same statement ends idle officer sessions (no request for SESSION_IDLE_MINUTES) and records
// when the session was last seen, at most once a minute (the UPDATE runs only when the stored time is
// older), so the hot path stays one round trip and rarely writes. A session still owing its second
// factor is not a signed-in session.
const TOUCH_EVERY_MS = 60_000

/**
 * The session lookup as two CTEs for a statement's WITH: `hit`, the signed-in user's row (none when
 * the session is unknown, expired, idle, owing its second factor or its user inactive), and `touch`,
 * which records the visit. The session lookup below is this and nothing else; a statement on the
 * hot path that needs the user and more in one round trip (the booking's, under a rush) starts with
 * the same text and hands the user over with rememberSessionUser.
 */
export function sessionLookupCtes(sid: string, now = Date.now()): Sql {
	const nowIso = new Date(now).toISOString()
	const idleCutoff = new Date(now - getEnv().SESSION_IDLE_MINUTES * 60_000).toISOString()
	const touchCutoff = new Date(now - TOUCH_EVERY_MS).toISOString()
	return sql`hit AS (
	SELECT u.id, u.name, u.phone, u.role::text AS role, u."districtId", u."communityId", u."providerId", p.kind::text AS "providerKind", s."lastSeenAt"
	FROM session s
	JOIN app_user u ON u.id = s."userId"
	LEFT JOIN provider p ON p.id = u."providerId"
	WHERE s.id = ${sid} AND s."expiresAt" > ${nowIso}::timestamp AND u.active AND NOT s."secondFactorPending"
	  AND (NOT ${sql.raw(OFFICER_SQL)} OR s."lastSeenAt" > ${idleCutoff}::timestamp)
), touch AS (
	UPDATE session SET "lastSeenAt" = ${nowIso}::timestamp
	WHERE id = ${sid} AND EXISTS (SELECT 1 FROM hit WHERE hit."lastSeenAt" < ${touchCutoff}::timestamp)
)`
}

/** The columns of a SessionUser, from `hit` (as one JSON object: `SELECT ${SESSION_USER_JSON} FROM hit`). */
export const SESSION_USER_JSON = sql.raw(
	`json_build_object('id', hit.id, 'name', hit.name, 'phone', hit.phone, 'role', hit.role, 'districtId', hit."districtId", 'communityId', hit."communityId", 'providerId', hit."providerId", 'providerKind', hit."providerKind")`,
)

async function loadSessionUser(request: Request): Promise<SessionUser | null> {
	const sid = await currentSessionId(request)
	if (!sid) return null
	const user = await sql`
WITH ${sessionLookupCtes(sid)}
SELECT id, name, phone, role, "districtId", "communityId", "providerId", "providerKind" FROM hit`
		.prepared()
		.first<SessionUser>()
	return user ?? null
}

/**
 * The request's user as read by a statement that began with sessionLookupCtes (null: not signed in):
 * later calls of getSessionUser for this request (the page's loaders after a plain form post) get it
 * without a second lookup.
 */
export function rememberSessionUser(request: Request, user: SessionUser | null) {
	perRequest.set(request, Promise.resolve(user))
}

/** The signed-in user, or null. Loaded once per request however many loaders ask. */
export function getSessionUser(request: Request) {
	let pending = perRequest.get(request)
	if (!pending) {
		pending = loadSessionUser(request)
		perRequest.set(request, pending)
	}
	return pending
}

/**
 * Signs the user in: a session row (with the device and address the sessions page shows) and its
 * cookie. `deviceCookie`: a further Set-Cookie to send with it (issueDeviceCookie, after a password
 * sign-in that needs no second factor).
 */
export async function createUserSession(userId: string, request: Request, redirectTo: string, opts: { secondFactorPending?: boolean; deviceCookie?: string } = {}) {
	const pending = opts.secondFactorPending ?? false
	const row = await prisma.session.create({
		data: {
			userId,
			expiresAt: new Date(Date.now() + (pending ? SECOND_FACTOR_WINDOW_MS : SESSION_TTL_MS)),
			secondFactorPending: pending,
			userAgent: request.headers.get('user-agent')?.slice(0, 300) ?? null,
			ip: clientIp(request),
		},
		select: { id: true },
	})
	const session = await sessionStorage.getSession(request.headers.get('Cookie'))
	session.set(SESSION_KEY, row.id)
	const headers = new Headers({ 'Set-Cookie': await sessionStorage.commitSession(session) })
	if (opts.deviceCookie) headers.append('Set-Cookie', opts.deviceCookie)
	return redirect(redirectTo, { headers })
}

/** The sign-in that still owes its second factor, if the request carries one. */
export async function pendingSecondFactor(request: Request) {
	const sid = await currentSessionId(request)
	if (!sid) return null
	const row = await prisma.session.findFirst({
		where: { id: sid, secondFactorPending: true, expiresAt: { gt: new Date() }, user: { active: true } },
		select: { id: true, user: { select: { id: true, name: true, phone: true, role: true, totpSecret: true } } },
	})
	return row ? { sessionId: row.id, user: { id: row.user.id, name: row.user.name, phone: row.user.phone, role: row.user.role }, enrolled: Boolean(row.user.totpSecret) } : null
}

/** The second factor was right: the pending session becomes a signed-in one. */
export async function completeSecondFactor(sessionId: string) {
	const now = new Date()
	await prisma.session.updateMany({
		where: { id: sessionId, secondFactorPending: true },
		data: { secondFactorPending: false, authenticatedAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) },
	})
}

export async function destroyUserSession(request: Request, redirectTo = '/') {
	const session = await sessionStorage.getSession(request.headers.get('Cookie'))
	const sid = await currentSessionId(request)
	if (sid) await prisma.session.deleteMany({ where: { id: sid } })
	return redirect(redirectTo, { headers: { 'Set-Cookie': await sessionStorage.destroySession(session) } })
}
