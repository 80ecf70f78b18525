// Staff invitations: a one-time, expiring link the invited person opens to set their own password.
// Only the token's SHA-256 is stored; the token is shown once, to the creator, to hand over.
import { createHash, randomBytes } from 'node:crypto'
import { prisma, transaction } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { hashPassword } from '~/modules/auth/password.server.ts'

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 72 * 60 * 60 * 1000

/** Not an argon2 hash: no password verifies against it, so an invited account cannot sign in yet. */
export const INVITED_PASSWORD_HASH = '!invited'

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export function newInvitationToken(now = Date.now()) {
	const token = randomBytes(32).toString('base64url')
	return { token, hash: hashToken(token), expiresAt: new Date(now + INVITATION_TTL_MS) }
}

const wellFormed = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token)

/** The invited person as the invitation page shows them, or null for an unknown, used or expired link. */
export async function openInvitation(token: string) {
	if (!wellFormed(token)) return null
	const inv = await prisma.userInvitation.findUnique({
		where: { tokenHash: hashToken(token) },
		select: { usedAt: true, expiresAt: true, user: { select: { name: true, phone: true, role: true, active: true } } },
	})
	if (!inv || inv.usedAt || inv.expiresAt <= new Date() || !inv.user.active) return null
	return { name: inv.user.name, phone: inv.user.phone, role: inv.user.role, expiresAt: inv.expiresAt.toISOString() }
}

/** Sets the invited person's own password and uses the link up (once: a conditional update decides). */
export async function acceptInvitation(token: string, password: string, ip: string | null): Promise<Outcome<{ userId: string }>> {
	if (!wellFormed(token)) return fail('errors.invitation.invalid', 404)
	const passwordHash = await hashPassword(password)
	const userId = await transaction(async (tx) => {
		const used = await sql`UPDATE user_invitation SET "usedAt" = now()
			WHERE "tokenHash" = ${hashToken(token)} AND "usedAt" IS NULL AND "expiresAt" > now()
			RETURNING "userId"`.first<{ userId: string }>(tx)
		if (!used) return null
		const user = await tx.user.update({ where: { id: used.userId }, data: { passwordHash }, select: { id: true, role: true } })
		// Any older link for the same account stops working too.
		await tx.userInvitation.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: new Date() } })
		await audit({ actor: user, action: 'account.invitation_accept', entityType: 'user', entityId: user.id, ip }, tx)
		return user.id
	})
	return userId ? ok({ userId }) : fail('errors.invitation.invalid', 410)
}
