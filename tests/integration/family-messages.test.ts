// Issue 11 item 4, "no dead ends for families": admissions, discharges and the family's own bookings
// and cancellations produce messages; the elder's home location, captured once, is what later
// location check-ins are measured against; cancelling and taking a bed out of service are asked twice.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { admitElder, dischargeElder } from '~/modules/beds/admissions.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { checkIn, checkOut } from '~/modules/marketplace/visits.server.ts'
import * as bookingPage from '~/routes/bookings.$bookingId.tsx'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as bedsPage from '~/routes/institution.beds.tsx'
import { makeUser } from '../factories/accounts.ts'
import { demoInstitution, makeRegisteredElder, makeRoomWithBeds } from '../factories/beds.ts'
import { makeFamily, makeProvider, slotAt, type TestFamily, type TestProvider } from '../factories/marketplace.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
const HOME = { lat: 31.0335, lng: 112.2042 } // 荆门 东宝区
const FAR = { lat: 31.0635, lng: 112.2042 } // about 3 km north

const familyUser = (f: TestFamily): SessionUser => ({ id: f.userId, name: '家属', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null })
const staffUser = (p: TestProvider): SessionUser => ({ id: p.staffId, name: '护理员', phone: p.staffPhone, role: 'provider_staff', districtId: 'dongbao', communityId: null, providerId: p.providerId })

async function book(f: TestFamily, p: TestProvider, startsAt: string, extra: { serviceAddress?: string } = {}) {
	return createBooking(familyUser(f), p.offeringId, {
		idempotencyKey: crypto.randomUUID().replaceAll('-', ''),
		elderId: f.elderId,
		startsAt,
		expectedPriceFen: p.priceFen,
		expectedCopayFen: p.priceFen,
		serviceAddress: '东宝区龙泉社区3栋2单元',
		note: '',
		...extra,
	})
}
const bookingIdOf = (r: Awaited<ReturnType<typeof book>>) => {
	if (!r.ok) throw new Error(`not booked: ${JSON.stringify(r)}`)
	return r.value.bookingId
}

describe('the family is told', () => {
	it('of its own booking (sent, waiting for the provider) and of its own cancellation, asked twice', async () => {
		const provider = await makeProvider({ capacity: 2, autoConfirm: false })
		const family = await makeFamily()
		const bookingId = bookingIdOf(await book(family, provider, slotAt(3, '10:00')))
		expect(await prisma.notification.count({ where: { userId: family.userId, bookingId, kind: 'booking.sent' } })).toBe(1)
		expect(await prisma.outbox.count({ where: { toPhone: family.phone, template: 'booking.sent' } })).toBe(1)

		const as = await signIn(family.phone)
		const path = `/bookings/${bookingId}`
		const page = await callLoader(bookingPage, path, { as, params: { bookingId } })
		expect(page.status).toBe(200)
		// No developer text in the family's page data: no Stripe ids or key names.
		expect(text(page.data)).not.toMatch(/pi_|stripe|STRIPE_/i)

		// Without the ticked box nothing is cancelled.
		const unconfirmed = await callAction(bookingPage, path, { intent: 'cancel', reason: '' }, { as, params: { bookingId } })
		expect(unconfirmed.status).toBe(400)
		expect(text(unconfirmed.data)).toContain('marketplace:errors.booking.confirmCancel')
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('requested')

		const cancelled = await callAction(bookingPage, path, { intent: 'cancel', reason: '家里有事', confirm: 'on' }, { as, params: { bookingId } })
		expect(cancelled.status).toBe(200)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('cancelled')
		expect(await prisma.notification.count({ where: { userId: family.userId, bookingId, kind: 'booking.cancelled' } })).toBe(1)
		expect(await prisma.outbox.count({ where: { toPhone: family.phone, template: 'booking.cancelled' } })).toBe(1)
	})

	it('needs a service address for a home visit', async () => {
		const provider = await makeProvider({ capacity: 2 })
		const family = await makeFamily()
		const res = await book(family, provider, slotAt(3, '11:00'), { serviceAddress: '' })
		expect(res).toMatchObject({ ok: false, status: 400 })
		expect(text(res)).toContain('marketplace:errors.booking.addressRequired')
		expect(await prisma.booking.count({ where: { elderId: family.elderId } })).toBe(0)
	})

	it('when the elder is admitted to and discharged from an institution: every linked family', async () => {
		const { providerId, staffUserId } = await demoInstitution()
		const staffRow = await prisma.user.findUniqueOrThrow({ where: { id: staffUserId }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true } })
		const institution = await prisma.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true, districtId: true } })
		const staff = { ...staffRow, providerId, providerName: institution.name, districtId: institution.districtId, providerStatus: 'approved' as const }
		const { bedIds } = await makeRoomWithBeds(providerId, 1, { actorId: staffUserId })
		const elder = await makeRegisteredElder('冯玉珍')
		const families = [await makeUser({ role: 'family' }), await makeUser({ role: 'family' })]
		for (const f of families) await prisma.familyLink.create({ data: { userId: f.id, elderId: elder.id, relationship: 'child' } })
		const today = shanghaiDate()
		const admitted = await admitElder(staff, { idNumber: elder.idNumber, bedId: bedIds[0]!, admittedOn: today })
		expect(admitted.ok).toBe(true)
		const admissionId = admitted.ok ? admitted.value.admissionId : ''
		for (const f of families) {
			const note = await prisma.notification.findFirstOrThrow({ where: { userId: f.id, kind: 'stay.admitted' } })
			expect(note.params).toMatchObject({ elder: '冯玉珍', institution: institution.name, day: today })
			expect(await prisma.outbox.count({ where: { toPhone: f.phone, template: 'stay.admitted' } })).toBe(1)
		}
		expect((await dischargeElder(staff, { admissionId, on: today, reason: 'discharged' })).ok).toBe(true)
		for (const f of families) expect(await prisma.notification.count({ where: { userId: f.id, kind: 'stay.discharged' } })).toBe(1)
	})
})

