// Districts act within the city's rules (issue 15 item 4): a district officer makes their district's own
// policies and top-ups, funded from the district's budget, within the limits the city set; a second
// officer of the same district approves; the city sees every policy; the database refuses a district
// policy outside its district or its limits whichever path writes it.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { applyForSubsidy } from '~/modules/subsidies/applications.server.ts'
import { addPolicyVersion, createPolicy, decidePolicyChange, listPolicies, pendingPolicyChanges, setBudget, setDistrictLimit } from '~/modules/subsidies/policies.server.ts'
import type { CreatePolicyInput } from '~/modules/subsidies/schemas.ts'
import { makeUser } from '../factories/accounts.ts'

let seq = 0
const rules = (over: Partial<CreatePolicyInput> = {}): CreatePolicyInput => ({
	intent: 'create',
	code: `district-${process.pid}-${Date.now() % 100000}-${seq++}`,
	nameZh: '区县助餐补贴',
	nameEn: 'District meal subsidy',
	excludes: [],
	effectiveFrom: shanghaiDate(),
	categories: [],
	minDisability: 'none',
	minAge: 60,
	districtIds: [],
	monthlyCredit: 10_000,
	coveredCategories: ['meals'],
	copayPercent: 2000,
	expiresAtMonthEnd: true,
	...over,
})

async function districts() {
	const [a, b] = await prisma.district.findMany({ orderBy: { sortOrder: 'asc' }, take: 2, select: { id: true } })
	return { a: a!.id, b: b!.id }
}

/** Proposes and has a second officer approve; returns the policy id. */
async function approvedDistrictPolicy(proposer: Awaited<ReturnType<typeof makeUser>>, approver: Awaited<ReturnType<typeof makeUser>>, input: CreatePolicyInput) {
	const proposed = await createPolicy(proposer, input)
	expect(proposed.ok).toBe(true)
	const decided = await decidePolicyChange(approver, { changeId: (proposed as { value: { id: string } }).value.id, decision: 'approve' }, null)
	expect(decided).toMatchObject({ ok: true })
	return prisma.subsidyPolicy.findUniqueOrThrow({ where: { code: input.code }, select: { id: true, ownerDistrictId: true, topUpOfPolicyId: true, versions: { select: { districtIds: true, monthlyCreditFen: true } } } })
}

