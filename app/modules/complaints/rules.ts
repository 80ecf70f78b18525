import { ComplaintCategory, ComplaintFinding } from '~/generated/prisma/enums.ts'

/**
 * Default time limits, in working days from the day a complaint is filed (Monday to Friday; public
 * holidays and their make-up working days are not modelled yet, so a limit across a holiday is early).
 */
export const COMPLAINT_LIMITS = {
	acknowledgeWorkingDays: 2,
	resolveWorkingDays: 15,
} as const

export const COMPLAINT_CATEGORIES = Object.values(ComplaintCategory)
export const COMPLAINT_FINDINGS = Object.values(ComplaintFinding)

/** The date `n` working days after `date` (YYYY-MM-DD, a calendar date: weekday from UTC midnight). */
export function addWorkingDays(date: string, n: number): string {
	const d = new Date(`${date}T00:00:00Z`)
	let left = n
	while (left > 0) {
		d.setUTCDate(d.getUTCDate() + 1)
		const wd = d.getUTCDay()
		if (wd !== 0 && wd !== 6) left--
	}
	return d.toISOString().slice(0, 10)
}

/** Which limit an open complaint has passed on `today`, if any. */
export function overdueKind(c: { status: string; ackDueOn: string; resolveDueOn: string }, today: string): 'acknowledge' | 'resolve' | null {
	if (c.status === 'closed') return null
	if (today > c.resolveDueOn) return 'resolve'
	if (c.status === 'submitted' && today > c.ackDueOn) return 'acknowledge'
	return null
}
