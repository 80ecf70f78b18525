// The monthly credit through the real BullMQ queue and processor (this run's own queue prefix):
// every due grant is credited once, however often the month is queued; expiring policies lapse the
// previous month's unused credit first; stacking is checked again when a booking is quoted.
import { QueueEvents, Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { enqueueMonthlyGrant, SUBSIDY_QUEUE } from '~/jobs/subsidy-grant.server.ts'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { quoteSubsidy } from '~/modules/subsidies/booking.server.ts'
import { districtsLargestFirst } from '~/modules/subsidies/grant-run.server.ts'
import { grantBalance, ledgerDiscrepancies, openGrantAccounts, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { subsidyGrantWorker } from '../../workers/processors/subsidy-grant.ts'

const workers: Worker[] = []
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(SUBSIDY_QUEUE).obliterate({ force: true })
	await getQueue(SUBSIDY_QUEUE).close()
})

async function grantFor(policyCode: string, opts: { expires: boolean; covered?: string[] }) {
	const elder = await prisma.elder.findFirstOrThrow({ where: { deathDate: null, residencyStatus: 'resident', districtId: 'shayang', subsidyGrants: { none: {} } }, select: { id: true, districtId: true } })
	const applicant = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000002' }, select: { id: true } })
	const policy = await prisma.subsidyPolicy.create({ data: { code: `${policyCode}-${process.pid}-${Date.now()}`, nameZh: '任务测试', nameEn: 'Job test' }, select: { id: true } })
	const version = await prisma.subsidyPolicyVersion.create({ data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: 10_000, coveredCategories: opts.covered ?? ['meals'], copayBps: 2_000, expiresAtMonthEnd: opts.expires }, select: { id: true } })
	const app = await prisma.subsidyApplication.create({ data: { policyId: policy.id, policyVersionId: version.id, elderId: elder.id, applicantId: applicant.id, districtId: elder.districtId, householdSize: 1, householdIncomeFen: 0, status: 'approved' }, select: { id: true } })
	const grant = await prisma.subsidyGrant.create({ data: { applicationId: app.id, policyId: policy.id, policyVersionId: version.id, elderId: elder.id, districtId: elder.districtId, startMonth: new Date('2020-01-01') }, select: { id: true, policyId: true, districtId: true, elderId: true } })
	await openGrantAccounts(pgSql(), grant)
	return grant
}

// Listening starts before anything is queued, so a job finishing fast is never missed.
let events: QueueEvents | null = null
async function runMonth(month: string, unique?: string) {
	if (!events) {
		events = new QueueEvents(SUBSIDY_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()
	}
	const jobs = await enqueueMonthlyGrant(month, ['shayang'], { unique })
	return (await Promise.all(jobs.map((j) => j.waitUntilFinished(events!, 60_000)))) as { granted: { granted: number }; expired: { expired: number } }[]
}

describe('monthly credit job', () => {
	it('credits each due grant once per month however often the month is queued, and lapses unused credit first', async () => {
		const worker = new Worker(SUBSIDY_QUEUE, subsidyGrantWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 2 })
		workers.push(worker)
		const lapsing = await grantFor('job-lapsing', { expires: true })
		const keeping = await grantFor('job-keeping', { expires: false })
		const [first] = await runMonth('2032-01')
		expect(first!.granted.granted).toBeGreaterThanOrEqual(2)
		expect(await grantBalance(pgSql(), lapsing.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		// Queued again (a new job id, as an operator re-run would be): nothing more.
		const [again] = await runMonth('2032-01', 'rerun')
		expect(again!.granted.granted).toBe(0)
		expect(await prisma.ledgerTxn.count({ where: { grantId: { in: [lapsing.id, keeping.id] }, kind: 'grant' } })).toBe(2)
		// The same job id is deduplicated by BullMQ itself.
		const dup = await enqueueMonthlyGrant('2032-01', ['shayang'])
		expect(dup[0]!.id).toBe('month-2032-01-shayang')
		// Next month: the lapsing grant's January credit expires before February's arrives; the other rolls over.
		await runMonth('2032-02')
		expect(await grantBalance(pgSql(), lapsing.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		expect(await grantBalance(pgSql(), keeping.id)).toEqual({ availableFen: 20_000, heldFen: 0 })
		expect(await prisma.ledgerTxn.count({ where: { grantId: lapsing.id, kind: 'expiry' } })).toBe(1)
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])
	})

	it('pays no subsidy from a grant whose policy excludes another active grant of the elder (stacking at booking)', async () => {
		const home = await grantFor('job-home', { expires: false, covered: ['meals'] })
		const { grantMonthlyCredit } = await import('~/modules/subsidies/ledger.server.ts')
		await grantMonthlyCredit(pgSql(), '2032-03', { grantId: home.id })
		const startsAt = new Date(Date.now() + 86_400_000)
		expect(await quoteSubsidy(prisma, { elderId: home.elderId, category: 'meals', priceFen: 5_000, startsAt })).toMatchObject({ subsidyFen: 4_000, copayFen: 1_000, grantId: home.id })
		expect(await quoteSubsidy(prisma, { elderId: home.elderId, category: 'residential_stay', priceFen: 5_000, startsAt })).toMatchObject({ subsidyFen: 0, note: 'notCovered' })
		// A bed subsidy approved for the same elder, and only then declared exclusive with the home-care credit.
		const bed = await prisma.subsidyPolicy.create({ data: { code: `job-bed-${process.pid}-${Date.now()}`, nameZh: '床位', nameEn: 'Bed' }, select: { id: true } })
		const version = await prisma.subsidyPolicyVersion.create({ data: { policyId: bed.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: 50_000, coveredCategories: ['residential_stay'], copayBps: 1_000 }, select: { id: true } })
		const applicant = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000002' }, select: { id: true } })
		const app = await prisma.subsidyApplication.create({ data: { policyId: bed.id, policyVersionId: version.id, elderId: home.elderId, applicantId: applicant.id, districtId: home.districtId, householdSize: 1, householdIncomeFen: 0, status: 'approved' }, select: { id: true } })
		await prisma.subsidyGrant.create({ data: { applicationId: app.id, policyId: bed.id, policyVersionId: version.id, elderId: home.elderId, districtId: home.districtId, startMonth: new Date('2020-01-01') } })
		await prisma.subsidyPolicyExclusion.create({ data: { policyId: bed.id, excludedPolicyId: home.policyId } })
		expect(await quoteSubsidy(prisma, { elderId: home.elderId, category: 'meals', priceFen: 5_000, startsAt })).toMatchObject({ subsidyFen: 0, copayFen: 5_000, note: 'stacking' })
	})

	it('queues the month for every district, the one with the most active grants first', async () => {
		const order = await districtsLargestFirst()
		const districts = await prisma.district.findMany({ select: { id: true } })
		expect([...order].sort()).toEqual(districts.map((d) => d.id).sort())
		const counts = await Promise.all(order.map((districtId) => prisma.subsidyGrant.count({ where: { districtId, status: 'active' } })))
		expect(counts).toEqual([...counts].sort((a, b) => b - a))
	})
})