describe('district policies within the city’s limits', () => {
	it('needs the city’s limits first, keeps to them, applies in its own district only, and needs a second officer of the district', async () => {
		const { a, b } = await districts()
		const city = await makeUser({ role: 'bureau_city' })
		const maker = await makeUser({ role: 'bureau_district', districtId: a })
		const checker = await makeUser({ role: 'bureau_district', districtId: a })
		const stranger = await makeUser({ role: 'bureau_district', districtId: b })

		await prisma.subsidyDistrictLimit.deleteMany({ where: { districtId: a } })
		expect(await createPolicy(maker, rules())).toMatchObject({ ok: false, status: 400, fieldErrors: { monthlyCredit: ['subsidies:errors.districtPolicy.noLimit'] } })
		// Only the city sets limits; it is audited.
		expect(await setDistrictLimit(maker, { intent: 'limit', districtId: a, maxMonthlyCredit: 20_000, maxYearBudget: 1_000_000 })).toMatchObject({ ok: false, status: 403 })
		expect(await setDistrictLimit(city, { intent: 'limit', districtId: a, maxMonthlyCredit: 20_000, maxYearBudget: 1_000_000 })).toMatchObject({ ok: true })
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.district_limit_set', actorId: city.id, entityId: a } })).toBe(1)

		expect(await createPolicy(maker, rules({ monthlyCredit: 20_001 }))).toMatchObject({ ok: false, fieldErrors: { monthlyCredit: ['subsidies:errors.districtPolicy.creditLimit'] } })
		// A top-up names a city policy; a district policy cannot top up another district policy, and a city policy is no top-up.
		const input = rules({ districtIds: [a, b] })
		const proposed = await createPolicy(maker, input)
		expect(proposed.ok).toBe(true)
		const changeId = (proposed as { value: { id: string } }).value.id
		// The district's officers see it; another district's do not; the city sees it.
		expect((await pendingPolicyChanges(checker)).map((c) => c.id)).toContain(changeId)
		expect((await pendingPolicyChanges(stranger)).map((c) => c.id)).not.toContain(changeId)
		expect((await pendingPolicyChanges(city)).map((c) => c.id)).toContain(changeId)
		// Not the proposer, not another district: a second officer of the same district (or the city).
		expect(await decidePolicyChange(maker, { changeId, decision: 'approve' }, null)).toMatchObject({ ok: false })
		expect(await decidePolicyChange(stranger, { changeId, decision: 'approve' }, null)).toMatchObject({ ok: false, status: 403 })
		expect(await decidePolicyChange(checker, { changeId, decision: 'approve' }, null)).toMatchObject({ ok: true })
		// A district with one officer gets the city's sign-off instead.
		const solo = await createPolicy(maker, rules())
		expect(await decidePolicyChange(city, { changeId: (solo as { value: { id: string } }).value.id, decision: 'approve' }, null)).toMatchObject({ ok: true })
		const policy = await prisma.subsidyPolicy.findUniqueOrThrow({ where: { code: input.code }, select: { id: true, ownerDistrictId: true, versions: { select: { districtIds: true } } } })
		expect(policy.ownerDistrictId).toBe(a)
		expect(policy.versions[0]!.districtIds).toEqual([a])
		// The city sees all of them, with the owner.
		expect((await listPolicies()).find((p) => p.id === policy.id)).toMatchObject({ ownerDistrictId: a })

		// Versions: only the district's officers, within the limit.
		const { intent: _create, code: _code, nameZh: _zh, nameEn: _en, excludes: _ex, topUpOfPolicyId: _top, ...ruleInput } = rules()
		const next = { ...ruleInput, intent: 'version' as const, policyId: policy.id, effectiveFrom: '2099-01-01' }
		expect(await addPolicyVersion(stranger, next)).toMatchObject({ ok: false, status: 403 })
		expect(await addPolicyVersion(city, next)).toMatchObject({ ok: false, status: 403 })
		expect(await addPolicyVersion(maker, { ...next, monthlyCredit: 50_000 })).toMatchObject({ ok: false, fieldErrors: { monthlyCredit: ['subsidies:errors.districtPolicy.creditLimit'] } })
		expect(await addPolicyVersion(maker, next)).toMatchObject({ ok: true })
		// And a district officer changes no city policy.
		const cityPolicy = (await listPolicies()).find((p) => !p.ownerDistrictId)!
		expect(await addPolicyVersion(maker, { ...next, policyId: cityPolicy.id })).toMatchObject({ ok: false, status: 403 })
	})

	it('is funded by its own district within the city’s yearly limit, checked by the database too', async () => {
		const { a, b } = await districts()
		const city = await makeUser({ role: 'bureau_city' })
		const maker = await makeUser({ role: 'bureau_district', districtId: a })
		const checker = await makeUser({ role: 'bureau_district', districtId: a })
		await setDistrictLimit(city, { intent: 'limit', districtId: a, maxMonthlyCredit: 20_000, maxYearBudget: 500_000 })
		const policy = await approvedDistrictPolicy(maker, checker, rules())
		const year = Number(shanghaiDate().slice(0, 4)) + 1
		const budget = (over: Partial<{ districtId: string; amount: number }>) => ({ intent: 'budget' as const, policyId: policy.id, districtId: a, year, amount: 300_000, ...over })
		expect(await setBudget(maker, budget({ districtId: b }))).toMatchObject({ ok: false, fieldErrors: { districtId: ['subsidies:errors.districtPolicy.ownBudget'] } })
		expect(await setBudget(city, budget({}))).toMatchObject({ ok: false, status: 403 })
		expect(await setBudget(maker, budget({}))).toMatchObject({ ok: true })
		// A second policy of the district: together above the yearly limit → refused by the trigger, nothing written.
		const second = await approvedDistrictPolicy(maker, checker, rules())
		expect(await setBudget(maker, { ...budget({ amount: 200_001 }), policyId: second.id })).toMatchObject({ ok: false, status: 400, fieldErrors: { amount: ['subsidies:errors.districtPolicy.budgetLimit'] } })
		expect(await prisma.subsidyBudget.count({ where: { policyId: second.id } })).toBe(0)
		expect(await setBudget(maker, { ...budget({ amount: 200_000 }), policyId: second.id })).toMatchObject({ ok: true })
		// A district officer does not fund city policies.
		const cityPolicy = (await listPolicies()).find((p) => !p.ownerDistrictId)!
		expect(await setBudget(maker, { ...budget({}), policyId: cityPolicy.id })).toMatchObject({ ok: false, status: 403 })
		// Whatever path writes it, the database keeps a district policy in its district and limits.
		const outside = await prisma.subsidyPolicyVersion
			.create({ data: { policyId: policy.id, version: 9, effectiveFrom: new Date('2098-01-01'), districtIds: [b], monthlyCreditFen: 1_000, coveredCategories: ['meals'], copayBps: 0 } })
			.catch((e: unknown) => failureOf(e))
		expect(outside).toMatchObject({ ok: false, fieldErrors: { districtIds: ['subsidies:errors.districtPolicy.ownDistrict'] } })
		const above = await prisma.subsidyPolicyVersion
			.create({ data: { policyId: policy.id, version: 9, effectiveFrom: new Date('2098-01-01'), districtIds: [a], monthlyCreditFen: 20_001, coveredCategories: ['meals'], copayBps: 0 } })
			.catch((e: unknown) => failureOf(e))
		expect(above).toMatchObject({ ok: false, fieldErrors: { monthlyCredit: ['subsidies:errors.districtPolicy.creditLimit'] } })
	})

	it('a top-up is for elders holding the city policy it tops up', async () => {
		const elder = await prisma.elder.findFirstOrThrow({
			where: { deathDate: null, residencyStatus: 'resident', residenceStatus: 'verified', families: { some: {} }, subsidyGrants: { none: {} } },
			select: { id: true, districtId: true, families: { select: { userId: true }, take: 1 } },
		})
		const city = await makeUser({ role: 'bureau_city' })
		const maker = await makeUser({ role: 'bureau_district', districtId: elder.districtId })
		const checker = await makeUser({ role: 'bureau_district', districtId: elder.districtId })
		await setDistrictLimit(city, { intent: 'limit', districtId: elder.districtId, maxMonthlyCredit: 20_000, maxYearBudget: 5_000_000 })
		const cityPolicy = await prisma.subsidyPolicy.create({ data: { code: `base-${process.pid}-${seq++}`, nameZh: '市级基础补贴', nameEn: 'City base subsidy' }, select: { id: true } })
		const baseVersion = await prisma.subsidyPolicyVersion.create({ data: { policyId: cityPolicy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: 10_000, coveredCategories: ['meals'], copayBps: 2000 }, select: { id: true } })

		// Not a top-up of a district policy, and a city officer's policy is no top-up.
		const other = await approvedDistrictPolicy(maker, checker, rules())
		expect(await createPolicy(maker, rules({ topUpOfPolicyId: other.id }))).toMatchObject({ ok: false, fieldErrors: { topUpOfPolicyId: ['subsidies:errors.districtPolicy.topUpOfCity'] } })
		expect(await createPolicy(city, rules({ topUpOfPolicyId: cityPolicy.id }))).toMatchObject({ ok: false, fieldErrors: { topUpOfPolicyId: ['subsidies:errors.districtPolicy.topUpDistrictOnly'] } })
		const topUp = await approvedDistrictPolicy(maker, checker, rules({ topUpOfPolicyId: cityPolicy.id }))
		expect(topUp.topUpOfPolicyId).toBe(cityPolicy.id)

		const family = await prisma.user.findUniqueOrThrow({ where: { id: elder.families[0]!.userId }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true } })
		const apply = { elderId: elder.id, policyId: topUp.id, householdSize: 2, householdIncome: 100_000 }
		expect(await applyForSubsidy(family, apply)).toMatchObject({ ok: false, status: 400, fieldErrors: { policyId: ['subsidies:errors.districtPolicy.noBaseGrant'] } })
		const app = await prisma.subsidyApplication.create({
			data: { policyId: cityPolicy.id, policyVersionId: baseVersion.id, elderId: elder.id, applicantId: family.id, districtId: elder.districtId, householdSize: 2, householdIncomeFen: 100_000, status: 'approved' },
			select: { id: true },
		})
		await prisma.subsidyGrant.create({ data: { applicationId: app.id, policyId: cityPolicy.id, policyVersionId: baseVersion.id, elderId: elder.id, districtId: elder.districtId, startMonth: new Date('2020-01-01') } })
		expect(await applyForSubsidy(family, apply)).toMatchObject({ ok: true })
	})
})
