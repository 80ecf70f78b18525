import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addMonths } from '~/lib/time.ts'
import {
	ageForMonth,
	backPayMonths,
	classifyDiff,
	decideMonth,
	decideWithParams,
	DEFAULT_SETTINGS,
	fenToYuanString,
	firstEligibleMonth,
	lastDayOf,
	maskCardRef,
	monthParams,
	settingsForMonth,
	type ElderFacts,
} from '~/modules/allowance/rules.ts'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!

const dateArb = (fromYear: number, toYear: number) =>
	fc.record({ y: fc.integer({ min: fromYear, max: toYear }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) }).map(({ y, m, d }) => `${y}-${pad(m)}-${pad(Math.min(d, daysIn(y, m)))}`)
const monthArb = fc.record({ y: fc.integer({ min: 2000, max: 2060 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ y, m }) => `${y}-${pad(m)}`)
const leapBirthArb = fc.integer({ min: 1900, max: 1980 }).filter(isLeap).map((y) => `${y}-02-29`)
const birthArb = fc.oneof(dateArb(1900, 1980), leapBirthArb)
const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null })

const factsArb: fc.Arbitrary<ElderFacts> = fc.record({
	birthDate: birthArb,
	deathDate: maybe(dateArb(1990, 2060)),
	cremated: fc.boolean(),
	resident: fc.boolean(),
	movedOutOn: maybe(dateArb(1990, 2060)),
	lastLivenessAt: maybe(dateArb(1990, 2060)),
})
const settingsArb = fc.record({
	tier80Fen: fc.integer({ min: 1, max: 100_000 }),
	tier90Fen: fc.integer({ min: 1, max: 100_000 }),
	tier100Fen: fc.integer({ min: 1, max: 100_000 }),
	livenessWindowMonths: fc.integer({ min: 1, max: 36 }),
	backPayAllowed: fc.boolean(),
})

const alive = (birthDate: string): ElderFacts => ({ birthDate, deathDate: null, cremated: false, resident: true, movedOutOn: null, lastLivenessAt: '2100-01-01' })

describe('start month and tiers', () => {
	it('starts the month after the 80th birthday, never before (property)', () => {
		fc.assert(
			fc.property(birthArb, (birth) => {
				const start = firstEligibleMonth(birth)
				const year = Number(birth.slice(0, 4)) + 80
				// A 29 February birthday falls on 28 February in a common year: still February.
				const birthdayMonth = `${year}${birth.slice(4, 7)}`
				expect(start).toBe(addMonths(birthdayMonth, 1))
				expect(decideMonth(alive(birth), addMonths(start, -1), DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'under_age' })
				expect(decideMonth(alive(birth), start, DEFAULT_SETTINGS)).toMatchObject({ payable: true, tier: 80, amountFen: 5000 })
			}),
		)
	})

	it('changes tier the month after the birthday that crosses it (property)', () => {
		fc.assert(
			fc.property(birthArb, fc.constantFrom(90, 100), (birth, crossing) => {
				const year = Number(birth.slice(0, 4)) + crossing
				// Month of the birthday in that year: 29 Feb falls on 28 Feb in a common year (Civil Code).
				const birthdayMonth = `${year}${birth.slice(4, 7)}`
				const before = decideMonth(alive(birth), birthdayMonth, DEFAULT_SETTINGS)
				const after = decideMonth(alive(birth), addMonths(birthdayMonth, 1), DEFAULT_SETTINGS)
				expect(before).toMatchObject({ payable: true, tier: crossing === 90 ? 80 : 90 })
				expect(after).toMatchObject({ payable: true, tier: crossing })
			}),
		)
	})

	it('handles 29 February births: leap and common years', () => {
		// Born 1944-02-29: 80 on 2024-02-29 (leap) -> paid from March 2024.
		expect(firstEligibleMonth('1944-02-29')).toBe('2024-03')
		// Born 1936-02-29: 90 in 2026, a common year: by the Civil Code (art. 201-202) the year is
		// completed on 28 February -> tier 90 from March, not April.
		expect(decideMonth(alive('1936-02-29'), '2026-02', DEFAULT_SETTINGS)).toMatchObject({ tier: 80 })
		expect(decideMonth(alive('1936-02-29'), '2026-03', DEFAULT_SETTINGS)).toMatchObject({ tier: 90 })
		expect(ageForMonth('1936-02-29', '2026-03')).toBe(90)
		// 100 years after 2000 is 2100, a common year: the birthday is 28 February 2100.
		expect(decideMonth(alive('2000-02-29'), '2100-03', DEFAULT_SETTINGS)).toMatchObject({ tier: 100 })
		// 28 February births are not affected.
		expect(decideMonth(alive('1936-02-28'), '2026-03', DEFAULT_SETTINGS)).toMatchObject({ tier: 90 })
		expect(lastDayOf('2024-02')).toBe('2024-02-29')
		expect(lastDayOf('2100-02')).toBe('2100-02-28')
	})

	it('the SQL thresholds decide exactly as the rules (property)', () => {
		fc.assert(
			fc.property(factsArb, monthArb, settingsArb, (facts, month, settings) => {
				expect(decideWithParams(facts, monthParams(month, settings))).toEqual(decideMonth(facts, month, settings))
			}),
			{ numRuns: 5000 },
		)
	})
})

