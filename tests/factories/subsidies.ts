// Subsidy test data. Builders for ledger tests (a grant of its own policy, accounts open) and for
// settlement tests: an elder with a grant and credit of its own, and a completed, subsidised visit
// moved to a given past day (so its month holds no other test's visits).
import { prisma } from '~/lib/db.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { checkIn, checkOut } from '~/modules/marketplace/visits.server.ts'
import { quoteSubsidy } from '~/modules/subsidies/booking.server.ts'
import { grantMonthlyCredit, openGrantAccounts, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { sessionUser } from './accounts.ts'
import { freeSequence, makeElderRow, Rng } from './index.ts'

export { sessionUser }

const rng = new Rng(`subsidy-visits-${process.pid}-${Date.now()}`)
let policySeq = 0

/**
 * An approved grant of a fresh policy (so one-active-grant never clashes) for a living elder with a
 * family, its ledger accounts open and no credit yet: meals, 20% co-pay, `monthlyCreditFen` a month.
 */
export async function makeLedgerGrant(opts: { monthlyCreditFen: number; expires: boolean }) {
	const tag = `${process.pid}-${Date.now()}-${policySeq++}`
	const elder = await prisma.elder.findFirstOrThrow({ where: { deathDate: null, residencyStatus: 'resident', families: { some: {} } }, select: { id: true, districtId: true, families: { select: { userId: true }, take: 1 } } })
	const policy = await prisma.subsidyPolicy.create({ data: { code: `ledger-${tag}`, nameZh: '测试补贴', nameEn: 'Test subsidy' }, select: { id: true } })
	const version = await prisma.subsidyPolicyVersion.create({
		data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: opts.monthlyCreditFen, coveredCategories: ['meals'], copayBps: 2000, expiresAtMonthEnd: opts.expires },
		select: { id: true },
	})
	const app = await prisma.subsidyApplication.create({
		data: { policyId: policy.id, policyVersionId: version.id, elderId: elder.id, applicantId: elder.families[0]!.userId, districtId: elder.districtId, householdSize: 2, householdIncomeFen: 100_000, status: 'approved' },
		select: { id: true },
	})
	const grant = await prisma.subsidyGrant.create({
		data: { applicationId: app.id, policyId: policy.id, policyVersionId: version.id, elderId: elder.id, districtId: elder.districtId, startMonth: new Date('2020-01-01') },
		select: { id: true, policyId: true, districtId: true },
	})
	await openGrantAccounts(pgSql(), grant)
	return grant
}

/** A new Dongbao elder of the family, holding a grant (meals, 20% co-pay, 300.00 a month unless told; no expiry) with this month's credit. */
export async function elderWithCredit(familyPhone: string, tag: string, opts: { expires?: boolean; monthlyCreditFen?: number } = {}) {
	const family = await sessionUser(familyPhone)
	const community = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', kind: 'urban_community' }, select: { id: true } })
	const row = makeElderRow(rng, { districtId: 'dongbao', regionCode: '420802', communityId: community.id, settlement: 'urban_community', birthDate: '1944-04-04', seq: await freeSequence('420802', '1944-04-04'), categories: ['dibao'], disabilityLevel: 'partial', deathDate: null, residencyStatus: 'resident' })
	await prisma.elder.create({ data: { ...row, families: { create: { userId: family.id, relationship: 'child' } } } })
	const policy = await prisma.subsidyPolicy.create({ data: { code: `${tag}-${process.pid}-${Date.now()}`, nameZh: '结算测试', nameEn: 'Settlement test' }, select: { id: true } })
	const version = await prisma.subsidyPolicyVersion.create({ data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: opts.monthlyCreditFen ?? 30_000, coveredCategories: ['meals'], copayBps: 2_000, expiresAtMonthEnd: opts.expires ?? false }, select: { id: true } })
	const app = await prisma.subsidyApplication.create({ data: { policyId: policy.id, policyVersionId: version.id, elderId: row.id, applicantId: family.id, districtId: 'dongbao', householdSize: 1, householdIncomeFen: 0, status: 'approved' }, select: { id: true } })
	const grant = await prisma.subsidyGrant.create({ data: { applicationId: app.id, policyId: policy.id, policyVersionId: version.id, elderId: row.id, districtId: 'dongbao', startMonth: new Date('2020-01-01') }, select: { id: true, policyId: true, districtId: true } })
	await openGrantAccounts(pgSql(), grant)
	await grantMonthlyCredit(pgSql(), shanghaiMonth(), { grantId: grant.id })
	return { elderId: row.id, grantId: grant.id, family }
}

