// Subsidy policies, their versions, exclusions (stacking rules) and budgets.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { decideChange, listPendingChanges, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { BudgetInput, CreatePolicyInput, DistrictLimitInput, PolicyRulesInput } from './schemas.ts'

/**
 * City policies are the city bureau's. A district (county) officer makes, changes and funds their
 * own district's policies and top-ups of city policies, within the limits the city sets for the
 * district (monthly credit per elder, the year's budgets in total; the database checks both); the
 * city sees every policy. Every change still needs a second officer with the same rights.
 */
export const POLICY_ADMIN_ROLES = ['bureau_city', 'admin'] as const

export function canManagePolicies(user: SessionUser) {
	return (POLICY_ADMIN_ROLES as readonly string[]).includes(user.role)
}

/** The district whose own policies the user makes (district officers), or null. */
export function ownPolicyDistrict(user: SessionUser): string | null {
	return user.role === 'bureau_district' && user.districtId ? user.districtId : null
}

/** Whether the user may change a policy of this owner (null: a city policy). */
export function mayManagePolicy(user: SessionUser, ownerDistrictId: string | null) {
	return ownerDistrictId === null ? canManagePolicies(user) : ownPolicyDistrict(user) === ownerDistrictId
}

/** Whether the user may approve a change of a policy of this owner (the proposer is refused separately). */
function mayDecidePolicy(user: SessionUser, ownerDistrictId: string | null) {
	return mayManagePolicy(user, ownerDistrictId) || (ownerDistrictId !== null && canManagePolicies(user))
}

type CreatePayload = CreatePolicyInput & { ownerDistrictId: string | null }

async function policyOwner(policyId: string, db: Tx | typeof prisma = prisma): Promise<{ ownerDistrictId: string | null } | null> {
	return db.subsidyPolicy.findUnique({ where: { id: policyId }, select: { ownerDistrictId: true } })
}

/** A district policy's rules checked against the city's limits (the triggers check again on write). */
async function checkDistrictLimits(owner: string, monthlyCreditFen: number, db: Tx | typeof prisma) {
	const limit = await db.subsidyDistrictLimit.findUnique({ where: { districtId: owner }, select: { maxMonthlyCreditFen: true } })
	if (!limit) return fieldFail('monthlyCredit', 'subsidies:errors.districtPolicy.noLimit')
	if (monthlyCreditFen > limit.maxMonthlyCreditFen) return fieldFail('monthlyCredit', 'subsidies:errors.districtPolicy.creditLimit')
	return null
}

const versionSelect = {
	id: true,
	policyId: true,
	version: true,
	effectiveFrom: true,
	validUntil: true,
	categories: true,
	minDisability: true,
	minAge: true,
	districtIds: true,
	monthlyCreditFen: true,
	coveredCategories: true,
	copayBps: true,
	expiresAtMonthEnd: true,
} as const

export type PolicyVersion = Prisma.SubsidyPolicyVersionGetPayload<{ select: typeof versionSelect }>

export function versionRules(v: PolicyVersion) {
	return {
		effectiveFrom: toDateString(v.effectiveFrom),
		validUntil: v.validUntil ? toDateString(v.validUntil) : null,
		categories: v.categories,
		minDisability: v.minDisability,
		minAge: v.minAge,
		districtIds: v.districtIds,
	}
}

/** The version in force on a date: the latest one effective on or before it. */
export async function versionOn(policyId: string, on: string, tx: Tx | typeof prisma = prisma): Promise<PolicyVersion | null> {
	return tx.subsidyPolicyVersion.findFirst({
		where: { policyId, effectiveFrom: { lte: dateOnly(on) } },
		orderBy: { effectiveFrom: 'desc' },
		select: versionSelect,
	})
}

function versionData(input: PolicyRulesInput | CreatePolicyInput) {
	return {
		effectiveFrom: dateOnly(input.effectiveFrom),
		validUntil: input.validUntil ? dateOnly(input.validUntil) : null,
		categories: input.categories,
		minDisability: input.minDisability,
		minAge: input.minAge,
		districtIds: input.districtIds,
		monthlyCreditFen: input.monthlyCredit,
		coveredCategories: input.coveredCategories,
		copayBps: input.copayPercent,
		expiresAtMonthEnd: input.expiresAtMonthEnd,
	}
}