describe('stops', () => {
	const base: ElderFacts = { birthDate: '1940-05-10', deathDate: null, cremated: false, resident: true, movedOutOn: null, lastLivenessAt: '2026-01-15' }

	it('pays the month of death and stops from the month after, with the reason', () => {
		const dead = { ...base, deathDate: '2026-03-31' }
		expect(decideMonth(dead, '2026-03', DEFAULT_SETTINGS).payable).toBe(true)
		expect(decideMonth(dead, '2026-04', DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'death' })
		expect(decideMonth({ ...dead, cremated: true }, '2026-04', DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'cremation' })
	})

	it('stops after moving out, and at once when the date is unknown', () => {
		expect(decideMonth({ ...base, resident: false, movedOutOn: '2026-02-01' }, '2026-02', DEFAULT_SETTINGS).payable).toBe(true)
		expect(decideMonth({ ...base, resident: false, movedOutOn: '2026-02-01' }, '2026-03', DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'moved_out' })
		expect(decideMonth({ ...base, resident: false, movedOutOn: null }, '2026-02', DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'moved_out' })
	})

	it('stops more than 12 months after the last liveness certification (window configurable)', () => {
		expect(decideMonth(base, '2027-01', DEFAULT_SETTINGS).payable).toBe(true)
		expect(decideMonth(base, '2027-02', DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'no_liveness' })
		expect(decideMonth({ ...base, lastLivenessAt: null }, '2026-02', DEFAULT_SETTINGS)).toEqual({ payable: false, reason: 'no_liveness' })
		expect(decideMonth(base, '2026-08', { ...DEFAULT_SETTINGS, livenessWindowMonths: 6 })).toEqual({ payable: false, reason: 'no_liveness' })
	})

	it('is never payable after death, whatever else holds (property)', () => {
		fc.assert(
			fc.property(factsArb, monthArb, settingsArb, (facts, month, settings) => {
				const d = decideMonth(facts, month, settings)
				if (facts.deathDate && facts.deathDate.slice(0, 7) < month) expect(d.payable).toBe(false)
				if (d.payable) expect(d.amountFen).toBeGreaterThan(0)
			}),
		)
	})
})

