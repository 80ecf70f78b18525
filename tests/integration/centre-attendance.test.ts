// Issue 14 item 5: centre services complete by attendance (roll call or the family's code, meals
// counted) and stays by admission and discharge; both settle into the provider's monthly claim
// like a verified home visit. Bad input: another centre's booking, before the day, twice.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { completeStayBooking, recordArrival, recordDeparture } from '~/modules/attendance/attendance.server.ts'
import { dischargeElder } from '~/modules/beds/admissions.server.ts'
import { prepareClaimForProvider } from '~/modules/subsidies/settlement.server.ts'
import * as rollCallRoute from '~/routes/centre.roll-call.tsx'
import { makeRoomWithBeds } from '../factories/beds.ts'
import { centreBooking, familyWithGrant, makeCentre } from '../factories/attendance.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

const snapshot = async (bookingId: string) => ({
	booking: await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { status: true } }),
	visits: await prisma.visit.count({ where: { bookingId } }),
	events: await prisma.bookingEvent.count({ where: { bookingId } }),
	audits: await prisma.auditLog.count({ where: { entityId: bookingId } }),
})

describe('centre attendance', () => {
	it('completes a subsidised day-care booking through the roll call and claims it like a verified visit', async () => {
		const centre = await makeCentre()
		const { family, elderId } = await familyWithGrant('day_care', 'att')
		const b = await centreBooking(family, elderId, centre.offeringId)
		expect(b.status).toBe('confirmed')
		expect(b.subsidyFen).toBe(8_000)
		const staff = await signIn(centre.staff.phone)
		const day = shanghaiDate(b.startsAt)

		const page = await callLoader<{ rows: { id: string }[] }>(rollCallRoute, `/centre/roll-call?day=${day}`, { as: staff })
		expect(page.status).toBe(200)
		expect(page.data.rows.map((r) => r.id)).toContain(b.id)

		// Before the booking's day: refused, nothing written.
		const before = await snapshot(b.id)
		const early = await callAction(rollCallRoute, '/centre/roll-call', { intent: 'arrive', bookingId: b.id, method: 'roll_call' }, { as: staff })
		expect(early.status).toBe(409)
		expect(await snapshot(b.id)).toEqual(before)

		// On the day (the module the page calls, with the clock at the booking's start).
		const at = new Date(b.startsAt.getTime() + 5 * 60_000)
		expect(await recordArrival(centre.staff, { bookingId: b.id, method: 'roll_call' }, at)).toEqual({ ok: true, value: { status: 'in_service' } })
		// Twice: refused, nothing more written.
		const once = await snapshot(b.id)
		expect(await recordArrival(centre.staff, { bookingId: b.id, method: 'roll_call' }, at)).toMatchObject({ ok: false, status: 409 })
		expect(await snapshot(b.id)).toEqual(once)
		// Meals out of range: 400 naming the field.
		const badMeals = await callAction<{ result: { error: Record<string, string[]> } }>(rollCallRoute, '/centre/roll-call', { intent: 'depart', bookingId: b.id, meals: '9' }, { as: staff })
		expect(badMeals.status).toBe(400)
		expect(Object.keys(badMeals.data.result.error)).toContain('meals')

		const out = new Date(b.startsAt.getTime() + 8 * 3_600_000)
		expect(await recordDeparture(centre.staff, { bookingId: b.id, meals: 1 }, out)).toEqual({ ok: true, value: { status: 'completed' } })
		expect(await recordDeparture(centre.staff, { bookingId: b.id, meals: 1 }, out)).toMatchObject({ ok: false, status: 409 })
		const visit = await prisma.visit.findUniqueOrThrow({ where: { bookingId: b.id } })
		expect(visit).toMatchObject({ checkInMethod: 'roll_call', checkOutMethod: 'roll_call', mealsServed: 1, verified: true })
		const events = await prisma.bookingEvent.findMany({ where: { bookingId: b.id }, orderBy: { at: 'asc' }, select: { toStatus: true } })
		expect(events.map((e) => e.toStatus)).toEqual(['requested', 'confirmed', 'in_service', 'completed'])

		// Settlement: the attendance becomes a claim line, once.
		const month = shanghaiDate(out).slice(0, 7)
		const claim = await prepareClaimForProvider(null, centre.providerId, month)
		expect(claim).toMatchObject({ added: 1, closed: false })
		const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId: claim!.claimId }, select: { bookingId: true, visitId: true, amountFen: true, category: true } })
		expect(lines).toEqual([{ bookingId: b.id, visitId: visit.id, amountFen: 8_000, category: 'day_care' }])
		expect((await prepareClaimForProvider(null, centre.providerId, month))?.added).toBe(0)
	})

	it('takes the family code, refuses a wrong one and another centre\'s booking, with nothing written', async () => {
		const centre = await makeCentre({ category: 'canteen_meals' })
		const other = await makeCentre()
		const { family, elderId } = await familyWithGrant('canteen_meals', 'att2')
		const b = await centreBooking(family, elderId, centre.offeringId)
		const at = new Date(b.startsAt.getTime() + 60_000)
		const before = await snapshot(b.id)
		const otherStaff = await signIn(other.staff.phone)
		const foreign = await callAction(rollCallRoute, '/centre/roll-call', { intent: 'arrive', bookingId: b.id, method: 'roll_call' }, { as: otherStaff })
		expect(foreign.status).toBe(404)
		expect(await recordArrival(other.staff, { bookingId: b.id, method: 'roll_call' }, at)).toMatchObject({ ok: false, status: 404 })
		const wrong = b.visitCode === '000000' ? '111111' : '000000'
		expect(await recordArrival(centre.staff, { bookingId: b.id, method: 'code', code: wrong }, at)).toMatchObject({ ok: false, status: 400 })
		expect(await snapshot(b.id)).toEqual(before)
		const missing = await callAction(rollCallRoute, '/centre/roll-call', { intent: 'arrive', bookingId: b.id, method: 'code' }, { as: await signIn(centre.staff.phone) })
		expect(missing.status).toBe(400)
		expect(await recordArrival(centre.staff, { bookingId: b.id, method: 'code', code: b.visitCode }, at)).toEqual({ ok: true, value: { status: 'in_service' } })
		expect(await recordDeparture(centre.staff, { bookingId: b.id, meals: 2 }, new Date(at.getTime() + 3_600_000))).toEqual({ ok: true, value: { status: 'completed' } })
		expect((await prisma.visit.findUniqueOrThrow({ where: { bookingId: b.id } })).mealsServed).toBe(2)
	})

	it('completes a short stay by its admission and discharge records, not before discharge', async () => {
		const inst = await makeCentre({ kind: 'institution', category: 'short_stay' })
		const { family, elderId } = await familyWithGrant('short_stay', 'stay')
		const b = await centreBooking(family, elderId, inst.offeringId)
		expect(await completeStayBooking(inst.staff, b.id)).toMatchObject({ ok: false, status: 409 })
		const { bedIds } = await makeRoomWithBeds(inst.providerId, 1)
		const bed = { id: bedIds[0]! }
		const day = shanghaiDate(b.startsAt)
		const adm = await prisma.admission.create({ data: { elderId, bedId: bed.id, providerId: inst.providerId, admittedOn: new Date(`${day}T00:00:00Z`), admittedById: inst.staff.id } , select: { id: true } })
		expect(await completeStayBooking(inst.staff, b.id)).toMatchObject({ ok: false, status: 409 })
		// The discharge, as the institution records it, completes the stay booking (after commit).
		const staff = { ...inst.staff, providerId: inst.providerId, providerName: '', districtId: 'dongbao', providerStatus: 'approved' as const }
		expect(await dischargeElder(staff, { admissionId: adm.id, on: day, reason: 'home' })).toEqual({ ok: true, value: null })
		expect(await completeStayBooking(inst.staff, b.id)).toMatchObject({ ok: false, status: 409 })
		expect(await prisma.visit.findUniqueOrThrow({ where: { bookingId: b.id } })).toMatchObject({ checkInMethod: 'admission', verified: true })
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: b.id } })).status).toBe('completed')
	})
})
