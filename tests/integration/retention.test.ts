// The daily retention sweep through the real BullMQ queue and processor (this file's own queue
// prefix): expired sign-ins and read messages past their keeping go, nothing else does.
import { QueueEvents, Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { RETENTION_QUEUE, RETENTION_SCHEDULER_ID, retentionQueue } from '~/jobs/retention.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { RETENTION_DAYS } from '~/modules/accounts/retention.server.ts'
import { retentionWorker } from '../../workers/processors/retention.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import { makeUser } from '../factories/accounts.ts'

const workers: Worker[] = []
let events: QueueEvents | null = null
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(RETENTION_QUEUE).obliterate({ force: true })
	await getQueue(RETENTION_QUEUE).close()
})

const DAY = 86_400_000
const daysAgo = (days: number) => new Date(Date.now() - days * DAY)

describe('retention sweep', () => {
	it('deletes sign-ins a month past expiry and read messages a year old; keeps the rest; twice is once', async () => {
		expect(WORKERS).toContain(retentionWorker)
		const worker = new Worker(RETENTION_QUEUE, retentionWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 1 })
		workers.push(worker)
		events = new QueueEvents(RETENTION_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()

		const user = await makeUser({ role: 'family' })
		// A day either side of each limit: the sweep's own clock cannot move a row across it.
		const session = (expiredDaysAgo: number) => prisma.session.create({ data: { userId: user.id, expiresAt: daysAgo(expiredDaysAgo), ip: '203.0.113.7', userAgent: 'test' }, select: { id: true } })
		const [oldSession, recentSession, liveSession] = await Promise.all([session(RETENTION_DAYS.expiredSession + 1), session(RETENTION_DAYS.expiredSession - 1), session(-14)])
		const message = (createdDaysAgo: number, read: boolean) =>
			prisma.notification.create({ data: { userId: user.id, kind: 'booking.sent', createdAt: daysAgo(createdDaysAgo), readAt: read ? daysAgo(createdDaysAgo - 1) : null }, select: { id: true } })
		const [oldRead, oldUnread, recentRead] = await Promise.all([message(RETENTION_DAYS.readNotification + 1, true), message(RETENTION_DAYS.readNotification + 1, false), message(RETENTION_DAYS.readNotification - 1, true)])

		// A closed account's messages go whatever their age (written by a module after it closed).
		const closed = await makeUser({ role: 'family' })
		await prisma.user.update({ where: { id: closed.id }, data: { active: false, closedAt: new Date() } })
		const toClosed = await prisma.notification.create({ data: { userId: closed.id, kind: 'subsidy.approved' }, select: { id: true } })

		const first = await (await retentionQueue().add('sweep', {})).waitUntilFinished(events, 60_000)
		expect(first.sessions).toBeGreaterThanOrEqual(1)
		expect(first.notifications).toBeGreaterThanOrEqual(1)
		expect(await prisma.session.findMany({ where: { userId: user.id }, select: { id: true } })).toEqual(expect.arrayContaining([recentSession, liveSession]))
		expect(await prisma.session.count({ where: { id: oldSession.id } })).toBe(0)
		expect(await prisma.session.count({ where: { userId: user.id } })).toBe(2)
		const kept = (await prisma.notification.findMany({ where: { userId: user.id }, select: { id: true } })).map((n) => n.id)
		expect(kept.sort()).toEqual([oldUnread.id, recentRead.id].sort())
		expect(kept).not.toContain(oldRead.id)
		expect(await prisma.notification.count({ where: { id: toClosed.id } })).toBe(0)

		const again = await (await retentionQueue().add('sweep', {})).waitUntilFinished(events, 60_000)
		expect(again).toEqual({ sessions: 0, notifications: 0, deceasedIdentities: 0 })
	})

	it('registers its daily scheduler and does not retry a bad payload', async () => {
		await retentionWorker.onStart?.()
		const schedulers = await retentionQueue().getJobSchedulers()
		expect(schedulers.map((s) => s.key ?? s.id)).toContain(RETENTION_SCHEDULER_ID)
		const bad = await retentionQueue().add('sweep', { everything: true } as never, { attempts: 3 })
		await expect(bad.waitUntilFinished(events!, 60_000)).rejects.toThrow()
		expect((await retentionQueue().getJob(bad.id!))?.attemptsMade).toBe(1)
	})
})
