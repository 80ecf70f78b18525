// Electronic visit verification (EVV): the six data elements are the service type (offering
// category), who received it (elder), the date and start/end times (check-in/out), where (browser
// location or the code shown at the elder's home) and who gave it (the caregiver's account).
// Suspicious visits are flagged for review; only verified visits count for subsidy settlement.
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { fail as refuse, ok, type Outcome } from '~/lib/outcome.ts'
import { pageWindow } from '~/lib/paging.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { wasAdmittedBetween } from '~/modules/beds/admissions.server.ts'
import { reverseForBooking } from '~/modules/subsidies/booking.server.ts'
import { visitTransition } from './booking-lifecycle.server.ts'
import { HOME_VISIT_CATEGORIES } from './categories.ts'
import { checkInFlags, checkOutFlags, distanceMetres, VISIT_RULES, type VisitFlag } from './rules.ts'
import type { checkSchema } from './schemas.ts'

/** Whether the elder held an institution bed during the visit (a parameter so tests can fix it). */
export type AdmissionCheck = (tx: Tx, elderId: string, from: Date, to: Date) => Promise<boolean>
/** A home visit billed while the elder held an institution bed (any Shanghai day of the visit) is flagged. */
export const elderAdmittedDuring: AdmissionCheck = (tx, elderId, from, to) => wasAdmittedBetween(tx, elderId, shanghaiDate(from), shanghaiDate(to))

type CheckInput = z.infer<typeof checkSchema>

/** The one Outcome of app/lib/outcome.ts, with the visit's flags and whether it is verified. */
export type VisitResult = Outcome<{ flags: string[]; verified: boolean }>
const fail = (key: string, status = 400): VisitResult => refuse(`marketplace:errors.visit.${key}`, status)

/** The phone page of a visit: only the provider's staff of that booking. No home code in here. */
export async function getVisitPage(user: SessionUser, bookingId: string) {
	if (user.role !== 'provider_staff' || !user.providerId || !z.uuid().safeParse(bookingId).success) return null
	return prisma.booking.findFirst({
		where: { id: bookingId, providerId: user.providerId },
		select: {
			id: true,
			status: true,
			startsAt: true,
			endsAt: true,
			serviceAddress: true,
			elder: { select: { name: true } },
			offering: { select: { title: true, category: true, durationMinutes: true } },
			visit: { select: { checkInAt: true, checkOutAt: true, flags: true, verified: true, caregiver: { select: { name: true } } } },
		},
	})
}

type VisitBooking = { homeLat: number | null; homeLng: number | null; visitCode: string; elder: { homeLat: number | null; homeLng: number | null } }

/** Where the elder lives: the home location captured once on the elder (issue 11 item 4), else what the booking carried. */
function homeOf(booking: VisitBooking) {
	if (booking.elder.homeLat !== null && booking.elder.homeLng !== null) return { lat: booking.elder.homeLat, lng: booking.elder.homeLng }
	if (booking.homeLat !== null && booking.homeLng !== null) return { lat: booking.homeLat, lng: booking.homeLng }
	return null
}

function placeOk(input: CheckInput, booking: VisitBooking) {
	if (input.method === 'code') return input.code === booking.visitCode
	const home = homeOf(booking)
	if (!home || input.lat === undefined || input.lng === undefined) return false
	return distanceMetres({ lat: input.lat, lng: input.lng }, home) <= VISIT_RULES.maxDistanceMetres
}

/**
 * The first visit whose check-in the family's code verified, sent with the phone's location, gives
 * the elder's home location when none is known yet (never overwrites one: the family's own capture
 * or an earlier visit stands).
 */
async function learnHome(tx: Tx, booking: { elderId: string }, input: CheckInput, placeIsOk: boolean, now: Date) {
	if (input.method !== 'code' || !placeIsOk || input.lat === undefined || input.lng === undefined) return
	await tx.elder.updateMany({
		where: { id: booking.elderId, homeLat: null },
		data: { homeLat: input.lat, homeLng: input.lng, homeLocatedAt: now, homeLocationSource: 'verified_visit' },
	})
}

