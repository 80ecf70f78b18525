import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { expireHeldBookings } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt } from '../factories/marketplace.ts'
import { HttpClient, startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

async function slotBooked(offeringId: string, startsAt: string) {
	const slot = await prisma.slot.findUnique({ where: { offeringId_startsAt: { offeringId, startsAt: new Date(startsAt) } }, select: { capacity: true, places: { select: { bookingId: true } } } })
	// Places taken are the slot's place rows held by a booking; there is one row per place.
	return slot && { booked: slot.places.filter((p) => p.bookingId).length, capacity: slot.capacity, places: slot.places.length }
}

describe('booking', () => {
	it('books a place, recording the price split, the event and notifications for both sides', async () => {
		const provider = await makeProvider({ capacity: 2, autoConfirm: false })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const startsAt = slotAt(3, '09:00')
		await client.page(`/services/book/${provider.offeringId}?elderId=${family.elderId}`)
		const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, startsAt))
		expect(res.status).toBe(302)
		const bookingId = res.headers.get('location')!.split('/').at(-1)!
		const booking = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { events: true } })
		expect(booking).toMatchObject({ status: 'requested', priceFen: 8800, subsidyFen: 0, copayFen: 8800, paymentStatus: 'awaiting', holdsPlace: true, elderId: family.elderId })
		expect(booking.startsAt.toISOString()).toBe(startsAt)
		expect(booking.expiresAt!.getTime()).toBeGreaterThan(Date.now())
		expect(booking.events.map((e) => e.toStatus)).toEqual(['requested'])
		expect(await slotBooked(provider.offeringId, startsAt)).toEqual({ booked: 1, capacity: 2, places: 2 })
		expect(await prisma.notification.count({ where: { providerId: provider.providerId, kind: 'booking.requested', bookingId } })).toBe(1)
		expect(await prisma.outbox.count({ where: { dedupeKey: { startsWith: `booking.requested:${bookingId}` } } })).toBe(1)
		const page = await (await client.get(`/bookings/${bookingId}`)).text()
		expect(page).toContain('上门助浴测试')
	})

	it('never books a slot beyond its capacity, however many families book at the same moment', async () => {
		const provider = await makeProvider({ capacity: 5, autoConfirm: true })
		const families = await Promise.all(Array.from({ length: 24 }, () => makeFamily()))
		const clients = []
		for (const f of families) clients.push(await signIn(app.baseUrl, f.phone))
		const startsAt = slotAt(4, '14:00')
		const results = await Promise.all(clients.map((c, i) => c.post(`/services/book/${provider.offeringId}`, bookingFields(families[i]!, provider, startsAt))))
		const statuses = results.map((r) => r.status)
		expect(statuses.filter((s) => s === 302)).toHaveLength(5)
		expect(statuses.filter((s) => s === 409)).toHaveLength(19)
		for (const r of results.filter((r) => r.status === 409)) expect(await r.text()).toContain('marketplace:errors.booking.full')
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId } })).toBe(5)
		expect(await slotBooked(provider.offeringId, startsAt)).toEqual({ booked: 5, capacity: 5, places: 5 })
	})

	it('makes one booking when the same form is submitted twice, at once or after a lost response', async () => {
		const provider = await makeProvider({ capacity: 10 })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const startsAt = slotAt(5, '11:00')
		const fields = bookingFields(family, provider, startsAt)
		const burst = await Promise.all(Array.from({ length: 6 }, () => client.post(`/services/book/${provider.offeringId}`, fields)))
		expect(burst.map((r) => r.status)).toEqual(Array(6).fill(302))
		const locations = new Set(burst.map((r) => r.headers.get('location')!.replace('?again=1', '')))
		expect(locations.size).toBe(1)
		const retry = await client.post(`/services/book/${provider.offeringId}`, fields)
		expect(retry.headers.get('location')).toBe(`${[...locations][0]}?again=1`)
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId } })).toBe(1)
		expect(await slotBooked(provider.offeringId, startsAt)).toEqual({ booked: 1, capacity: 10, places: 10 })
	})

	it('holds the place of a requested booking until it is confirmed, declined or expires', async () => {
		const provider = await makeProvider({ capacity: 1, autoConfirm: false, holdMinutes: 30 })
		const [a, b] = [await makeFamily(), await makeFamily()]
		const [ca, cb] = [await signIn(app.baseUrl, a.phone), await signIn(app.baseUrl, b.phone)]
		const startsAt = slotAt(6, '10:00')
		const first = await ca.post(`/services/book/${provider.offeringId}`, bookingFields(a, provider, startsAt))
		expect(first.status).toBe(302)
		const full = await cb.post(`/services/book/${provider.offeringId}`, bookingFields(b, provider, startsAt))
		expect(full.status).toBe(409)
		expect(await full.text()).toContain('errors.booking.full')

		// The hold runs out: the sweep releases the place, and a late confirmation is refused.
		expect(await expireHeldBookings(new Date(Date.now() + 31 * 60_000))).toBeGreaterThanOrEqual(1)
		const firstId = first.headers.get('location')!.split('/').at(-1)!
		expect(await prisma.booking.findUniqueOrThrow({ where: { id: firstId }, select: { status: true, holdsPlace: true } })).toEqual({ status: 'expired', holdsPlace: false })
		expect(await slotBooked(provider.offeringId, startsAt)).toEqual({ booked: 0, capacity: 1, places: 1 })
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		await staff.page(`/bookings/${firstId}`)
		const late = await staff.post(`/bookings/${firstId}`, { intent: 'confirm' })
		expect(late.status).toBe(409)

		const second = await cb.post(`/services/book/${provider.offeringId}`, bookingFields(b, provider, startsAt))
		expect(second.status).toBe(302)
		const secondId = second.headers.get('location')!.split('/').at(-1)!
		// Two confirmations at once: one place, one confirmation event.
		const confirms = await Promise.all([staff.post(`/bookings/${secondId}`, { intent: 'confirm' }), staff.post(`/bookings/${secondId}`, { intent: 'confirm' })])
		expect(confirms.map((r) => r.status).sort()).toEqual([200, 409])
		expect(await prisma.bookingEvent.count({ where: { bookingId: secondId, toStatus: 'confirmed' } })).toBe(1)
		expect(await slotBooked(provider.offeringId, startsAt)).toEqual({ booked: 1, capacity: 1, places: 1 })

		// Declining gives the place back, with the reason shown to the family.
		const third = await makeProvider({ capacity: 1, autoConfirm: false })
		const r3 = await ca.post(`/services/book/${third.offeringId}`, bookingFields(a, third, startsAt))
		const thirdId = r3.headers.get('location')!.split('/').at(-1)!
		const staff3 = await signIn(app.baseUrl, third.staffPhone)
		await staff3.page(`/bookings/${thirdId}`)
		expect((await staff3.post(`/bookings/${thirdId}`, { intent: 'decline', reason: '' })).status).toBe(400)
		expect((await staff3.post(`/bookings/${thirdId}`, { intent: 'decline', reason: '护理员不足' })).status).toBe(200)
		expect(await slotBooked(third.offeringId, startsAt)).toEqual({ booked: 0, capacity: 1, places: 1 })
		expect(await (await ca.get(`/bookings/${thirdId}`)).text()).toContain('护理员不足')
	})

	it('refuses bad bookings with a clear message and writes nothing', async () => {
		const provider = await makeProvider({ capacity: 3 })
		const pending = await makeProvider({ status: 'pending' })
		const family = await makeFamily()
		const other = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		await prisma.availabilityException.create({ data: { providerId: provider.providerId, date: new Date(`${slotAt(8).slice(0, 10)}T00:00:00Z`), reason: '国庆放假' } })
		// Counted for this test's providers only: other test files run at the same time.
		const mine = { providerId: { in: [provider.providerId, pending.providerId] } }
		const counts = async () => ({ bookings: await prisma.booking.count({ where: mine }), slots: await prisma.slot.count({ where: mine }), events: await prisma.bookingEvent.count({ where: { booking: mine } }), notifications: await prisma.notification.count({ where: { providerId: mine.providerId } }) })
		const before = await counts()
		const cases: [string, Record<string, string>, number, string][] = [
			['past', bookingFields(family, provider, new Date(Date.now() - 3_600_000).toISOString()), 400, 'errors.booking.past'],
			['outside schedule', bookingFields(family, provider, slotAt(3, '22:00')), 400, 'errors.booking.outsideSchedule'],
			['off the slot grid', bookingFields(family, provider, slotAt(3, '10:30')), 400, 'errors.booking.outsideSchedule'],
			['closed day', bookingFields(family, provider, slotAt(8, '10:00')), 400, 'errors.booking.closed'],
			['not their elder', bookingFields({ ...family, elderId: other.elderId }, provider, slotAt(3)), 403, 'errors.booking.elderNotYours'],
			['unapproved provider', bookingFields(family, pending, slotAt(3)), 409, 'errors.booking.providerNotApproved'],
			['tampered price', { ...bookingFields(family, provider, slotAt(3)), expectedPriceFen: '100', expectedCopayFen: '100' }, 409, 'errors.booking.priceChanged'],
		]
		for (const [label, fields, status, message] of cases) {
			const offeringId = label === 'unapproved provider' ? pending.offeringId : provider.offeringId
			const res = await client.post(`/services/book/${offeringId}`, fields)
			expect(res.status, label).toBe(status)
			expect(await res.text(), label).toContain(message)
		}
		expect(await counts()).toEqual(before)
		// Provider staff and strangers cannot book.
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		expect((await staff.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(3)))).status).toBe(403)
		// Without the CSRF token nothing happens either.
		expect((await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(3)), { csrf: false })).status).toBe(403)
		expect(await counts()).toEqual(before)
	})

	it('sends a visitor who is not signed in, or whose session has ended, to sign in first, whatever the form', async () => {
		// The booking form reads the session in the booking's own first statement: the answers are
		// those of every action, which checks the sign-in before the form.
		const provider = await makeProvider({ capacity: 3 })
		const family = await makeFamily()
		const path = `/services/book/${provider.offeringId}`
		const toSignIn = `/login?redirectTo=${encodeURIComponent(path)}`
		const visitor = new HttpClient(app.baseUrl)
		await visitor.page('/')
		const fields = bookingFields(family, provider, slotAt(3, '09:00'))
		for (const [label, res] of [
			['signed out', await visitor.post(path, fields)],
			['signed out, no CSRF token', await visitor.post(path, fields, { csrf: false })],
			['signed out, invalid form', await visitor.post(path, { ...fields, startsAt: 'soon' })],
			['signed out, not an offering', await visitor.post('/services/book/not-a-uuid', fields)],
		] as const) {
			expect(res.status, label).toBe(302)
			expect(res.headers.get('location'), label).toBe(label.endsWith('offering') ? `/login?redirectTo=${encodeURIComponent('/services/book/not-a-uuid')}` : toSignIn)
		}
		const client = await signIn(app.baseUrl, family.phone)
		await client.page(path)
		await prisma.session.updateMany({ where: { user: { phone: family.phone } }, data: { expiresAt: new Date(Date.now() - 1000) } })
		const ended = await client.post(path, fields)
		expect(ended.status).toBe(302)
		expect(ended.headers.get('location')).toBe(toSignIn)
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId } })).toBe(0)
		// Signed in again, the same form books, and the page after it knows the family.
		const again = await signIn(app.baseUrl, family.phone)
		const booked = await again.post(path, fields)
		expect(booked.status).toBe(302)
		expect(booked.headers.get('location')).toMatch(/^\/bookings\//)
		expect((await again.get(booked.headers.get('location')!)).status).toBe(200)
		// A session of provider staff is refused as before (403), the form otherwise valid.
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		expect((await staff.post(path, bookingFields(family, provider, slotAt(3, '10:00')))).status).toBe(403)
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId } })).toBe(1)
	})

	it('keeps families and providers out of each other’s bookings', async () => {
		const provider = await makeProvider()
		const otherProvider = await makeProvider()
		const family = await makeFamily()
		const stranger = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(3, '15:00')))
		const path = res.headers.get('location')!
		const strangerClient = await signIn(app.baseUrl, stranger.phone)
		expect((await strangerClient.get(path)).status).toBe(404)
		expect((await strangerClient.post(path, { intent: 'cancel', reason: '', confirm: 'on' })).status).toBe(404)
		const otherStaff = await signIn(app.baseUrl, otherProvider.staffPhone)
		expect((await otherStaff.get(path)).status).toBe(404)
		expect((await otherStaff.post(path, { intent: 'cancel', reason: 'x', confirm: 'on' })).status).toBe(404)
		expect((await otherStaff.post(path, { intent: 'no-show' })).status).toBe(404)
		const list = await (await strangerClient.get('/bookings')).text()
		expect(list).not.toContain(path)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: path.split('/').at(-1)! } })).status).toBe('confirmed')
	})

	it('the database itself refuses an overbooked slot and a price split that does not add up', async () => {
		const provider = await makeProvider({ capacity: 1 })
		const slot = await prisma.slot.create({ data: { offeringId: provider.offeringId, providerId: provider.providerId, startsAt: new Date(slotAt(20)), endsAt: new Date(new Date(slotAt(20)).getTime() + 3_600_000), capacity: 1 } })
		// A slot comes with exactly its places; no place beyond capacity, no change of capacity, no place removed.
		expect(await prisma.slotPlace.findMany({ where: { slotId: slot.id }, select: { placeNo: true, bookingId: true } })).toEqual([{ placeNo: 1, bookingId: null }])
		await expect(prisma.slotPlace.create({ data: { slotId: slot.id, placeNo: 2 } })).rejects.toThrow(/slot_booked_within_capacity/)
		await expect(prisma.slot.update({ where: { id: slot.id }, data: { capacity: 2 } })).rejects.toThrow(/slot_capacity_fixed/)
		await expect(prisma.slotPlace.deleteMany({ where: { slotId: slot.id } })).rejects.toThrow(/slot_place_kept/)
		await expect(prisma.$executeRawUnsafe(`UPDATE booking SET "subsidyFen" = "subsidyFen" + 1 WHERE "providerId" = '${provider.providerId}'`)).resolves.toBe(0)
		const family = await makeFamily()
		await expect(
			prisma.booking.create({
				data: { idempotencyKey: 'x'.repeat(20), familyUserId: family.userId, elderId: family.elderId, providerId: provider.providerId, offeringId: provider.offeringId, slotId: slot.id, startsAt: slot.startsAt, endsAt: slot.endsAt, status: 'confirmed', priceFen: 100, subsidyFen: 10, copayFen: 100, paymentStatus: 'awaiting', visitCode: '123456' },
			}),
		).rejects.toThrow(/booking_price_split/)
	})
})
