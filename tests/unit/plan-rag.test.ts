import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AMBER_FROM, formatTarget, ragOf } from '~/modules/beds/indicators.ts'

describe('red / amber / green against a target', () => {
	it('is green at or above the target, amber from 90% of it, red below, unknown without figures', () => {
		expect(ragOf(35, 35)).toBe('green')
		expect(ragOf(34.999999999999, 35)).toBe('green')
		expect(ragOf(31.5, 35)).toBe('amber')
		expect(ragOf(31.4, 35)).toBe('red')
		expect(ragOf(0.55, 0.55)).toBe('green')
		expect(ragOf(null, 35)).toBeNull()
		expect(ragOf(30, null)).toBeNull()
		expect(ragOf(30, 0)).toBeNull()
		expect(ragOf(Number.NaN, 35)).toBeNull()
	})

	it('never gets worse as the value grows', () => {
		const rank = { red: 0, amber: 1, green: 2 } as const
		fc.assert(
			fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0.01, max: 500, noNaN: true }), (a, b, target) => {
				const [lo, hi] = a <= b ? [a, b] : [b, a]
				expect(rank[ragOf(lo, target)!]).toBeLessThanOrEqual(rank[ragOf(hi, target)!])
				if (hi < target * AMBER_FROM) expect(ragOf(hi, target)).toBe('red')
			}),
		)
	})

	it('shows beds as a number and shares as percentages', () => {
		expect(formatTarget('bedsPer1000', 35)).toBe('35')
		expect(formatTarget('nursingShare', 0.55)).toBe('55%')
		expect(formatTarget('urbanCoverage', null)).toBe('—')
	})
})
