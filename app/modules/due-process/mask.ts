// How a name appears on a public notice: the surname and a masked given name (张*明), never more.
// Pure, so the public page, the printed sheet and the tests share one rule.

/** 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a Latin name keeps its first letter (W***). */
export function maskName(name: string): string {
	const chars = [...name.trim()]
	if (chars.length <= 1) return chars.join('') + '*'
	if (/^[\p{Script=Han}·]+$/u.test(chars.join(''))) {
		if (chars.length === 2) return `${chars[0]}*`
		return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
	}
	return `${chars[0]}${'*'.repeat(3)}`
}

/** The days a notice stays up, and the days a refusal can be appealed: defaults of the bureau's rules. */
export const NOTICE_DAYS = 7
export const APPEAL_DAYS = 60
/** A grant's end / re-review date: this many months from the month it took effect. */
export const GRANT_TERM_MONTHS = 12

/** The last day of the month of `date`. */
export function monthEnd(date: string): string {
	const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`)
	d.setUTCMonth(d.getUTCMonth() + 1)
	d.setUTCDate(0)
	return d.toISOString().slice(0, 10)
}

/** Months from `from` to `to` inclusive ('YYYY-MM'), empty when to is before from. */
export function monthsBetween(from: string, to: string): string[] {
	const out: string[] = []
	let [y, m] = from.split('-').map(Number) as [number, number]
	const [ty, tm] = to.split('-').map(Number) as [number, number]
	while (y < ty || (y === ty && m <= tm)) {
		out.push(`${y}-${String(m).padStart(2, '0')}`)
		m++
		if (m > 12) {
			m = 1
			y++
		}
	}
	return out
}
