import { readSheet } from 'read-excel-file/node'
// The subsidy journey over real HTTP and the real database: apply → community review → township
// review → bureau approval (with every refusal the issue lists), then a covered booking split into subsidy and
// co-pay, a cancellation that releases the hold, a verified visit that captures it, and the
// provider's monthly claim approved and exported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { cancelBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { checkIn, checkOut } from '~/modules/marketplace/visits.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { bureauDecide, communityReview, townshipReview } from '~/modules/subsidies/applications.server.ts'
import { grantBalance, ledgerDiscrepancies, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { approveClaim, prepareClaim } from '~/modules/subsidies/settlement.server.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { makeUser } from '../factories/accounts.ts'
import { freeSequence, makeElderRow, Rng } from '../factories/index.ts'
import { townshipOfficerOf } from '../factories/registry.ts'
import { statusesFromColumns } from '../factories/statuses.ts'
import { endNoticeOf } from '../factories/due-process.ts'
import { HttpClient, startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

async function client(phone: string) {
	const c = new HttpClient(app.baseUrl)
	await c.login(phone, DEMO_PASSWORD)
	return c
}

async function sessionUser(phone: string): Promise<SessionUser> {
	return prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true } })
}

const policy = (code: string) => prisma.subsidyPolicy.findUniqueOrThrow({ where: { code }, select: { id: true } })
/** What a refused request must not have written, scoped to the demo families (other test files share the database). */
const counts = async () => {
	const families = await prisma.user.findMany({ where: { phone: { in: ['13800000001', '13800000002'] } }, select: { id: true } })
	const userId = { in: families.map((f) => f.id) }
	const elderIds = (await prisma.familyLink.findMany({ where: { userId }, select: { elderId: true } })).map((l) => l.elderId)
	const grantIds = (await prisma.subsidyGrant.findMany({ where: { elderId: { in: elderIds } }, select: { id: true } })).map((g) => g.id)
	return {
		applications: await prisma.subsidyApplication.count({ where: { elderId: { in: elderIds } } }),
		grants: grantIds.length,
		txns: await prisma.ledgerTxn.count({ where: { grantId: { in: grantIds } } }),
		notices: await prisma.notification.count({ where: { userId } }),
		bookings: await prisma.booking.count({ where: { elderId: { in: elderIds } } }),
	}
}

const rng = new Rng(`subsidy-test-${process.pid}`)
/** A new elder linked to a family, with the given categories, in a district's first urban community. */
async function elderFor(familyPhone: string, districtId: string, categories: ('dibao' | 'tekun' | 'sanwu' | 'youfu')[]) {
	const family = await sessionUser(familyPhone)
	const community = await prisma.community.findFirstOrThrow({ where: { districtId, kind: 'urban_community' }, select: { id: true } })
	const region = (await prisma.district.findUniqueOrThrow({ where: { id: districtId }, select: { regionCode: true } })).regionCode ?? '420882'
	const row = makeElderRow(rng, { districtId, regionCode: region, communityId: community.id, settlement: 'urban_community', birthDate: '1945-05-05', seq: await freeSequence(region, '1945-05-05'), categories, disabilityLevel: 'partial', deathDate: null, residencyStatus: 'resident' })
	await prisma.elder.create({ data: { ...row, families: { create: { userId: family.id, relationship: 'child' } } } })
	await statusesFromColumns() // eligibility reads status records (issue 10), not the columns
	return row.id
}

