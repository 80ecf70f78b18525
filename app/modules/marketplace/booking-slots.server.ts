// Slots and their places. A slot row is made the first time someone books it (its schedule comes
// from the offering's availability rules); a trigger gives it one slot_place row per place. A
// booking takes a free place row, skipping rows other bookings have locked, so concurrent bookings
// of one slot do not queue on one row. Free slots for search and the booking page are read here.
import { prisma, type Tx } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, dateOnly, fromShanghai, shanghaiDate } from '~/lib/time.ts'
import { nextFreeSlots, type Rule, type SlotStart } from './schedule.ts'

export const SLOT_WINDOW_DAYS = 14

/**
 * The slot, made (and, by trigger, its places) if it does not exist yet, in its own short statement
 * outside any booking transaction: concurrent first bookings of a slot then wait only for this
 * insert, not for each other's whole booking. One round trip: with the slot it says whether a place
 * was free in this statement's snapshot (a read for a fast "full", never the decision: the booking's
 * own statement takes the place). Under a rush every family after the first finds the slot made by
 * another and, once the places are gone, is answered without a booking statement.
 */
export async function ensureSlot(offering: { id: string; providerId: string }, slot: SlotStart): Promise<{ id: string; free: boolean }> {
	for (let attempt = 1; ; attempt++) {
		const found = await sql`
			WITH made AS (
				INSERT INTO slot (id, "offeringId", "providerId", "startsAt", "endsAt", capacity)
				VALUES (gen_random_uuid(), ${offering.id}::uuid, ${offering.providerId}::uuid, ${slot.startsAt}, ${slot.endsAt}, ${slot.capacity})
				ON CONFLICT ("offeringId", "startsAt") DO NOTHING RETURNING id, capacity > 0 AS free
			)
			SELECT id, free FROM made
			UNION ALL
			SELECT s.id, EXISTS (SELECT 1 FROM slot_place sp WHERE sp."slotId" = s.id AND sp."bookingId" IS NULL) FROM slot s
			WHERE s."offeringId" = ${offering.id}::uuid AND s."startsAt" = ${slot.startsAt} AND NOT EXISTS (SELECT 1 FROM made)`
			.prepared()
			.first<{ id: string; free: boolean }>()
		if (found) return found
		// Made meanwhile by a concurrent booking, committed after this statement's snapshot (the insert
		// waited for it and did nothing): the next statement's snapshot sees it.
		if (attempt >= 3) throw new Error(`slot of offering ${offering.id} at ${slot.startsAt.toISOString()} neither made nor found`)
	}
}

/** Inside the transaction that lets a booking go: its place becomes free again (lifecycle only). */
export async function freePlace(tx: Tx, bookingId: string) {
	await sql`UPDATE slot_place SET "bookingId" = NULL WHERE "bookingId" = ${bookingId}::uuid`.run(tx)
}

/** Full slots of some offerings in a window, as ISO start strings per offering. */
export async function fullSlots(offeringIds: string[], from: Date, to: Date) {
	if (offeringIds.length === 0) return new Map<string, Set<string>>()
	const rows = await sql`
		SELECT s."offeringId", s."startsAt" FROM slot s
		WHERE s."offeringId" = ANY(${offeringIds}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to}
		  AND NOT EXISTS (SELECT 1 FROM slot_place sp WHERE sp."slotId" = s.id AND sp."bookingId" IS NULL)`.rows<{ offeringId: string; startsAt: Date }>()
	const out = new Map<string, Set<string>>()
	for (const r of rows) {
		let set = out.get(r.offeringId)
		if (!set) out.set(r.offeringId, (set = new Set()))
		set.add(new Date(r.startsAt).toISOString())
	}
	return out
}

/** Next free slot starts (ISO) of each offering from `from`, within two weeks. */
export async function nextSlotsFor(offerings: { id: string; providerId: string; durationMinutes: number }[], from: Date, count: number) {
	const out = new Map<string, string[]>()
	if (offerings.length === 0) return out
	const ids = offerings.map((o) => o.id)
	const firstDate = shanghaiDate(from)
	const lastDate = addDays(firstDate, SLOT_WINDOW_DAYS)
	const [rules, closures, full] = await Promise.all([
		prisma.availabilityRule.findMany({ where: { offeringId: { in: ids } }, select: { offeringId: true, weekday: true, startMinute: true, endMinute: true, capacity: true } }),
		prisma.availabilityException.findMany({
			where: { providerId: { in: [...new Set(offerings.map((o) => o.providerId))] }, date: { gte: dateOnly(firstDate), lte: dateOnly(lastDate) } },
			select: { providerId: true, offeringId: true, date: true },
		}),
		fullSlots(ids, from, fromShanghai(lastDate)),
	])
	for (const o of offerings) {
		const closed = new Set(closures.filter((c) => c.providerId === o.providerId && (!c.offeringId || c.offeringId === o.id)).map((c) => c.date.toISOString().slice(0, 10)))
		const mine = rules.filter((r) => r.offeringId === o.id) as Rule[]
		const free = nextFreeSlots({ from, days: SLOT_WINDOW_DAYS, count, rules: mine, durationMinutes: o.durationMinutes, closedDates: closed, full: full.get(o.id) ?? new Set() })
		out.set(
			o.id,
			free.map((s) => s.startsAt.toISOString()),
		)
	}
	return out
}

/** Free slots of one offering over the next two weeks (the booking page's choices). */
export async function freeSlotsOf(offering: { id: string; providerId: string; durationMinutes: number }, now = new Date(), count = 40) {
	return (await nextSlotsFor([offering], now, count)).get(offering.id) ?? []
}
