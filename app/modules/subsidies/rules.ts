// Pure subsidy rules: eligibility, the price split, budget commitments. No I/O.
import { ageOn } from '~/lib/time.ts'
import { DISABILITY_LEVELS, type DisabilityLevelName } from './categories.ts'

export const BPS = 10_000

export type EligibilityRules = {
	effectiveFrom: string
	validUntil: string | null
	categories: readonly string[]
	minDisability: DisabilityLevelName
	minAge: number
	districtIds: readonly string[]
}

export type ElderFacts = {
	birthDate: string
	districtId: string
	/** Policy categories met by the statuses in force on the day (statuses/records.server.ts `eligibilityFactsOn`). */
	categories: readonly string[]
	/** The DisabilityLevel of the capability assessment in force on the day (none without one). */
	disabilityLevel: DisabilityLevelName
	deathDate: string | null
	residencyStatus: 'resident' | 'moved_out'
}

export type Ineligibility = 'deceased' | 'movedOut' | 'notYetValid' | 'expired' | 'district' | 'age' | 'category' | 'disability'

/** Why an elder is not eligible under a policy version on a date, or null when eligible. */
export function ineligibility(elder: ElderFacts, rules: EligibilityRules, on: string): Ineligibility | null {
	if (elder.deathDate) return 'deceased'
	if (elder.residencyStatus !== 'resident') return 'movedOut'
	if (on < rules.effectiveFrom) return 'notYetValid'
	if (rules.validUntil && on > rules.validUntil) return 'expired'
	if (rules.districtIds.length > 0 && !rules.districtIds.includes(elder.districtId)) return 'district'
	if (ageOn(elder.birthDate, on) < rules.minAge) return 'age'
	if (rules.categories.length > 0 && !rules.categories.some((c) => elder.categories.includes(c))) return 'category'
	if (DISABILITY_LEVELS.indexOf(elder.disabilityLevel) < DISABILITY_LEVELS.indexOf(rules.minDisability)) return 'disability'
	return null
}

export type PriceSplit = { priceFen: number; subsidyFen: number; copayFen: number }

/**
 * The subsidy part of a covered price: the policy's share (1 − co-pay), rounded down to the fen so
 * the family never pays less than its share, and never more than the credit left.
 */
export function splitPrice(priceFen: number, creditLeftFen: number, copayBps: number): PriceSplit {
	if (!Number.isSafeInteger(priceFen) || priceFen < 0) throw new RangeError(`bad price ${priceFen}`)
	if (!Number.isSafeInteger(copayBps) || copayBps < 0 || copayBps > BPS) throw new RangeError(`bad co-pay ${copayBps}`)
	const share = Math.floor((priceFen * (BPS - copayBps)) / BPS)
	const subsidyFen = Math.max(0, Math.min(share, creditLeftFen))
	return { priceFen, subsidyFen, copayFen: priceFen - subsidyFen }
}

/** First day of a YYYY-MM month. */
export function monthStart(month: string): string {
	return `${month}-01`
}

/** Months from `fromMonth` to December of its year, stopping at the month of `validUntil`. */
export function monthsLeftInYear(fromMonth: string, validUntil: string | null): number {
	const year = fromMonth.slice(0, 4)
	let last = `${year}-12`
	if (validUntil && validUntil.slice(0, 7) < last) last = validUntil.slice(0, 7)
	if (last < fromMonth) return 0
	return Number(last.slice(5, 7)) - Number(fromMonth.slice(5, 7)) + 1
}

/** What approving a grant commits against this year's budget: the credit of every remaining month. */
export function yearCommitmentFen(monthlyCreditFen: number, fromMonth: string, validUntil: string | null): number {
	return monthlyCreditFen * monthsLeftInYear(fromMonth, validUntil)
}

/**
 * The policy categories (ElderCategory) that statuses (身份类别) in force meet: 特困供养 covers the
 * former 五保 and 三无, so it meets a policy naming `tekun` or `sanwu`. The SQL function
 * elder_categories_on applies the same mapping (tests/integration/statuses.test.ts compares them).
 */
export function categoriesOfStatuses(kinds: readonly string[]): string[] {
	const out = new Set<string>()
	for (const kind of kinds) {
		if (kind === 'dibao' || kind === 'youfu') out.add(kind)
		if (kind === 'tekun') {
			out.add('tekun')
			out.add('sanwu')
		}
	}
	return [...out].sort()
}