describe('applications: family → community → township → bureau', () => {
	let appId = ''
	const elderName = '李桂英' // the demo family's 低保 elder in 东宝区

	it('refuses an elder the family does not care for, an ineligible elder and writes nothing', async () => {
		const family = await client('13800000001')
		const { id: policyId } = await policy('home-care-basic')
		const stranger = await prisma.elder.findFirstOrThrow({ where: { families: { some: { user: { phone: '13800000002' } } } }, select: { id: true } })
		const notDibao = await prisma.elder.findFirstOrThrow({ where: { name: '张德明', families: { some: { user: { phone: '13800000001' } } } }, select: { id: true } })
		await family.page('/subsidies/apply')
		const before = await counts()
		const notMine = await family.post('/subsidies/apply', { elderId: stranger.id, policyId, householdSize: '3', householdIncome: '1500' })
		expect(notMine.status).toBe(403)
		expect(await notMine.text()).toContain('subsidies:errors.notYourElder')
		const ineligible = await family.post('/subsidies/apply', { elderId: notDibao.id, policyId, householdSize: '3', householdIncome: '1500' })
		expect(ineligible.status).toBe(400)
		expect(await ineligible.text()).toContain('subsidies:errors.ineligible.category')
		const badIncome = await family.post('/subsidies/apply', { elderId: notDibao.id, policyId, householdSize: '0', householdIncome: '12.345' })
		expect(badIncome.status).toBe(400)
		expect(await counts()).toEqual(before)
	})

	it('takes one application per elder and policy, refuses the second, and notifies the family', async () => {
		const family = await client('13800000001')
		const { id: policyId } = await policy('home-care-basic')
		const elder = await prisma.elder.findFirstOrThrow({ where: { name: elderName, families: { some: { user: { phone: '13800000001' } } } }, select: { id: true } })
		await family.page('/subsidies/apply')
		const res = await family.post('/subsidies/apply', { elderId: elder.id, policyId, householdSize: '3', householdIncome: '1500.50', statement: '独居，行动不便' })
		expect(res.status).toBe(302)
		const application = await prisma.subsidyApplication.findFirstOrThrow({ where: { elderId: elder.id, policyId }, select: { id: true, status: true, householdIncomeFen: true } })
		expect(application).toMatchObject({ status: 'submitted', householdIncomeFen: 150_050 })
		appId = application.id
		const before = await counts()
		const again = await family.post('/subsidies/apply', { elderId: elder.id, policyId, householdSize: '3', householdIncome: '1500' })
		expect(again.status).toBe(409)
		expect(await again.text()).toContain('subsidies:errors.alreadyOpen')
		expect(await counts()).toEqual(before)
		const page = await (await family.get('/subsidies')).text()
		expect(page).toContain('等待社区初审')
	})

	it('refuses the bureau before the community, an officer of another district, and a review out of order', async () => {
		const dongbao = await client('13800000031')
		await dongbao.page('/subsidies/approvals')
		const early = await dongbao.post('/subsidies/approvals', { applicationId: appId, decision: 'approve', reason: '' })
		expect(early.status).toBe(409)
		expect(await early.text()).toContain('subsidies:errors.outOfOrder')

		const community = await client('13800000021')
		await community.page('/subsidies/review')
		const future = await community.post('/subsidies/review', { applicationId: appId, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: '2099-01-01' })
		expect(future.status).toBe(400)
		const failedCheck = await community.post('/subsidies/review', { applicationId: appId, decision: 'approve', economicCheckResult: 'fail', economicCheckDate: shanghaiDate() })
		expect(failedCheck.status).toBe(400)
		expect(await failedCheck.text()).toContain('subsidies:errors.economicCheckFailed')
		const ok = await community.post('/subsidies/review', { applicationId: appId, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: shanghaiDate(), note: '经核对，符合低保条件' })
		expect(ok.status).toBe(200)
		const twice = await community.post('/subsidies/review', { applicationId: appId, decision: 'reject', economicCheckResult: 'pass', economicCheckDate: shanghaiDate(), note: 'x' })
		expect(twice.status).toBe(409)
		const reviewed = await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: appId }, select: { status: true, economicCheckResult: true, economicCheckDate: true } })
		expect(reviewed.status).toBe('community_approved')
		expect(reviewed.economicCheckResult).toBe('pass')

		// The bureau still waits for the township (乡镇/街道 民政办).
		const tooEarly = await dongbao.post('/subsidies/approvals', { applicationId: appId, decision: 'approve', reason: '' })
		expect(tooEarly.status).toBe(409)
		expect(await tooEarly.text()).toContain('subsidies:errors.outOfOrder')
		// A township officer of another township does not see it; the demo township officer (龙泉街道) does.
		const elsewhere = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', township: { nameZh: '栗溪镇' } }, select: { id: true } })
		const otherTownship = await townshipOfficerOf(elsewhere.id)
		expect(await townshipReview(otherTownship, { applicationId: appId, decision: 'approve' }, null)).toMatchObject({ ok: false, status: 404 })
		const township = await client('13800000022')
		const queue = await (await township.get('/subsidies/review')).text()
		expect(queue).toContain(elderName)
		const noReason = await township.post('/subsidies/review', { applicationId: appId, decision: 'reject' })
		expect(noReason.status).toBe(400)
		expect(await noReason.text()).toContain('subsidies:errors.reasonRequired')
		const passed = await township.post('/subsidies/review', { applicationId: appId, decision: 'approve', note: '情况属实' })
		expect(passed.status).toBe(200)
		const again = await township.post('/subsidies/review', { applicationId: appId, decision: 'approve' })
		expect(again.status).toBe(409)
		const afterTownship = await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: appId }, select: { status: true, townshipNote: true } })
		expect(afterTownship).toEqual({ status: 'township_approved', townshipNote: '情况属实' })
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.township_approve', entityId: appId } })).toBe(1)

		const zhongxiang = await client('13800000032')
		await zhongxiang.page('/subsidies/approvals')
		const before = await counts()
		const other = await zhongxiang.post('/subsidies/approvals', { applicationId: appId, decision: 'approve' })
		expect(other.status).toBe(403)
		expect(await other.text()).toContain('subsidies:errors.otherDistrict')
		const csrfless = await zhongxiang.post('/subsidies/approvals', { applicationId: appId, decision: 'approve' }, { csrf: false })
		expect(csrfless.status).toBe(403)
		expect(await counts()).toEqual(before)
	})

	it('approves: grant, accounts, this month credited once, budget committed, audited, family notified', async () => {
		const { id: policyId } = await policy('home-care-basic')
		const year = Number(shanghaiMonth().slice(0, 4))
		const budgetBefore = await prisma.subsidyBudget.findUniqueOrThrow({ where: { policyId_districtId_year: { policyId, districtId: 'dongbao', year } } })
		const dongbao = await client('13800000031')
		await dongbao.page('/subsidies/approvals')
		const res = await dongbao.post('/subsidies/approvals', { applicationId: appId, decision: 'approve', reason: '符合条件' })
		expect(res.status).toBe(200)
		// On public notice first (公示): the grant opens when the notice ends with no objection upheld.
		expect(await prisma.subsidyGrant.count({ where: { applicationId: appId } })).toBe(0)
		expect(await prisma.subsidyNoticeEntry.findUniqueOrThrow({ where: { applicationId: appId }, select: { status: true } })).toEqual({ status: 'listed' })
		await endNoticeOf(appId)
		const grant = await prisma.subsidyGrant.findFirstOrThrow({ where: { applicationId: appId }, select: { id: true, status: true } })
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 30_000, heldFen: 0 })
		const budgetAfter = await prisma.subsidyBudget.findUniqueOrThrow({ where: { policyId_districtId_year: { policyId, districtId: 'dongbao', year } } })
		const monthsLeft = 12 - Number(shanghaiMonth().slice(5)) + 1
		expect(Number(budgetAfter.committedFen - budgetBefore.committedFen)).toBe(30_000 * monthsLeft)
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.approve', entityId: appId } })).toBe(1)
		const family = await client('13800000001')
		const page = await (await family.get('/subsidies')).text()
		expect(page).toContain('已批准')
		expect(page).toMatch(/300\.00/)
		const again = await dongbao.post('/subsidies/approvals', { applicationId: appId, decision: 'approve' })
		expect(again.status).toBe(409)
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])
	})

	it('refuses approval beyond the budget unless a city officer overrides with a reason (audited)', async () => {
		const elderId = await elderFor('13800000002', 'qujialing', ['dibao'])
		const { id: policyId } = await policy('home-care-basic')
		const year = Number(shanghaiMonth().slice(0, 4))
		await prisma.subsidyBudget.update({ where: { policyId_districtId_year: { policyId, districtId: 'qujialing', year } }, data: { amountFen: 100 } })
		const fam = await client('13800000002')
		await fam.page('/subsidies/apply')
		expect((await fam.post('/subsidies/apply', { elderId, policyId, householdSize: '1', householdIncome: '600' })).status).toBe(302)
		const application = await prisma.subsidyApplication.findFirstOrThrow({ where: { elderId, policyId }, select: { id: true } })
		// 屈家岭 has no demo community officer: the review runs through the same module as the page.
		// (A reviewer of its own: two-person control refuses a reviewer who is the applicant.)
		const reviewer: SessionUser = await makeUser({ role: 'community_officer', name: '屈家岭社区', districtId: 'qujialing' })
		expect((await communityReview(reviewer, { applicationId: application.id, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: shanghaiDate() }, null)).ok).toBe(true)
		const { communityId } = await prisma.elder.findUniqueOrThrow({ where: { id: elderId }, select: { communityId: true } })
		expect((await townshipReview(await townshipOfficerOf(communityId!), { applicationId: application.id, decision: 'approve' }, null)).ok).toBe(true)

		const city = await client('13800000041')
		await city.page('/subsidies/approvals')
		const refused = await city.post('/subsidies/approvals', { applicationId: application.id, decision: 'approve' })
		expect(refused.status).toBe(409)
		expect(await refused.text()).toContain('subsidies:errors.overBudget')
		const noReason = await city.post('/subsidies/approvals', { applicationId: application.id, decision: 'approve', override: 'on' })
		expect(noReason.status).toBe(400)
		expect(await prisma.subsidyGrant.count({ where: { applicationId: application.id } })).toBe(0)
		const overridden = await city.post('/subsidies/approvals', { applicationId: application.id, decision: 'approve', override: 'on', overrideReason: '五保户紧急需要，追加预算中' })
		expect(overridden.status).toBe(200)
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.budget_override', entityId: application.id } })).toBe(1)
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: application.id }, select: { budgetOverride: true } })).toEqual({ budgetOverride: true })
	})

	it('refuses a policy excluded by one the elder already holds (stacking, at approval)', async () => {
		const elderId = await elderFor('13800000001', 'dongbao', ['tekun'])
		const family = await sessionUser('13800000001')
		const officer = await sessionUser('13800000031')
		const reviewer = await sessionUser('13800000021')
		const townshipOfficer = await sessionUser('13800000022')
		const { townshipId } = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000022' }, select: { townshipId: true } })
		const home = await policy('home-care-basic')
		const bed = await policy('institution-bed')
		const { applyForSubsidy } = await import('~/modules/subsidies/applications.server.ts')
		for (const p of [home, bed]) {
			const applied = await applyForSubsidy(family, { elderId, policyId: p.id, householdSize: 1, householdIncome: 0 })
			expect(applied.ok).toBe(true)
			const id = applied.ok ? applied.value.id : ''
			await prisma.subsidyApplication.update({ where: { id }, data: { communityId: reviewer.communityId, townshipId } })
			expect((await communityReview(reviewer, { applicationId: id, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: shanghaiDate() }, null)).ok).toBe(true)
			expect((await townshipReview(townshipOfficer, { applicationId: id, decision: 'approve' }, null)).ok).toBe(true)
			const decided = await bureauDecide(officer, { applicationId: id, decision: 'approve', override: false }, null)
			if (p === home) await endNoticeOf(id)
			if (p === home) expect(decided.ok).toBe(true)
			else expect(decided).toMatchObject({ ok: false, formError: 'subsidies:errors.stacking', status: 409 })
		}
		expect(await prisma.subsidyGrant.count({ where: { elderId } })).toBe(1)
	})
})

