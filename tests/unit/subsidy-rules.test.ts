import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ineligibility, monthsLeftInYear, splitPrice, yearCommitmentFen, type EligibilityRules, type ElderFacts } from '~/modules/subsidies/rules.ts'
import { applySchema, bureauDecisionSchema, createPolicySchema } from '~/modules/subsidies/schemas.ts'

describe('price split', () => {
	it('subsidy = min(credit left, floor(price × (1 − co-pay))), family pays the rest, never negative', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), (price, credit, copay) => {
				const s = splitPrice(price, credit, copay)
				expect(s.subsidyFen + s.copayFen).toBe(price)
				expect(s.subsidyFen).toBe(Math.min(credit, Math.floor((price * (10_000 - copay)) / 10_000)))
				expect(s.subsidyFen).toBeGreaterThanOrEqual(0)
				expect(s.copayFen).toBeGreaterThanOrEqual(Math.ceil((price * copay) / 10_000))
			}),
		)
		expect(splitPrice(5_000, 30_000, 2_000)).toEqual({ priceFen: 5_000, subsidyFen: 4_000, copayFen: 1_000 })
		expect(splitPrice(5_000, 1_500, 2_000)).toEqual({ priceFen: 5_000, subsidyFen: 1_500, copayFen: 3_500 })
		expect(splitPrice(999, 30_000, 3_333)).toEqual({ priceFen: 999, subsidyFen: 666, copayFen: 333 })
		expect(() => splitPrice(1.5, 0, 0)).toThrow(RangeError)
	})
})

describe('eligibility', () => {
	const rules: EligibilityRules = { effectiveFrom: '2026-01-01', validUntil: '2026-12-31', categories: ['dibao', 'tekun'], minDisability: 'partial', minAge: 70, districtIds: ['dongbao'] }
	const elder: ElderFacts = { birthDate: '1950-06-01', districtId: 'dongbao', categories: ['dibao'], disabilityLevel: 'partial', deathDate: null, residencyStatus: 'resident' }
	it('accepts an elder meeting every rule and names the first rule another fails', () => {
		expect(ineligibility(elder, rules, '2026-11-29')).toBeNull()
		expect(ineligibility({ ...elder, categories: ['youfu'] }, rules, '2026-11-29')).toBe('category')
		expect(ineligibility({ ...elder, disabilityLevel: 'none' }, rules, '2026-11-29')).toBe('disability')
		expect(ineligibility({ ...elder, birthDate: '1957-01-01' }, rules, '2026-11-29')).toBe('age')
		expect(ineligibility({ ...elder, districtId: 'shayang' }, rules, '2026-11-29')).toBe('district')
		expect(ineligibility({ ...elder, deathDate: '2026-10-01' }, rules, '2026-11-29')).toBe('deceased')
		expect(ineligibility({ ...elder, residencyStatus: 'moved_out' }, rules, '2026-11-29')).toBe('movedOut')
		expect(ineligibility(elder, rules, '2025-12-31')).toBe('notYetValid')
		expect(ineligibility(elder, rules, '2027-01-01')).toBe('expired')
		expect(ineligibility({ ...elder, categories: [] }, { ...rules, categories: [] }, '2026-11-29')).toBeNull()
	})
	it('counts the 70th birthday itself as 70', () => {
		expect(ineligibility({ ...elder, birthDate: '1956-11-29' }, rules, '2026-11-29')).toBeNull()
		expect(ineligibility({ ...elder, birthDate: '1956-11-30' }, rules, '2026-11-29')).toBe('age')
	})
})

describe('budget commitment', () => {
	it('commits the credit of the months left in the year, stopping at the end of validity', () => {
		expect(monthsLeftInYear('2026-11', null)).toBe(2)
		expect(monthsLeftInYear('2026-01', null)).toBe(12)
		expect(monthsLeftInYear('2026-03', '2026-06-30')).toBe(4)
		expect(monthsLeftInYear('2026-08', '2026-06-30')).toBe(0)
		expect(yearCommitmentFen(30_000, '2026-11', null)).toBe(60_000)
	})
})

describe('form schemas', () => {
	it('parses yuan into fen exactly and refuses what is not money', () => {
		const ok = applySchema.safeParse({ elderId: '6f1c1d2e-8a51-4c5e-9b1a-2d3e4f5a6b7c', policyId: '6f1c1d2e-8a51-4c5e-9b1a-2d3e4f5a6b7d', householdSize: '3', householdIncome: '1500.5' })
		expect(ok.success && ok.data.householdIncome).toBe(150_050)
		for (const householdIncome of ['-1', '1.234', 'abc', '']) {
			expect(applySchema.safeParse({ elderId: '6f1c1d2e-8a51-4c5e-9b1a-2d3e4f5a6b7c', policyId: '6f1c1d2e-8a51-4c5e-9b1a-2d3e4f5a6b7d', householdSize: '3', householdIncome }).success).toBe(false)
		}
	})
	it('turns a co-pay percentage into basis points and needs a covered service', () => {
		const base = { intent: 'create', code: 'home-x', nameZh: '居家补贴', nameEn: 'Home credit', effectiveFrom: '2026-12-01', minDisability: 'none', minAge: '60', monthlyCredit: '300', copayPercent: '12.5', coveredCategories: ['meals', 'bathing'], expiresAtMonthEnd: 'on' }
		const parsed = createPolicySchema.safeParse(base)
		expect(parsed.success && parsed.data.copayPercent).toBe(1_250)
		expect(parsed.success && parsed.data.monthlyCredit).toBe(30_000)
		expect(createPolicySchema.safeParse({ ...base, copayPercent: '101' }).success).toBe(false)
		expect(createPolicySchema.safeParse({ ...base, coveredCategories: [] }).success).toBe(false)
		expect(createPolicySchema.safeParse({ ...base, coveredCategories: ['massage'] }).success).toBe(false)
		expect(createPolicySchema.safeParse({ ...base, validUntil: '2026-11-01' }).success).toBe(false)
	})
	it('needs a reason to refuse and a reason to override the budget', () => {
		const id = '6f1c1d2e-8a51-4c5e-9b1a-2d3e4f5a6b7c'
		expect(bureauDecisionSchema.safeParse({ applicationId: id, decision: 'reject' }).success).toBe(false)
		expect(bureauDecisionSchema.safeParse({ applicationId: id, decision: 'approve', override: 'on' }).success).toBe(false)
		expect(bureauDecisionSchema.safeParse({ applicationId: id, decision: 'approve', override: 'on', overrideReason: '紧急' }).success).toBe(true)
	})
})
