// Resident identity number (居民身份证号码), GB 11643-1999. Pure rules shared by the browser, the
// server, the seed and the tests.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARS = '10X98765432'

/** Jingmen's districts, including 京山's pre-2018 code. */
export const JINGMEN_REGION_CODES = ['420802', '420804', '420882', '420821', '420822', '420881', '420800'] as const

/**
 * The province-level codes of GB/T 2260 (the first two digits of every region code), with 71
 * Taiwan, 81 Hong Kong, 82 Macao and 83 (residence permits of Taiwan residents). A number keeps the
 * region of where it was first issued, so any province is accepted: many Jingmen elders' numbers
 * were issued elsewhere (钟祥 and 京山 joined Jingmen from other prefectures in 1996).
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
	'11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
	'50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
])

export type IdNumberProblem =
	| 'required'
	| 'length'
	| 'format'
	| 'region'
	| 'birthDate'
	| 'futureBirthDate'
	| 'checksum'

export type IdNumberResult =
	| { ok: true; value: string; regionCode: string; birthDate: string; gender: 'male' | 'female' }
	| { ok: false; problem: IdNumberProblem }

export function checkCharacter(first17: string): string {
	let sum = 0
	for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
	return CHECK_CHARS[sum % 11]!
}

/** Upper-case, strip spaces: what a person types into what we store and hash. */
export function normalizeIdNumber(input: string): string {
	return input.replace(/\s+/g, '').toUpperCase()
}

function isRealDate(y: number, m: number, d: number) {
	const date = new Date(Date.UTC(y, m - 1, d))
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

/**
 * Validates a number and says which part is wrong. `today` is the Shanghai calendar date
 * (YYYY-MM-DD) against which a birth date in the future is refused.
 */
export function parseIdNumber(
	input: string,
	options: { today: string; regionCodes?: readonly string[] },
): IdNumberResult {
	const value = normalizeIdNumber(input)
	if (!value) return { ok: false, problem: 'required' }
	if (value.length !== 18) return { ok: false, problem: 'length' }
	if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'format' }
	const regionCode = value.slice(0, 6)
	if (!PROVINCE_CODES.has(regionCode.slice(0, 2)) || (options.regionCodes && !options.regionCodes.includes(regionCode))) {
		return { ok: false, problem: 'region' }
	}
	const y = Number(value.slice(6, 10))
	const m = Number(value.slice(10, 12))
	const d = Number(value.slice(12, 14))
	if (y < 1880 || !isRealDate(y, m, d)) return { ok: false, problem: 'birthDate' }
	const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`
	if (birthDate > options.today) return { ok: false, problem: 'futureBirthDate' }
	if (checkCharacter(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'checksum' }
	const gender = Number(value[16]) % 2 === 1 ? 'male' : 'female'
	return { ok: true, value, regionCode, birthDate, gender }
}

/**
 * 4208**********34: the province and city, and the last two characters for recognition. Twelve
 * characters hidden, among them the county, the whole birth date and most of the sequence, so the
 * masked form together with what a page shows beside it (district, age, gender) cannot rebuild the
 * number. Pages show the age, never the birth date, next to a mask; the full number (and the birth
 * date in it) only through the audited reveal.
 */
export const ID_MASK_HIDDEN = 12

export function maskIdNumber(value: string): string {
	return `${value.slice(0, 4)}${'*'.repeat(ID_MASK_HIDDEN)}${value.slice(16)}`
}

/** Builds a valid number; used by the seed and tests only, never for real people. */
export function makeIdNumber(regionCode: string, birthDate: string, sequence: number): string {
	const seq = String(sequence % 1000).padStart(3, '0')
	const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${seq}`
	return first17 + checkCharacter(first17)
}