async function bookingForVisit(tx: Tx, user: SessionUser, bookingId: string) {
	if (user.role !== 'provider_staff' || !user.providerId || !z.uuid().safeParse(bookingId).success) return null
	await sql`SELECT id FROM booking WHERE id = ${bookingId}::uuid FOR UPDATE`.run(tx)
	return tx.booking.findFirst({
		where: { id: bookingId, providerId: user.providerId },
		select: { id: true, status: true, startsAt: true, endsAt: true, elderId: true, providerId: true, homeLat: true, homeLng: true, visitCode: true, elder: { select: { homeLat: true, homeLng: true } }, offering: { select: { category: true, durationMinutes: true } } },
	})
}

export async function checkIn(user: SessionUser, bookingId: string, input: CheckInput, now = new Date()): Promise<VisitResult> {
	return transaction(async (tx) => {
		const booking = await bookingForVisit(tx, user, bookingId)
		if (!booking) return fail('notFound', 404)
		if (!HOME_VISIT_CATEGORIES.includes(booking.offering.category)) return fail('notHomeVisit', 400)
		if (booking.status !== 'confirmed') return fail('notConfirmed', 409)
		if (now.getTime() < booking.startsAt.getTime() - VISIT_RULES.earliestCheckInMinutes * 60_000) return fail('tooEarly', 409)
		const placeIsOk = placeOk(input, booking)
		// Another visit by this caregiver still open, or running into this one's booked time.
		const overlapping = await tx.visit.count({
			where: {
				caregiverId: user.id,
				bookingId: { not: booking.id },
				OR: [{ checkOutAt: null }, { checkOutAt: { gt: now } }],
			},
		})
		const flags = checkInFlags({ at: now, startsAt: booking.startsAt, placeOk: placeIsOk, overlaps: overlapping > 0 })
		const moved = await visitTransition(tx, booking.id, 'checkIn', user, now)
		if (!moved.ok) return fail('notConfirmed', 409)
		await tx.visit.create({
			data: {
				bookingId: booking.id,
				providerId: booking.providerId,
				elderId: booking.elderId,
				caregiverId: user.id,
				checkInAt: now,
				checkInMethod: input.method,
				checkInLat: input.lat ?? null,
				checkInLng: input.lng ?? null,
				checkInCodeOk: input.method === 'code' ? placeIsOk : null,
				flags,
			},
			select: { id: true },
		})
		await learnHome(tx, booking, input, placeIsOk, now)
		return ok({ flags, verified: false })
	})
}

export async function checkOut(user: SessionUser, bookingId: string, input: CheckInput, now = new Date(), admitted: AdmissionCheck = elderAdmittedDuring): Promise<VisitResult> {
	return transaction(async (tx) => {
		const booking = await bookingForVisit(tx, user, bookingId)
		if (!booking) return fail('notFound', 404)
		const visit = await tx.visit.findUnique({ where: { bookingId: booking.id }, select: { id: true, checkInAt: true, checkOutAt: true, caregiverId: true, flags: true } })
		if (!visit || booking.status !== 'in_service' || visit.checkOutAt) return fail('notCheckedIn', 409)
		if (visit.caregiverId !== user.id) return fail('otherCaregiver', 403)
		const placeIsOk = placeOk(input, booking)
		const wasAdmitted = await admitted(tx, booking.elderId, visit.checkInAt, now)
		const more = checkOutFlags({ checkInAt: visit.checkInAt, checkOutAt: now, durationMinutes: booking.offering.durationMinutes, placeOk: placeIsOk, admitted: wasAdmitted })
		const flags = [...new Set<string>([...visit.flags, ...more])] as VisitFlag[]
		const verified = flags.length === 0
		const moved = await visitTransition(tx, booking.id, 'checkOut', user, now)
		if (!moved.ok) return fail('notCheckedIn', 409)
		await tx.visit.update({
			where: { id: visit.id },
			data: { checkOutAt: now, checkOutMethod: input.method, checkOutLat: input.lat ?? null, checkOutLng: input.lng ?? null, checkOutCodeOk: input.method === 'code' ? placeIsOk : null, flags, verified },
			select: { id: true },
		})
		return ok({ flags, verified })
	})
}

