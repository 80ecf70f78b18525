// The two *default* settings of the institution subsidies, versioned by effective date: the
// construction subsidy per bed type (construction_rate) and the grading checklist with its grade
// thresholds and validity (grading_criteria). A city officer proposes a version; a second city
// officer approves it (app/modules/auth/pending-changes.server.ts), and only then is it written.
import type { Prisma } from '~/generated/prisma/client.ts'
import type { Tx } from '~/lib/db.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { countChangesToDecide, decideChange, listPendingChanges, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { maxScore, thresholdsValid, type ConstructionRate, type CriteriaItem, type GradingCriteria, type GradingSection } from './rules.ts'

export async function listRates(tx?: Tx): Promise<ConstructionRate[]> {
	return sql`SELECT id, "effectiveFrom", "selfCareFen", "nursingFen", "dementiaFen" FROM construction_rate ORDER BY "effectiveFrom"`.rows<ConstructionRate>(tx)
}

export async function listCriteria(tx?: Tx): Promise<GradingCriteria[]> {
	return sql`SELECT id, "effectiveFrom", items, thresholds, "validityMonths" FROM grading_criteria ORDER BY "effectiveFrom"`.rows<GradingCriteria>(tx)
}

export type RateProposal = { effectiveFrom: string; selfCareFen: number; nursingFen: number; dementiaFen: number }
export type CriteriaProposal = { effectiveFrom: string; items: CriteriaItem[]; thresholds: number[]; validityMonths: number }
export type CriteriaInput = { effectiveFrom: string; validityMonths: number; thresholds: number[]; items: { key?: string; section: GradingSection; zh?: string; en?: string; max?: number }[] }

const cityOnly = (user: SessionUser) => (user.role === 'bureau_city' ? null : fail('beds:settings.errors.cityOnly', 403))

async function laterThanLatest(table: 'construction_rate' | 'grading_criteria' | 'inspection_limit', effectiveFrom: string, tx?: Tx) {
	const query =
		table === 'construction_rate'
			? sql`SELECT max("effectiveFrom") AS d FROM construction_rate`
			: table === 'grading_criteria'
				? sql`SELECT max("effectiveFrom") AS d FROM grading_criteria`
				: sql`SELECT max("effectiveFrom") AS d FROM inspection_limit`
	const latest = await query.first<{ d: string | null }>(tx)
	return !latest?.d || effectiveFrom > latest.d
}

export async function proposeRate(user: SessionUser, v: RateProposal, ip: string | null): Promise<Outcome<{ id: string }>> {
	const refused = cityOnly(user)
	if (refused) return refused
	if (!(await laterThanLatest('construction_rate', v.effectiveFrom))) return fieldFail('effectiveFrom', 'beds:settings.errors.notAfterLatest')
	return proposeChange(user, 'construction_rate', v as unknown as Prisma.InputJsonValue, v.effectiveFrom, ip)
}

/** Cleans the checklist form: rows without a label or with 0 points are left out; new rows get a key. */
export function criteriaProposal(input: CriteriaInput): Outcome<CriteriaProposal> {
	const items: CriteriaItem[] = []
	const keys = new Set<string>()
	input.items.forEach((row, i) => {
		const zh = row.zh?.trim()
		if (!zh || !row.max) return
		let key = row.key || `${row.section}_${i + 1}`
		while (keys.has(key)) key = `${key}_x`
		keys.add(key)
		items.push({ key, section: row.section, zh, en: row.en?.trim() || zh, max: row.max })
	})
	if (!items.length) return fail('beds:settings.errors.criteria')
	if (!thresholdsValid(input.thresholds, maxScore(items))) return fieldFail('thresholds', 'beds:settings.errors.thresholds')
	return ok({ effectiveFrom: input.effectiveFrom, items, thresholds: input.thresholds, validityMonths: input.validityMonths })
}

export async function proposeCriteria(user: SessionUser, input: CriteriaInput, ip: string | null): Promise<Outcome<{ id: string }>> {
	const refused = cityOnly(user)
	if (refused) return refused
	const proposal = criteriaProposal(input)
	if (!proposal.ok) return proposal
	if (!(await laterThanLatest('grading_criteria', input.effectiveFrom))) return fieldFail('effectiveFrom', 'beds:settings.errors.notAfterLatest')
	return proposeChange(user, 'grading_criteria', proposal.value as unknown as Prisma.InputJsonValue, input.effectiveFrom, ip)
}