describe('policies', () => {
	it('only the city changes a policy; a new version starts today or later, after the latest; the old version stays for existing grants', async () => {
		const { id: policyId } = await policy('care-needs')
		const fields = { intent: 'version', policyId, effectiveFrom: '2020-01-01', minDisability: 'partial', minAge: '60', monthlyCredit: '250', copayPercent: '25', coveredCategories: ['nursing', 'bathing'], expiresAtMonthEnd: 'on' }
		const district = await client('13800000031')
		await district.page('/subsidies/policies')
		const notCity = await district.post('/subsidies/policies', { ...fields, effectiveFrom: '2099-01-01' })
		expect(notCity.status).toBe(403)
		expect(await notCity.text()).toContain('subsidies:errors.cityOnly')
		const city = await client('13800000041')
		await city.page('/subsidies/policies')
		const past = await city.post('/subsidies/policies', fields)
		expect(past.status).toBe(400)
		expect(await past.text()).toContain('subsidies:errors.versionInPast')
		const badCopay = await city.post('/subsidies/policies', { ...fields, effectiveFrom: '2099-01-01', copayPercent: '120' })
		expect(badCopay.status).toBe(400)
		expect((await city.post('/subsidies/policies', { ...fields, effectiveFrom: '2099-01-01' })).status).toBe(200)
		// Two-person control (trust): the version is written when the second city officer approves it.
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'subsidy_policy_version', subjectId: policyId, status: 'pending' }, select: { id: true } })
		const checker = await client('13800000042')
		await checker.page('/subsidies/policies')
		expect((await checker.post('/subsidies/policies', { formId: 'decide-change', changeId: change.id, decision: 'approve' })).status).toBe(200)
		const earlier = await city.post('/subsidies/policies', { ...fields, effectiveFrom: '2098-06-01' })
		expect(earlier.status).toBe(400)
		expect(await earlier.text()).toContain('subsidies:errors.versionOrder')
		const versions = await prisma.subsidyPolicyVersion.findMany({ where: { policyId }, orderBy: { version: 'asc' }, select: { version: true, monthlyCreditFen: true, copayBps: true } })
		expect(versions).toEqual([
			{ version: 1, monthlyCreditFen: 20_000, copayBps: 3_000 },
			{ version: 2, monthlyCreditFen: 25_000, copayBps: 2_500 },
		])
	})
})

