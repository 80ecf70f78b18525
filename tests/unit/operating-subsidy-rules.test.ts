// The operating subsidy's pure rules: which months may be computed, and a line's amount in fen
// (the SQL computes the same formula; tests/integration/operating-subsidy.test.ts checks them together).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lineAmount, monthBounds, monthHasEnded } from '~/modules/operating-subsidy/rules.ts'

describe('operating subsidy rules', () => {
	it('computes a month only once it has ended, and bounds it [1st, next 1st)', () => {
		expect(monthHasEnded('2026-10', '2026-11')).toBe(true)
		expect(monthHasEnded('2026-11', '2026-11')).toBe(false)
		expect(monthHasEnded('2026-12', '2026-11')).toBe(false)
		expect(monthHasEnded('2025-12', '2026-01')).toBe(true)
		expect(monthBounds('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' })
		expect(monthBounds('2028-02')).toEqual({ from: '2028-02-01', to: '2028-03-01' })
	})

	it('gives the default amounts of the bureau’s rules', () => {
		// ¥6 severe at 5★ (×1.2) for 30 days, a 特困 resident: 30 × 720 + 30 × 300.
		expect(lineAmount(30, 600, 12_000, 300, true)).toEqual({ levelFen: 21_600, supplementFen: 9_000, amountFen: 30_600 })
		expect(lineAmount(31, 200, 6_000, 300, false)).toEqual({ levelFen: 3_720, supplementFen: 0, amountFen: 3_720 })
	})

	it('is an integer of fen, rounded half up once per line, never negative, additive in the supplement', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 100_000 }), fc.boolean(), (days, rate, bps, tekunRate, tekun) => {
				const a = lineAmount(days, rate, bps, tekunRate, tekun)
				expect(Number.isInteger(a.amountFen)).toBe(true)
				expect(a.amountFen).toBe(a.levelFen + a.supplementFen)
				expect(Math.abs(a.levelFen - (days * rate * bps) / 10_000)).toBeLessThanOrEqual(0.5)
				expect(a.supplementFen).toBe(tekun ? days * tekunRate : 0)
				expect(a.amountFen).toBeGreaterThanOrEqual(0)
			}),
		)
	})
})