export type LimitProposal = { effectiveFrom: string; suspendAfterDays: number }

export async function listInspectionLimits(tx?: Tx) {
	return sql`SELECT id, "effectiveFrom", "suspendAfterDays" FROM inspection_limit ORDER BY "effectiveFrom"`.rows<{ id: string; effectiveFrom: string; suspendAfterDays: number }>(tx)
}

/** A city officer proposes a new limit (days past a finding's deadline before admissions stop), from a date on. */
export async function proposeInspectionLimit(user: SessionUser, v: LimitProposal, ip: string | null): Promise<Outcome<{ id: string }>> {
	const refused = cityOnly(user)
	if (refused) return refused
	if (!(await laterThanLatest('inspection_limit', v.effectiveFrom))) return fieldFail('effectiveFrom', 'beds:settings.errors.notAfterLatest')
	return proposeChange(user, 'inspection_limit', v as unknown as Prisma.InputJsonValue, v.effectiveFrom, ip)
}

const KINDS = ['construction_rate', 'grading_criteria', 'inspection_limit'] as const

export function pendingInstitutionSettings(viewer: SessionUser) {
	return listPendingChanges(KINDS, viewer)
}

export async function countInstitutionSettingsToDecide(viewer: SessionUser) {
	return viewer.role === 'bureau_city' ? countChangesToDecide(KINDS, viewer) : 0
}

/** A second city officer decides a proposed rate or criteria version; approving writes the version. */
export async function decideInstitutionSetting(user: SessionUser, input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null }, ip: string | null): Promise<Outcome<null>> {
	const refused = cityOnly(user)
	if (refused) return refused
	return decideChange(
		user,
		input,
		KINDS,
		async (change, tx) => {
			if (change.kind === 'inspection_limit') {
				const v = change.payload as unknown as LimitProposal
				if (!(await laterThanLatest('inspection_limit', v.effectiveFrom, tx))) return fieldFail('effectiveFrom', 'beds:settings.errors.notAfterLatest', 409)
				const row = await sql`INSERT INTO inspection_limit ("effectiveFrom", "suspendAfterDays", "proposedById", "approvedById")
					VALUES (${v.effectiveFrom}::date, ${v.suspendAfterDays}, ${change.proposedById}::uuid, ${user.id}::uuid) RETURNING id`.first<{ id: string }>(tx)
				await audit({ actor: user, action: 'inspection.limit_version', entityType: 'inspection_limit', entityId: row!.id, details: { ...v, proposedById: change.proposedById }, ip }, tx)
				return ok(null)
			}
			if (change.kind === 'construction_rate') {
				const v = change.payload as unknown as RateProposal
				if (!(await laterThanLatest('construction_rate', v.effectiveFrom, tx))) return fieldFail('effectiveFrom', 'beds:settings.errors.notAfterLatest', 409)
				const row = await sql`INSERT INTO construction_rate ("effectiveFrom", "selfCareFen", "nursingFen", "dementiaFen", "proposedById", "approvedById")
					VALUES (${v.effectiveFrom}::date, ${v.selfCareFen}, ${v.nursingFen}, ${v.dementiaFen}, ${change.proposedById}::uuid, ${user.id}::uuid) RETURNING id`.first<{ id: string }>(tx)
				await audit({ actor: user, action: 'construction.rate_version', entityType: 'construction_rate', entityId: row!.id, details: { ...v, proposedById: change.proposedById }, ip }, tx)
				return ok(null)
			}
			const v = change.payload as unknown as CriteriaProposal
			if (!(await laterThanLatest('grading_criteria', v.effectiveFrom, tx))) return fieldFail('effectiveFrom', 'beds:settings.errors.notAfterLatest', 409)
			const row = await sql`INSERT INTO grading_criteria ("effectiveFrom", items, thresholds, "validityMonths", "proposedById", "approvedById")
				VALUES (${v.effectiveFrom}::date, ${JSON.stringify(v.items)}::jsonb, ${JSON.stringify(v.thresholds)}::jsonb, ${v.validityMonths}, ${change.proposedById}::uuid, ${user.id}::uuid) RETURNING id`.first<{ id: string }>(tx)
			await audit({ actor: user, action: 'grading.criteria_version', entityType: 'grading_criteria', entityId: row!.id, details: { ...v, proposedById: change.proposedById }, ip }, tx)
			return ok(null)
		},
		ip,
	)
}
