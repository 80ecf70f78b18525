// The nightly re-review list through the real BullMQ queue and processor (this run's own queue prefix):
// a day queued twice lists once; the scheduler is registered by the worker; bad payloads are not retried.
import { QueueEvents, Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { enqueueStatusReview, STATUS_REVIEW_QUEUE, STATUS_REVIEW_SCHEDULER_ID, statusReviewJobId, statusReviewQueue } from '~/jobs/status-review.server.ts'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { statusReviewWorker } from '../../workers/processors/status-review.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import { sessionUser } from '../factories/accounts.ts'
import { plainElder } from '../factories/statuses.ts'

const workers: Worker[] = []
let events: QueueEvents | null = null
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(STATUS_REVIEW_QUEUE).obliterate({ force: true })
	await getQueue(STATUS_REVIEW_QUEUE).close()
})

describe('status-review job', () => {
	it('lists the statuses due within 30 days of the day it runs for, once however often it runs', async () => {
		expect(WORKERS).toContain(statusReviewWorker)
		const worker = new Worker(STATUS_REVIEW_QUEUE, statusReviewWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 1 })
		workers.push(worker)
		events = new QueueEvents(STATUS_REVIEW_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()
		const officer = await sessionUser('13800000021')
		const elderId = await plainElder(officer.communityId!)
		await sql`INSERT INTO elder_status ("elderId", kind, "validFrom", "validUntil", source) VALUES (${elderId}::uuid, 'dibao', '2026-01-01', '2028-02-10', 'job-due'), (${elderId}::uuid, 'youfu', '2026-01-01', '2028-04-10', 'job-later')`.run()
		const day = '2028-01-20'
		const first = await (await enqueueStatusReview(day, { unique: 'a' })).waitUntilFinished(events, 60_000)
		expect(first).toMatchObject({ today: day, until: '2028-02-19' })
		expect(first.listed).toBeGreaterThanOrEqual(1)
		const again = await (await enqueueStatusReview(day, { unique: 'b' })).waitUntilFinished(events, 60_000)
		expect(again.listed).toBe(0)
		const rows = await sql`SELECT s.source FROM elder_status_review r JOIN elder_status s ON s.id = r."statusId" WHERE s."elderId" = ${elderId}::uuid`.rows<{ source: string }>()
		expect(rows.map((r) => r.source)).toEqual(['job-due'])
		expect(statusReviewJobId(day)).toBe('status-review-2028-01-20')
	})

	it('registers its nightly scheduler and does not retry a bad payload', async () => {
		await statusReviewWorker.onStart?.()
		const schedulers = await statusReviewQueue().getJobSchedulers()
		expect(schedulers.map((s) => s.key ?? s.id)).toContain(STATUS_REVIEW_SCHEDULER_ID)
		const bad = await statusReviewQueue().add('day', { day: 'yesterday' } as never, { attempts: 3 })
		await expect(bad.waitUntilFinished(events!, 60_000)).rejects.toThrow()
		expect((await statusReviewQueue().getJob(bad.id!))?.attemptsMade).toBe(1)
	})
})
