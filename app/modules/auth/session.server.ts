import { createCookieSessionStorage, redirect } from '@remix-run/node'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { getEnv, isSecureCookies } from '~/lib/env.server.ts'
import { singleton } from '~/lib/singleton.server.ts'
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
async function loadSessionUser(request: Request): Promise<SessionUser | null> {
	const sid = await currentSessionId(request)
	if (!sid) return null
	const user = await sql`
SELECT u.id, u.name, u.phone, u.role::text AS role, u."districtId", u."communityId", u."providerId", p.kind::text AS "providerKind"
FROM session s
JOIN app_user u ON u.id = s."userId"
LEFT JOIN provider p ON p.id = u."providerId"
WHERE s.id = ${sid} AND s."expiresAt" > ${new Date().toISOString()}::timestamp AND u.active`.first<SessionUser>()
	return user ?? null
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

export async function createUserSession(userId: string, request: Request, redirectTo: string) {
	const row = await prisma.session.create({ data: { userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) }, select: { id: true } })
	const session = await sessionStorage.getSession(request.headers.get('Cookie'))
	session.set(SESSION_KEY, row.id)
	return redirect(redirectTo, { headers: { 'Set-Cookie': await sessionStorage.commitSession(session) } })
}

export async function destroyUserSession(request: Request, redirectTo = '/') {
	const session = await sessionStorage.getSession(request.headers.get('Cookie'))
	const sid = await currentSessionId(request)
	if (sid) await prisma.session.deleteMany({ where: { id: sid } })
	return redirect(redirectTo, { headers: { 'Set-Cookie': await sessionStorage.destroySession(session) } })
}
