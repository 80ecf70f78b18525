// Subsidy policies, their versions, exclusions (stacking rules) and budgets.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { decideChange, listPendingChanges, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { BudgetInput, CreatePolicyInput, PolicyRulesInput } from './schemas.ts'

/** Policy definitions are the city bureau's; district officers read them. */
export const POLICY_ADMIN_ROLES = ['bureau_city', 'admin'] as const

export function canManagePolicies(user: SessionUser) {
	return (POLICY_ADMIN_ROLES as readonly string[]).includes(user.role)
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
	if (!canManagePolicies(user)) return fail('subsidies:errors.cityOnly', 403)
	const refused = await checkCreate(input, prisma)
	if (refused) return refused
	return proposeChange(user, 'subsidy_policy_create', input as unknown as Prisma.InputJsonValue, input.code, ip)
}

async function checkCreate(input: CreatePolicyInput, db: Tx | typeof prisma) {
	if ((await unknownDistricts(input.districtIds)).length) return fieldFail('districtIds', 'subsidies:errors.district')
	if (input.excludes.length) {
		const n = await db.subsidyPolicy.count({ where: { id: { in: input.excludes } } })
		if (n !== input.excludes.length) return fieldFail('excludes', 'subsidies:errors.policy')
	}
	if (await db.subsidyPolicy.findUnique({ where: { code: input.code }, select: { id: true } })) return fieldFail('code', 'subsidies:errors.codeTaken', 409)
	return null
}

/** Writes an approved new policy (inside the decision's transaction); the proposer is its maker. */
async function applyCreatePolicy(tx: Tx, makerId: string, approver: SessionUser, input: CreatePolicyInput): Promise<Outcome<{ id: string }>> {
	const refused = await checkCreate(input, tx)
	if (refused) return refused
	const created = await tx.subsidyPolicy.create({ data: { code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, createdById: makerId }, select: { id: true } })
	await tx.subsidyPolicyVersion.create({ data: { policyId: created.id, version: 1, createdById: makerId, ...versionData(input) } })
	if (input.excludes.length) await tx.subsidyPolicyExclusion.createMany({ data: input.excludes.map((excludedPolicyId) => ({ policyId: created.id, excludedPolicyId })) })
	await audit({ actor: approver, action: 'subsidy.policy_create', entityType: 'subsidy_policy', entityId: created.id, details: { code: input.code, monthlyCreditFen: input.monthlyCredit, copayBps: input.copayPercent, makerId } }, tx)
	return ok(created)
}

/** Proposes a change to a policy: a new version from a date no earlier than today and after the latest version's. */
export async function addPolicyVersion(user: SessionUser, input: PolicyRulesInput, ip: string | null = null): Promise<Outcome<{ id: string }>> {
	if (!canManagePolicies(user)) return fail('subsidies:errors.cityOnly', 403)
	if ((await unknownDistricts(input.districtIds)).length) return fieldFail('districtIds', 'subsidies:errors.district')
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
	if (!canManagePolicies(user)) return fail('subsidies:errors.cityOnly', 403)
	return decideChange(
		user,
		input,
		['subsidy_policy_create', 'subsidy_policy_version'],
		(change, tx) =>
			change.kind === 'subsidy_policy_create'
				? applyCreatePolicy(tx, change.proposedById, user, change.payload as unknown as CreatePolicyInput)
				: applyPolicyVersion(tx, change.proposedById, user, change.payload as unknown as PolicyRulesInput),
		ip,
	)
}

export function pendingPolicyChanges(viewer: SessionUser) {
	return listPendingChanges(['subsidy_policy_create', 'subsidy_policy_version'], viewer)
}

export async function setBudget(user: SessionUser, input: BudgetInput): Promise<Outcome<null>> {
	if (!canManagePolicies(user)) return fail('subsidies:errors.cityOnly', 403)
	const [policy, district] = await Promise.all([
		prisma.subsidyPolicy.findUnique({ where: { id: input.policyId }, select: { id: true } }),
		prisma.district.findUnique({ where: { id: input.districtId }, select: { id: true } }),
	])
	if (!policy) return fieldFail('policyId', 'subsidies:errors.policy')
	if (!district) return fieldFail('districtId', 'subsidies:errors.district')
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

export async function listPolicies(on = shanghaiDate()) {
	const policies = await prisma.subsidyPolicy.findMany({
		orderBy: { createdAt: 'asc' },
		select: {
			id: true,
			code: true,
			nameZh: true,
			nameEn: true,
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