async function unknownDistricts(ids: readonly string[]) {
	if (!ids.length) return []
	const found = await prisma.district.findMany({ where: { id: { in: [...ids] } }, select: { id: true } })
	return ids.filter((id) => !found.some((d) => d.id === id))
}

/**
 * Proposes a new policy. Policy changes take effect only when a second city officer approves them
 * (decidePolicyChange; app/modules/auth/pending-changes.server.ts): here the input is checked and
 * recorded as a pending change.
 */
export async function createPolicy(user: SessionUser, input: CreatePolicyInput, ip: string | null = null): Promise<Outcome<{ id: string }>> {
	const owner = ownPolicyDistrict(user)
	if (!owner && !canManagePolicies(user)) return fail('subsidies:errors.cityOnly', 403)
	// A district policy applies in its own district only, whatever the form sent.
	const payload: CreatePayload = { ...input, districtIds: owner ? [owner] : input.districtIds, ownerDistrictId: owner }
	const refused = await checkCreate(payload, prisma)
	if (refused) return refused
	return proposeChange(user, 'subsidy_policy_create', payload as unknown as Prisma.InputJsonValue, input.code, ip)
}

async function checkCreate(input: CreatePayload, db: Tx | typeof prisma) {
	if ((await unknownDistricts(input.districtIds)).length) return fieldFail('districtIds', 'subsidies:errors.district')
	if (input.topUpOfPolicyId) {
		if (!input.ownerDistrictId) return fieldFail('topUpOfPolicyId', 'subsidies:errors.districtPolicy.topUpDistrictOnly')
		const base = await policyOwner(input.topUpOfPolicyId, db)
		if (!base || base.ownerDistrictId !== null) return fieldFail('topUpOfPolicyId', 'subsidies:errors.districtPolicy.topUpOfCity')
	}
	if (input.ownerDistrictId) {
		const over = await checkDistrictLimits(input.ownerDistrictId, input.monthlyCredit, db)
		if (over) return over
	}
	if (input.excludes.length) {
		const n = await db.subsidyPolicy.count({ where: { id: { in: input.excludes } } })
		if (n !== input.excludes.length) return fieldFail('excludes', 'subsidies:errors.policy')
	}
	if (await db.subsidyPolicy.findUnique({ where: { code: input.code }, select: { id: true } })) return fieldFail('code', 'subsidies:errors.codeTaken', 409)
	return null
}

/** Writes an approved new policy (inside the decision's transaction); the proposer is its maker. */
async function applyCreatePolicy(tx: Tx, makerId: string, approver: SessionUser, input: CreatePayload): Promise<Outcome<{ id: string }>> {
	const refused = await checkCreate(input, tx)
	if (refused) return refused
	const created = await tx.subsidyPolicy.create({
		data: { code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, createdById: makerId, ownerDistrictId: input.ownerDistrictId ?? null, topUpOfPolicyId: input.topUpOfPolicyId ?? null },
		select: { id: true },
	})
	await tx.subsidyPolicyVersion.create({ data: { policyId: created.id, version: 1, createdById: makerId, ...versionData(input) } })
	if (input.excludes.length) await tx.subsidyPolicyExclusion.createMany({ data: input.excludes.map((excludedPolicyId) => ({ policyId: created.id, excludedPolicyId })) })
	await audit({
		actor: approver,
		action: 'subsidy.policy_create',
		entityType: 'subsidy_policy',
		entityId: created.id,
		districtId: input.ownerDistrictId ?? null,
		details: { code: input.code, monthlyCreditFen: input.monthlyCredit, copayBps: input.copayPercent, makerId, ownerDistrictId: input.ownerDistrictId ?? null, topUpOfPolicyId: input.topUpOfPolicyId ?? null },
	}, tx)
	return ok(created)
}

