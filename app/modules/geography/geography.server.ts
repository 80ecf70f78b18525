// The registry's geography: district → township / street (乡镇 / 街道) → community / village, each
// with its 12-digit statistical division code. District officers (city officers everywhere) create,
// rename, merge and retire townships and communities of their district; every change is audited
// with what it was before. A community with elders, providers, staff or applications is retired,
// never deleted (a trigger refuses the delete: `community_retire_not_delete`).
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { mayManageGeography } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { GeographyInput } from './schemas.ts'

const OPEN_APPLICATION = ['submitted', 'community_approved', 'township_approved'] as const

/**
 * The geography page: the districts the user manages, the chosen one's townships (retired ones
 * too, marked) with their community counts, and the chosen township's communities.
 */
export async function listGeography(user: SessionUser, opts: { districtId?: string | null; townshipId?: string | null } = {}) {
	const districts = await prisma.district.findMany({
		where: user.role === 'bureau_city' ? {} : { id: user.districtId ?? '-' },
		orderBy: { sortOrder: 'asc' },
		select: { id: true, nameZh: true, nameEn: true, divisionCode: true },
	})
	const district = districts.find((d) => d.id === opts.districtId) ?? districts[0] ?? null
	if (!district) return { districts, district: null, unassigned: 0, townships: [], township: null }
	const townships = await prisma.township.findMany({
		where: { districtId: district.id },
		orderBy: [{ retiredAt: { sort: 'desc', nulls: 'first' } }, { code: 'asc' }],
		select: { id: true, code: true, nameZh: true, kind: true, retiredAt: true, _count: { select: { communities: { where: { retiredAt: null } } } } },
	})
	const unassigned = await prisma.community.count({ where: { districtId: district.id, townshipId: null } })
	const chosen = opts.townshipId === 'none' && unassigned ? { id: 'none', nameZh: '', code: '', retiredAt: null } : (townships.find((t) => t.id === opts.townshipId) ?? null)
	const communities = chosen
		? await prisma.community.findMany({
				where: { districtId: district.id, townshipId: chosen.id === 'none' ? null : chosen.id },
				orderBy: [{ retiredAt: { sort: 'desc', nulls: 'first' } }, { code: 'asc' }],
				select: { id: true, code: true, nameZh: true, kind: true, retiredAt: true, _count: { select: { elders: true, providers: true } } },
			})
		: []
	// Where a community can be merged into: the district's communities in service.
	const mergeTargets = chosen
		? await prisma.community.findMany({ where: { districtId: district.id, retiredAt: null }, orderBy: { code: 'asc' }, select: { id: true, nameZh: true, code: true } })
		: []
	return {
		districts,
		district,
		/** Communities of the district with no township yet (a database seeded before townships existed). */
		unassigned,
		townships: townships.map(({ _count, ...t }) => ({ ...t, retiredAt: t.retiredAt?.toISOString() ?? null, communities: _count.communities })),
		township: chosen
			? {
					id: chosen.id,
					nameZh: chosen.nameZh,
					code: chosen.code,
					retired: !!chosen.retiredAt,
					unassigned: chosen.id === 'none',
					communities: communities.map(({ _count, ...c }) => ({ ...c, retiredAt: c.retiredAt?.toISOString() ?? null, elders: _count.elders, providers: _count.providers })),
					mergeTargets,
				}
			: null,
	}
}

/**
 * Active townships and communities (within `scope`, everywhere without one), by district, for the
 * residence pickers of the elder forms. Districts and townships with nothing in scope are left out.
 */
