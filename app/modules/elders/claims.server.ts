// A family claims an elder already in the registry (issue 11 item 4). Knowing an identity number
// must not be enough to see an elder, so the claim is a request the elder's community (or a
// township, district or city officer in scope) confirms or refuses; until then the family sees only
// what it typed. At most one pending request per family and elder (family_claim_one_pending).
import { transaction } from '~/lib/db.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { isUniqueViolation } from '~/lib/db-errors.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { recordConsent } from '~/modules/accounts/privacy.server.ts'
import { elderScope } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import type { DecideClaimInput, Relationship } from './schemas.ts'

export const CLAIM_DECIDER_ROLES = ['community_officer', 'township_officer', 'bureau_district', 'bureau_city'] as const

/** Files (or finds) the family's pending request for an elder it cannot see yet. */
export async function requestClaim(user: SessionUser, elderId: string, input: { name: string; relationship: Relationship; communityId: string }, ip: string | null = null): Promise<Outcome<{ id: string }>> {
	const pending = () => prisma.familyClaim.findFirst({ where: { userId: user.id, elderId, status: 'pending' }, select: { id: true } })
	const existing = await pending()
	if (existing) return ok(existing)
	try {
		return ok(
			await transaction(async (tx) => {
				const elder = await tx.elder.findUniqueOrThrow({ where: { id: elderId }, select: { districtId: true, communityId: true } })
				const claim = await tx.familyClaim.create({
					data: { elderId, userId: user.id, relationship: input.relationship, typedName: input.name, typedCommunityId: input.communityId },
					select: { id: true },
				})
				// The consent the family confirmed with the request goes with it (it is for this elder).
				await recordConsent(tx, { userId: user.id, kind: 'elder_sensitive', elderId, ip })
				// The elder's community officers find it in their inbox as well as on /elders/claims.
				if (elder.communityId) {
					const officers = await tx.user.findMany({ where: { role: 'community_officer', communityId: elder.communityId, active: true }, select: { id: true } })
					await notify(tx, officers.map((o) => ({ userId: o.id })), 'registry.claim_requested', { params: { family: user.name }, dedupe: claim.id })
				}
				await audit({ actor: user, action: 'elder.claim_request', entityType: 'elder', entityId: elderId, districtId: elder.districtId, details: { claimId: claim.id, relationship: input.relationship } }, tx)
				return claim
			}),
		)
	} catch (error) {
		// The same form sent twice at once: the partial unique index keeps one request.
		if (isUniqueViolation(error)) {
			const first = await pending()
			if (first) return ok(first)
		}
		throw error
	}
}

/**
 * The family's own requests not yet linked (pending, and refused ones with the reason). Only what the
 * family typed comes back, plus the office that acts: named only when it is the community the family
 * itself named (otherwise naming it would tell where the elder lives).
 */
export async function listFamilyClaims(user: SessionUser) {
	const rows = await prisma.familyClaim.findMany({
		// A request overtaken by a link an officer made directly is no longer news.
		where: { userId: user.id, status: { in: ['pending', 'refused'] }, elder: { families: { none: { userId: user.id } } } },
		orderBy: { createdAt: 'desc' },
		take: 20,
		select: {
			id: true,
			typedName: true,
			typedCommunityId: true,
			relationship: true,
			status: true,
			reason: true,
			createdAt: true,
			decidedAt: true,
			elder: { select: { communityId: true, community: { select: { nameZh: true, nameEn: true, openingHours: true } } } },
		},
	})
	return rows.map(({ elder, typedCommunityId, ...claim }) => ({
		...claim,
		office: elder.communityId && elder.communityId === typedCommunityId && elder.community ? elder.community : null,
	}))
}

/** Pending requests for elders in the officer's scope. */
export async function listPendingClaims(user: SessionUser) {
	return prisma.familyClaim.findMany({
		where: { status: 'pending', elder: elderScope(user) },
		orderBy: { createdAt: 'asc' },
		take: 100,
		select: {
			id: true,
			typedName: true,
			relationship: true,
			createdAt: true,
			user: { select: { name: true, phone: true } },
			elder: { select: { id: true, name: true, idNumberMasked: true, _count: { select: { families: true } } } },
		},
	})
}

export async function countPendingClaims(user: SessionUser) {
	return prisma.familyClaim.count({ where: { status: 'pending', elder: elderScope(user) } })
}

/** An officer in scope confirms (the family is linked) or refuses (with a reason) a pending request. */
export async function decideClaim(user: SessionUser, input: DecideClaimInput, ip: string | null): Promise<Outcome<'confirm' | 'refuse'>> {
	return transaction(async (tx) => {
		const claim = await tx.familyClaim.findFirst({
			where: { id: input.claimId, elder: elderScope(user) },
			select: { id: true, status: true, userId: true, relationship: true, typedName: true, elder: { select: { id: true, name: true, districtId: true } } },
		})
		if (!claim) return fail('registry.errors.notFound', 404)
		const confirm = input.decision === 'confirm'
		const { count } = await tx.familyClaim.updateMany({
			where: { id: claim.id, status: 'pending' },
			data: { status: confirm ? 'confirmed' : 'refused', decidedById: user.id, decidedAt: new Date(), reason: confirm ? null : (input.reason ?? null) },
		})
		if (count === 0) return fail('registry.errors.claimDecided', 409)
		if (confirm) await tx.familyLink.createMany({ data: [{ userId: claim.userId, elderId: claim.elder.id, relationship: claim.relationship }], skipDuplicates: true })
		// Refused, the family reads only the name it typed; confirmed, it may see the elder.
		await notify(tx, { userId: claim.userId }, confirm ? 'registry.claim_confirmed' : 'registry.claim_refused', { sms: true,
			params: confirm ? { elder: claim.elder.name, elderId: claim.elder.id } : { elder: claim.typedName, reason: input.reason ?? '' },
			dedupe: claim.id,
		})
		await audit(
			{
				actor: user,
				action: confirm ? 'elder.claim_confirm' : 'elder.claim_refuse',
				entityType: 'elder',
				entityId: claim.elder.id,
				districtId: claim.elder.districtId,
				ip,
				details: { claimId: claim.id, userId: claim.userId, relationship: claim.relationship, reason: input.reason ?? '' },
			},
			tx,
		)
		return ok(input.decision)
	})
}