describe('the elder’s home location', () => {
	it('is learnt from the first visit the family’s code verified, and later location check-ins there are not flagged', async () => {
		const provider = await makeProvider({ capacity: 2, autoConfirm: true })
		const family = await makeFamily()
		const user = staffUser(provider)
		const first = bookingIdOf(await book(family, provider, slotAt(2, '10:00')))
		const a = await prisma.booking.findUniqueOrThrow({ where: { id: first } })
		const inA = await checkIn(user, first, { intent: 'check-in', method: 'code', code: a.visitCode, ...HOME }, new Date(a.startsAt.getTime() + 60_000))
		expect(inA).toEqual({ ok: true, value: { flags: [], verified: false } })
		expect(await prisma.elder.findUniqueOrThrow({ where: { id: family.elderId }, select: { homeLat: true, homeLng: true, homeLocationSource: true } })).toEqual({ homeLat: HOME.lat, homeLng: HOME.lng, homeLocationSource: 'verified_visit' })
		await checkOut(user, first, { intent: 'check-out', method: 'code', code: a.visitCode }, new Date(a.startsAt.getTime() + 60 * 60_000), async () => false)

		// The next booking carries no location of its own: its check-in is measured against the elder's home.
		const second = bookingIdOf(await book(family, provider, slotAt(3, '10:00')))
		const b = await prisma.booking.findUniqueOrThrow({ where: { id: second } })
		expect(b.homeLat).toBeNull()
		const inB = await checkIn(user, second, { intent: 'check-in', method: 'geo', lat: HOME.lat + 0.0004, lng: HOME.lng }, new Date(b.startsAt.getTime() + 60_000))
		expect(inB).toEqual({ ok: true, value: { flags: [], verified: false } })
		const far = await checkOut(user, second, { intent: 'check-out', method: 'geo', ...FAR }, new Date(b.startsAt.getTime() + 60 * 60_000), async () => false)
		expect(far.ok && far.value.flags).toContain('wrong_place')
	})

	it('is recorded by the family’s phone on the elder’s page, which a later verified visit never overwrites', async () => {
		const family = await makeFamily()
		const as = await signIn(family.phone)
		const path = `/elders/${family.elderId}`
		const params = { elderId: family.elderId }
		const missing = await callAction(elderPage, path, { intent: 'home-location', formId: 'home-location' }, { as, params })
		expect(missing.status).toBe(400)
		expect(text(missing.data)).toContain('elders.home.noLocation')
		expect((await callAction(elderPage, path, { intent: 'home-location', lat: String(HOME.lat), lng: String(HOME.lng) }, { as, params })).status).toBe(200)
		expect(await prisma.elder.findUniqueOrThrow({ where: { id: family.elderId }, select: { homeLat: true, homeLocationSource: true } })).toEqual({ homeLat: HOME.lat, homeLocationSource: 'family_phone' })
		expect(await prisma.auditLog.count({ where: { action: 'elder.home_location', entityId: family.elderId } })).toBe(1)
		expect(text((await callLoader(elderPage, path, { as, params })).data)).toContain('family_phone')

		// Another family cannot set it (404), nor can it through an elder it does not see.
		const stranger = await signIn((await makeFamily()).phone)
		expect((await callAction(elderPage, path, { intent: 'home-location', lat: '1', lng: '1' }, { as: stranger, params })).status).toBe(404)

		const provider = await makeProvider({ capacity: 2, autoConfirm: true })
		const id = bookingIdOf(await book(family, provider, slotAt(2, '15:00')))
		const bk = await prisma.booking.findUniqueOrThrow({ where: { id } })
		await checkIn(staffUser(provider), id, { intent: 'check-in', method: 'code', code: bk.visitCode, ...FAR }, new Date(bk.startsAt.getTime() + 60_000))
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: family.elderId }, select: { homeLat: true } })).homeLat).toBe(HOME.lat)
	})
})

describe('taking a bed out of service', () => {
	it('is asked twice: without the ticked box nothing changes', async () => {
		const { providerId, staffUserId } = await demoInstitution()
		const { bedIds } = await makeRoomWithBeds(providerId, 1, { actorId: staffUserId })
		const as = await signIn({ id: staffUserId })
		const refused = await callAction(bedsPage, '/institution/beds', { intent: 'status', bedId: bedIds[0]!, status: 'out_of_service' }, { as })
		expect(refused.status).toBe(400)
		expect(text(refused.data)).toContain('beds:errors.confirmTakeOut')
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bedIds[0]! } })).status).toBe('vacant')
		expect((await callAction(bedsPage, '/institution/beds', { intent: 'status', bedId: bedIds[0]!, status: 'out_of_service', confirm: 'on' }, { as })).status).toBe(200)
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bedIds[0]! } })).status).toBe('out_of_service')
		// Putting it back needs no confirmation.
		expect((await callAction(bedsPage, '/institution/beds', { intent: 'status', bedId: bedIds[0]!, status: 'vacant' }, { as })).status).toBe(200)
	})
})
