// Deterministic random data for the seed and the tests: a seeded PRNG, Chinese names, and elder rows
// with generated (never real) identity numbers. The tests reach it through tests/factories/.
import { addDays, ageOn, dateOnly, fromShanghai, shanghaiDate } from '~/lib/time.ts'
import { encryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber, maskIdNumber } from '~/modules/identity/id-number.ts'
import { makeCardNumber, maskCard } from '~/modules/allowance/card.ts'
import { encryptCardNumber } from '~/modules/allowance/card-crypto.server.ts'

// ---------------------------------------------------------------- PRNG

/** 32-bit seed from a number or a label (FNV-1a). */
export function seedOf(seed: number | string): number {
	if (typeof seed === 'number') return seed >>> 0
	let h = 2166136261
	for (const ch of seed) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619)
	return h >>> 0
}

/** mulberry32: small, fast, good enough for test data; not for anything secret. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0
	return () => {
		a = (a + 0x6d2b79f5) | 0
		let t = Math.imul(a ^ (a >>> 15), 1 | a)
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export class Rng {
	readonly next: () => number
	constructor(seed: number | string) {
		this.next = mulberry32(seedOf(seed))
	}

	/** An independent stream for a purpose, so adding draws elsewhere does not shift this one. */
	static for(label: string, seed: number | string = 0): Rng {
		return new Rng(`${seed}/${label}`)
	}

	/** Integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1))
	}

	chance(p: number): boolean {
		return this.next() < p
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('pick from an empty list')
		return items[Math.floor(this.next() * items.length)]!
	}

	/** Index drawn with the given (not necessarily normalised) weights. */
	weightedIndex(weights: readonly number[]): number {
		let total = 0
		for (const w of weights) total += w
		let r = this.next() * total
		for (let i = 0; i < weights.length; i++) {
			r -= weights[i]!
			if (r < 0) return i
		}
		return weights.length - 1
	}

	shuffle<T>(items: T[]): T[] {
		for (let i = items.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1))
			const tmp = items[i]!
			items[i] = items[j]!
			items[j] = tmp
		}
		return items
	}

	/** RFC 4122 version-4 UUID drawn from this stream (deterministic). */
	uuid(): string {
		let s = ''
		for (let i = 0; i < 16; i++) {
			let b = Math.floor(this.next() * 256)
			if (i === 6) b = (b & 0x0f) | 0x40
			if (i === 8) b = (b & 0x3f) | 0x80
			s += HEX[b]
			if (i === 3 || i === 5 || i === 7 || i === 9) s += '-'
		}
		return s
	}

	digits(n: number): string {
		let s = ''
		for (let i = 0; i < n; i++) s += Math.floor(this.next() * 10)
		return s
	}
}

/** Splits an integer total over weights by largest remainder: the parts sum exactly to total. */
export function apportion(total: number, weights: readonly number[]): number[] {
	const sum = weights.reduce((a, b) => a + b, 0)
	const exact = weights.map((w) => (total * w) / sum)
	const parts = exact.map(Math.floor)
	let rest = total - parts.reduce((a, b) => a + b, 0)
	const order = exact.map((e, i) => ({ i, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.i - b.i)
	for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]!.i]! += 1
	return parts
}

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000

// addDays is the app's (~/lib/time.ts), exported here for the seed and the factories.
export { addDays }

