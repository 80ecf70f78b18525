// Pure rules of the operating subsidy (运营补贴): which months may be computed, and the amount of a
// line. The SQL of compute.server.ts computes the same formula set-based; tests check both agree.
import { addMonths } from '~/lib/time.ts'

export const OPERATING_LEVELS = ['intact', 'mild', 'moderate', 'severe', 'complete', 'unassessed'] as const
export type OperatingLevel = (typeof OPERATING_LEVELS)[number]

/** A month may be computed once it has ended (Shanghai): `month` < the current month. */
export function monthHasEnded(month: string, currentMonth: string): boolean {
	return month < currentMonth
}

/** The first day of `month` and of the month after it: the month's bed-days are [from, to). */
export function monthBounds(month: string): { from: string; to: string } {
	return { from: `${month}-01`, to: `${addMonths(month, 1)}-01` }
}

/**
 * The amount of a line in fen: days × level rate × grade factor (basis points), rounded half up
 * once per line, plus days × the 特困 supplement (never multiplied by the grade factor).
 */
export function lineAmount(days: number, levelRateFen: number, factorBps: number, tekunRateFen: number, tekun: boolean) {
	const levelFen = Math.floor((days * levelRateFen * factorBps + 5000) / 10000)
	const supplementFen = tekun ? days * tekunRateFen : 0
	return { levelFen, supplementFen, amountFen: levelFen + supplementFen }
}
