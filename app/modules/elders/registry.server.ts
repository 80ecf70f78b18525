// Officers run the registry: community, township and district officers (city officers everywhere)
// register elders in their area, including elders with no family, edit them (audited with before and
// after; an optimistic version check tells the second of two officers editing at once), verify the
// registered residence (户籍) a family gave, and link or unlink family accounts.
//
// The registered residence is the elder's districtId + communityId (the community belongs to one
// township). It is chosen and verified by people, never derived from the identity number's region
// code: numbers keep the code of where they were first issued.
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { isUniqueViolation } from '~/lib/db-errors.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { ageOn, dateOnly, shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { communityScope, elderScope, isRegistrar } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { encryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { maskIdNumber } from '~/modules/identity/id-number.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { MIN_ELDER_AGE, type EditElderInput, type LinkFamilyInput, type RegisterElderInput, type VerifyResidenceInput } from './schemas.ts'

/**
 * A new elder row's identity columns from the parsed ID number (families and officers register the
 * same way): the number sealed, its lookup hash, its masked form, and the gender and birth date it states.
 */
export function identityColumns(idNumber: RegisterElderInput['idNumber'], idHash: ReturnType<typeof hashIdNumber>) {
	return { idNumberCipher: encryptIdNumber(idNumber.value), idNumberHash: idHash, idNumberMasked: maskIdNumber(idNumber.value), gender: idNumber.gender, birthDate: dateOnly(idNumber.birthDate) }
}

type Place = { districtId: string; communityId: string; townshipId: string | null; kind: 'urban_community' | 'village' }

/**
 * The registered residence a form names, checked: the district exists, the community is in it, in
 * service, and within `scope` (the places the user may register in; everywhere for a family).
 */
export async function residenceOf(districtId: string, communityId: string, scope: Prisma.CommunityWhereInput): Promise<Outcome<Place>> {
	const district = await prisma.district.findUnique({ where: { id: districtId }, select: { id: true } })
	if (!district) return fieldFail('districtId', 'errors.district.unknown')
	if (!z.uuid().safeParse(communityId).success) return fieldFail('communityId', 'errors.community.unknown')
	const community = await prisma.community.findFirst({ where: { id: communityId, districtId: district.id }, select: { id: true, kind: true, townshipId: true, retiredAt: true } })
	if (!community) return fieldFail('communityId', 'errors.community.unknown')
	if (community.retiredAt) return fieldFail('communityId', 'registry.errors.communityRetired')
	const inScope = await prisma.community.count({ where: { AND: [{ id: community.id }, scope] } })
	if (!inScope) return fieldFail('communityId', 'registry.errors.communityOutOfScope', 403)
	return ok({ districtId: district.id, communityId: community.id, townshipId: community.townshipId, kind: community.kind })
}

/** An officer registers an elder in their area: verified at once (the officer is who verifies). */
export async function registerElder(user: SessionUser, input: RegisterElderInput, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (!isRegistrar(user)) return fail('registry.errors.officersOnly', 403)
	if (ageOn(input.idNumber.birthDate, shanghaiDate()) < MIN_ELDER_AGE) return fieldFail('idNumber', 'errors.idNumber.tooYoung')
	const place = await residenceOf(input.districtId, input.communityId, communityScope(user))
	if (!place.ok) return place
	const idHash = hashIdNumber(input.idNumber.value)
	const existing = await prisma.elder.findUnique({ where: { idNumberHash: idHash }, select: { id: true } })
	if (existing) return fieldFail('idNumber', 'registry.errors.alreadyRegistered', 409)
	try {
		const created = await transaction(async (tx) => {
			const now = new Date()
			const elder = await tx.elder.create({
				data: {
					...identityColumns(input.idNumber, idHash),
					name: input.name,
					districtId: place.value.districtId,
					communityId: place.value.communityId,
					settlement: place.value.kind,
					phone: input.phone,
					emergencyContactName: input.emergencyContactName,
					emergencyContactPhone: input.emergencyContactPhone,
					residenceStatus: 'verified',
					residenceVerifiedAt: now,
					residenceVerifiedById: user.id,
					registeredById: user.id,
				},
				select: { id: true },
			})
			await audit(
				{ actor: user, action: 'elder.register', entityType: 'elder', entityId: elder.id, districtId: place.value.districtId, ip, details: { by: 'officer', after: { name: input.name, ...residenceDetails(place.value), ...contactDetails(input) } } },
				tx,
			)
			return elder
		})
		return ok(created)
	} catch (error) {
		if (isUniqueViolation(error)) return fieldFail('idNumber', 'registry.errors.alreadyRegistered', 409)
		throw error
	}
}

