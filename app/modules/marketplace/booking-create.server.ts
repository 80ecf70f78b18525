// Making a booking: a family books a place in a slot for an elder it cares for. Every check and the
// price quote happen before anything is written; the write itself is one statement (writeBooking)
// that re-checks the provider, takes a free place of the slot (one row per place, FOR UPDATE SKIP
// LOCKED: see booking-slots.server.ts) and writes the booking with its events and notifications;
// with a subsidy, the credit is held in the same transaction. The same submission twice makes one
// booking (unique idempotency key per family).
import { z } from 'zod'
import type { BookingStatus, ServiceCategory } from '~/generated/prisma/enums.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { assertFen } from '~/lib/money.ts'
import { isUniqueViolation } from '~/lib/db-errors.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { HOME_VISIT_CATEGORIES } from './categories.ts'
import { sql } from '~/lib/sql.server.ts'
import { MOBILE_NUMBER } from '~/lib/text.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { withRole, requireRole } from '~/modules/auth/access.server.ts'
import { currentSessionId, rememberSessionUser, SESSION_USER_JSON, sessionLookupCtes, type SessionUser } from '~/modules/auth/session.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { singleton } from '~/lib/singleton.server.ts'
import { KeyedTurns } from '~/lib/turns.server.ts'
import { HAS_ACTIVE_GRANT, holdForBooking, quoteSubsidy, SubsidyUnavailable, unsubsidised } from '~/modules/subsidies/booking.server.ts'
import { TX_OPTIONS } from './booking-lifecycle.server.ts'
import { offeringServes } from './booking-read.server.ts'
import { ensureSlot } from './booking-slots.server.ts'
import { DEFAULT_BOOKING_TERMS, holdExpiry } from './rules.ts'
import { scheduledSlot, type Rule } from './schedule.ts'
import type { bookingSchema } from './schemas.ts'

export const MAX_DAYS_AHEAD = 90

export type BookingOutcome = Outcome<{ bookingId: string; status: BookingStatus; duplicate: boolean }>

const key = (error: string) => `marketplace:errors.booking.${error}`
const refuse = (error: string, status = 400) => fail(key(error), status)
const refuseField = (field: string, error: string, status = 400) => fieldFail(field, key(error), status)

type BookingInput = z.infer<typeof bookingSchema>

type PreBooking = {
	existing: { id: string; status: BookingStatus; offeringId: string } | null
	elder: { id: string; name: string; districtId: string; communityId: string | null; deceased: boolean; hasGrant: boolean } | null
	offering: {
		id: string
		title: string
		category: ServiceCategory
		priceFen: number
		durationMinutes: number
		districtIds: string[]
		communityIds: string[]
		active: boolean
		providerId: string
		providerStatus: string
		providerName: string
		autoConfirm: boolean
		holdMinutes: number
		rules: Rule[]
		closed: boolean
	} | null
	slot: { id: string; free: boolean } | null
}

/**
 * Books for a known user (tests, factories, any caller that has the user). See createBookingOfSession
 * for the booking form's own path.
 */
export async function createBooking(user: SessionUser, offeringId: string, input: BookingInput, now = new Date()): Promise<BookingOutcome> {
	if (user.role !== 'family') return refuse('familiesOnly', 403)
	if (!z.uuid().safeParse(input.elderId).success) return refuseField('elderId', 'elderNotYours', 403)
	if (!z.uuid().safeParse(offeringId).success) return refuse('notBookable', 404)
	return inTurn(offeringId, input, () => book(user, offeringId, input, now))
}

/**
 * The booking form's path: the session is looked up in the booking's first statement (the same
 * lookup as every request's, sessionLookupCtes), so an attempt that is refused (a full slot, under a
 * rush nine in ten) costs one round trip in all. Answers as requireRole(request, ['family']) would
 * first (a redirect to sign in, 403), then as createBooking. The caller has checked the CSRF token
 * and parsed the form; anything refused before the database is asked falls back to requireRole.
 */
export async function createBookingOfSession(request: Request, offeringId: string, input: BookingInput, now = new Date()): Promise<BookingOutcome> {
	const sid = await currentSessionId(request)
	if (!sid || !z.uuid().safeParse(input.elderId).success || !z.uuid().safeParse(offeringId).success)
		return createBooking(await requireRole(request, ['family']), offeringId, input, now)
	return inTurn(offeringId, input, async () => {
		const facts = await readFacts({ sid, now: now.getTime() }, offeringId, input)
		rememberSessionUser(request, facts?.user ?? null)
		const user = withRole(request, facts?.user ?? null, ['family'])
		return book(user, offeringId, input, now, facts)
	})
}

