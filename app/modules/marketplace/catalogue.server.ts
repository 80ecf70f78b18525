// A provider's catalogue: offerings, their weekly schedule, closures and booking terms. Every
// function is scoped to the staff member's own provider.
import { z } from 'zod'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { isProviderManager } from '~/modules/accounts/accounts.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { CATEGORIES_BY_KIND } from './categories.ts'
import { requireApprovedProvider } from './provider-standing.server.ts'
import type { exceptionSchema, offeringSchema, ruleSchema, termsSchema } from './schemas.ts'

function providerIdOf(user: SessionUser): string {
	if (user.role !== 'provider_staff' || !user.providerId) throw new Response('Only provider staff can do this.', { status: 403 })
	return user.providerId
}

export async function getOwnProvider(user: SessionUser) {
	const providerId = providerIdOf(user)
	const provider = await prisma.provider.findUniqueOrThrow({
		where: { id: providerId },
		select: {
			id: true,
			name: true,
			kind: true,
			status: true,
			statusReason: true,
			grade: true,
			gradedAt: true,
			districtId: true,
			districtsServed: { select: { districtId: true } },
			profile: true,
			offerings: {
				orderBy: { createdAt: 'asc' },
				select: { id: true, title: true, category: true, priceFen: true, unit: true, durationMinutes: true, active: true, districtIds: true, communityIds: true, _count: { select: { rules: true } } },
			},
		},
	})
	const names = await communityNames(provider.offerings.flatMap((o) => o.communityIds))
	return { ...provider, offerings: provider.offerings.map((o) => ({ ...o, communities: o.communityIds.flatMap((id) => names.get(id) ?? []) })) }
}

type OfferingInput = z.infer<typeof offeringSchema>

async function checkOffering(providerId: string, input: OfferingInput): Promise<Outcome<null> | null> {
	const provider = await prisma.provider.findUniqueOrThrow({ where: { id: providerId }, select: { kind: true, districtsServed: { select: { districtId: true } } } })
	if (!CATEGORIES_BY_KIND[provider.kind].includes(input.category)) return fieldFail('category', 'marketplace:errors.category.notForKind')
	const served = new Set(provider.districtsServed.map((d) => d.districtId))
	if (input.districtIds.some((d) => !served.has(d))) return fieldFail('districtIds', 'marketplace:errors.districts.notServed')
	// Each chosen community must exist and lie in one of the offering's own districts.
	const communityIds = [...new Set(input.communityIds)]
	if (communityIds.length > 0) {
		const found = await prisma.community.findMany({ where: { id: { in: communityIds } }, select: { districtId: true } })
		if (found.length !== communityIds.length) return fieldFail('communityIds', 'marketplace:errors.communities.unknown')
		const chosen = new Set(input.districtIds)
		if (found.some((c) => !chosen.has(c.districtId))) return fieldFail('communityIds', 'marketplace:errors.communities.outsideArea')
	}
	return null
}

/** Names of communities by id, for showing an offering's limit ("仅限：…"). */
export async function communityNames(ids: string[]) {
	const unique = [...new Set(ids)]
	if (unique.length === 0) return new Map<string, { nameZh: string; nameEn: string | null }>()
	const rows = await prisma.community.findMany({ where: { id: { in: unique } }, orderBy: { nameZh: 'asc' }, select: { id: true, nameZh: true, nameEn: true } })
	return new Map(rows.map((r) => [r.id, { nameZh: r.nameZh, nameEn: r.nameEn }]))
}

export async function createOffering(user: SessionUser, input: OfferingInput): Promise<Outcome<{ id: string }>> {
	return writeOffering(user, input, (tx, providerId) => tx.offering.create({ data: { providerId, ...offeringColumns(input) }, select: { id: true } }))
}

export async function updateOffering(user: SessionUser, offeringId: string, input: OfferingInput): Promise<Outcome<{ id: string }>> {
	// Existing bookings keep the price they were booked at; only new bookings see the new one.
	const changed = await writeOffering(user, input, (tx, providerId) => tx.offering.updateMany({ where: { id: offeringId, providerId }, data: offeringColumns(input) }))
	if (!changed.ok) return changed
	if (changed.value.count === 0) throw new Response('Not found', { status: 404 })
	return ok({ id: offeringId })
}

/**
 * An offering's form checked, then written in a transaction. A provider not (or no longer) approved
 * may prepare offerings, but not publish them (active).
 */
async function writeOffering<T>(user: SessionUser, input: OfferingInput, write: (tx: Tx, providerId: string) => Promise<T>): Promise<Outcome<T>> {
	const providerId = providerIdOf(user)
	const problem = await checkOffering(providerId, input)
	if (problem && !problem.ok) return problem
	try {
		return ok(
			await transaction(async (tx) => {
				if (input.active) await requireApprovedProvider(tx, providerId)
				return write(tx, providerId)
			}),
		)
	} catch (error) {
		return failureOf(error)
	}
}

/** The columns an offering's form sets, on creation and on each edit alike (places without repeats). */
function offeringColumns({ category, title, description, price, unit, durationMinutes, districtIds, communityIds, active }: OfferingInput) {
	return { category, title, description, priceFen: price, unit, durationMinutes, districtIds: [...new Set(districtIds)], communityIds: [...new Set(communityIds)], active }
}

