// The account's sessions as its holder sees them (device, address, times) and ending them.
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from './session.server.ts'
import { isOfficer } from './two-factor.server.ts'

/** Signed-in sessions still alive (not expired, not idle past the officers' limit), newest first. */
export async function listSessions(user: SessionUser, currentId: string | null) {
	const idleCutoff = isOfficer(user) ? new Date(Date.now() - getEnv().SESSION_IDLE_MINUTES * 60_000) : undefined
	const rows = await prisma.session.findMany({
		where: { userId: user.id, secondFactorPending: false, expiresAt: { gt: new Date() }, ...(idleCutoff ? { lastSeenAt: { gt: idleCutoff } } : {}) },
		orderBy: { lastSeenAt: 'desc' },
		take: 50,
		select: { id: true, createdAt: true, lastSeenAt: true, userAgent: true, ip: true },
	})
	return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString(), current: r.id === currentId }))
}

/** Ends one of the user's sessions (never another user's: the id is scoped to the user). */
export async function endSession(user: SessionUser, sessionId: string, ip: string | null): Promise<Outcome<null>> {
	const { count } = await prisma.session.deleteMany({ where: { id: sessionId, userId: user.id } })
	if (count === 0) return fail('errors.session.unknown', 404)
	await audit({ actor: user, action: 'auth.session_end', entityType: 'user', entityId: user.id, details: { sessionId }, ip })
	return ok()
}

/** Ends every session of the user but the current one. */
export async function endOtherSessions(user: SessionUser, currentId: string | null, ip: string | null): Promise<Outcome<{ ended: number }>> {
	const { count } = await prisma.session.deleteMany({ where: { userId: user.id, ...(currentId ? { id: { not: currentId } } : {}) } })
	await audit({ actor: user, action: 'auth.sessions_end_others', entityType: 'user', entityId: user.id, details: { ended: count }, ip })
	return ok({ ended: count })
}