/**
 * Attempts at one slot take turns in this process, at most as many at once as the process has
 * database connections, in arrival order. Under a rush the pool would otherwise run every attempt's
 * first statement before any attempt's second (it serves statements in arrival order): all 1,000
 * read the slot before the first booking was written, and all 1,000 went on to the booking
 * statement. In turns an attempt reads the slot after those ahead of it have booked or been refused,
 * and after the last place is taken each later attempt is answered by its first statement. A read
 * for a fast answer only: PostgreSQL still decides who gets a place (writeBooking), across processes.
 */
const turns = singleton('booking-turns', () => new KeyedTurns(getEnv().DATABASE_POOL_SIZE))

function inTurn<T>(offeringId: string, input: BookingInput, work: () => Promise<T>): Promise<T> {
	return turns.run(`${offeringId} ${new Date(input.startsAt).toISOString()}`, work)
}

type Who = { user: SessionUser } | { sid: string; now: number }

/** Everything the checks need, in one round trip (with the session's user when asked by session): under a booking rush every query counts. */
async function readFacts(who: Who, offeringId: string, input: BookingInput) {
	const startsAt = new Date(input.startsAt)
	const date = shanghaiDate(startsAt)
	const bySession = 'sid' in who
	const userId = bySession ? sql.raw('(SELECT id FROM hit)') : sql`${who.user.id}::uuid`
	const head = bySession ? sql`WITH ${sessionLookupCtes(who.sid, who.now)} SELECT (SELECT ${SESSION_USER_JSON} FROM hit) AS "user",` : sql`SELECT`
	return sql`
		${head}
			(SELECT json_build_object('id', b.id, 'status', b.status, 'offeringId', b."offeringId") FROM booking b
			  WHERE b."familyUserId" = ${userId} AND b."idempotencyKey" = ${input.idempotencyKey}) AS existing,
			(SELECT json_build_object('id', e.id, 'name', e.name, 'districtId', e."districtId", 'communityId', e."communityId", 'deceased', e."deathDate" IS NOT NULL,
			                          'hasGrant', ${sql.raw(HAS_ACTIVE_GRANT('e.id'))})
			  FROM elder e JOIN family_link fl ON fl."elderId" = e.id AND fl."userId" = ${userId} WHERE e.id = ${input.elderId}::uuid) AS elder,
			(SELECT json_build_object(
				'id', o.id, 'title', o.title, 'category', o.category, 'priceFen', o."priceFen", 'durationMinutes', o."durationMinutes",
				'districtIds', o."districtIds", 'communityIds', o."communityIds", 'active', o.active, 'providerId', o."providerId",
				'providerStatus', p.status, 'providerName', p.name,
				'autoConfirm', COALESCE(pp."autoConfirm", ${sql.raw(String(DEFAULT_BOOKING_TERMS.autoConfirm))}), 'holdMinutes', COALESCE(pp."holdMinutes", ${sql.raw(String(DEFAULT_BOOKING_TERMS.holdMinutes))}),
				'rules', COALESCE((SELECT json_agg(json_build_object('weekday', r.weekday, 'startMinute', r."startMinute", 'endMinute', r."endMinute", 'capacity', r.capacity))
				                   FROM availability_rule r WHERE r."offeringId" = o.id), '[]'::json),
				'closed', EXISTS (SELECT 1 FROM availability_exception x WHERE x."providerId" = o."providerId" AND x.date = ${date}::date AND (x."offeringId" IS NULL OR x."offeringId" = o.id)))
			  FROM offering o JOIN provider p ON p.id = o."providerId" LEFT JOIN provider_profile pp ON pp."providerId" = p.id
			  WHERE o.id = ${offeringId}::uuid) AS offering,
			(SELECT json_build_object('id', s.id, 'free', EXISTS (SELECT 1 FROM slot_place sp WHERE sp."slotId" = s.id AND sp."bookingId" IS NULL)) FROM slot s
			  WHERE s."offeringId" = ${offeringId}::uuid AND s."startsAt" = ${startsAt}) AS slot`
		.prepared()
		.first<PreBooking & { user?: SessionUser | null }>()
}