function visitScope(user: SessionUser): Prisma.VisitWhereInput {
	if (isCityWide(user)) return {}
	if (user.role === 'bureau_district') return { booking: { elder: { districtId: user.districtId ?? '-' } } }
	if (user.role === 'provider_staff') return { providerId: user.providerId ?? '00000000-0000-0000-0000-000000000000' }
	return { id: '00000000-0000-0000-0000-000000000000' }
}

/** Flagged visits waiting for a bureau officer's review. */
/** Finished visits with flags no officer has reviewed yet, in the user's scope. */
const flaggedWhere = (user: SessionUser) => ({ AND: [visitScope(user), { verified: false, reviewedAt: null, checkOutAt: { not: null } }] })

/** How many flagged visits wait for the bureau's review (the home page). */
export async function countFlaggedVisits(user: SessionUser) {
	return prisma.visit.count({ where: flaggedWhere(user) })
}

export async function listFlaggedVisits(user: SessionUser, opts: { page: number }) {
	const pageSize = 30
	const rows = await prisma.visit.findMany({
		where: flaggedWhere(user),
		orderBy: { checkInAt: 'desc' },
		...pageWindow(opts.page, pageSize),
		select: {
			id: true,
			checkInAt: true,
			checkOutAt: true,
			flags: true,
			checkInMethod: true,
			caregiver: { select: { name: true } },
			booking: { select: { id: true, startsAt: true, endsAt: true, elder: { select: { name: true } }, offering: { select: { title: true, category: true } }, provider: { select: { name: true } } } },
		},
	})
	return { hasMore: rows.length > pageSize, visits: rows.slice(0, pageSize) }
}

/**
 * A bureau officer accepts (verified) or rejects a flagged visit, with a note. Audited. Rejecting
 * gives the elder back the subsidy credit captured at check-out (a reversing ledger transaction in
 * the same database transaction, audited as a money decision) and tells the family.
 */
export async function reviewVisit(user: SessionUser, visitId: string, accept: boolean, note: string, ip: string | null) {
	if (!z.uuid().safeParse(visitId).success) return false
	return transaction(async (tx) => {
		const visit = await tx.visit.findFirst({
			where: { AND: [{ id: visitId }, visitScope(user)] },
			select: { id: true, checkOutAt: true, booking: { select: { id: true, familyUserId: true, subsidyFen: true, elder: { select: { districtId: true, name: true } } } } },
		})
		if (!visit || user.role === 'provider_staff') return false
		const changed = await tx.visit.updateMany({ where: { id: visit.id, reviewedAt: null, checkOutAt: { not: null } }, data: { verified: accept, reviewedAt: new Date(), reviewedById: user.id, reviewNote: note } })
		if (changed.count === 0) return false
		const districtId = visit.booking.elder.districtId
		await audit({ actor: user, action: accept ? 'visit.accept' : 'visit.reject', entityType: 'visit', entityId: visit.id, districtId, ip, details: { note } }, tx)
		if (!accept) {
			const reversed = await reverseForBooking(tx, { id: visit.booking.id, familyUserId: visit.booking.familyUserId, elderName: visit.booking.elder.name })
			if (reversed) {
				const serviceMonth = visit.checkOutAt ? shanghaiDate(visit.checkOutAt).slice(0, 7) : null
				await audit(
					{ actor: user, action: 'subsidy.capture_reversed', entityType: 'booking', entityId: visit.booking.id, districtId, ip, details: { visitId: visit.id, amountFen: reversed.amountFen, ledgerTxnId: reversed.txnId, serviceMonth, creditedMonth: shanghaiDate().slice(0, 7), note } },
					tx,
				)
			}
		}
		return true
	})
}
