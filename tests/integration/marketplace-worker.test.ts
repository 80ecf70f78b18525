import { Queue, QueueEvents, Worker } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { workerConnection } from '~/jobs/queues.server.ts'
import { marketplaceWorker } from '../../workers/processors/marketplace.ts'
import * as bookOffering from '~/routes/services.book.$offeringId.tsx'
import { bookingFields, makeFamily, makeProvider, slotAt } from '../factories/marketplace.ts'
import { callAction, signIn } from '../setup/route.ts'

describe('marketplace queue', () => {
	it('a real BullMQ worker expires held bookings and gives their places back; bad payloads fail without retry', async () => {
		const prefix = `${getEnv().QUEUE_PREFIX}_w${process.pid}`
		const name = `marketplace-test-${Date.now()}`
		const provider = await makeProvider({ capacity: 1, autoConfirm: false, holdMinutes: 5 })
		const family = await makeFamily()
		const startsAt = slotAt(2, '09:00')
		const res = await callAction(bookOffering, `/services/book/${provider.offeringId}`, bookingFields(family, provider, startsAt), { as: await signIn(family.phone), params: { offeringId: provider.offeringId } })
		expect(res.status).toBe(302)
		const bookingId = res.location!.split('/').at(-1)!.split('?')[0]!
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
			const slot = await prisma.slot.findUniqueOrThrow({ where: { id: b.slotId } })
			expect(slot.booked).toBe(0)
			expect(await prisma.notification.count({ where: { userId: family.userId, kind: 'booking.expired', bookingId } })).toBe(1)

			const bad = await queue.add('refund', { kind: 'refund', refundId: 'not-a-uuid' }, { attempts: 5 })
			await expect(bad.waitUntilFinished(events, 30_000)).rejects.toThrow(/bad payload for a \S+ job on marketplace/)
			expect((await queue.getJob(bad.id!))!.attemptsMade).toBe(1)
		} finally {
			await worker.close()
			await events.close()
			await queue.obliterate({ force: true })
			await queue.close()
		}
	})
})