async function book(user: SessionUser, offeringId: string, input: BookingInput, now: Date, read?: Awaited<ReturnType<typeof readFacts>>): Promise<BookingOutcome> {
	const startsAt = new Date(input.startsAt)
	const date = shanghaiDate(startsAt)
	const facts = read ?? (await readFacts({ user }, offeringId, input))
	// A resubmission of a form that already booked answers with that booking, whatever else changed.
	const existing = facts?.existing
	if (existing) return existing.offeringId === offeringId ? ok({ bookingId: existing.id, status: existing.status, duplicate: true }) : refuse('formExpired', 409)
	const elder = facts?.elder
	if (!elder) return refuseField('elderId', 'elderNotYours', 403)
	if (elder.deceased) return refuseField('elderId', 'elderDeceased')
	const offering = facts?.offering
	if (!offering || !offering.active) return refuse('notBookable', 404)
	if (offering.providerStatus === 'suspended') return refuse('providerSuspended', 409)
	if (offering.providerStatus !== 'approved') return refuse('providerNotApproved', 409)
	if (!offeringServes(offering, elder)) return refuseField('elderId', 'areaNotServed')
	// A home visit goes to an address: without one the caregiver cannot come.
	if (HOME_VISIT_CATEGORIES.includes(offering.category) && !input.serviceAddress) return refuseField('serviceAddress', 'addressRequired')

	if (startsAt.getTime() <= now.getTime()) return refuseField('startsAt', 'past')
	if (startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * 86_400_000) return refuseField('startsAt', 'tooFarAhead')
	const scheduled = scheduledSlot(startsAt, offering.rules, offering.durationMinutes, new Set(offering.closed ? [date] : []))
	if (!scheduled) return refuseField('startsAt', offering.closed ? 'closed' : 'outsideSchedule')
	// Fast answer for a slot already full: a read, never a write decision (takePlace decides). It
	// spares a quote and a transaction to the many families who arrive after the last place.
	if (facts?.slot && !facts.slot.free) return refuseField('startsAt', 'full', 409)

	// The one quote of this request. The transaction does not quote again: holding the credit
	// fails if another booking spent it meanwhile, and the family is then asked to look again.
	// (An elder without an active grant pays the whole price: no query needed.)
	const priceFen = assertFen(offering.priceFen)
	const quote = elder.hasGrant ? await quoteSubsidy(prisma, { elderId: elder.id, category: offering.category, priceFen, startsAt }) : unsubsidised(priceFen)
	if (quote.priceFen !== input.expectedPriceFen || quote.copayFen !== input.expectedCopayFen) return refuse('priceChanged', 409)

	let slotId = facts?.slot?.id
	if (!slotId) {
		// The slot did not exist when the facts were read: made now, or made by a concurrent booking,
		// which may have taken the last place since (the same fast answer as above, from a newer snapshot).
		const slot = await ensureSlot(offering, scheduled)
		if (!slot.free) return refuseField('startsAt', 'full', 409)
		slotId = slot.id
	}
	const autoConfirm = offering.autoConfirm
	const status: BookingStatus = autoConfirm ? 'confirmed' : 'requested'
	const bookingId = crypto.randomUUID()
	const row: BookingRow = {
		id: bookingId,
		idempotencyKey: input.idempotencyKey,
		familyUserId: user.id,
		familyRole: user.role,
		// Texts go to mobile numbers only, as notify() sends them (an account's phone is one, but the rule is the texts').
		familyPhone: MOBILE_NUMBER.test(user.phone) ? user.phone : null,
		elderId: elder.id,
		providerId: offering.providerId,
		offeringId: offering.id,
		slotId,
		startsAt: scheduled.startsAt,
		endsAt: scheduled.endsAt,
		status,
		priceFen: quote.priceFen,
		subsidyFen: quote.subsidyFen,
		copayFen: quote.copayFen,
		subsidyRef: quote.grantId,
		paymentStatus: quote.copayFen > 0 ? 'awaiting' : 'not_required',
		serviceAddress: input.serviceAddress,
		homeLat: input.homeLat ?? null,
		homeLng: input.homeLng ?? null,
		visitCode: visitCode(),
		note: input.note,
		expiresAt: autoConfirm ? null : holdExpiry(now, offering.holdMinutes, scheduled.startsAt),
		confirmedAt: autoConfirm ? now : null,
		params: { offering: offering.title, provider: offering.providerName, elder: elder.name, startsAt: scheduled.startsAt.toISOString() },
	}
	try {
		// Without subsidy the booking is one statement (its own transaction); with subsidy the credit
		// is held in the same transaction, after the place is taken.
		const taken =
			quote.subsidyFen > 0
				? await transaction(async (tx) => {
						const placed = await writeBooking(tx, row)
						if (placed === 'booked') await holdForBooking(tx, { id: bookingId, subsidyFen: quote.subsidyFen, subsidyRef: quote.grantId, providerId: offering.providerId, category: offering.category })
						return placed
					}, TX_OPTIONS)
				: await writeBooking(undefined, row)
		if (taken === 'full') return refuseField('startsAt', 'full', 409)
		if (taken !== 'booked') return refuse(taken === 'suspended' ? 'providerSuspended' : 'providerNotApproved', 409)
		return ok({ bookingId, status, duplicate: false })
	} catch (error) {
		if (error instanceof SubsidyUnavailable) return refuse('priceChanged', 409)
		if (isUniqueViolation(error, 'booking_familyUserId_idempotencyKey_key')) {
			// The same form submitted twice at once: the other submission made the booking.
			const winner = await prisma.booking.findUnique({
				where: { familyUserId_idempotencyKey: { familyUserId: user.id, idempotencyKey: input.idempotencyKey } },
				select: { id: true, status: true },
			})
			if (winner) return ok({ bookingId: winner.id, status: winner.status, duplicate: true })
		}
		throw error
	}
}