/** The same calendar day `years` earlier (29 Feb becomes 28 Feb in a common year). */
export function yearsBefore(date: string, years: number): string {
	const y = Number(date.slice(0, 4)) - years
	const md = date.slice(5)
	const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
	return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`
}

/** A birth date at which a person is exactly `age` on `today` (uniform over that year of age). */
export function birthDateForAge(rng: Rng, age: number, today: string): string {
	const latest = yearsBefore(today, age)
	const earliest = addDays(yearsBefore(today, age + 1), 1)
	const span = Math.round((Date.parse(latest) - Date.parse(earliest)) / DAY_MS)
	return addDays(earliest, rng.int(0, span))
}

// ---------------------------------------------------------------- names

// Common surnames with rough weights (‰ of the population), Hubei ones a little heavier.
const SURNAMES: readonly [string, number][] = [
	['王', 71], ['李', 70], ['张', 65], ['刘', 56], ['陈', 46], ['杨', 31], ['黄', 24], ['赵', 23], ['吴', 20],
	['周', 19], ['徐', 14], ['孙', 13], ['马', 12], ['朱', 12], ['胡', 13], ['郭', 11], ['何', 10], ['高', 9.5],
	['林', 9], ['罗', 8.5], ['郑', 7], ['梁', 7], ['谢', 6], ['宋', 6], ['唐', 6], ['许', 5], ['韩', 5], ['冯', 5],
	['邓', 5], ['曹', 5], ['彭', 6], ['曾', 4.5], ['肖', 4.5], ['田', 4], ['董', 4], ['袁', 4], ['潘', 3.5],
	['于', 3.5], ['蒋', 3.5], ['蔡', 3.5], ['余', 4.5], ['杜', 3.5], ['叶', 3.3], ['程', 3.3], ['苏', 3], ['魏', 3],
	['吕', 3], ['丁', 3], ['任', 3], ['沈', 2.8], ['姚', 2.7], ['卢', 2.7], ['姜', 2.6], ['崔', 2.6], ['钟', 2.5],
	['谭', 2.5], ['陆', 2.4], ['汪', 2.3], ['范', 2.3], ['金', 2.2], ['石', 2.2], ['廖', 2.1], ['贾', 2],
	['夏', 2], ['付', 2], ['方', 2], ['白', 1.9], ['邹', 1.9], ['孟', 1.8], ['熊', 3], ['秦', 1.7], ['邱', 1.7],
	['江', 1.7], ['尹', 1.6], ['薛', 1.6], ['段', 1.5], ['雷', 1.5], ['侯', 1.5], ['龙', 1.4], ['史', 1.4],
	['陶', 1.3], ['黎', 1.3], ['贺', 1.3], ['顾', 1.2], ['毛', 1.2], ['龚', 1.2], ['邵', 1.2], ['万', 2],
	['钱', 1.1], ['严', 1.1], ['覃', 1], ['戴', 1], ['孔', 1], ['向', 1.2], ['汤', 1], ['易', 1.2], ['鲁', 1],
]
const SURNAME_CDF = (() => {
	let acc = 0
	const total = SURNAMES.reduce((a, [, w]) => a + w, 0)
	return SURNAMES.map(([s, w]) => [s, (acc += w) / total] as const)
})()

const MALE_GIVEN_2 = [
	'建国', '建华', '建军', '国强', '国华', '国庆', '志刚', '志强', '志明', '德明', '德华', '德胜', '振华', '永福',
	'永强', '长春', '长林', '福生', '学文', '光荣', '光明', '玉林', '金生', '春生', '新民', '卫东', '卫国', '红军',
	'文华', '明华', '家富', '家和', '宝山', '茂林', '海林', '树林', '先进', '跃进', '胜利', '援朝', '爱国', '保国',
	'兴华', '世平', '正华', '松林', '少华', '汉生', '汉清', '传友', '传富', '顺发', '有才', '开明', '忠义', '继红',
]
const MALE_GIVEN_1 = ['军', '强', '明', '华', '平', '勇', '斌', '涛', '林', '杰', '忠', '福', '贵', '海', '山', '成', '荣', '刚']
const FEMALE_GIVEN_2 = [
	'秀英', '桂英', '秀兰', '玉兰', '桂兰', '淑珍', '凤英', '玉梅', '秀珍', '兰英', '桂芳', '素珍', '翠兰', '玉珍',
	'秀芳', '桂珍', '凤兰', '玉英', '秀云', '金兰', '春兰', '月英', '冬梅', '腊梅', '菊英', '爱华', '红英', '淑华',
	'美华', '丽华', '秋菊', '小英', '银花', '金花', '凤珍', '德英', '家珍', '巧云', '春花', '桂香', '翠英', '彩霞',
	'玉华', '慧敏', '兰芝', '素华',
]
const FEMALE_GIVEN_1 = ['英', '兰', '芳', '珍', '梅', '华', '萍', '霞', '琴', '敏', '娟', '凤', '菊', '莲', '云']

export function makeSurname(rng: Rng): string {
	const r = rng.next()
	for (const [s, p] of SURNAME_CDF) if (r < p) return s
	return SURNAMES[0]![0]
}

/** A plausible Chinese name for someone of that generation: surname + one or two characters. */
export function makeChineseName(rng: Rng, gender: 'male' | 'female' = rng.chance(0.5) ? 'male' : 'female'): string {
	const single = rng.chance(0.22)
	const given =
		gender === 'male'
			? rng.pick(single ? MALE_GIVEN_1 : MALE_GIVEN_2)
			: rng.pick(single ? FEMALE_GIVEN_1 : FEMALE_GIVEN_2)
	return makeSurname(rng) + given
}

/** A mainland mobile number that is not one of the demo accounts' 1380000xxxx. */
export function makePhone(rng: Rng): string {
	return rng.pick(['139', '137', '135', '158', '186', '133', '153', '189', '177']) + rng.digits(8)
}

// ---------------------------------------------------------------- identity sequences

/**
 * Hands out the 3-digit sequence of identity numbers so that no two elders share a number:
 * per region code and birth date, odd sequences for men (500) and even ones for women (499, 000 is
 * never issued), starting at a random offset so numbers do not all end in 001, 003...
 */
export class IdSequenceAllocator {
	private readonly used = new Map<string, { base: number; male: number; female: number }>()
	constructor(private readonly rng: Rng) {}

	next(regionCode: string, birthDate: string, gender: 'male' | 'female'): number {
		const key = regionCode + birthDate
		let s = this.used.get(key)
		if (!s) {
			s = { base: this.rng.int(0, 498) * 2, male: 0, female: 0 }
			this.used.set(key, s)
		}
		if (gender === 'male') {
			if (s.male >= 500) throw new Error(`no male sequence left for ${regionCode} ${birthDate}`)
			return 1 + ((s.base + 2 * s.male++) % 1000)
		}
		if (s.female >= 499) throw new Error(`no female sequence left for ${regionCode} ${birthDate}`)
		return 2 + ((s.base + 2 * s.female++) % 998)
	}

	/** Whether another number of that gender fits on that date. */
	hasRoom(regionCode: string, birthDate: string, gender: 'male' | 'female'): boolean {
		const s = this.used.get(regionCode + birthDate)
		return !s || (gender === 'male' ? s.male < 500 : s.female < 499)
	}
}

// ---------------------------------------------------------------- elders

export type ElderCategoryName = 'dibao' | 'tekun' | 'sanwu' | 'youfu'
export type DisabilityLevelName = 'none' | 'partial' | 'full'

export type ElderRowInput = {
	districtId: string
	/** Region prefix of the number (屈家岭 elders carry 京山's 420882). */
	regionCode: string
	communityId: string | null
	settlement: 'urban_community' | 'village'
	/** YYYY-MM-DD */
	birthDate: string
	/** 3-digit sequence of the number; its parity gives the gender (odd male). */
	seq: number
	/** Shanghai date the age and the liveness dates are computed from; defaults to today. */
	today?: string
	// Overrides of the drawn values.
	name?: string
	categories?: ElderCategoryName[]
	disabilityLevel?: DisabilityLevelName
	lastLivenessAt?: string | null
	deathDate?: string | null
	residencyStatus?: 'resident' | 'moved_out'
	movedOutOn?: string | null
	bankCardRef?: string | null
	/** The full subsidy card number (null: none). Default: a generated 19-digit 邮储 card, unless bankCardRef is given. */
	bankCardNumber?: string | null
}

/** Columns of the `elder` table (createdAt/updatedAt left to the database / Prisma). Prisma-ready. */
export type ElderRow = {
	id: string
	idNumberCipher: Uint8Array<ArrayBuffer>
	idNumberHash: Uint8Array<ArrayBuffer>
	idNumberMasked: string
	name: string
	gender: 'male' | 'female'
	birthDate: Date
	districtId: string
	communityId: string | null
	settlement: 'urban_community' | 'village'
	categories: ElderCategoryName[]
	disabilityLevel: DisabilityLevelName
	lastLivenessAt: Date | null
	deathDate: Date | null
	residencyStatus: 'resident' | 'moved_out'
	movedOutOn: Date | null
	bankCardRef: string | null
	bankCardCipher: Uint8Array<ArrayBuffer> | null
	bankName: string | null
	bankAccountHolder: string | null
	bankCardRecordedAt: Date | null
}

/** Care-needs shares (半失能, 失能) rising with age. */
function disabilityShares(age: number): [partial: number, full: number] {
	if (age < 70) return [0.03, 0.01]
	if (age < 80) return [0.07, 0.025]
	if (age < 90) return [0.15, 0.06]
	return [0.26, 0.15]
}

function drawCategories(rng: Rng): ElderCategoryName[] {
	const out: ElderCategoryName[] = []
	const r = rng.next()
	if (r < 0.015) {
		out.push('tekun') // 特困/五保 ~1.5%, a fifth of them also 三无 (~0.3%)
		if (rng.chance(0.2)) out.push('sanwu')
	} else if (r < 0.075) {
		out.push('dibao') // 低保 ~6%
	}
	if (rng.chance(0.02)) out.push('youfu') // 优抚 ~2%
	return out
}

/** The elder and the plain identity number it was made with (for tests that look it up). */
export function makeElder(rng: Rng, input: ElderRowInput): { row: ElderRow; idNumber: string } {
	const today = input.today ?? shanghaiDate()
	const idNumber = makeIdNumber(input.regionCode, input.birthDate, input.seq)
	const gender = input.seq % 2 === 1 ? 'male' : 'female'
	const age = ageOn(input.birthDate, today)

	const id = rng.uuid()
	const name = input.name ?? makeChineseName(rng, gender)
	const categories = input.categories ?? drawCategories(rng)
	let disabilityLevel = input.disabilityLevel
	{
		const [partial, full] = disabilityShares(age)
		const r = rng.next()
		disabilityLevel ??= r < full ? 'full' : r < full + partial ? 'partial' : 'none'
	}
	// Most certified within the last 10 months; about 1% more than 12 months ago.
	const stale = rng.chance(0.01)
	const livenessDays = stale ? rng.int(370, 760) : rng.int(0, 300)
	const lastLivenessAt = input.lastLivenessAt !== undefined ? input.lastLivenessAt : addDays(today, -livenessDays)
	// A card held in full (generated, Luhn-valid, never a real one), unless the caller says otherwise:
	// bankCardRef alone (a mask) stands for a card recorded before cards were held in full.
	const cardNumber = input.bankCardNumber !== undefined ? input.bankCardNumber : input.bankCardRef !== undefined ? null : makeCardNumber('621799', 19, (n) => rng.digits(n))
	const bankCardRef = cardNumber ? maskCard(cardNumber) : (input.bankCardRef ?? null)

	const row: ElderRow = {
		id,
		idNumberCipher: encryptIdNumber(idNumber),
		idNumberHash: hashIdNumber(idNumber),
		idNumberMasked: maskIdNumber(idNumber),
		name,
		gender,
		birthDate: dateOnly(input.birthDate),
		districtId: input.districtId,
		communityId: input.communityId,
		settlement: input.settlement,
		categories,
		disabilityLevel,
		lastLivenessAt: lastLivenessAt === null ? null : dateOnly(lastLivenessAt),
		deathDate: input.deathDate ? dateOnly(input.deathDate) : null,
		residencyStatus: input.residencyStatus ?? 'resident',
		movedOutOn: input.movedOutOn ? dateOnly(input.movedOutOn) : null,
		bankCardRef,
		bankCardCipher: cardNumber ? encryptCardNumber(cardNumber) : null,
		bankName: cardNumber ? '中国邮政储蓄银行' : null,
		bankAccountHolder: cardNumber ? name : null,
		// Shanghai's midnight, not UTC's: from 16:00 UTC UTC's midnight of the Shanghai date is still to come,
		// and a card "recorded" in the future reads as corrected after any line sent today.
		bankCardRecordedAt: cardNumber ? fromShanghai(today) : null,
	}
	return { row, idNumber }
}

/** Columns for one `elder` row, e.g. `prisma.elder.create({ data: makeElderRow(rng, {...}) })`. */
export function makeElderRow(rng: Rng, input: ElderRowInput): ElderRow {
	return makeElder(rng, input).row
}