const residenceDetails = (p: { districtId: string; communityId: string | null }) => ({ districtId: p.districtId, communityId: p.communityId })
const contactDetails = (c: { phone: string | null; emergencyContactName: string | null; emergencyContactPhone: string | null }) => ({
	phone: c.phone,
	emergencyContactName: c.emergencyContactName,
	emergencyContactPhone: c.emergencyContactPhone,
})

const editableSelect = { id: true, version: true, name: true, districtId: true, communityId: true, phone: true, emergencyContactName: true, emergencyContactPhone: true, residenceStatus: true } as const
export type EditableElder = Prisma.ElderGetPayload<{ select: typeof editableSelect }>

/** The elder as the edit form shows it, within the officer's scope (null: 404). */
export async function elderForEdit(user: SessionUser, elderId: string): Promise<EditableElder | null> {
	if (!isRegistrar(user) || !z.uuid().safeParse(elderId).success) return null
	return prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: editableSelect })
}

/**
 * An officer edits an elder. The update is conditional on the version the form was loaded with: if
 * another officer saved meanwhile, nothing is written and the refusal (409) says so; the form keeps
 * what this officer typed. The audit entry keeps each changed field before and after.
 */
export async function editElder(user: SessionUser, elderId: string, input: EditElderInput, ip: string | null): Promise<Outcome<{ id: string; changed: string[] }>> {
	const current = await elderForEdit(user, elderId)
	if (!current) return fail('registry.errors.notFound', 404)
	const residenceChanged = current.districtId !== input.districtId || current.communityId !== input.communityId
	let place: Place | null = null
	if (residenceChanged) {
		const checked = await residenceOf(input.districtId, input.communityId, communityScope(user))
		if (!checked.ok) return checked
		place = checked.value
	}
	if (current.version !== input.version) return fail('registry.errors.editedMeanwhile', 409)
	const after = { name: input.name, districtId: input.districtId, communityId: input.communityId, ...contactDetails(input) }
	const before = { name: current.name, districtId: current.districtId, communityId: current.communityId, ...contactDetails(current) }
	const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k])
	if (changed.length === 0) return ok({ id: current.id, changed })
	try {
		await transaction(async (tx) => {
			const { count } = await tx.elder.updateMany({
				where: { id: current.id, version: input.version },
				data: { ...after, ...(place ? { settlement: place.kind } : {}), version: { increment: 1 } },
			})
			if (count === 0) refuse(null, 'registry.errors.editedMeanwhile', 409)
			await audit(
				{
					actor: user,
					action: 'elder.edit',
					entityType: 'elder',
					entityId: current.id,
					districtId: input.districtId,
					ip,
					details: { version: input.version, before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
				},
				tx,
			)
		})
	} catch (error) {
		return failureOf(error)
	}
	return ok({ id: current.id, changed })
}

