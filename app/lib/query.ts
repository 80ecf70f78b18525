// What loaders read from a query string. The query is whatever a link, a bookmark or a stranger typed:
// a value that is malformed, out of range or carries control characters is dropped (the page shows
// its default), never handed to the database as it came (PostgreSQL answers 22P02 to `0.5` for an
// integer and refuses a NUL byte outright: a 500, not a page).
import { isSingleLine } from './text.ts'
import { isRealDate } from './time.ts'

/** A trimmed single-line value of at most `maxLength` characters (app/lib/text.ts), or null. */
export function textParam(params: URLSearchParams, name: string, maxLength = 100): string | null {
	const v = params.get(name)?.trim()
	return v && v.length <= maxLength && isSingleLine(v) ? v : null
}

/** A whole number within [min, max], or null. */
export function intParam(params: URLSearchParams, name: string, min: number, max: number): number | null {
	const v = params.get(name)?.trim()
	if (!v || !/^-?\d{1,15}$/.test(v)) return null
	const n = Number(v)
	return n >= min && n <= max ? n : null
}

/** The page of a list: 1 unless the query names a whole page within reach. */
export function pageParam(params: URLSearchParams, max = 10_000): number {
	return intParam(params, 'page', 1, max) ?? 1
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether a value is a row id (UUID), before it goes near a `uuid` column. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value)

/** A row id (UUID), or null. */
export function uuidParam(params: URLSearchParams, name: string): string | null {
	const v = params.get(name)?.trim()
	return isUuid(v) ? v : null
}

/** A day that exists ('YYYY-MM-DD', no 30 February), or null. */
export function dateParam(params: URLSearchParams, name: string): string | null {
	const v = params.get(name)?.trim()
	return v && isRealDate(v) ? v : null
}
