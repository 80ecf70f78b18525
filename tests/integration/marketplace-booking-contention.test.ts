// Booking the last places under contention, called through the module (no HTTP): places are rows
// taken with FOR UPDATE SKIP LOCKED, and every guarantee of the single counter still holds.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { declineBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { makeFamily, makeProvider, slotAt, type TestFamily, type TestProvider } from '../factories/marketplace.ts'

const familyUser = (f: TestFamily): SessionUser => ({ id: f.userId, name: '家属测试', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null })
const staffUser = (p: TestProvider): SessionUser => ({ id: p.staffId, name: '机构测试', phone: p.staffPhone, role: 'provider_staff', districtId: null, communityId: null, providerId: p.providerId })
const input = (f: TestFamily, p: TestProvider, startsAt: string, key = crypto.randomUUID().replaceAll('-', '')) => ({
	idempotencyKey: key,
	elderId: f.elderId,
	startsAt,
	expectedPriceFen: p.priceFen,
	expectedCopayFen: p.priceFen,
	serviceAddress: '东宝区龙泉社区3栋2单元',
	note: '',
})

async function places(offeringId: string, startsAt: string) {
	const rows = await prisma.slotPlace.findMany({ where: { slot: { offeringId, startsAt: new Date(startsAt) } }, select: { bookingId: true } })
	return { total: rows.length, taken: rows.filter((r) => r.bookingId).length }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('booking under contention', () => {
	it('books exactly the capacity when many families take the last places at once, pending holds included', async () => {
		const provider = await makeProvider({ capacity: 4, autoConfirm: false })
		const families = await Promise.all(Array.from({ length: 30 }, () => makeFamily()))
		const startsAt = slotAt(5, '09:00')
		// One requested (unconfirmed) booking first: its pending hold counts against capacity.
		const first = await createBooking(familyUser(families[0]!), provider.offeringId, input(families[0]!, provider, startsAt))
		expect(first).toMatchObject({ ok: true, value: { status: 'requested' } })
		const results = await Promise.all(families.slice(1).map((f) => createBooking(familyUser(f), provider.offeringId, input(f, provider, startsAt))))
		expect(results.filter((r) => r.ok)).toHaveLength(3)
		const refused = results.filter((r) => !r.ok)
		expect(refused).toHaveLength(26)
		for (const r of refused) expect(r).toMatchObject({ status: 409, fieldErrors: { startsAt: ['marketplace:errors.booking.full'] } })
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId, holdsPlace: true } })).toBe(4)
		expect(await places(provider.offeringId, startsAt)).toEqual({ total: 4, taken: 4 })

		// Declining a pending booking gives its place back, once; the next family gets it.
		if (!first.ok) throw new Error('unreachable')
		expect((await declineBooking(staffUser(provider), first.value.bookingId, '人手不足')).ok).toBe(true)
		expect((await declineBooking(staffUser(provider), first.value.bookingId, '人手不足')).ok).toBe(false)
		expect(await places(provider.offeringId, startsAt)).toEqual({ total: 4, taken: 3 })
		const late = await Promise.all(families.slice(1, 6).map((f) => createBooking(familyUser(f), provider.offeringId, input(f, provider, startsAt))))
		expect(late.filter((r) => r.ok)).toHaveLength(1)
		expect(await places(provider.offeringId, startsAt)).toEqual({ total: 4, taken: 4 })
	})

	it('makes one booking and takes one place when the same form arrives many times at once', async () => {
		const provider = await makeProvider({ capacity: 2, autoConfirm: true })
		const family = await makeFamily()
		const startsAt = slotAt(5, '10:00')
		const key = crypto.randomUUID().replaceAll('-', '')
		const results = await Promise.all(Array.from({ length: 8 }, () => createBooking(familyUser(family), provider.offeringId, input(family, provider, startsAt, key))))
		expect(results.every((r) => r.ok)).toBe(true)
		const ids = new Set(results.map((r) => (r.ok ? r.value.bookingId : '')))
		expect(ids.size).toBe(1)
		expect(results.filter((r) => r.ok && !r.value.duplicate)).toHaveLength(1)
		expect(await places(provider.offeringId, startsAt)).toEqual({ total: 2, taken: 1 })
	})

	it('waits for a booking that holds the last free place and takes it when that booking rolls back, instead of answering full', async () => {
		const provider = await makeProvider({ capacity: 1, autoConfirm: true })
		const family = await makeFamily()
		const startsAt = slotAt(5, '11:00')
		// Make the slot (and its one place) with a booking that is then cancelled by a decline-free path: simply create the slot.
		const offering = await prisma.offering.findUniqueOrThrow({ where: { id: provider.offeringId }, select: { durationMinutes: true } })
		const slot = await prisma.slot.create({ data: { offeringId: provider.offeringId, providerId: provider.providerId, startsAt: new Date(startsAt), endsAt: new Date(new Date(startsAt).getTime() + offering.durationMinutes * 60_000), capacity: 1 } })
		let booking: ReturnType<typeof createBooking> | null = null
		await prisma
			.$transaction(async (tx) => {
				// Another booking in flight: it has locked the only free place and will roll back.
				await tx.$queryRaw`SELECT 1 FROM slot_place WHERE "slotId" = ${slot.id}::uuid FOR UPDATE`
				booking = createBooking(familyUser(family), provider.offeringId, input(family, provider, startsAt))
				await sleep(800)
				throw new Error('rolled back')
			})
			.catch((e: Error) => expect(e.message).toBe('rolled back'))
		expect(await booking!).toMatchObject({ ok: true })
		expect(await places(provider.offeringId, startsAt)).toEqual({ total: 1, taken: 1 })
	})

	it('never books a provider whose suspension commits while the booking is in flight', async () => {
		const provider = await makeProvider({ capacity: 10, autoConfirm: true })
		const families = await Promise.all(Array.from({ length: 5 }, () => makeFamily()))
		const startsAt = slotAt(5, '14:00')
		let attempts: ReturnType<typeof createBooking>[] = []
		await prisma.$transaction(async (tx) => {
			// The suspension has written the provider row but not committed: bookings have read the
			// provider as approved, and must wait on it (FOR SHARE) rather than book.
			await tx.$executeRaw`UPDATE provider SET status = 'suspended' WHERE id = ${provider.providerId}::uuid`
			attempts = families.map((f) => createBooking(familyUser(f), provider.offeringId, input(f, provider, startsAt)))
			await sleep(800)
		})
		const results = await Promise.all(attempts)
		for (const r of results) expect(r).toMatchObject({ ok: false, status: 409, formError: 'marketplace:errors.booking.providerSuspended' })
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId } })).toBe(0)
		const taken = await places(provider.offeringId, startsAt)
		expect(taken.taken).toBe(0)
	})

	it('the database refuses a booking that claims a place without holding it, or holds one without a place', async () => {
		const provider = await makeProvider({ capacity: 2, autoConfirm: true })
		const family = await makeFamily()
		const startsAt = slotAt(6, '09:00')
		const made = await createBooking(familyUser(family), provider.offeringId, input(family, provider, startsAt))
		if (!made.ok) throw new Error(JSON.stringify(made))
		const id = made.value.bookingId
		// Freeing the place while the booking still says it holds one fails at commit.
		await expect(prisma.$executeRaw`UPDATE slot_place SET "bookingId" = NULL WHERE "bookingId" = ${id}::uuid`).rejects.toThrow(/booking_holds_its_place/)
		// A second place for the same booking: refused by the unique index.
		await expect(prisma.$executeRaw`UPDATE slot_place SET "bookingId" = ${id}::uuid WHERE "bookingId" IS NULL AND "slotId" = (SELECT "slotId" FROM booking WHERE id = ${id}::uuid)`).rejects.toThrow()
		expect(await places(provider.offeringId, startsAt)).toEqual({ total: 2, taken: 1 })
	})
})