/** Proposes a change to a policy: a new version from a date no earlier than today and after the latest version's. */
export async function addPolicyVersion(user: SessionUser, given: PolicyRulesInput, ip: string | null = null): Promise<Outcome<{ id: string }>> {
	const policy = await policyOwner(given.policyId)
	if (!policy) return fieldFail('policyId', 'subsidies:errors.policy', 404)
	if (!mayManagePolicy(user, policy.ownerDistrictId)) return fail(policy.ownerDistrictId ? 'subsidies:errors.districtPolicy.notYours' : 'subsidies:errors.cityOnly', 403)
	const input = policy.ownerDistrictId ? { ...given, districtIds: [policy.ownerDistrictId] } : given
	if ((await unknownDistricts(input.districtIds)).length) return fieldFail('districtIds', 'subsidies:errors.district')
	if (policy.ownerDistrictId) {
		const over = await checkDistrictLimits(policy.ownerDistrictId, input.monthlyCredit, prisma)
		if (over) return over
	}
	if (input.effectiveFrom < shanghaiDate()) return fieldFail('effectiveFrom', 'subsidies:errors.versionInPast')
	const latest = await prisma.subsidyPolicyVersion.findFirst({ where: { policyId: input.policyId }, orderBy: { version: 'desc' }, select: { effectiveFrom: true } })
	if (!latest) return fieldFail('policyId', 'subsidies:errors.policy', 404)
	if (toDateString(latest.effectiveFrom) >= input.effectiveFrom) return fieldFail('effectiveFrom', 'subsidies:errors.versionOrder')
	return proposeChange(user, 'subsidy_policy_version', input as unknown as Prisma.InputJsonValue, input.policyId, ip)
}

/** Writes an approved version (inside the decision's transaction), checking order again under the policy's lock. */
async function applyPolicyVersion(tx: Tx, makerId: string, approver: SessionUser, input: PolicyRulesInput): Promise<Outcome<{ id: string; version: number }>> {
	if (input.effectiveFrom < shanghaiDate()) return fieldFail('effectiveFrom', 'subsidies:errors.versionInPast')
	// Lock the policy so two versions written at once get consecutive numbers.
	const locked = await sql`SELECT id FROM subsidy_policy WHERE id = ${input.policyId}::uuid FOR UPDATE`.first(tx)
	if (!locked) return fieldFail('policyId', 'subsidies:errors.policy', 404)
	const latest = await tx.subsidyPolicyVersion.findFirst({ where: { policyId: input.policyId }, orderBy: { version: 'desc' }, select: { version: true, effectiveFrom: true } })
	if (latest && toDateString(latest.effectiveFrom) >= input.effectiveFrom) return fieldFail('effectiveFrom', 'subsidies:errors.versionOrder')
	const v = await tx.subsidyPolicyVersion.create({ data: { policyId: input.policyId, version: (latest?.version ?? 0) + 1, createdById: makerId, ...versionData(input) }, select: { id: true, version: true } })
	await audit({ actor: approver, action: 'subsidy.policy_version', entityType: 'subsidy_policy', entityId: input.policyId, details: { version: v.version, effectiveFrom: input.effectiveFrom, monthlyCreditFen: input.monthlyCredit, copayBps: input.copayPercent, makerId } }, tx)
	return ok(v)
}

/** A second city officer approves (the change is written) or rejects a pending policy change. */
export async function decidePolicyChange(user: SessionUser, input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null }, ip: string | null): Promise<Outcome<null>> {
	if (!canManagePolicies(user) && !ownPolicyDistrict(user)) return fail('subsidies:errors.cityOnly', 403)
	// The second officer: the city for city policies; for a district's own, another officer of that
	// district or the city (a county bureau with one officer gets the city's sign-off).
	const change = await prisma.pendingChange.findUnique({ where: { id: input.changeId }, select: { kind: true, payload: true } })
	if (change && (change.kind === 'subsidy_policy_create' || change.kind === 'subsidy_policy_version')) {
		const owner = await changeOwner(change.kind, change.payload)
		if (owner !== undefined && !mayDecidePolicy(user, owner)) return fail(owner ? 'subsidies:errors.districtPolicy.notYours' : 'subsidies:errors.cityOnly', 403)
	}
	return decideChange(
		user,
		input,
		['subsidy_policy_create', 'subsidy_policy_version'],
		(change, tx) =>
			change.kind === 'subsidy_policy_create'
				? applyCreatePolicy(tx, change.proposedById, user, { ...(change.payload as unknown as CreatePayload), ownerDistrictId: (change.payload as unknown as Partial<CreatePayload>).ownerDistrictId ?? null })
				: applyPolicyVersion(tx, change.proposedById, user, change.payload as unknown as PolicyRulesInput),
		ip,
	)
}

