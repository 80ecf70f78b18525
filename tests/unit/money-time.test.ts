import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatFen, parseYuan } from '~/lib/money.ts'
import { addMonths, ageOn, bornOnOrBefore, fromShanghai, isLeapYear, shanghaiDate, shanghaiMonth } from '~/lib/time.ts'

describe('money in fen', () => {
	it('parses yuan strings exactly', () => {
		expect(parseYuan('12')).toBe(1200)
		expect(parseYuan('12.5')).toBe(1250)
		expect(parseYuan('0.07')).toBe(7)
		expect(parseYuan('12.345')).toBeNull()
		expect(parseYuan('-1')).toBeNull()
		expect(parseYuan('abc')).toBeNull()
	})
	it('round-trips any amount through its yuan text', () => {
		fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), (fen) => {
			expect(parseYuan(`${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`)).toBe(fen)
		}))
	})
	it('formats CNY', () => {
		expect(formatFen(123456, 'zh-CN')).toBe('¥1,234.56')
	})
})

describe('Asia/Shanghai time', () => {
	it('takes the calendar date and month in UTC+8', () => {
		expect(shanghaiDate(new Date('2026-01-31T16:00:00Z'))).toBe('2026-02-01')
		expect(shanghaiDate(new Date('2026-01-31T15:59:59Z'))).toBe('2026-01-31')
		expect(shanghaiMonth(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01')
		expect(fromShanghai('2026-03-01', '02:00').toISOString()).toBe('2026-02-28T18:00:00.000Z')
	})
	it('computes ages on birthdays, including 29 February', () => {
		expect(ageOn('1946-11-29', '2026-11-29')).toBe(80)
		expect(ageOn('1946-11-30', '2026-11-29')).toBe(79)
		// Civil Code art. 201-202: born 29 February, a year is completed on 28 February of a common year.
		expect(ageOn('1944-02-29', '2026-02-27')).toBe(81)
		expect(ageOn('1944-02-29', '2026-02-28')).toBe(82)
		expect(ageOn('1944-02-29', '2028-02-28')).toBe(83)
		expect(ageOn('1944-02-29', '2028-02-29')).toBe(84)
		expect(ageOn('2000-02-29', '2100-02-28')).toBe(100)
		expect(ageOn('2000-02-28', '2100-02-28')).toBe(100)
		expect(ageOn('2000-03-01', '2100-02-28')).toBe(99)
	})
	it('the birth-date threshold agrees with ageOn for every date and age (property)', () => {
		const day = (from: number, to: number) =>
			fc.tuple(fc.integer({ min: from, max: to }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([y, m, d]) => {
				const last = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
				return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
			})
		const leapDay = fc.integer({ min: 1896, max: 2096 }).filter(isLeapYear).map((y) => `${y}-02-29`)
		const endOfFeb = fc.integer({ min: 1990, max: 2200 }).map((y) => `${y}-02-${isLeapYear(y) ? 29 : 28}`)
		fc.assert(
			fc.property(fc.oneof(day(1890, 2100), leapDay), fc.oneof(day(1990, 2200), endOfFeb), fc.integer({ min: 0, max: 110 }), (birth, on, years) => {
				fc.pre(birth <= on)
				expect(ageOn(birth, on) >= years).toBe(birth <= bornOnOrBefore(on, years))
			}),
			{ numRuns: 5000 },
		)
	})
	it('adds months across years', () => {
		expect(addMonths('2026-11', 2)).toBe('2027-01')
		expect(addMonths('2026-01', -1)).toBe('2025-12')
		expect(addMonths('2026-05', -17)).toBe('2024-12')
	})
})

describe('formatDay', () => {
	it('formats a YYYY-MM-DD string, an ISO timestamp and a Date (loader data keeps dates as Date) alike', async () => {
		const { formatDay } = await import('~/lib/time.ts')
		expect(formatDay('2026-03-05', 'zh-CN')).toBe(formatDay(new Date('2026-03-05T00:00:00Z'), 'zh-CN'))
		expect(formatDay('2026-03-05T00:00:00.000Z', 'en')).toBe(formatDay('2026-03-05', 'en'))
		expect(formatDay(new Date('2026-03-05T00:00:00Z'), 'zh-CN')).toContain('2026')
	})
})
