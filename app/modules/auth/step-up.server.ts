import { redirect } from '@remix-run/node'
import { prisma } from '~/lib/db.server.ts'
import { ok, fieldFail, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { verifyPassword } from './password.server.ts'
import { currentSessionId, type SessionUser } from './session.server.ts'
import { hasSecondFactor, verifySecondFactor } from './two-factor.server.ts'

export { hasSecondFactor }

/** How long a password check vouches for sensitive acts (NIST SP 800-63B's re-authentication idea). */
export const STEP_UP_MAX_AGE_MS = 5 * 60 * 1000

/** When the request's session last proved its holder (sign-in or re-authentication), or null. */
export async function lastAuthenticatedAt(request: Request, user: Pick<SessionUser, 'id'>): Promise<Date | null> {
	const sid = await currentSessionId(request)
	if (!sid) return null
	const row = await prisma.session.findFirst({ where: { id: sid, userId: user.id }, select: { authenticatedAt: true } })
	return row?.authenticatedAt ?? null
}

/**
 * Guard for sensitive acts: revealing an identity number, approving a run, exporting a bank file,
 * creating accounts. Throws a redirect to /reauth (which comes back to `returnTo`, by default the
 * page the request came from) when the last password check is older than five minutes.
 */
export async function requireRecentAuth(request: Request, user: Pick<SessionUser, 'id'>, returnTo?: string): Promise<void> {
	const at = await lastAuthenticatedAt(request, user)
	if (at && Date.now() - at.getTime() <= STEP_UP_MAX_AGE_MS) return
	throw redirect(`/reauth?redirectTo=${encodeURIComponent(returnTo ?? returnPathOf(request))}`)
}

/** A GET comes back to itself; a POST comes back to the page that holds the form (its own URL). */
function returnPathOf(request: Request) {
	const url = new URL(request.url)
	url.searchParams.delete('index')
	return url.pathname + url.search
}

/**
 * Checks the password again for the request's session (or, for an account with a second factor, a
 * current TOTP or unused recovery code) and, if right, records the time.
 */
export async function reauthenticate(request: Request, user: Pick<SessionUser, 'id' | 'role'>, proof: string | { code: string }, ip: string | null): Promise<Outcome<null>> {
	const sid = await currentSessionId(request)
	const account = await prisma.user.findUnique({ where: { id: user.id }, select: { passwordHash: true, active: true } })
	const byCode = typeof proof !== 'string'
	const valid = !!sid && !!account?.active && (byCode ? (await verifySecondFactor(user.id, proof.code)) !== null : await verifyPassword(account.passwordHash, proof))
	if (!valid) {
		await audit({ actor: user, action: 'auth.reauth_failed', entityType: 'user', entityId: user.id, details: { by: byCode ? 'code' : 'password' }, ip })
		return byCode ? fieldFail('code', 'errors.totp.invalid', 401) : fieldFail('password', 'errors.reauth.invalid', 401)
	}
	await prisma.session.updateMany({ where: { id: sid, userId: user.id }, data: { authenticatedAt: new Date() } })
	await audit({ actor: user, action: 'auth.reauth', entityType: 'user', entityId: user.id, details: { by: byCode ? 'code' : 'password' }, ip })
	return ok(null)
}