/** Whose policy a pending change is about: a district, null for the city, undefined if the policy is gone. */
async function changeOwner(kind: string, payload: Prisma.JsonValue): Promise<string | null | undefined> {
	const p = (payload ?? {}) as { ownerDistrictId?: string | null; policyId?: string }
	if (kind === 'subsidy_policy_create') return p.ownerDistrictId ?? null
	const policy = p.policyId ? await policyOwner(p.policyId) : null
	return policy ? policy.ownerDistrictId : undefined
}

/** Policy changes the viewer may decide and did not propose. */
export async function countPolicyChangesToDecide(viewer: SessionUser) {
	return (await pendingPolicyChanges(viewer)).filter((c) => c.viewerMayDecide && !c.viewerIsProposer).length
}

/** Pending policy changes the viewer may see: all for the city; a district's own for its officers. */
export async function pendingPolicyChanges(viewer: SessionUser) {
	const all = await listPendingChanges(['subsidy_policy_create', 'subsidy_policy_version'], viewer)
	if (canManagePolicies(viewer) || viewer.role === 'bureau_city') return all.map((c) => ({ ...c, viewerMayDecide: canManagePolicies(viewer) }))
	const owners = await Promise.all(all.map((c) => changeOwner(c.kind, c.payload)))
	const own = ownPolicyDistrict(viewer)
	return all.map((c, i) => ({ ...c, owner: owners[i] })).filter((c) => own !== null && c.owner === own).map(({ owner: _owner, ...c }) => ({ ...c, viewerMayDecide: true }))
}

export async function setBudget(user: SessionUser, input: BudgetInput): Promise<Outcome<null>> {
	const [policy, district] = await Promise.all([policyOwner(input.policyId), prisma.district.findUnique({ where: { id: input.districtId }, select: { id: true } })])
	if (!policy) return canManagePolicies(user) || ownPolicyDistrict(user) ? fieldFail('policyId', 'subsidies:errors.policy') : fail('subsidies:errors.cityOnly', 403)
	if (!mayManagePolicy(user, policy.ownerDistrictId)) return fail(policy.ownerDistrictId ? 'subsidies:errors.districtPolicy.notYours' : 'subsidies:errors.cityOnly', 403)
	if (!district) return fieldFail('districtId', 'subsidies:errors.district')
	// A district's own policy is funded by that district only (the trigger checks it and the city's yearly limit).
	if (policy.ownerDistrictId && input.districtId !== policy.ownerDistrictId) return fieldFail('districtId', 'subsidies:errors.districtPolicy.ownBudget')
	try {
		return await writeBudget(user, input)
	} catch (error) {
		return failureOf(error)
	}
}

async function writeBudget(user: SessionUser, input: BudgetInput): Promise<Outcome<null>> {
	// A budget cannot drop below what approvals already committed (conditional update, not a read-then-write).
	const updated = await transaction(async (tx) => {
		const rows = await sql`INSERT INTO subsidy_budget ("policyId", "districtId", year, "amountFen", "updatedAt")
			 VALUES (${input.policyId}::uuid, ${input.districtId}, ${input.year}, ${input.amount}, now())
			 ON CONFLICT ("policyId", "districtId", year) DO UPDATE SET "amountFen" = EXCLUDED."amountFen", "updatedAt" = now()
			 WHERE subsidy_budget."committedFen" <= EXCLUDED."amountFen"
			 RETURNING "committedFen"`.rows<{ committedFen: number }>(tx)
		if (rows.length) await audit({ actor: user, action: 'subsidy.budget_set', entityType: 'subsidy_policy', entityId: input.policyId, districtId: input.districtId, details: { year: input.year, amountFen: input.amount } }, tx)
		return rows.length > 0
	})
	if (!updated) return fieldFail('amount', 'subsidies:errors.budgetBelowCommitted')
	return ok()
}

