// The elder's subsidy card (惠民惠农一卡通), held like an identity number: the full number sealed
// under ALLOWANCE_CARD_KEY, the mask everywhere else, the full number shown only through an audited
// reveal, every change audited with the masks before and after.
import { z } from 'zod'
import { prisma, transaction } from '~/lib/db.server.ts'
import { fieldFail } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, elderScope } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { decryptCardNumber, encryptCardNumber } from './card-crypto.server.ts'
import { maskCard } from './card.ts'
import type { cardRefSchema } from './schemas.ts'

/** Who may record an elder's subsidy card: officials in scope, and the family for its own elder. */
export const CARD_ROLES = ['family', 'community_officer', 'bureau_district', 'bureau_city'] as const

export function mayRecordCard(user: SessionUser, districtId: string) {
	if (!(CARD_ROLES as readonly string[]).includes(user.role)) return false
	// The family's scope is its own elders (elderScope); officials act within their district.
	return user.role === 'family' || canActInDistrict(user, districtId)
}

/**
 * Records the elder's card in full (sealed), with its bank and account holder. Releases the elder's
 * payments held for want of a card, and makes re-issuable the ones the bank returned: each goes into
 * the run's next bank file, once. Audited with the masks before and after, never the number.
 */
export async function recordCard(user: SessionUser, elderId: string, input: z.infer<typeof cardRefSchema>, ip: string | null) {
	if (!z.uuid().safeParse(elderId).success) return { ok: false as const, status: 404 }
	const elder = await prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, name: true, districtId: true, bankCardRef: true, bankName: true, bankAccountHolder: true, idNumberErasedAt: true } })
	if (!elder) return { ok: false as const, status: 404 }
	if (!mayRecordCard(user, elder.districtId)) return { ok: false as const, status: 403 }
	// The elder died long ago and the identity number was erased (identity-retention.server.ts): no bank file could carry a card.
	if (elder.idNumberErasedAt) return fieldFail('cardNumber', 'allowance:errors.card.idErased', 409)
	const masked = maskCard(input.cardNumber)
	const holder = input.holderName || elder.name
	const result = await transaction(async (tx) => {
		await tx.elder.update({
			where: { id: elderId },
			data: { bankCardRef: masked, bankCardCipher: encryptCardNumber(input.cardNumber), bankName: input.bankName, bankAccountHolder: holder, bankCardRecordedAt: new Date() },
		})
		// Conditional on status: a payment on its way to the bank (sent) or paid is never touched.
		const released = await sql`UPDATE allowance_payment SET status = 'pending', "bankCardRef" = ${masked} WHERE "elderId" = ${elderId}::uuid AND status = 'held_no_account'`.run(tx)
		const reissuable = await sql`UPDATE allowance_payment SET status = 'pending', "bankCardRef" = ${masked} WHERE "elderId" = ${elderId}::uuid AND status = 'returned'`.run(tx)
		await sql`UPDATE allowance_payment SET "bankCardRef" = ${masked} WHERE "elderId" = ${elderId}::uuid AND status = 'pending'`.run(tx)
		await audit(
			{
				actor: user,
				action: 'allowance.card_record',
				entityType: 'elder',
				entityId: elderId,
				districtId: elder.districtId,
				details: { before: elder.bankCardRef, after: masked, bankBefore: elder.bankName, bankAfter: input.bankName, holderBefore: elder.bankAccountHolder, holderAfter: holder, released, reissuable },
				ip,
			},
			tx,
		)
		return { released, reissuable }
	})
	return { ok: true as const, value: { masked, ...result } }
}

/** The full card number for an authorised person in scope, recorded in the audit log. */
export async function revealCard(user: SessionUser, elderId: string, ip: string | null) {
	if (!z.uuid().safeParse(elderId).success) return { ok: false as const, status: 404 }
	const elder = await prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, districtId: true, bankCardCipher: true, bankCardRef: true } })
	if (!elder) return { ok: false as const, status: 404 }
	if (!mayRecordCard(user, elder.districtId)) return { ok: false as const, status: 403 }
	if (!elder.bankCardCipher) return { ok: false as const, status: 409 }
	await audit({ actor: user, action: 'pii.reveal_card_number', entityType: 'elder', entityId: elder.id, districtId: elder.districtId, details: { masked: elder.bankCardRef }, ip })
	return { ok: true as const, value: { cardNumber: decryptCardNumber(elder.bankCardCipher) } }
}