export async function getOwnOffering(user: SessionUser, offeringId: string) {
	const providerId = providerIdOf(user)
	if (!z.uuid().safeParse(offeringId).success) return null
	const offering = await prisma.offering.findFirst({
		where: { id: offeringId, providerId },
		select: {
			id: true,
			category: true,
			title: true,
			description: true,
			priceFen: true,
			unit: true,
			durationMinutes: true,
			districtIds: true,
			communityIds: true,
			active: true,
			rules: { orderBy: [{ weekday: 'asc' }, { startMinute: 'asc' }], select: { id: true, weekday: true, startMinute: true, endMinute: true, capacity: true } },
		},
	})
	if (!offering) return null
	const closures = await prisma.availabilityException.findMany({
		where: { providerId, OR: [{ offeringId: null }, { offeringId }], date: { gte: dateOnly(shanghaiDate()) } },
		orderBy: { date: 'asc' },
		select: { id: true, date: true, reason: true, offeringId: true },
	})
	return { offering, closures: closures.map((c) => ({ ...c, date: toDateString(c.date) })) }
}

export async function addRules(user: SessionUser, offeringId: string, input: z.infer<typeof ruleSchema>): Promise<Outcome<null>> {
	const providerId = providerIdOf(user)
	const offering = await prisma.offering.findFirst({ where: { id: offeringId, providerId }, select: { id: true, durationMinutes: true, rules: true } })
	if (!offering) throw new Response('Not found', { status: 404 })
	if (input.end - input.start < offering.durationMinutes) return fieldFail('end', 'marketplace:errors.time.tooShortForDuration')
	for (const weekday of input.weekdays) {
		const clash = offering.rules.find((r) => r.weekday === weekday && r.startMinute < input.end && input.start < r.endMinute)
		if (clash) return fieldFail('start', 'marketplace:errors.time.overlapsRule')
	}
	await prisma.availabilityRule.createMany({
		data: [...new Set(input.weekdays)].map((weekday) => ({ offeringId, weekday, startMinute: input.start, endMinute: input.end, capacity: input.capacity })),
	})
	return { ok: true, value: null }
}

export async function removeRule(user: SessionUser, offeringId: string, ruleId: string) {
	const providerId = providerIdOf(user)
	if (!z.uuid().safeParse(ruleId).success) throw new Response('Not found', { status: 404 })
	// Bookings already made keep their slot; the rule only stops new ones.
	await prisma.availabilityRule.deleteMany({ where: { id: ruleId, offeringId, offering: { providerId } } })
}

export async function addClosure(user: SessionUser, offeringId: string | null, input: z.infer<typeof exceptionSchema>): Promise<Outcome<null>> {
	const providerId = providerIdOf(user)
	if (input.date < shanghaiDate()) return fieldFail('date', 'marketplace:errors.date.past')
	if (offeringId && !(await prisma.offering.count({ where: { id: offeringId, providerId } }))) throw new Response('Not found', { status: 404 })
	await prisma.availabilityException.create({ data: { providerId, offeringId, date: dateOnly(input.date), reason: input.reason } })
	return { ok: true, value: null }
}

/**
 * The provider's booking terms (confirmation, hold, free cancellation, the late-cancellation fee):
 * they decide what families pay, so only its managers set them, and each change is audited with the
 * terms before and after.
 */
export async function updateTerms(user: SessionUser, input: z.infer<typeof termsSchema>, ip: string | null): Promise<Outcome<null>> {
	const providerId = providerIdOf(user)
	const data = { autoConfirm: input.autoConfirm, holdMinutes: input.holdMinutes, freeCancelHours: input.freeCancelHours, lateCancelFeePercent: input.lateCancelFeePercent }
	return transaction(async (tx) => {
		if (!(await isProviderManager(user, tx))) return fail('marketplace:errors.terms.managerOnly', 403)
		const before = await tx.providerProfile.findUnique({ where: { providerId }, select: { autoConfirm: true, holdMinutes: true, freeCancelHours: true, lateCancelFeePercent: true } })
		await tx.providerProfile.upsert({ where: { providerId }, create: { providerId, ...data }, update: data })
		await audit({ actor: user, action: 'provider.terms_update', entityType: 'provider', entityId: providerId, districtId: user.districtId, details: { before, after: data }, ip }, tx)
		return ok(null)
	})
}

/** The categories, districts and their communities a provider may offer in (for the offering form). */
export async function offeringFormOptions(user: SessionUser) {
	const providerId = providerIdOf(user)
	const provider = await prisma.provider.findUniqueOrThrow({
		where: { id: providerId },
		select: {
			kind: true,
			districtsServed: {
				orderBy: { district: { sortOrder: 'asc' } },
				select: { district: { select: { id: true, nameZh: true, nameEn: true, communities: { orderBy: [{ kind: 'asc' }, { nameZh: 'asc' }], select: { id: true, nameZh: true, nameEn: true } } } } },
			},
		},
	})
	return { categories: CATEGORIES_BY_KIND[provider.kind], districts: provider.districtsServed.map((d) => d.district) }
}
