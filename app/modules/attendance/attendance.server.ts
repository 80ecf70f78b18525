// Centre attendance (issue 14 item 5). Day care, canteen meals and activities at a community centre
// complete by attendance: the elder's arrival and departure, recorded by the centre's staff on the
// roll call of the day (or with the family's 6-digit booking code), meals counted at departure.
// Short and residential stays complete by the institution's admission and discharge records.
//
// Each is kept as the booking's `visit` row (method roll_call / code / admission), verified when
// recorded: so settlement (app/modules/subsidies/settlement.server.ts) claims a centre's attendance
// and a stay exactly as it claims a verified home visit, and the capture happens in the same
// completing transition (booking-lifecycle's visitTransition).
import { z } from 'zod'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail as refuse, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { visitTransition } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { ATTENDANCE_CATEGORIES, STAY_CATEGORIES } from './rules.ts'

export type AttendanceResult = Outcome<{ status: 'in_service' | 'completed' }>
const fail = (key: string, status = 400): AttendanceResult => refuse(`marketplace:errors.attendance.${key}`, status)

export const arrivalSchema = z
	.object({
		intent: z.literal('arrive'),
		bookingId: z.uuid(),
		method: z.enum(['roll_call', 'code']).default('roll_call'),
		code: z.string().trim().max(12).optional(),
	})
	.refine((v) => v.method === 'roll_call' || !!v.code, { path: ['code'], message: 'marketplace:errors.attendance.codeMissing' })

export const departureSchema = z.object({
	intent: z.literal('depart'),
	bookingId: z.uuid(),
	meals: z.coerce.number({ error: 'marketplace:errors.attendance.meals' }).int('marketplace:errors.attendance.meals').min(0, 'marketplace:errors.attendance.meals').max(3, 'marketplace:errors.attendance.meals').default(0),
})

async function lockCentreBooking(tx: Tx, user: SessionUser, bookingId: string) {
	if (user.role !== 'provider_staff' || !user.providerId || !z.uuid().safeParse(bookingId).success) return null
	await sql`SELECT id FROM booking WHERE id = ${bookingId}::uuid FOR UPDATE`.run(tx)
	// Another centre's booking is not found: staff see and record only their own centre's bookings.
	return tx.booking.findFirst({
		where: { id: bookingId, providerId: user.providerId },
		select: { id: true, status: true, startsAt: true, endsAt: true, elderId: true, providerId: true, visitCode: true, offering: { select: { category: true } }, provider: { select: { districtId: true } } },
	})
}

/** Records the elder's arrival at the centre: confirmed → in_service, on the booking's day only. */
export async function recordArrival(user: SessionUser, input: { bookingId: string; method: 'roll_call' | 'code'; code?: string }, now = new Date(), ip: string | null = null): Promise<AttendanceResult> {
	return transaction(async (tx) => {
		const b = await lockCentreBooking(tx, user, input.bookingId)
		if (!b) return fail('notFound', 404)
		if (!ATTENDANCE_CATEGORIES.includes(b.offering.category)) return fail('notAttendance', 400)
		const today = shanghaiDate(now)
		const day = shanghaiDate(b.startsAt)
		if (today < day) return fail('beforeDay', 409)
		if (today > shanghaiDate(b.endsAt)) return fail('dayOver', 409)
		if (b.status === 'in_service' || b.status === 'completed') return fail('alreadyArrived', 409)
		if (b.status !== 'confirmed') return fail('notConfirmed', 409)
		if (input.method === 'code' && input.code !== b.visitCode) return fail('wrongCode', 400)
		const moved = await visitTransition(tx, b.id, 'checkIn', user, now)
		if (!moved.ok) return fail('notConfirmed', 409)
		await tx.visit.create({
			data: { bookingId: b.id, providerId: b.providerId, elderId: b.elderId, caregiverId: user.id, checkInAt: now, checkInMethod: input.method, checkInCodeOk: input.method === 'code' ? true : null, flags: [] },
			select: { id: true },
		})
		await audit({ actor: user, action: 'attendance.arrive', entityType: 'booking', entityId: b.id, districtId: b.provider.districtId, ip, details: { method: input.method } }, tx)
		return ok({ status: 'in_service' as const })
	})
}

/** Records the departure with the meals served: in_service → completed, verified, subsidy captured. */
export async function recordDeparture(user: SessionUser, input: { bookingId: string; meals: number }, now = new Date(), ip: string | null = null): Promise<AttendanceResult> {
	return transactionOutcome(async (tx) => {
		const b = await lockCentreBooking(tx, user, input.bookingId)
		if (!b) return fail('notFound', 404)
		if (!ATTENDANCE_CATEGORIES.includes(b.offering.category)) return fail('notAttendance', 400)
		const visit = await tx.visit.findUnique({ where: { bookingId: b.id }, select: { id: true, checkOutAt: true } })
		if (!visit || b.status === 'confirmed') return fail('notArrived', 409)
		if (visit.checkOutAt || b.status !== 'in_service') return fail('alreadyLeft', 409)
		await tx.visit.update({ where: { id: visit.id }, data: { checkOutAt: now, checkOutMethod: 'roll_call', mealsServed: input.meals, verified: true }, select: { id: true } })
		const moved = await visitTransition(tx, b.id, 'checkOut', user, now)
		if (!moved.ok) return fail('alreadyLeft', 409)
		await audit({ actor: user, action: 'attendance.depart', entityType: 'booking', entityId: b.id, districtId: b.provider.districtId, ip, details: { meals: input.meals } }, tx)
		return ok({ status: 'completed' as const })
	})
}

