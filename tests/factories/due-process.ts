// Due-process test data: an application ready for the bureau's decision in a place of its own, and a
// helper that ends a notice now (moves its period into the past and runs the close), for tests that
// only need a grant to take effect.
import { prisma } from '~/lib/db.server.ts'
import { addDays, dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { closeDueNotices } from '~/modules/due-process/notice.server.ts'
import { makeUser } from './accounts.ts'
import { freeSequence, makeElder, Rng } from './index.ts'
import { makePlace } from './registry.ts'

const rng = new Rng(`due-process-${process.pid}-${Date.now()}`)

/** Ends the notice listing `applicationId` as of today (Shanghai) and settles every notice due. */
export async function endNoticeOf(applicationId: string, today = shanghaiDate()) {
	const entry = await prisma.subsidyNoticeEntry.findUniqueOrThrow({ where: { applicationId }, select: { noticeId: true } })
	// Opened a day before the place's earliest notice (one notice per place and day), ending today.
	const notice = await prisma.subsidyNotice.findUniqueOrThrow({ where: { id: entry.noticeId }, select: { districtId: true, communityId: true } })
	const earliest = await prisma.subsidyNotice.findFirst({ where: { districtId: notice.districtId, communityId: notice.communityId }, orderBy: { opensOn: 'asc' }, select: { opensOn: true } })
	const opensOn = addDays([toDateString(earliest!.opensOn), addDays(today, -6)].sort()[0]!, -1)
	await prisma.subsidyNotice.update({ where: { id: entry.noticeId }, data: { opensOn: dateOnly(opensOn), endsOn: dateOnly(today) } })
	return closeDueNotices(today)
}

/**
 * A family, an elder (named `name`) in a new community of 东宝, a policy of its own (200.00 a month,
 * budget for the year) and an application the township passed, waiting for the district bureau.
 */
export async function applicationForDecision(name = '张小明', opts: { monthlyCreditFen?: number } = {}) {
	const place = await makePlace('dongbao')
	const family = await makeUser({ role: 'family', name: '家属' })
	const { row, idNumber } = makeElder(rng, { name, districtId: 'dongbao', regionCode: '420802', communityId: place.community.id, settlement: 'urban_community', birthDate: '1944-04-04', seq: await freeSequence('420802', '1944-04-04'), categories: ['dibao'], disabilityLevel: 'partial', deathDate: null, residencyStatus: 'resident' })
	await prisma.elder.create({ data: { ...row, families: { create: { userId: family.id, relationship: 'child' } } } })
	const policy = await prisma.subsidyPolicy.create({ data: { code: `dp-${process.pid}-${Date.now()}-${rng.int(0, 1e6)}`, nameZh: '公示测试补贴', nameEn: 'Notice test subsidy' }, select: { id: true } })
	const version = await prisma.subsidyPolicyVersion.create({ data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: opts.monthlyCreditFen ?? 20_000, coveredCategories: ['meals'], copayBps: 2_000 }, select: { id: true } })
	for (const year of [2026, 2027, 2028]) await prisma.subsidyBudget.create({ data: { policyId: policy.id, districtId: 'dongbao', year, amountFen: 100_000_000 } })
	const reviewer = await makeUser({ role: 'community_officer', districtId: 'dongbao', communityId: place.community.id, name: '社区审核员' })
	const app = await prisma.subsidyApplication.create({
		data: { policyId: policy.id, policyVersionId: version.id, elderId: row.id, applicantId: family.id, districtId: 'dongbao', communityId: place.community.id, townshipId: place.township.id, householdSize: 1, householdIncomeFen: 0, status: 'township_approved', communityReviewerId: reviewer.id, communityReviewedAt: new Date() },
		select: { id: true },
	})
	return { applicationId: app.id, elderId: row.id, idNumber, family, place, policyId: policy.id, communityOfficer: reviewer }
}