export async function listPlaces(scope: Prisma.CommunityWhereInput = {}) {
	const select = { id: true, nameZh: true, nameEn: true, kind: true } as const
	const communities = { where: { AND: [{ retiredAt: null }, scope] }, orderBy: [{ code: 'asc' as const }, { nameZh: 'asc' as const }], select }
	const districts = await prisma.district.findMany({
		orderBy: { sortOrder: 'asc' },
		select: {
			id: true,
			nameZh: true,
			nameEn: true,
			townships: { where: { retiredAt: null }, orderBy: { code: 'asc' }, select: { id: true, nameZh: true, nameEn: true, communities } },
			// Communities entered before townships existed (a database seeded earlier) stay choosable until the district assigns them.
			communities: { where: { AND: [{ retiredAt: null, townshipId: null }, scope] }, orderBy: { nameZh: 'asc' }, select },
		},
	})
	return districts
		.map(({ communities: unassigned, ...d }) => ({
			...d,
			townships: [...d.townships, ...(unassigned.length ? [{ id: '', nameZh: '', nameEn: null, communities: unassigned }] : [])].filter((t) => t.communities.length > 0),
		}))
		.filter((d) => d.townships.length > 0)
}

export type Places = Awaited<ReturnType<typeof listPlaces>>

type Ctx = { user: SessionUser; ip: string | null }

/** One change of the geography; the form's intent decides which. */
export async function changeGeography(user: SessionUser, input: GeographyInput, ip: string | null): Promise<Outcome<string>> {
	const ctx = { user, ip }
	try {
		switch (input.intent) {
			case 'create-township':
				return await createTownship(ctx, input)
			case 'rename-township':
				return await renameTownship(ctx, input)
			case 'merge-township':
				return await mergeTownship(ctx, input)
			case 'retire-township':
				return await retireTownship(ctx, input)
			case 'create-community':
				return await createCommunity(ctx, input)
			case 'rename-community':
				return await renameCommunity(ctx, input)
			case 'merge-community':
				return await mergeCommunity(ctx, input)
			case 'retire-community':
				return await retireCommunity(ctx, input)
			case 'move-community':
				return await moveCommunity(ctx, input)
			case 'delete-community':
				return await deleteCommunity(ctx, input)
		}
	} catch (error) {
		return failureOf(error)
	}
}

type Of<I extends GeographyInput['intent']> = Extract<GeographyInput, { intent: I }>

const townshipSelect = { id: true, districtId: true, code: true, nameZh: true, retiredAt: true } as const
const communitySelect = { id: true, districtId: true, townshipId: true, code: true, nameZh: true, retiredAt: true } as const

/** A township the user manages, or the refusal: 404 when unknown, 403 in another district. */
async function managedTownship(user: SessionUser, id: string, field = 'townshipId') {
	const township = await prisma.township.findUnique({ where: { id }, select: townshipSelect })
	if (!township) return { refusal: fieldFail(field, 'geography.errors.township', 404) }
	if (!mayManageGeography(user, township.districtId)) return { refusal: fail('geography.errors.notInScope', 403) }
	return { township }
}

async function managedCommunity(user: SessionUser, id: string, field = 'communityId') {
	const community = await prisma.community.findUnique({ where: { id }, select: communitySelect })
	if (!community) return { refusal: fieldFail(field, 'geography.errors.community', 404) }
	if (!mayManageGeography(user, community.districtId)) return { refusal: fail('geography.errors.notInScope', 403) }
	return { community }
}

async function createTownship({ user, ip }: Ctx, input: Of<'create-township'>): Promise<Outcome<string>> {
	const district = await prisma.district.findUnique({ where: { id: input.districtId }, select: { id: true, divisionCode: true, regionCode: true } })
	if (!district) return fieldFail('districtId', 'errors.district.unknown')
	if (!mayManageGeography(user, district.id)) return fieldFail('districtId', 'errors.district.outOfScope', 403)
	const prefix = (district.divisionCode ?? district.regionCode ?? '').slice(0, 6)
	if (!input.code.startsWith(prefix) || input.code.endsWith('000000')) return fieldFail('code', 'geography.errors.codeOutsideDistrict')
	const created = await transaction(async (tx) => {
		const row = await tx.township.create({ data: { districtId: district.id, code: input.code, nameZh: input.nameZh, kind: input.kind }, select: { id: true } })
		await audit({ actor: user, action: 'geography.township_create', entityType: 'township', entityId: row.id, districtId: district.id, ip, details: { after: { code: input.code, nameZh: input.nameZh, kind: input.kind } } }, tx)
		return row
	})
	return ok(created.id)
}