/** The day's roll call of the staff member's centre: its attendance bookings of that Shanghai day. */
export async function rollCall(user: SessionUser, day: string) {
	if (user.role !== 'provider_staff' || !user.providerId) return null
	const from = new Date(`${day}T00:00:00+08:00`)
	const to = new Date(from.getTime() + 86_400_000)
	const rows = await prisma.booking.findMany({
		where: { providerId: user.providerId, startsAt: { gte: from, lt: to }, status: { in: ['confirmed', 'in_service', 'completed'] }, offering: { category: { in: [...ATTENDANCE_CATEGORIES] } } },
		orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
		select: { id: true, status: true, startsAt: true, elder: { select: { name: true } }, offering: { select: { title: true, category: true } }, visit: { select: { checkInAt: true, checkOutAt: true, mealsServed: true } } },
	})
	return rows.map((r) => ({ ...r, startsAt: r.startsAt.toISOString(), visit: r.visit ? { checkInAt: r.visit.checkInAt.toISOString(), checkOutAt: r.visit.checkOutAt?.toISOString() ?? null, mealsServed: r.visit.mealsServed } : null }))
}

/**
 * A stay booking (short stay, residential stay) completes by the institution's records: an
 * admission of the booking's elder at this provider that began on or after the booking was made
 * for and is discharged. The stay becomes the booking's verified visit (admission to discharge).
 */
export async function completeStayBooking(user: SessionUser, bookingId: string, now = new Date(), ip: string | null = null): Promise<AttendanceResult> {
	return transaction(async (tx) => {
		const b = await lockCentreBooking(tx, user, bookingId)
		if (!b) return fail('notFound', 404)
		if (!STAY_CATEGORIES.includes(b.offering.category)) return fail('notStay', 400)
		if (b.status !== 'confirmed') return fail('notConfirmed', 409)
		const adm = await sql`SELECT id, "admittedOn"::text AS "admittedOn", "dischargedOn"::text AS "dischargedOn" FROM admission
			WHERE "elderId" = ${b.elderId}::uuid AND "providerId" = ${b.providerId}::uuid AND "admittedOn" >= ${shanghaiDate(b.startsAt)}::date
			ORDER BY "admittedOn" LIMIT 1`.first<{ id: string; admittedOn: string; dischargedOn: string | null }>(tx)
		if (!adm) return fail('notAdmitted', 409)
		if (!adm.dischargedOn) return fail('notDischarged', 409)
		const checkInAt = new Date(`${adm.admittedOn}T00:00:00+08:00`)
		const checkOutAt = new Date(`${adm.dischargedOn}T12:00:00+08:00`)
		const inn = await visitTransition(tx, b.id, 'checkIn', user, now)
		if (!inn.ok) return fail('notConfirmed', 409)
		await tx.visit.create({
			data: { bookingId: b.id, providerId: b.providerId, elderId: b.elderId, caregiverId: user.id, checkInAt, checkInMethod: 'admission', checkOutAt, checkOutMethod: 'admission', flags: [], verified: true },
			select: { id: true },
		})
		const out = await visitTransition(tx, b.id, 'checkOut', user, now)
		if (!out.ok) throw new Error('stay booking could not complete after check-in')
		await audit({ actor: user, action: 'attendance.stay_complete', entityType: 'booking', entityId: b.id, districtId: b.provider.districtId, ip, details: { admissionId: adm.id } }, tx)
		return ok({ status: 'completed' as const })
	})
}

/**
 * After a discharge commits: the elder's confirmed stay bookings at the institution that the
 * discharged admission covers complete (each in its own transaction, by completeStayBooking, which
 * re-checks everything; one that cannot complete stays confirmed). Returns how many completed.
 */
export async function completeStaysAfterDischarge(staff: SessionUser, elderId: string, now = new Date()): Promise<number> {
	if (!staff.providerId) return 0
	const due = await prisma.booking.findMany({ where: { providerId: staff.providerId, elderId, status: 'confirmed', offering: { category: { in: [...STAY_CATEGORIES] } } }, select: { id: true }, orderBy: { startsAt: 'asc' } })
	let completed = 0
	for (const b of due) if ((await completeStayBooking(staff, b.id, now)).ok) completed++
	return completed
}
