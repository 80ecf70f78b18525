// The monthly settlement claims through the real BullMQ queue and processor (this run's own queue
// prefix): each provider with verified visits gets one claim for the month however often the month
// is queued; the scheduler is registered with the worker; bad payloads are not retried.
import { QueueEvents, Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { claimsJobId, enqueueMonthlyClaims, SUBSIDY_CLAIMS_QUEUE } from '~/jobs/subsidy-claims.server.ts'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { subsidyClaimsWorker } from '../../workers/processors/subsidy-claims.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import { completedVisit, elderWithCredit, newProviderStaff } from '../factories/subsidies.ts'

const workers: Worker[] = []
let events: QueueEvents | null = null
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(SUBSIDY_CLAIMS_QUEUE).obliterate({ force: true })
	await getQueue(SUBSIDY_CLAIMS_QUEUE).close()
})

async function runMonth(month: string, unique?: string) {
	if (!events) {
		events = new QueueEvents(SUBSIDY_CLAIMS_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()
	}
	const job = await enqueueMonthlyClaims(month, { unique })
	return (await job.waitUntilFinished(events, 60_000)) as { month: string; providers: number; created: number; lines: number }
}

describe('monthly claims job', () => {
	it('prepares one claim per provider and month with its verified visits, however often the month runs', async () => {
		expect(WORKERS).toContain(subsidyClaimsWorker)
		const worker = new Worker(SUBSIDY_CLAIMS_QUEUE, subsidyClaimsWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 2 })
		workers.push(worker)
		// Two providers of this test's own, in a past month no other test uses.
		const a = await newProviderStaff('job-a')
		const b = await newProviderStaff('job-b')
		const { elderId, family } = await elderWithCredit('13800000001', 'claims-job', { monthlyCreditFen: 60_000 })
		await completedVisit(a, family, elderId, '2026-03-03', { flagged: false })
		await completedVisit(a, family, elderId, '2026-03-20', { flagged: false })
		await completedVisit(b, family, elderId, '2026-03-21', { flagged: false })
		// Flagged and unreviewed: waits, not claimed.
		await completedVisit(b, family, elderId, '2026-03-22', { flagged: true })

		const first = await runMonth('2026-03')
		expect(first).toMatchObject({ month: '2026-03', providers: 2, created: 2, lines: 3 })
		const claims = await prisma.subsidyClaim.findMany({ where: { month: new Date('2026-03-01') }, select: { providerId: true, lineCount: true, totalFen: true, status: true, createdById: true } })
		expect(claims.map((c) => ({ ...c, totalFen: Number(c.totalFen) })).sort((x, y) => x.lineCount - y.lineCount)).toEqual([
			{ providerId: b.providerId, lineCount: 1, totalFen: 9_600, status: 'submitted', createdById: null },
			{ providerId: a.providerId, lineCount: 2, totalFen: 19_200, status: 'submitted', createdById: null },
		])
		// Queued again (a new job id, as an operator re-run would be): nothing more.
		const again = await runMonth('2026-03', 'rerun')
		expect(again).toMatchObject({ created: 0, lines: 0 })
		expect(await prisma.subsidyClaim.count({ where: { month: new Date('2026-03-01') } })).toBe(2)
		// The same job id is deduplicated by BullMQ itself.
		const dup = await enqueueMonthlyClaims('2026-03')
		expect(dup.id).toBe(claimsJobId('2026-03'))
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.claim_prepare', actorId: null, details: { path: ['month'], equals: '2026-03' } } })).toBe(2)
	})

	it('fails a bad payload without retrying, and registers the monthly scheduler', async () => {
		if (!events) {
			events = new QueueEvents(SUBSIDY_CLAIMS_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
			await events.waitUntilReady()
		}
		const bad = await getQueue(SUBSIDY_CLAIMS_QUEUE).add('month', { month: '2026-13' } as never, { attempts: 5 })
		await expect(bad.waitUntilFinished(events, 30_000)).rejects.toThrow(/bad payload/)
		expect((await getQueue(SUBSIDY_CLAIMS_QUEUE).getJob(bad.id!))?.attemptsMade).toBe(1)
		await subsidyClaimsWorker.onStart!()
		const schedulers = await getQueue(SUBSIDY_CLAIMS_QUEUE).getJobSchedulers()
		expect(schedulers.find((s) => s.key === 'subsidy-claims-month-start')).toMatchObject({ pattern: '0 0 4 1 * *', tz: 'Asia/Shanghai' })
	})
})
