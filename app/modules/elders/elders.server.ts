import { z } from 'zod'
import { prisma } from '~/lib/db.server.ts'
import { isUniqueViolation } from '~/lib/db-errors.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { ageOn, shanghaiDate, toDateString } from '~/lib/time.ts'
import { fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { recordConsent } from '~/modules/accounts/privacy.server.ts'
import { elderScope, mayRevealIdNumber } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { decryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { requestClaim } from './claims.server.ts'
import { identityColumns, residenceOf } from './registry.server.ts'
import { type addElderSchema, MIN_ELDER_AGE } from './schemas.ts'

type AddElderInput = z.infer<ReturnType<typeof addElderSchema>>

const elderSummary = {
	id: true,
	name: true,
	gender: true,
	birthDate: true,
	idNumberMasked: true,
	districtId: true,
	settlement: true,
	categories: true,
	disabilityLevel: true,
	deathDate: true,
	residencyStatus: true,
	lastLivenessAt: true,
	district: { select: { nameZh: true, nameEn: true } },
	community: { select: { nameZh: true, nameEn: true, township: { select: { nameZh: true, nameEn: true } } } },
	residenceStatus: true,
	residenceNote: true,
} as const

/** A family member registers an elder they care for. One transaction: the elder, the link, the audit entry. */
/** A family adds an elder it cares for, with the consent it confirmed (recorded with the link or the claim). */
export async function addElderForFamily(user: SessionUser, input: AddElderInput, ip: string | null = null): Promise<Outcome<{ kind: 'elder' | 'claim'; id: string }>> {
	const today = shanghaiDate()
	if (ageOn(input.idNumber.birthDate, today) < MIN_ELDER_AGE) return fieldFail('idNumber', 'errors.idNumber.tooYoung')
	// A family may name any community in service; an officer of that place verifies it afterwards.
	const place = await residenceOf(input.districtId, input.communityId, {})
	if (!place.ok) return place
	const district = { id: place.value.districtId }
	const community = { id: place.value.communityId, kind: place.value.kind }

	const idHash = hashIdNumber(input.idNumber.value)
	const existing = await prisma.elder.findUnique({ where: { idNumberHash: idHash }, select: { id: true, families: { where: { userId: user.id }, select: { userId: true } } } })
	if (existing) {
		if (existing.families.length) return fieldFail('idNumber', 'errors.elder.alreadyYours')
		// Knowing an ID number must not be enough to see an elder: the elder's community confirms the claim first.
		const claim = await requestClaim(user, existing.id, { name: input.name, relationship: input.relationship, communityId: community.id }, ip)
		return claim.ok ? ok({ kind: 'claim' as const, id: claim.value.id }) : claim
	}
	try {
		const elder = await prisma.$transaction(async (tx) => {
			const created = await tx.elder.create({
				data: {
					...identityColumns(input.idNumber, idHash),
					name: input.name,
					districtId: district.id,
					communityId: community.id,
					settlement: community.kind,
					// The registered residence (户籍) a family gives waits for an officer's verification.
					residenceStatus: 'unverified',
					registeredById: user.id,
				},
				select: { id: true },
			})
			await tx.familyLink.create({ data: { userId: user.id, elderId: created.id, relationship: input.relationship } })
			await recordConsent(tx, { userId: user.id, kind: 'elder_sensitive', elderId: created.id, ip })
			await audit({ actor: user, action: 'elder.register', entityType: 'elder', entityId: created.id, districtId: district.id }, tx)
			return created
		})
		return ok({ kind: 'elder' as const, id: elder.id })
	} catch (error) {
		// Two submissions racing past the check above: the unique hash decides.
		if (isUniqueViolation(error)) {
			return fieldFail('idNumber', 'errors.elder.alreadyYours')
		}
		throw error
	}
}

/** How many elders in the officer's scope wait for their residence to be verified (/elders?residence=unverified lists them). */
export async function countUnverifiedResidences(user: SessionUser) {
	return prisma.elder.count({ where: { AND: [elderScope(user), { residenceStatus: 'unverified' }] } })
}

/** A family's elders whose residence an officer could not verify yet and said why: the family has something to bring or fix. */
export async function countResidenceNotesForFamily(user: SessionUser) {
	if (user.role !== 'family') return 0
	return prisma.elder.count({ where: { AND: [elderScope(user), { residenceStatus: 'unverified', residenceNote: { not: null } }] } })
}

export async function listElders(user: SessionUser, opts: { page?: number; pageSize?: number; districtId?: string; unverified?: boolean } = {}) {
	const pageSize = opts.pageSize ?? 50
	const page = Math.max(1, opts.page ?? 1)
	const rows = await prisma.elder.findMany({
		where: { AND: [elderScope(user), opts.districtId ? { districtId: opts.districtId } : {}, opts.unverified ? { residenceStatus: 'unverified' } : {}] },
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
		...pageWindow(page, pageSize),
		select: elderSummary,
	})
	return { hasMore: rows.length > pageSize, elders: rows.slice(0, pageSize).map(withAge) }
}

/** The age replaces the birth date: shown next to a mask, the birth date would give away the hidden middle of the number. */
function withAge<T extends { birthDate: Date }>({ birthDate, ...e }: T): Omit<T, 'birthDate'> & { age: number } {
	return { ...e, age: ageOn(toDateString(birthDate), shanghaiDate()) }
}

/** One elder within the user's scope; null (shown as 404) when outside it, so existence does not leak. */
export async function getElder(user: SessionUser, elderId: string) {
	if (!z.uuid().safeParse(elderId).success) return null
	const elder = await prisma.elder.findFirst({
		where: { AND: [{ id: elderId }, elderScope(user)] },
		select: {
			...elderSummary,
			communityId: true,
			phone: true,
			emergencyContactName: true,
			emergencyContactPhone: true,
			residenceVerifiedAt: true,
			idNumberErasedAt: true,
			version: true,
			homeLocatedAt: true,
			homeLocationSource: true,
			families: { select: { relationship: true, user: { select: { id: true, name: true } } } },
		},
	})
	return elder ? withAge(elder) : null
}

/** Reveals the full identity number to an authorised user and records that they saw it. */
export async function revealIdNumber(user: SessionUser, elderId: string, ip: string | null) {
	if (!mayRevealIdNumber(user)) return { ok: false as const, status: 403 }
	if (!z.uuid().safeParse(elderId).success) return { ok: false as const, status: 404 }
	const elder = await prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, districtId: true, idNumberCipher: true } })
	if (!elder) return { ok: false as const, status: 404 }
	// Erased after the bureau's period since the death (identity-retention.server.ts): nothing to reveal.
	if (!elder.idNumberCipher) return { ok: false as const, status: 410 }
	await audit({ actor: user, action: 'pii.reveal_id_number', entityType: 'elder', entityId: elder.id, districtId: elder.districtId, ip })
	const idNumber = decryptIdNumber(elder.idNumberCipher)
	return { ok: true as const, idNumber, birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}` }
}

export async function listDistrictsWithCommunities() {
	return prisma.district.findMany({
		orderBy: { sortOrder: 'asc' },
		select: { id: true, nameZh: true, nameEn: true, communities: { orderBy: { nameZh: 'asc' }, select: { id: true, nameZh: true, nameEn: true, kind: true } } },
	})
}
