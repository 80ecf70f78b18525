// Pure rules of the institution subsidies (issue 14 items 3 and 6): the construction subsidy per
// bed by type, the grading checklist's score and the grade that follows from it. The figures are
// *default* data (construction_rate, grading_criteria), versioned by the date they take effect.
import type { BedTypeName } from '~/modules/beds/schemas.ts'

export type ConstructionRate = { id: string; effectiveFrom: string; selfCareFen: number; nursingFen: number; dementiaFen: number }

export const GRADING_SECTIONS = ['facilities', 'staffing', 'care', 'safety', 'management'] as const
export type GradingSection = (typeof GRADING_SECTIONS)[number]
export type CriteriaItem = { key: string; section: GradingSection; zh: string; en: string; max: number }
export type GradingCriteria = { id: string; effectiveFrom: string; items: CriteriaItem[]; thresholds: number[]; validityMonths: number }

/** The subsidy for one bed of `type` under `rate`, in fen. */
export function amountForBed(rate: Pick<ConstructionRate, 'selfCareFen' | 'nursingFen' | 'dementiaFen'>, type: BedTypeName): number {
	return type === 'nursing' ? rate.nursingFen : type === 'dementia' ? rate.dementiaFen : rate.selfCareFen
}

/** The version in force on `date` ('YYYY-MM-DD'): the latest that took effect on or before it. */
export function versionOn<V extends { effectiveFrom: string }>(versions: readonly V[], date: string): V | null {
	let best: V | null = null
	for (const v of versions) if (v.effectiveFrom <= date && (!best || v.effectiveFrom > best.effectiveFrom)) best = v
	return best
}

/**
 * The grade (1–5) a total score earns: the highest level whose minimum it reaches, or null below
 * the 1★ minimum. `thresholds` holds the minimum score of 1★ … 5★, ascending.
 */
export function gradeForScore(score: number, thresholds: readonly number[]): number | null {
	let grade: number | null = null
	thresholds.forEach((min, i) => {
		if (score >= min) grade = i + 1
	})
	return grade
}

/**
 * The total of a filled checklist, or the keys of the items missing or out of range. Every item of
 * the criteria must be scored (a grade without its checklist is refused).
 */
export function scoreChecklist(items: readonly CriteriaItem[], scores: Record<string, number | undefined>): { ok: true; score: number } | { ok: false; problems: string[] } {
	const problems = items.filter((item) => {
		const v = scores[item.key]
		return v === undefined || !Number.isInteger(v) || v < 0 || v > item.max
	})
	if (problems.length) return { ok: false, problems: problems.map((p) => p.key) }
	return { ok: true, score: items.reduce((sum, item) => sum + scores[item.key]!, 0) }
}

export function maxScore(items: readonly CriteriaItem[]) {
	return items.reduce((sum, item) => sum + item.max, 0)
}

/** Thresholds must rise strictly and stay within the checklist's maximum. */
export function thresholdsValid(thresholds: readonly number[], max: number) {
	return thresholds.length === 5 && thresholds.every((t, i) => Number.isInteger(t) && t >= 0 && t <= max && (i === 0 || t > thresholds[i - 1]!))
}

/** The last day a grading assessed on `assessedOn` is valid: `months` later, less a day. */
export function validUntil(assessedOn: string, months: number): string {
	const [y, m, d] = assessedOn.split('-').map(Number) as [number, number, number]
	const target = new Date(Date.UTC(y, m - 1 + months, 1))
	const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
	const end = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, lastDay)))
	end.setUTCDate(end.getUTCDate() - 1)
	return end.toISOString().slice(0, 10)
}

/** A proposed criteria version as the pending-changes table shows it. */
export type CriteriaProposalView = { items: CriteriaItem[]; thresholds: number[]; validityMonths: number }
