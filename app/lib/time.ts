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

/** Whole years between a birth date and a date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
	const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4))
	return on.slice(5) < birthDate.slice(5) ? years - 1 : years
}

export function addMonths(month: string, n: number): string {
	const [y, m] = month.split('-').map(Number) as [number, number]
	const idx = y * 12 + (m - 1) + n
	return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`
}

export function formatShanghai(at: Date, locale: string): string {
	return new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(at)
}
