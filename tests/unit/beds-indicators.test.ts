import { describe, expect, it } from 'vitest'
import { computeIndicators, formatPercent, formatRatio, sumCounts, TARGETS, type IndicatorCounts } from '~/modules/beds/indicators.ts'
import { PLAN_TABLE_2 } from '~/modules/beds/plan-table.ts'
import { admitSchema, addBedsSchema, populationSchema } from '~/modules/beds/schemas.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'

const zero: IndicatorCounts = { aged60Plus: null, aged80Plus: null, institutions: 0, beds: 0, nursingBeds: 0, dementiaBeds: 0, bedsInService: 0, occupiedBeds: 0, urbanCommunities: 0, urbanWithCentre: 0, villages: 0, villagesWithCentre: 0 }

describe('the plan indicators', () => {
	it("reproduces the plan's 2015 figures: 15,472 beds for 515,700 elders is 30 per 1,000, about 2,580 beds short of 35", () => {
		const i = computeIndicators({ ...zero, aged60Plus: 515_700, aged80Plus: 61_884, beds: 15_472, nursingBeds: 4_332, bedsInService: 15_200, occupiedBeds: 9_900, urbanCommunities: 209, urbanWithCentre: 165, villages: 1335, villagesWithCentre: 694 })
		expect(formatRatio(i.bedsPer1000)).toBe('30.0')
		expect(i.bedsNeeded).toBe(Math.ceil(35 * 515.7) - 15_472)
		expect(i.bedsNeeded).toBeGreaterThan(2_570)
		expect(i.bedsNeeded).toBeLessThan(2_590)
		expect(formatPercent(i.urbanCoverage, 0)).toBe('79%')
		expect(formatPercent(i.villageCoverage, 0)).toBe('52%')
		expect(formatPercent(i.nursingShare)).toBe('28.0%')
		expect(i.occupancy).toBeCloseTo(9_900 / 15_200)
	})

	it('has no figure where it cannot: no population, no beds, no beds needed below zero', () => {
		const none = computeIndicators(zero)
		expect([none.bedsPer1000, none.nursingShare, none.occupancy, none.bedsNeeded]).toEqual([null, null, null, null])
		expect(computeIndicators({ ...zero, aged60Plus: 1000, beds: 50 }).bedsNeeded).toBe(0)
		expect(sumCounts([{ ...zero, aged60Plus: 10 }, zero]).aged60Plus).toBeNull()
		expect(sumCounts([{ ...zero, aged60Plus: 10, beds: 2 }, { ...zero, aged60Plus: 5, beds: 3 }])).toMatchObject({ aged60Plus: 15, beds: 5 })
		expect(TARGETS).toEqual({ bedsPer1000: 35, nursingShare: 0.4, urbanCoverage: 1, villageCoverage: 0.6 })
	})

	it('keeps Table 2 of the plan as published: twelve rows, beds per 1,000 from 30 to 35', () => {
		expect(PLAN_TABLE_2.map((r) => r.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
		expect(PLAN_TABLE_2[0]).toMatchObject({ nameZh: '每千名老人拥有各类养老床位数', y2015: '30', y2020: '35', actual: 'bedsPer1000' })
	})
})

describe('the forms refuse bad input', () => {
	it('refuses zero or negative populations and bed counts', () => {
		const pop = (aged60Plus: string, aged80Plus = '0') => populationSchema.safeParse({ districtId: 'dongbao', year: '2020', aged60Plus, aged80Plus })
		expect(pop('0').success).toBe(false)
		expect(pop('-5').success).toBe(false)
		expect(pop('100', '101').success).toBe(false)
		expect(pop('100', '20').success).toBe(true)
		const beds = (count: string, price = '2000') => addBedsSchema.safeParse({ intent: 'beds', roomId: '6f1c1d36-3f4e-4b8a-9d2e-1a2b3c4d5e6f', type: 'nursing', count, price })
		expect(beds('-1').success).toBe(false)
		expect(beds('0').success).toBe(false)
		expect(beds('2', '-1').success).toBe(false)
		expect(beds('2', '1999.99')).toMatchObject({ success: true, data: { count: 2, price: 199_999 } })
	})

	it('refuses a future admission date and a bad identity number', () => {
		const today = '2026-03-01'
		const ok = { intent: 'admit', idNumber: makeIdNumber('420802', '1940-01-01', 11), bedId: '6f1c1d36-3f4e-4b8a-9d2e-1a2b3c4d5e6f', admittedOn: today }
		expect(admitSchema(today).safeParse(ok).success).toBe(true)
		expect(admitSchema(today).safeParse({ ...ok, admittedOn: '2026-03-02' }).success).toBe(false)
		expect(admitSchema(today).safeParse({ ...ok, admittedOn: '2026-02-30' }).success).toBe(false)
		expect(admitSchema(today).safeParse({ ...ok, idNumber: ok.idNumber.slice(0, 17) }).success).toBe(false)
	})
})