describe('back-pay', () => {
	const versions = [{ effectiveMonth: '2000-01', ...DEFAULT_SETTINGS }]

	it('pays the months missed for liveness once certified again, each at its own tier', () => {
		// Certified 2024-11; stopped 2025-12 .. 2026-02; certified again 2026-03-05.
		const facts: ElderFacts = { birthDate: '1935-12-20', deathDate: null, cremated: false, resident: true, movedOutOn: null, lastLivenessAt: '2026-03-05' }
		const months = backPayMonths(facts, '2026-03', { stoppedForLiveness: ['2025-12', '2026-01', '2026-02'], paidMonths: new Set(), versions })
		// 90th birthday 2025-12-20: December is still tier 80, January and February tier 90.
		expect(months).toEqual([
			{ month: '2025-12', tier: 80, amountFen: 5000 },
			{ month: '2026-01', tier: 90, amountFen: 10000 },
			{ month: '2026-02', tier: 90, amountFen: 10000 },
		])
	})

	it('pays nothing back when the bureau does not allow it, or for months already paid, or after death', () => {
		const facts: ElderFacts = { birthDate: '1940-01-01', deathDate: null, cremated: false, resident: true, movedOutOn: null, lastLivenessAt: '2026-03-05' }
		const stopped = ['2026-01', '2026-02']
		expect(backPayMonths(facts, '2026-03', { stoppedForLiveness: stopped, paidMonths: new Set(), versions: [{ effectiveMonth: '2000-01', ...DEFAULT_SETTINGS, backPayAllowed: false }] })).toEqual([])
		expect(backPayMonths(facts, '2026-03', { stoppedForLiveness: stopped, paidMonths: new Set(['2026-01']), versions }).map((m) => m.month)).toEqual(['2026-02'])
		expect(backPayMonths({ ...facts, deathDate: '2026-01-10' }, '2026-03', { stoppedForLiveness: stopped, paidMonths: new Set(), versions }).map((m) => m.month)).toEqual(['2026-01'])
	})

	it('never pays a month twice and never pays a month the rules refuse (property)', () => {
		fc.assert(
			fc.property(factsArb, monthArb, fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 10 }), (facts, month, offsets) => {
				const stopped = offsets.map((o) => addMonths(month, -o))
				const out = backPayMonths(facts, month, { stoppedForLiveness: stopped, paidMonths: new Set(), versions })
				expect(new Set(out.map((o) => o.month)).size).toBe(out.length)
				for (const o of out) {
					expect(o.month < month).toBe(true)
					expect(decideMonth(facts, o.month, DEFAULT_SETTINGS)).toEqual({ payable: true, tier: o.tier, amountFen: o.amountFen })
				}
			}),
		)
	})

	it('uses the settings version in force for each month', () => {
		const v = [
			{ effectiveMonth: '2000-01', ...DEFAULT_SETTINGS },
			{ effectiveMonth: '2026-02', ...DEFAULT_SETTINGS, tier80Fen: 6000 },
		]
		expect(settingsForMonth(v, '2026-01').tier80Fen).toBe(5000)
		expect(settingsForMonth(v, '2026-02').tier80Fen).toBe(6000)
		expect(settingsForMonth(v, '2030-12').tier80Fen).toBe(6000)
		const facts: ElderFacts = { birthDate: '1940-01-01', deathDate: null, cremated: false, resident: true, movedOutOn: null, lastLivenessAt: '2026-03-05' }
		expect(backPayMonths(facts, '2026-03', { stoppedForLiveness: ['2026-01', '2026-02'], paidMonths: new Set(), versions: v }).map((m) => m.amountFen)).toEqual([5000, 6000])
	})
})

describe('helpers', () => {
	it('classifies month-on-month differences', () => {
		expect(classifyDiff(null, 80, false)).toBe('new')
		expect(classifyDiff(null, 80, true)).toBe('resumed')
		expect(classifyDiff(80, null, true)).toBe('stopped')
		expect(classifyDiff(80, 90, true)).toBe('tier_changed')
		expect(classifyDiff(90, 90, true)).toBeNull()
	})

	it('formats fen as yuan and masks card references', () => {
		expect(fenToYuanString(5000)).toBe('50.00')
		expect(fenToYuanString(30005)).toBe('300.05')
		expect(fenToYuanString(7)).toBe('0.07')
		expect(maskCardRef('6217 0000 1111 2345')).toBe('****2345')
		expect(maskCardRef(null)).toBe('')
	})
})