/** An officer in scope verifies the registered residence a family gave, or says why they cannot yet. */
export async function verifyResidence(user: SessionUser, elderId: string, input: VerifyResidenceInput, ip: string | null): Promise<Outcome<'verified' | 'rejected'>> {
	const elder = await elderForEdit(user, elderId)
	if (!elder) return fail('registry.errors.notFound', 404)
	if (elder.residenceStatus === 'verified') return fail('registry.errors.alreadyVerified', 409)
	const verify = input.decision === 'verify'
	return transaction(async (tx) => {
		const { count } = await tx.elder.updateMany({
			where: { id: elder.id, residenceStatus: 'unverified' },
			data: verify
				? { residenceStatus: 'verified', residenceVerifiedAt: new Date(), residenceVerifiedById: user.id, residenceNote: null, version: { increment: 1 } }
				: { residenceNote: input.note ?? null, version: { increment: 1 } },
		})
		if (count === 0) return fail('registry.errors.alreadyVerified', 409)
		const families = await tx.familyLink.findMany({ where: { elderId: elder.id }, select: { userId: true } })
		// Not verified yet asks the family to act (bring a document, correct the address): a text too.
		await notify(tx, families, verify ? 'registry.residence_verified' : 'registry.residence_rejected', { params: { elder: elder.name, note: input.note ?? '', elderId: elder.id }, dedupe: `${elder.id}:${elder.version}`, sms: !verify })
		await audit(
			{ actor: user, action: verify ? 'elder.residence_verify' : 'elder.residence_reject', entityType: 'elder', entityId: elder.id, districtId: elder.districtId, ip, details: { residence: residenceDetails(elder), note: input.note ?? '' } },
			tx,
		)
		return ok(verify ? ('verified' as const) : ('rejected' as const))
	})
}

/** Links a family account (found by its phone) to an elder in the officer's scope. */
export async function linkFamily(user: SessionUser, elderId: string, input: LinkFamilyInput, ip: string | null): Promise<Outcome<{ userId: string }>> {
	const elder = await elderForEdit(user, elderId)
	if (!elder) return fail('registry.errors.notFound', 404)
	const family = await prisma.user.findUnique({ where: { phone: input.phone }, select: { id: true, role: true, active: true } })
	if (!family || family.role !== 'family' || !family.active) return fieldFail('phone', 'registry.errors.noFamilyAccount')
	try {
		await transaction(async (tx) => {
			await tx.familyLink.create({ data: { userId: family.id, elderId: elder.id, relationship: input.relationship } })
			await audit({ actor: user, action: 'elder.family_link', entityType: 'elder', entityId: elder.id, districtId: elder.districtId, ip, details: { userId: family.id, relationship: input.relationship } }, tx)
		})
	} catch (error) {
		if (isUniqueViolation(error)) return fieldFail('phone', 'registry.errors.alreadyLinked', 409)
		throw error
	}
	return ok({ userId: family.id })
}

export async function unlinkFamily(user: SessionUser, elderId: string, familyUserId: string, ip: string | null): Promise<Outcome<{ userId: string }>> {
	const elder = await elderForEdit(user, elderId)
	if (!elder) return fail('registry.errors.notFound', 404)
	return transaction(async (tx) => {
		const link = await tx.familyLink.findUnique({ where: { userId_elderId: { userId: familyUserId, elderId: elder.id } }, select: { relationship: true } })
		if (!link) return fieldFail('userId', 'registry.errors.notLinked', 404)
		await tx.familyLink.delete({ where: { userId_elderId: { userId: familyUserId, elderId: elder.id } } })
		// The family's open requests about the elder lapse with the link (rights/requests.server.ts).
		const lapsed = await tx.rightsRequest.updateMany({ where: { userId: familyUserId, elderId: elder.id, status: 'open' }, data: { status: 'withdrawn', decidedAt: new Date() } })
		await audit({ actor: user, action: 'elder.family_unlink', entityType: 'elder', entityId: elder.id, districtId: elder.districtId, ip, details: { userId: familyUserId, relationship: link.relationship, rightsRequestsWithdrawn: lapsed.count } }, tx)
		return ok({ userId: familyUserId })
	})
}
