import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CAPABILITY_LEVELS, disabilityOfLevel, levelOfTotal, maxTotal, raiseLevel, scoreAssessment, SEED_SCALE, tableProblems, validUntilOf, type AssessmentInput } from '~/modules/assessment/scale.ts'

const T = SEED_SCALE
const scoresArb = fc.tuple(...T.items.map((item) => fc.integer({ min: 0, max: item.max }))).map((values) => Object.fromEntries(T.items.map((item, i) => [item.id, values[i]!])))
const inputArb = fc.record({ scores: scoresArb, coma: fc.boolean(), diagnosis: fc.boolean(), riskEvents: fc.integer({ min: 0, max: 10 }) })
const rank = (l: string) => CAPABILITY_LEVELS.indexOf(l as never)

describe('the seeded scoring table (our reading of GB/T 42195-2022)', () => {
	it('is well-formed: 26 items, 90 points, 32 + 16 + 30 + 12', () => {
		expect(tableProblems(T)).toEqual([])
		expect(T.items).toHaveLength(26)
		expect(maxTotal(T)).toBe(90)
		const by = (k: string) => T.items.filter((i) => i.indicator === k).reduce((s, i) => s + i.max, 0)
		expect([by('selfCare'), by('mobility'), by('mental'), by('perception')]).toEqual([32, 16, 30, 12])
	})

	it('levels at the boundaries: 90 intact, 66–89 mild, 46–65 moderate, 30–45 severe, 0–29 complete', () => {
		const cases: [number, string][] = [[90, 'intact'], [89, 'mild'], [66, 'mild'], [65, 'moderate'], [46, 'moderate'], [45, 'severe'], [30, 'severe'], [29, 'complete'], [0, 'complete']]
		for (const [total, level] of cases) expect(levelOfTotal(T, total), String(total)).toBe(level)
	})
})

describe('scoreAssessment', () => {
	it('totals are the sums of the item scores, per indicator and overall', () => {
		fc.assert(
			fc.property(inputArb, (input) => {
				const r = scoreAssessment(T, input)
				if (!r.ok) throw new Error('valid input refused')
				const sum = Object.values(input.scores).reduce((a, b) => a + b, 0)
				expect(r.value.total).toBe(sum)
				expect(Object.values(r.value.indicatorTotals).reduce((a, b) => a + b, 0)).toBe(sum)
				expect(r.value.total).toBeLessThanOrEqual(90)
			}),
		)
	})

	it('the level: coma is complete; otherwise by the total, raised by exactly one for a diagnosis or repeated risk events', () => {
		fc.assert(
			fc.property(inputArb, (input) => {
				const r = scoreAssessment(T, input)
				if (!r.ok) throw new Error('valid input refused')
				if (input.coma) {
					expect(r.value.level).toBe('complete')
					return
				}
				expect(r.value.baseLevel).toBe(levelOfTotal(T, r.value.total))
				const raise = input.diagnosis || input.riskEvents >= 2
				expect(r.value.level).toBe(raise ? raiseLevel(r.value.baseLevel) : r.value.baseLevel)
				expect(rank(r.value.level) - rank(r.value.baseLevel)).toBeLessThanOrEqual(1)
			}),
		)
	})

	it('more capability never gives a worse level (monotone in every item)', () => {
		fc.assert(
			fc.property(inputArb, fc.integer({ min: 0, max: T.items.length - 1 }), (input, i) => {
				const item = T.items[i]!
				const better: AssessmentInput = { ...input, scores: { ...input.scores, [item.id]: item.max } }
				const a = scoreAssessment(T, input)
				const b = scoreAssessment(T, better)
				if (!a.ok || !b.ok) throw new Error('valid input refused')
				expect(rank(b.value.level)).toBeLessThanOrEqual(rank(a.value.level))
			}),
		)
	})

	it('refuses, naming the item, a score out of range, not an integer, missing or unknown', () => {
		fc.assert(
			fc.property(scoresArb, fc.integer({ min: 0, max: T.items.length - 1 }), fc.oneof(fc.integer({ min: 5, max: 1000 }), fc.integer({ min: -1000, max: -1 }), fc.constant(1.5)), (scores, i, bad) => {
				const item = T.items[i]!
				const value = bad >= 0 && bad <= item.max && Number.isInteger(bad) ? item.max + 1 : bad
				const r = scoreAssessment(T, { scores: { ...scores, [item.id]: value }, coma: false, diagnosis: false, riskEvents: 0 })
				expect(r).toEqual({ ok: false, problems: [{ field: item.id, problem: 'range' }] })
			}),
		)
		const { eating: _, ...missing } = Object.fromEntries(T.items.map((i) => [i.id, 0]))
		expect(scoreAssessment(T, { scores: missing, coma: false, diagnosis: false, riskEvents: 0 })).toEqual({ ok: false, problems: [{ field: 'eating', problem: 'missing' }] })
		const extra = { ...Object.fromEntries(T.items.map((i) => [i.id, 0])), bogus: 1 }
		expect(scoreAssessment(T, { scores: extra, coma: false, diagnosis: false, riskEvents: 0 })).toEqual({ ok: false, problems: [{ field: 'bogus', problem: 'unknown' }] })
	})

	it('maps the five levels onto the old DisabilityLevel', () => {
		expect(CAPABILITY_LEVELS.map(disabilityOfLevel)).toEqual(['none', 'partial', 'partial', 'full', 'full'])
		expect(disabilityOfLevel(null)).toBe('none')
	})

	it('a corrected table is checked before use', () => {
		expect(tableProblems({ ...T, levels: [...T.levels].reverse() })).not.toEqual([])
		expect(tableProblems({ ...T, items: [...T.items, { ...T.items[0]! }] })).toContain('item eating')
	})
})

describe('validity', () => {
	it('12 months less a day, month ends clamped', () => {
		expect(validUntilOf('2026-11-30', 12)).toBe('2027-11-29')
		expect(validUntilOf('2024-02-29', 12)).toBe('2025-02-27')
		expect(validUntilOf('2026-01-31', 1)).toBe('2026-02-27')
	})
})