type BookingRow = {
	id: string
	idempotencyKey: string
	familyUserId: string
	familyRole: string
	familyPhone: string | null
	elderId: string
	providerId: string
	offeringId: string
	slotId: string
	startsAt: Date
	endsAt: Date
	status: BookingStatus
	priceFen: number
	subsidyFen: number
	copayFen: number
	subsidyRef: string | null
	paymentStatus: 'awaiting' | 'not_required'
	serviceAddress: string
	homeLat: number | null
	homeLng: number | null
	visitCode: string
	note: string
	expiresAt: Date | null
	confirmedAt: Date | null
	params: Record<string, string>
}

/**
 * The booking's write, as ONE statement: under a rush every round trip holds a pooled connection,
 * and a family that arrives after the last place costs one statement, not a transaction.
 * In order: the provider row FOR SHARE (a suspension committing meanwhile is seen here, and one
 * still running waits for this booking to commit); a free place taken, skipping places that other
 * bookings are taking right now (FOR UPDATE SKIP LOCKED, so nobody queues on one row); then, only
 * if a place was taken, the booking, its events and the notifications for both sides (the same
 * rows notify() writes, messaging/notify.server.ts: the provider's text goes to its active managers
 * who chose a text for each booking; those who chose the daily summary get it from booking-digest.server.ts,
 * those who chose none only the inbox). A unique violation on the idempotency key (the same form submitted twice
 * at once) undoes it all. Deferred triggers check at commit that the booking and its place agree.
 *
 * When no place was free to take but some were free in this statement's snapshot, bookings still
 * running hold them and one may roll back: the statement is repeated waiting for them (FOR UPDATE
 * without SKIP LOCKED), which happens only for the last places.
 *
 * When the snapshot has no free place at all, nothing can be booked: the statement then locks
 * nothing (the provider row is read, not locked) and writes nothing, so PostgreSQL gives it no
 * transaction id and its commit writes and flushes no WAL. Under a rush that is every attempt after
 * the last place (900 of 1,000 in the booking benchmark); the provider's lock, the place and the
 * write are taken exactly as before whenever a place may be free.
 */
