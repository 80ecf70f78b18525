// The pure rules of due process: the masked name of a public notice and the date arithmetic of
// notice periods, month ends and back-pay months.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { maskName, monthEnd, monthsBetween } from '~/modules/due-process/mask.ts'
import { addDays } from '~/lib/time.ts'

describe('maskName', () => {
	it('keeps the surname and the last character, masks the rest', () => {
		expect(maskName('张小明')).toBe('张*明')
		expect(maskName('李娜')).toBe('李*')
		expect(maskName('欧阳小明')).toBe('欧**明')
		expect(maskName('买买提·艾力')).toBe('买****力')
		expect(maskName('Li')).toBe('L***')
	})

	it('never shows a whole name of two or more characters', () => {
		fc.assert(
			fc.property(fc.string({ unit: fc.constantFrom(...'张王李赵明华英桂兰秀'.split('')), minLength: 2, maxLength: 6 }), (name) => {
				const masked = maskName(name)
				expect(masked).not.toBe(name)
				expect([...masked][0]).toBe([...name][0])
				expect(masked).toContain('*')
			}),
		)
	})
})

describe('dates', () => {
	it('adds days across months and years', () => {
		expect(addDays('2026-11-30', 7)).toBe('2026-12-07')
		expect(addDays('2026-12-28', 7)).toBe('2027-01-04')
		expect(addDays('2027-01-04', -7)).toBe('2026-12-28')
	})

	it('finds the last day of a month, leap years included', () => {
		expect(monthEnd('2026-11-30')).toBe('2026-11-30')
		expect(monthEnd('2028-02-03')).toBe('2028-02-29')
		expect(monthEnd('2026-12-01')).toBe('2026-12-31')
	})

	it('lists the months of a back-pay, both ends included', () => {
		expect(monthsBetween('2026-09', '2026-12')).toEqual(['2026-09', '2026-10', '2026-11', '2026-12'])
		expect(monthsBetween('2026-11', '2027-01')).toEqual(['2026-11', '2026-12', '2027-01'])
		expect(monthsBetween('2026-12', '2026-12')).toEqual(['2026-12'])
		expect(monthsBetween('2027-01', '2026-12')).toEqual([])
	})
})