async function renameTownship({ user, ip }: Ctx, input: Of<'rename-township'>): Promise<Outcome<string>> {
	const { township, refusal } = await managedTownship(user, input.townshipId)
	if (refusal) return refusal
	if (township.retiredAt) return fail('geography.errors.retired', 409)
	await transaction(async (tx) => {
		const { count } = await tx.township.updateMany({ where: { id: township.id, retiredAt: null }, data: { nameZh: input.nameZh } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		await audit({ actor: user, action: 'geography.township_rename', entityType: 'township', entityId: township.id, districtId: township.districtId, ip, details: { before: { nameZh: township.nameZh }, after: { nameZh: input.nameZh } } }, tx)
	})
	return ok(township.id)
}

/** Moves the township's communities (and its officers, and open applications) into another one of the same district, then retires it. */
async function mergeTownship({ user, ip }: Ctx, input: Of<'merge-township'>): Promise<Outcome<string>> {
	const { township, refusal } = await managedTownship(user, input.townshipId)
	if (refusal) return refusal
	const into = await prisma.township.findUnique({ where: { id: input.intoId }, select: townshipSelect })
	if (!into || into.districtId !== township.districtId) return fieldFail('intoId', 'geography.errors.mergeOtherDistrict')
	if (into.id === township.id) return fieldFail('intoId', 'geography.errors.mergeSelf')
	if (township.retiredAt || into.retiredAt) return fail('geography.errors.retired', 409)
	await transaction(async (tx) => {
		const { count } = await tx.township.updateMany({ where: { id: township.id, retiredAt: null }, data: { retiredAt: new Date(), mergedIntoId: into.id } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		const target = await tx.township.findFirst({ where: { id: into.id, retiredAt: null }, select: { id: true } })
		if (!target) refuse('intoId', 'geography.errors.retired')
		const communities = await tx.community.updateMany({ where: { townshipId: township.id }, data: { townshipId: into.id } })
		const officers = await tx.user.updateMany({ where: { townshipId: township.id }, data: { townshipId: into.id } })
		const applications = await tx.subsidyApplication.updateMany({ where: { townshipId: township.id, status: { in: [...OPEN_APPLICATION] } }, data: { townshipId: into.id } })
		await audit(
			{
				actor: user,
				action: 'geography.township_merge',
				entityType: 'township',
				entityId: township.id,
				districtId: township.districtId,
				ip,
				details: { before: { nameZh: township.nameZh, code: township.code }, into: { id: into.id, nameZh: into.nameZh, code: into.code }, moved: { communities: communities.count, officers: officers.count, applications: applications.count } },
			},
			tx,
		)
	})
	return ok(township.id)
}

/** A township is retired once it has no community in service (merge or move them first). */
async function retireTownship({ user, ip }: Ctx, input: Of<'retire-township'>): Promise<Outcome<string>> {
	const { township, refusal } = await managedTownship(user, input.townshipId)
	if (refusal) return refusal
	if (township.retiredAt) return fail('geography.errors.retired', 409)
	await transaction(async (tx) => {
		// Locks the township so no community is added while it is being retired.
		const { count } = await tx.township.updateMany({ where: { id: township.id, retiredAt: null }, data: { retiredAt: new Date() } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		const active = await tx.community.count({ where: { townshipId: township.id, retiredAt: null } })
		if (active > 0) refuse(null, 'geography.errors.hasCommunities')
		await audit({ actor: user, action: 'geography.township_retire', entityType: 'township', entityId: township.id, districtId: township.districtId, ip, details: { before: { nameZh: township.nameZh, code: township.code } } }, tx)
	})
	return ok(township.id)
}

async function createCommunity({ user, ip }: Ctx, input: Of<'create-community'>): Promise<Outcome<string>> {
	const { township, refusal } = await managedTownship(user, input.townshipId)
	if (refusal) return refusal
	if (township.retiredAt) return fieldFail('townshipId', 'geography.errors.retired', 409)
	if (!input.code.startsWith(township.code.slice(0, 9)) || input.code.endsWith('000')) return fieldFail('code', 'geography.errors.codeOutsideTownship')
	const created = await transaction(async (tx) => {
		const row = await tx.community.create({ data: { districtId: township.districtId, townshipId: township.id, code: input.code, nameZh: input.nameZh, kind: input.kind }, select: { id: true } })
		// The township may have been retired meanwhile: its row is locked by this check in the same transaction.
		const still = await tx.township.updateMany({ where: { id: township.id, retiredAt: null }, data: { updatedAt: new Date() } })
		if (still.count === 0) refuse('townshipId', 'geography.errors.retired')
		await audit({ actor: user, action: 'geography.community_create', entityType: 'community', entityId: row.id, districtId: township.districtId, ip, details: { after: { code: input.code, nameZh: input.nameZh, kind: input.kind, townshipId: township.id } } }, tx)
		return row
	})
	return ok(created.id)
}

async function renameCommunity({ user, ip }: Ctx, input: Of<'rename-community'>): Promise<Outcome<string>> {
	const { community, refusal } = await managedCommunity(user, input.communityId)
	if (refusal) return refusal
	if (community.retiredAt) return fail('geography.errors.retired', 409)
	await transaction(async (tx) => {
		const { count } = await tx.community.updateMany({ where: { id: community.id, retiredAt: null }, data: { nameZh: input.nameZh } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		await audit({ actor: user, action: 'geography.community_rename', entityType: 'community', entityId: community.id, districtId: community.districtId, ip, details: { before: { nameZh: community.nameZh }, after: { nameZh: input.nameZh } } }, tx)
	})
	return ok(community.id)
}

/** Moves everything that points at the community (elders, providers, staff, open applications) into another one of the district, then retires it. */
async function mergeCommunity({ user, ip }: Ctx, input: Of<'merge-community'>): Promise<Outcome<string>> {
	const { community, refusal } = await managedCommunity(user, input.communityId)
	if (refusal) return refusal
	const into = await prisma.community.findUnique({ where: { id: input.intoId }, select: { ...communitySelect, kind: true } })
	if (!into || into.districtId !== community.districtId) return fieldFail('intoId', 'geography.errors.mergeOtherDistrict')
	if (into.id === community.id) return fieldFail('intoId', 'geography.errors.mergeSelf')
	if (community.retiredAt || into.retiredAt) return fail('geography.errors.retired', 409)
	await transaction(async (tx) => {
		const { count } = await tx.community.updateMany({ where: { id: community.id, retiredAt: null }, data: { retiredAt: new Date(), mergedIntoId: into.id } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		const target = await tx.community.findFirst({ where: { id: into.id, retiredAt: null }, select: { id: true } })
		if (!target) refuse('intoId', 'geography.errors.retired')
		const moved = await moveCommunityRows(tx, community.id, into)
		await audit(
			{
				actor: user,
				action: 'geography.community_merge',
				entityType: 'community',
				entityId: community.id,
				districtId: community.districtId,
				ip,
				details: { before: { nameZh: community.nameZh, code: community.code, townshipId: community.townshipId }, into: { id: into.id, nameZh: into.nameZh, code: into.code }, moved },
			},
			tx,
		)
	})
	return ok(community.id)
}

async function moveCommunityRows(tx: Tx, fromId: string, into: { id: string; townshipId: string | null; kind: 'urban_community' | 'village' }) {
	// Elders move with a new version, so an officer editing one meanwhile is told rather than overwriting the move.
	const elders = await tx.elder.updateMany({ where: { communityId: fromId }, data: { communityId: into.id, settlement: into.kind, version: { increment: 1 } } })
	const providers = await tx.provider.updateMany({ where: { communityId: fromId }, data: { communityId: into.id } })
	const staff = await tx.user.updateMany({ where: { communityId: fromId }, data: { communityId: into.id } })
	const applications = await tx.subsidyApplication.updateMany({ where: { communityId: fromId, status: { in: [...OPEN_APPLICATION] } }, data: { communityId: into.id, townshipId: into.townshipId } })
	return { elders: elders.count, providers: providers.count, staff: staff.count, applications: applications.count }
}

/** A boundary change: the community (or one entered before townships existed) belongs to another township of its district. */
async function moveCommunity({ user, ip }: Ctx, input: Of<'move-community'>): Promise<Outcome<string>> {
	const { community, refusal } = await managedCommunity(user, input.communityId)
	if (refusal) return refusal
	if (community.retiredAt) return fail('geography.errors.retired', 409)
	const to = await prisma.township.findUnique({ where: { id: input.townshipId }, select: townshipSelect })
	if (!to || to.districtId !== community.districtId) return fieldFail('townshipId', 'geography.errors.mergeOtherDistrict')
	if (to.retiredAt) return fieldFail('townshipId', 'geography.errors.retired', 409)
	if (to.id === community.townshipId) return fieldFail('townshipId', 'geography.errors.mergeSelf')
	await transaction(async (tx) => {
		const { count } = await tx.community.updateMany({ where: { id: community.id, retiredAt: null }, data: { townshipId: to.id } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		const target = await tx.township.findFirst({ where: { id: to.id, retiredAt: null }, select: { id: true } })
		if (!target) refuse('townshipId', 'geography.errors.retired')
		const applications = await tx.subsidyApplication.updateMany({ where: { communityId: community.id, status: { in: [...OPEN_APPLICATION] } }, data: { townshipId: to.id } })
		await audit(
			{ actor: user, action: 'geography.community_move', entityType: 'community', entityId: community.id, districtId: community.districtId, ip, details: { before: { townshipId: community.townshipId }, after: { townshipId: to.id }, moved: { applications: applications.count } } },
			tx,
		)
	})
	return ok(community.id)
}

/** Retired: no new elders or providers; those it has keep pointing at it. */
async function retireCommunity({ user, ip }: Ctx, input: Of<'retire-community'>): Promise<Outcome<string>> {
	const { community, refusal } = await managedCommunity(user, input.communityId)
	if (refusal) return refusal
	if (community.retiredAt) return fail('geography.errors.retired', 409)
	await transaction(async (tx) => {
		const { count } = await tx.community.updateMany({ where: { id: community.id, retiredAt: null }, data: { retiredAt: new Date() } })
		if (count === 0) refuse(null, 'geography.errors.retired')
		await audit({ actor: user, action: 'geography.community_retire', entityType: 'community', entityId: community.id, districtId: community.districtId, ip, details: { before: { nameZh: community.nameZh, code: community.code } } }, tx)
	})
	return ok(community.id)
}

/** Only a community nothing points at (one created by mistake) is deleted; the database refuses the rest. */
async function deleteCommunity({ user, ip }: Ctx, input: Of<'delete-community'>): Promise<Outcome<string>> {
	const { community, refusal } = await managedCommunity(user, input.communityId)
	if (refusal) return refusal
	await transaction(async (tx) => {
		await tx.community.delete({ where: { id: community.id } })
		await audit({ actor: user, action: 'geography.community_delete', entityType: 'community', entityId: community.id, districtId: community.districtId, ip, details: { before: { nameZh: community.nameZh, code: community.code, townshipId: community.townshipId } } }, tx)
	})
	return ok(community.id)
}
