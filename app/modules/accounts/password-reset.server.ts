// Password reset by SMS code (issue 13 item 5). A file of its own beside accounts.server.ts: the code
// is checked by app/modules/messaging/phone-codes.server.ts, then the password changes and every
// session of the account ends, in one transaction, audited.
import { prisma, transaction } from '~/lib/db.server.ts'
import { fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { hashPassword } from '~/modules/auth/password.server.ts'
import { requestPhoneCode, verifyPhoneCode } from '~/modules/messaging/phone-codes.server.ts'

/** Asks for a reset code. The answer is the same whether or not the number has an account. */
export async function requestResetCode(input: { phone: string; ip: string | null }) {
	const user = await prisma.user.findUnique({ where: { phone: input.phone }, select: { id: true, active: true } })
	return requestPhoneCode({ phone: input.phone, purpose: 'reset', ip: input.ip, deliver: Boolean(user?.active) })
}

export async function resetPasswordWithCode(input: { phone: string; code: string; password: string; ip: string | null }): Promise<Outcome<{ id: string }>> {
	const checked = await verifyPhoneCode({ phone: input.phone, purpose: 'reset', code: input.code })
	if (!checked.ok) return checked
	const passwordHash = await hashPassword(input.password)
	return transaction(async (tx) => {
		const user = await tx.user.findUnique({ where: { phone: input.phone }, select: { id: true, role: true, active: true } })
		// A code was issued (and so could be right) only for an active account; anything else reads as a wrong code.
		if (!user || !user.active) return fieldFail('code', 'errors.code.wrong', 400)
		await tx.user.update({ where: { id: user.id }, data: { passwordHash }, select: { id: true } })
		await tx.session.deleteMany({ where: { userId: user.id } })
		await audit({ actor: { id: user.id, role: user.role }, action: 'account.password_reset', entityType: 'user', entityId: user.id, ip: input.ip }, tx)
		return ok({ id: user.id })
	})
}