/** The city sets, per district, the most a district policy may credit an elder a month and budget a year. */
export async function setDistrictLimit(user: SessionUser, input: DistrictLimitInput, ip: string | null = null): Promise<Outcome<null>> {
	if (!canManagePolicies(user)) return fail('subsidies:errors.cityOnly', 403)
	const district = await prisma.district.findUnique({ where: { id: input.districtId }, select: { id: true } })
	if (!district) return fieldFail('districtId', 'subsidies:errors.district')
	try {
		await transaction(async (tx) => {
			const before = await tx.subsidyDistrictLimit.findUnique({ where: { districtId: input.districtId }, select: { maxMonthlyCreditFen: true, maxYearBudgetFen: true } })
			const data = { maxMonthlyCreditFen: input.maxMonthlyCredit, maxYearBudgetFen: BigInt(input.maxYearBudget), updatedById: user.id, updatedAt: new Date() }
			await tx.subsidyDistrictLimit.upsert({ where: { districtId: input.districtId }, create: { districtId: input.districtId, ...data }, update: data })
			await audit({
				actor: user,
				action: 'subsidy.district_limit_set',
				entityType: 'district',
				entityId: input.districtId,
				districtId: input.districtId,
				details: { before: before ? { maxMonthlyCreditFen: before.maxMonthlyCreditFen, maxYearBudgetFen: Number(before.maxYearBudgetFen) } : null, after: { maxMonthlyCreditFen: input.maxMonthlyCredit, maxYearBudgetFen: input.maxYearBudget } },
				ip,
			}, tx)
		})
		return ok()
	} catch (error) {
		return failureOf(error)
	}
}

export async function listDistrictLimits() {
	const rows = await prisma.subsidyDistrictLimit.findMany({ select: { districtId: true, maxMonthlyCreditFen: true, maxYearBudgetFen: true } })
	return rows.map((r) => ({ ...r, maxYearBudgetFen: Number(r.maxYearBudgetFen) }))
}

export async function listPolicies(on = shanghaiDate()) {
	const policies = await prisma.subsidyPolicy.findMany({
		orderBy: { createdAt: 'asc' },
		select: {
			id: true,
			code: true,
			nameZh: true,
			nameEn: true,
			ownerDistrictId: true,
			topUpOfPolicyId: true,
			versions: { orderBy: { version: 'desc' }, select: versionSelect },
			excludes: { select: { excludedPolicyId: true } },
			excludedBy: { select: { policyId: true } },
		},
	})
	return policies.map((p) => {
		const current = p.versions.find((v) => toDateString(v.effectiveFrom) <= on) ?? null
		const upcoming = p.versions.filter((v) => toDateString(v.effectiveFrom) > on)
		return {
			id: p.id,
			code: p.code,
			nameZh: p.nameZh,
			nameEn: p.nameEn,
			ownerDistrictId: p.ownerDistrictId,
			topUpOfPolicyId: p.topUpOfPolicyId,
			excludes: [...new Set([...p.excludes.map((e) => e.excludedPolicyId), ...p.excludedBy.map((e) => e.policyId)])],
			current: current && serialiseVersion(current),
			upcoming: upcoming.map(serialiseVersion),
			versionCount: p.versions.length,
		}
	})
}

function serialiseVersion(v: PolicyVersion) {
	return { ...v, effectiveFrom: toDateString(v.effectiveFrom), validUntil: v.validUntil ? toDateString(v.validUntil) : null }
}

/** Policy ids that cannot be held together with `policyId` (exclusions either way). */
export async function exclusiveWith(policyId: string, tx: Tx | typeof prisma = prisma): Promise<string[]> {
	const rows = await tx.subsidyPolicyExclusion.findMany({ where: { OR: [{ policyId }, { excludedPolicyId: policyId }] }, select: { policyId: true, excludedPolicyId: true } })
	return [...new Set(rows.map((r) => (r.policyId === policyId ? r.excludedPolicyId : r.policyId)))]
}
