import { Queue, QueueEvents, Worker } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { workerConnection } from '~/jobs/queues.server.ts'
import { marketplaceWorker } from '../../workers/processors/marketplace.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt } from '../factories/marketplace.ts'
import { startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

describe('marketplace queue', () => {
	it('a real BullMQ worker expires held bookings and gives their places back; bad payloads fail without retry', async () => {
		const prefix = `${getEnv().QUEUE_PREFIX}_w${process.pid}`
		const name = `marketplace-test-${Date.now()}`
		const provider = await makeProvider({ capacity: 1, autoConfirm: false, holdMinutes: 5 })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const startsAt = slotAt(2, '09:00')
		const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, startsAt))
		const bookingId = res.headers.get('location')!.split('/').at(-1)!
		// The hold ran out five minutes ago.
		await prisma.booking.update({ where: { id: bookingId }, data: { expiresAt: new Date(Date.now() - 5 * 60_000) } })

		const queue = new Queue(name, { connection: workerConnection(), prefix })
		const events = new QueueEvents(name, { connection: workerConnection(), prefix })
		const worker = new Worker(name, marketplaceWorker.process, { connection: workerConnection(), prefix })
		try {
			await events.waitUntilReady()
			const job = await queue.add('expire-holds', { kind: 'expire-holds' }, { jobId: 'expire-now' })
			expect(await job.waitUntilFinished(events, 30_000)).toMatchObject({ expired: expect.any(Number) })
			const b = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { events: true } })
			expect(b).toMatchObject({ status: 'expired', holdsPlace: false })
			expect(b.events.map((e) => e.toStatus)).toEqual(['requested', 'expired'])
			expect(await prisma.slotPlace.count({ where: { slotId: b.slotId, bookingId: { not: null } } })).toBe(0)
			expect(await prisma.notification.count({ where: { userId: family.userId, kind: 'booking.expired', bookingId } })).toBe(1)

			const bad = await queue.add('refund', { kind: 'refund', refundId: 'not-a-uuid' }, { attempts: 5 })
			await expect(bad.waitUntilFinished(events, 30_000)).rejects.toThrow(/bad marketplace payload/)
			expect((await queue.getJob(bad.id!))!.attemptsMade).toBe(1)
		} finally {
			await worker.close()
			await events.close()
			await queue.obliterate({ force: true })
			await queue.close()
		}
	})
})
