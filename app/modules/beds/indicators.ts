// The plan's indicator formulas (shared/design/domain.md), pure so pages, CSV and tests agree.

/** 2020 targets of the plan: 35 beds per 1,000 elders, 40% nursing-type beds, centres in every urban community, ≥60% of villages. */
export const TARGETS = { bedsPer1000: 35, nursingShare: 0.4, urbanCoverage: 1, villageCoverage: 0.6 } as const

/** The measured indicators a plan period sets targets for (plan_target.indicator). */
export const PLAN_INDICATORS = ['bedsPer1000', 'nursingShare', 'urbanCoverage', 'villageCoverage'] as const
export type PlanIndicator = (typeof PLAN_INDICATORS)[number]
export type PlanTargets = Record<PlanIndicator, number | null>

/** How close to target: green at or above it, amber from 90% of it, red below; null when unknown. */
export type Rag = 'green' | 'amber' | 'red'
export const AMBER_FROM = 0.9

export function ragOf(value: number | null | undefined, target: number | null | undefined): Rag | null {
	if (value === null || value === undefined || target === null || target === undefined || !Number.isFinite(value) || !(target > 0)) return null
	// A tolerance for floating point: 35.0 of 35 is met even if computed as 34.99999999.
	if (value >= target - 1e-9) return 'green'
	return value >= target * AMBER_FROM ? 'amber' : 'red'
}

/** A target as shown: beds per 1,000 as a number, shares as a percentage. */
export function formatTarget(indicator: PlanIndicator, target: number | null) {
	if (target === null) return '—'
	return indicator === 'bedsPer1000' ? formatRatio(target, Number.isInteger(target) ? 0 : 1) : formatPercent(target, 0)
}

export type IndicatorCounts = {
	aged60Plus: number | null
	aged80Plus: number | null
	institutions: number
	beds: number
	nursingBeds: number
	dementiaBeds: number
	bedsInService: number
	occupiedBeds: number
	urbanCommunities: number
	urbanWithCentre: number
	villages: number
	villagesWithCentre: number
}

export type Indicators = IndicatorCounts & {
	bedsPer1000: number | null
	nursingShare: number | null
	occupancy: number | null
	bedsNeeded: number | null
	urbanCoverage: number | null
	villageCoverage: number | null
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)

export function computeIndicators(c: IndicatorCounts): Indicators {
	const pop = c.aged60Plus && c.aged60Plus > 0 ? c.aged60Plus : null
	return {
		...c,
		bedsPer1000: pop ? (c.beds * 1000) / pop : null,
		nursingShare: share(c.nursingBeds, c.beds),
		occupancy: share(c.occupiedBeds, c.bedsInService),
		// Whole beds: 35 per 1,000 of today's population, rounded up, less the beds there are.
		bedsNeeded: pop ? Math.max(0, Math.ceil((TARGETS.bedsPer1000 * pop) / 1000) - c.beds) : null,
		urbanCoverage: share(c.urbanWithCentre, c.urbanCommunities),
		villageCoverage: share(c.villagesWithCentre, c.villages),
	}
}

/** The city is the sum of its districts (a district without a population figure makes the city's unknown). */
export function sumCounts(rows: IndicatorCounts[]): IndicatorCounts {
	const add = (k: keyof IndicatorCounts) => rows.reduce((a, r) => a + (r[k] ?? 0), 0)
	const allPop = rows.length > 0 && rows.every((r) => r.aged60Plus !== null)
	return {
		aged60Plus: allPop ? add('aged60Plus') : null,
		aged80Plus: allPop ? add('aged80Plus') : null,
		institutions: add('institutions'),
		beds: add('beds'),
		nursingBeds: add('nursingBeds'),
		dementiaBeds: add('dementiaBeds'),
		bedsInService: add('bedsInService'),
		occupiedBeds: add('occupiedBeds'),
		urbanCommunities: add('urbanCommunities'),
		urbanWithCentre: add('urbanWithCentre'),
		villages: add('villages'),
		villagesWithCentre: add('villagesWithCentre'),
	}
}

export function formatRatio(value: number | null, digits = 1) {
	return value === null ? '—' : value.toFixed(digits)
}

export function formatPercent(value: number | null, digits = 1) {
	return value === null ? '—' : `${(value * 100).toFixed(digits)}%`
}