/**
 * Books a 120.00 meal visit (96.00 from the credit) with the staff's provider, moves it to `day`
 * 10:00 Shanghai, checks in (with a wrong code when `flagged`) and out: the booking completes and
 * the credit is captured either way.
 */
export async function completedVisit(staff: SessionUser, family: SessionUser, elderId: string, day: string, opts: { flagged: boolean }) {
	await prisma.providerProfile.upsert({ where: { providerId: staff.providerId! }, create: { providerId: staff.providerId!, autoConfirm: true }, update: { autoConfirm: true } })
	const offering = await prisma.offering.create({
		data: { providerId: staff.providerId!, category: 'meals', title: '助餐上门（结算测试）', priceFen: 12_000, unit: 'per_visit', durationMinutes: 60, districtIds: ['dongbao'], rules: { create: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, capacity: 5 })) } },
		select: { id: true },
	})
	const future = new Date(`${new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)}T10:00:00+08:00`)
	const made = await createBooking(family, offering.id, { elderId, startsAt: future.toISOString(), expectedPriceFen: 12_000, expectedCopayFen: 2_400, serviceAddress: '龙泉社区 5 栋', note: '', idempotencyKey: `visit-${process.pid}-${rng.int(0, 1e9)}-aaaaaaaa` })
	if (!made.ok) throw new Error(`booking failed: ${JSON.stringify(made)} ${JSON.stringify(await quoteSubsidy(prisma, { elderId, category: 'meals', priceFen: 12_000, startsAt: future }))}`)
	const startsAt = new Date(`${day}T10:00:00+08:00`)
	const booking = await prisma.booking.update({ where: { id: made.value.bookingId }, data: { startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) }, select: { id: true, visitCode: true } })
	const wrong = booking.visitCode === '000000' ? '111111' : '000000'
	const inn = await checkIn(staff, booking.id, { intent: 'check-in', method: 'code', code: opts.flagged ? wrong : booking.visitCode }, startsAt)
	if (!inn.ok) throw new Error(`check-in failed: ${JSON.stringify(inn)}`)
	const out = await checkOut(staff, booking.id, { intent: 'check-out', method: 'code', code: booking.visitCode }, new Date(startsAt.getTime() + 62 * 60_000))
	if (!out.ok || out.value.verified === opts.flagged) throw new Error(`check-out unexpected: ${JSON.stringify(out)}`)
	const visit = await prisma.visit.findUniqueOrThrow({ where: { bookingId: booking.id }, select: { id: true } })
	return { bookingId: booking.id, visitId: visit.id }
}

/** A new approved Dongbao home-care provider and its manager (as who registered it is), so a test's claims are its own. */
export async function newProviderStaff(tag: string): Promise<SessionUser> {
	const n = `${process.pid}${rng.int(0, 1e6)}`
	const provider = await prisma.provider.create({ data: { name: `结算测试服务商 ${tag}`, kind: 'home_care', licenceNo: `TEST-${tag}-${n}`, districtId: 'dongbao', status: 'approved', districtsServed: { create: { districtId: 'dongbao' } } }, select: { id: true } })
	const staff = await prisma.user.create({ data: { phone: `199${n.padStart(8, '0').slice(-8)}`, name: `护理员${tag}`, passwordHash: 'x', role: 'provider_staff', districtId: 'dongbao', providerId: provider.id, providerManager: true }, select: { phone: true } })
	return sessionUser(staff.phone)
}