describe('booking a covered service: split, hold, release, capture, claim', () => {
	it('splits the price, pays only the co-pay, releases on cancel, captures a verified visit, claims it once and exports', async () => {
		const family = await sessionUser('13800000001')
		const staff = await sessionUser('13800000011')
		const elder = await prisma.elder.findFirstOrThrow({ where: { name: '李桂英', families: { some: { userId: family.id } } }, select: { id: true } })
		const grant = await prisma.subsidyGrant.findFirstOrThrow({ where: { elderId: elder.id, status: 'active' }, select: { id: true } })
		await prisma.providerProfile.upsert({ where: { providerId: staff.providerId! }, create: { providerId: staff.providerId!, autoConfirm: true }, update: { autoConfirm: true } })
		const offering = await prisma.offering.create({
			data: { providerId: staff.providerId!, category: 'meals', title: '助餐送餐上门', priceFen: 12_000, unit: 'per_visit', durationMinutes: 60, districtIds: ['dongbao'], rules: { create: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, capacity: 5 })) } },
			select: { id: true },
		})
		const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
		const startsAt = new Date(`${day}T10:00:00+08:00`)
		const base = { elderId: elder.id, startsAt: startsAt.toISOString(), expectedPriceFen: 12_000, serviceAddress: '龙泉社区 3 栋', note: '' }
		// 80% of 120.00 = 96.00 from the credit (300.00 left); the family pays 24.00.
		const before = await counts()
		const tampered = await createBooking(family, offering.id, { ...base, idempotencyKey: `tamper-${process.pid}-aaaaaaaa`, expectedCopayFen: 0 })
		expect(tampered).toMatchObject({ ok: false, formError: 'marketplace:errors.booking.priceChanged', status: 409 })
		expect(await counts()).toEqual(before)
		const first = await createBooking(family, offering.id, { ...base, idempotencyKey: `first-${process.pid}-aaaaaaaaa`, expectedCopayFen: 2_400 })
		expect(first.ok).toBe(true)
		const firstId = first.ok ? first.value.bookingId : ''
		expect(await prisma.booking.findUniqueOrThrow({ where: { id: firstId }, select: { subsidyFen: true, copayFen: true, subsidyRef: true, paymentStatus: true } })).toEqual({ subsidyFen: 9_600, copayFen: 2_400, subsidyRef: grant.id, paymentStatus: 'awaiting' })
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 20_400, heldFen: 9_600 })
		const cancelled = await cancelBooking(family, firstId, '家里有事')
		expect(cancelled.ok).toBe(true)
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 30_000, heldFen: 0 })

		const second = await createBooking(family, offering.id, { ...base, startsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), idempotencyKey: `second-${process.pid}-aaaaaaaa`, expectedCopayFen: 2_400 })
		expect(second.ok).toBe(true)
		const secondId = second.ok ? second.value.bookingId : ''
		const booking = await prisma.booking.findUniqueOrThrow({ where: { id: secondId }, select: { visitCode: true, startsAt: true } })
		expect((await checkIn(staff, secondId, { intent: 'check-in', method: 'code', code: booking.visitCode }, booking.startsAt)).ok).toBe(true)
		const out = await checkOut(staff, secondId, { intent: 'check-out', method: 'code', code: booking.visitCode }, new Date(booking.startsAt.getTime() + 62 * 60_000))
		expect(out).toMatchObject({ ok: true, value: { verified: true } })
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 20_400, heldFen: 0 })

		const month = shanghaiMonth(new Date(booking.startsAt.getTime() + 62 * 60_000))
		const claim = await prepareClaim(staff, month)
		expect(claim).toMatchObject({ ok: true, value: { added: 1 } })
		const again = await prepareClaim(staff, month)
		expect(again).toMatchObject({ ok: true, value: { added: 0 } })
		const claimId = claim.ok ? claim.value.claimId : ''
		const row = await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId }, select: { totalFen: true, lineCount: true, status: true } })
		expect({ ...row, totalFen: Number(row.totalFen) }).toEqual({ totalFen: 9_600, lineCount: 1, status: 'submitted' })
		const line = await prisma.subsidyClaimLine.findFirstOrThrow({ where: { claimId } })
		await expect(prisma.subsidyClaimLine.create({ data: { claimId, bookingId: line.bookingId, visitId: line.visitId, elderId: line.elderId, category: 'meals', amountFen: 1, serviceDate: line.serviceDate } })).rejects.toThrow()

		const zhongxiang = await sessionUser('13800000032')
		expect(await approveClaim(zhongxiang, claimId, '', null)).toMatchObject({ ok: false, status: 403 })
		const officer = await client('13800000031')
		expect((await officer.get(`/subsidies/claims/${claimId}/export`)).status).toBe(404)
		await officer.page(`/subsidies/claims/${claimId}`)
		expect((await officer.post(`/subsidies/claims/${claimId}`, { note: '核对无误' })).status).toBe(200)
		const csv = await officer.get(`/subsidies/claims/${claimId}/export`)
		expect(csv.status).toBe(200)
		expect(csv.headers.get('content-type')).toContain('text/csv')
		const text = await csv.text()
		expect(text).toContain('96.00')
		expect(text).toContain('李桂英')
		expect(text).not.toMatch(/\d{17}[\dX]/)
		// The same file as a spreadsheet: amounts are numbers, the total row adds up.
		const xlsx = await officer.get(`/subsidies/claims/${claimId}/export?format=xlsx`)
		expect(xlsx.status).toBe(200)
		expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
		expect(xlsx.headers.get('content-disposition')).toMatch(/filename="subsidy-claim-\d{4}-\d{2}-[0-9a-f]{8}\.xlsx"/)
		const sheet = await readSheet(Buffer.from(await xlsx.arrayBuffer()))
		expect(sheet[0]![9]).toBe('补贴金额(元) subsidy CNY')
		expect(sheet.find((r) => r[6] === '李桂英')?.[9]).toBe(96)
		expect(sheet.at(-1)?.[0]).toBe('合计 total')
		expect(sheet.at(-1)?.[9]).toBe(96)
		expect(JSON.stringify(sheet)).not.toMatch(/\d{17}[\dX]/)
		expect((await officer.get(`/subsidies/claims/${claimId}/export?format=pdf`)).status).toBe(400)
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.claim_export', entityId: claimId } })).toBe(2)
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])

		const reports = await (await officer.get(`/subsidies/reports?year=${shanghaiDate().slice(0, 4)}`)).text()
		expect(reports).toContain('<svg')
		expect(reports).toContain('role="img"')
	})
})
