// Asia/Shanghai is UTC+8 all year (no daylight saving), so a fixed offset is exact.
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
export const TIME_ZONE = 'Asia/Shanghai'

/** Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date = new Date()): string {
	return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Shanghai month (YYYY-MM) of an instant. */
export function shanghaiMonth(at: Date = new Date()): string {
	return shanghaiDate(at).slice(0, 7)
}

/** The instant of a Shanghai wall-clock time. */
export function fromShanghai(date: string, time = '00:00'): Date {
	return new Date(`${date}T${time}:00+08:00`)
}

/** A calendar date as the UTC-midnight Date Prisma uses for @db.Date columns. */
export function dateOnly(date: string): Date {
	return new Date(`${date}T00:00:00Z`)
}

export function toDateString(date: Date): string {
	return date.toISOString().slice(0, 10)
}

export function isLeapYear(y: number): boolean {
	return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

/**
 * Whole years between a birth date and a date (both YYYY-MM-DD), counted as the Civil Code counts
 * periods (art. 201–202): a year ends on the corresponding day, or on the month's last day where it
 * has none, so a person born on 29 February completes a year on 28 February of a common year.
 */
export function ageOn(birthDate: string, on: string): number {
	const year = Number(on.slice(0, 4))
	const birthday = birthDate.slice(5) === '02-29' && !isLeapYear(year) ? '02-28' : birthDate.slice(5)
	const years = year - Number(birthDate.slice(0, 4))
	return on.slice(5) < birthday ? years - 1 : years
}

/**
 * The latest birth date of a person at least `years` old on `on`, by the same rule as ageOn: for
 * every birth date b, ageOn(b, on) >= years exactly when b <= bornOnOrBefore(on, years). The SQL
 * of set-based runs compares birth dates with this threshold instead of computing ages.
 */
export function bornOnOrBefore(on: string, years: number): string {
	const onYear = Number(on.slice(0, 4))
	const y = onYear - years
	let md = on.slice(5)
	if (md === '02-29' && !isLeapYear(y)) md = '02-28'
	// 28 February of a common year completes the year of someone born on 29 February.
	else if (md === '02-28' && !isLeapYear(onYear) && isLeapYear(y)) md = '02-29'
	return `${String(y).padStart(4, '0')}-${md}`
}

/** The calendar date `n` days after (or before, n < 0) a date, both 'YYYY-MM-DD'. */
export function addDays(date: string, n: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

export function addMonths(month: string, n: number): string {
	const [y, m] = month.split('-').map(Number) as [number, number]
	const idx = y * 12 + (m - 1) + n
	return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`
}

export function formatShanghai(at: Date, locale: string): string {
	return new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(at)
}

/** A calendar date (YYYY-MM-DD) in the reader's language, e.g. 2026年11月30日 / Nov 30, 2026. */
export function formatDay(date: string | Date, locale: string): string {
	// Loader data keeps a date column as a Date (single fetch); a string is YYYY-MM-DD (or a longer ISO form).
	return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' }).format(typeof date === 'string' ? dateOnly(date.slice(0, 10)) : date)
}

/** A month (YYYY-MM) in the reader's language, e.g. 2026年10月 / October 2026. */
export function formatMonth(month: string, locale: string): string {
	return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(dateOnly(`${month.slice(0, 7)}-01`))
}

/** Whether a 'YYYY-MM-DD' names a day that exists (no 30 February), between 1900 and 2199. */
export function isRealDate(value: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
	if (!m) return false
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
	if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1) return false
	return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate()
}