async function writeBooking(tx: Tx | undefined, row: BookingRow): Promise<'booked' | 'full' | 'suspended' | 'notApproved'> {
	for (const wait of [false, true]) {
		const lock = sql.raw(wait ? 'FOR UPDATE' : 'FOR UPDATE SKIP LOCKED')
		const params = JSON.stringify(row.params)
		const requested = { kind: 'booking.requested', dedupe: `booking.requested:${row.id}:` }
		const auto = row.status === 'confirmed'
		// The family always hears of its own booking: confirmed at once, or sent and waiting for the provider.
		const familyKind = auto ? 'booking.confirmed' : 'booking.sent'
		const confirmed = { kind: familyKind, dedupe: `${familyKind}:${row.id}:${row.familyUserId}` }
		const result = await sql`
			WITH free AS (
				SELECT EXISTS (SELECT 1 FROM slot_place WHERE "slotId" = ${row.slotId}::uuid AND "bookingId" IS NULL) AS seen
			), live AS (
				SELECT status::text AS status FROM provider WHERE id = ${row.providerId}::uuid AND (SELECT seen FROM free) FOR SHARE
			), place AS (
				UPDATE slot_place SET "bookingId" = ${row.id}::uuid
				WHERE ("slotId", "placeNo") = (
					SELECT "slotId", "placeNo" FROM slot_place WHERE "slotId" = ${row.slotId}::uuid AND "bookingId" IS NULL
					ORDER BY "placeNo" LIMIT 1 ${lock})
				  AND (SELECT status FROM live) = 'approved'
				RETURNING "placeNo"
			), b AS (
				INSERT INTO booking (id, "idempotencyKey", "familyUserId", "elderId", "providerId", "offeringId", "slotId", "startsAt", "endsAt", status,
					"priceFen", "subsidyFen", "copayFen", "subsidyRef", "paymentStatus", "serviceAddress", "homeLat", "homeLng", "visitCode", note,
					"expiresAt", "confirmedAt", "updatedAt")
				SELECT ${row.id}::uuid, ${row.idempotencyKey}, ${row.familyUserId}::uuid, ${row.elderId}::uuid, ${row.providerId}::uuid, ${row.offeringId}::uuid,
					${row.slotId}::uuid, ${row.startsAt}::timestamptz, ${row.endsAt}::timestamptz, ${row.status}::"BookingStatus",
					${row.priceFen}::int, ${row.subsidyFen}::int, ${row.copayFen}::int, ${row.subsidyRef}::text, ${row.paymentStatus}::"PaymentStatus",
					${row.serviceAddress}, ${row.homeLat}::float8, ${row.homeLng}::float8, ${row.visitCode}, ${row.note},
					${row.expiresAt}::timestamptz, ${row.confirmedAt}::timestamptz, now()
				FROM place
				RETURNING id
			), events AS (
				INSERT INTO booking_event ("bookingId", "fromStatus", "toStatus", "actorId", "actorRole", note)
				SELECT b.id, NULL, 'requested'::"BookingStatus", ${row.familyUserId}::uuid, ${row.familyRole}::"Role", NULL FROM b
				UNION ALL
				SELECT b.id, 'requested'::"BookingStatus", 'confirmed'::"BookingStatus", NULL, NULL, 'auto' FROM b WHERE ${auto}
			), inbox AS (
				INSERT INTO notification ("userId", "providerId", kind, "bookingId", params)
				SELECT NULL, ${row.providerId}::uuid, ${requested.kind}, b.id, ${params}::jsonb FROM b
				UNION ALL
				SELECT ${row.familyUserId}::uuid, NULL, ${confirmed.kind}, b.id, ${params}::jsonb FROM b
			), sms AS (
				INSERT INTO outbox ("toPhone", template, params, "dedupeKey")
				SELECT u.phone, ${requested.kind}, ${params}::jsonb, ${requested.dedupe} || u.id FROM b CROSS JOIN app_user u
				WHERE u."providerId" = ${row.providerId}::uuid AND u."providerManager" AND u.active AND u."closedAt" IS NULL AND u.phone ~ ${MOBILE_NUMBER.source}
				  AND u."bookingTexts" = 'each'
				UNION ALL
				SELECT ${row.familyPhone}::text, ${confirmed.kind}, ${params}::jsonb, ${confirmed.dedupe} FROM b WHERE ${row.familyPhone}::text IS NOT NULL
				ON CONFLICT ("dedupeKey") DO NOTHING
			)
			SELECT COALESCE((SELECT status FROM live), (SELECT status::text FROM provider WHERE id = ${row.providerId}::uuid)) AS live,
				(SELECT "placeNo" FROM place) AS "placeNo", (SELECT seen FROM free) AS "freeSeen"`
			.prepared()
			.first<{ live: string | null; placeNo: number | null; freeSeen: boolean }>(tx)
		if (result?.live !== 'approved') return result?.live === 'suspended' ? 'suspended' : 'notApproved'
		if (result.placeNo !== null) return 'booked'
		if (!result.freeSeen) return 'full'
	}
	return 'full'
}

function visitCode() {
	// Six digits shown to the family at the elder's home; the caregiver types it at check-in.
	return String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, '0')
}
