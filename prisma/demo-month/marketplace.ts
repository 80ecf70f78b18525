// The demo month's marketplace and institutions (see prisma/demo-month.ts): a week of home care for
// 张伟's elders by the demo home-care provider (13800000011), a roll call at the demo community centre
// (13800000013) and a stay request and an inspection at the demo institution (13800000012), each made
// by the demo accounts through the module functions the pages call. Past steps pass the module their
// `now`; what the database stamps itself (a booking's events, its messages) is dated back at the end
// of each scene (dateBack). The seed never calls Stripe: a payment is marked paid by the same function
// the signed webhook calls (processStripeEvent), for the payment row startPayment would have stored.
import type Stripe from 'stripe'
import type { ServiceCategory } from '~/generated/prisma/enums.ts'
import { prisma } from '~/lib/db.server.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, fromShanghai, shanghaiDate } from '~/lib/time.ts'
import { ATTENDANCE_CATEGORIES } from '~/modules/attendance/rules.ts'
import { recordArrival, recordDeparture } from '~/modules/attendance/attendance.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { InstitutionStaff } from '~/modules/beds/access.server.ts'
import { requestStay } from '~/modules/beds/stays.server.ts'
import { answerComplaint, fileComplaint } from '~/modules/complaints/complaints.server.ts'
import { answerFinding, recordInspection } from '~/modules/institutions/inspections.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { updateTerms } from '~/modules/marketplace/catalogue.server.ts'
import { DEFAULT_BOOKING_TERMS } from '~/modules/marketplace/rules.ts'
import { cancelBooking, confirmBooking, disputeBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { paymentMethods, processStripeEvent } from '~/modules/marketplace/payments.server.ts'
import { postReview, replyToReview } from '~/modules/marketplace/reviews.server.ts'
import { slotsOnDate, type Rule } from '~/modules/marketplace/schedule.ts'
import { checkIn, checkOut } from '~/modules/marketplace/visits.server.ts'
import type { WalletMethod } from '~/modules/payments/wallets.ts'
import { quoteSubsidy } from '~/modules/subsidies/booking.server.ts'
import { prepareClaim } from '~/modules/subsidies/settlement.server.ts'
import type { DemoMonth } from '../demo-month.ts'

const FAMILY = '13800000001' // 张伟, three elders in 龙泉社区 (东宝区)
const HOME_CARE = '13800000011'
const INSTITUTION = '13800000012'
const CENTRE = '13800000013'
const DISTRICT = '13800000031' // 东宝区

type Elder = { id: string; name: string; address: string }
type Offering = { id: string; category: ServiceCategory; priceFen: number; durationMinutes: number; rules: Rule[] }
/** When each step of a booking happened (booking_event's toStatus, plus paid, reviewed, replied). */
type Timeline = Partial<Record<string, Date>>

type Cast = {
	month: DemoMonth
	family: SessionUser
	homeCare: SessionUser
	/** 张伟's elders, youngest first: 张德明 (72), 李桂英 (84), 张永福 (91). */
	elders: Elder[]
	/** The elder of 张伟 whose grant (made by the subsidies part) has credit left, if any, and what it covers. */
	granted: { elder: Elder; categories: ServiceCategory[]; inForceFrom: Date } | null
	offerings: Map<ServiceCategory, Offering>
	/** Idempotency keys: one per booking form, deterministic. */
	keys: { n: number }
}

/** A module refusal stops the seed with its reason (the test catches it). */
function must<T>(what: string, outcome: Outcome<T>): T {
	if (!outcome.ok) throw new Error(`demo month: ${what} refused: ${JSON.stringify(outcome)}`)
	return outcome.value
}

const at = (month: DemoMonth, days: number, time: string) => fromShanghai(addDays(month.today, days), time)
const minutesAfter = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000)
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)

export async function seedDemoMarketplace(month: DemoMonth): Promise<void> {
	const cast = await castOf(month)
	await holdRequestsTwoDays(cast)
	// Home visits in the order they happened: one caregiver's visits must not overlap.
	await reviewedBath(cast)
	await coldLunchComplaint(cast)
	await shortWalkFlagged(cast)
	await cleaningDisputed(cast)
	await subsidisedVisitClaimed(cast)
	await comingWeek(cast)
	await centreRollCall(cast)
	await institutionWork(cast)
}

async function castOf(month: DemoMonth): Promise<Cast> {
	const [family, homeCare] = await Promise.all([month.as(FAMILY), month.as(HOME_CARE)])
	const elders = await sql`SELECT e.id, e.name, coalesce(c."nameZh", '') AS community FROM family_link f JOIN elder e ON e.id = f."elderId" LEFT JOIN community c ON c.id = e."communityId"
		WHERE f."userId" = ${family.id}::uuid AND e."deathDate" IS NULL ORDER BY e."birthDate" DESC, e.id`.rows<{ id: string; name: string; community: string }>()
	if (elders.length < 2) throw new Error('demo month: 张伟 should care for the seeded elders')
	// An address per elder as the family types it on the booking form (the registry keeps none).
	const withAddress = elders.map((e, i) => ({ id: e.id, name: e.name, address: `${e.community}${3 + i}栋${1 + i}单元${201 + 100 * i}室` }))
	const offerings = await prisma.offering.findMany({
		where: { providerId: homeCare.providerId!, active: true },
		orderBy: [{ category: 'asc' }, { title: 'asc' }, { id: 'asc' }],
		select: { id: true, category: true, priceFen: true, durationMinutes: true, rules: { select: { weekday: true, startMinute: true, endMinute: true, capacity: true } } },
	})
	const byCategory = new Map<ServiceCategory, Offering>()
	for (const o of offerings) if (!byCategory.has(o.category)) byCategory.set(o.category, o)
	// The subsidies part runs first; when it left one of 张伟's elders a grant with credit, a visit uses it.
	// In force from the end of its public notice (or, without one, from when it was made).
	const grant = await sql`SELECT g."elderId", v."coveredCategories",
			coalesce((SELECT max(n."settledAt") FROM subsidy_notice_entry n WHERE n."grantId" = g.id), g."createdAt" AT TIME ZONE 'UTC') AS "inForceFrom"
		FROM subsidy_grant g
		JOIN subsidy_policy_version v ON v.id = g."policyVersionId"
		JOIN ledger_account av ON av."grantId" = g.id AND av.kind = 'elder_available'
		WHERE g.status = 'active' AND av."balanceFen" > 0 AND g."elderId" = ANY(${elders.map((e) => e.id)}::uuid[])
		ORDER BY av."balanceFen" DESC, g.id LIMIT 1`.first<{ elderId: string; coveredCategories: ServiceCategory[]; inForceFrom: Date }>()
	const grantedElder = grant ? withAddress.find((e) => e.id === grant.elderId)! : null
	return {
		month,
		family,
		homeCare,
		elders: withAddress,
		granted: grantedElder && grant ? { elder: grantedElder, categories: grant.coveredCategories.filter((c) => byCategory.has(c)), inForceFrom: new Date(grant.inForceFrom) } : null,
		offerings: byCategory,
		keys: { n: 0 },
	}
}

function offering(cast: Cast, category: ServiceCategory): Offering {
	const o = cast.offerings.get(category)
	if (!o) throw new Error(`demo month: the home-care provider offers no ${category}`)
	return o
}

/** The offering's first slot on that day (today + `days`) starting at or after `time`, by its schedule. */
function slot(cast: Cast, o: Offering, days: number, time: string) {
	const day = addDays(cast.month.today, days)
	const from = fromShanghai(day, time).getTime()
	const found = slotsOnDate(day, o.rules, o.durationMinutes, new Set()).find((s) => s.startsAt.getTime() >= from)
	if (!found) throw new Error(`demo month: no ${o.category} slot on ${day} from ${time}`)
	return found.startsAt
}

/** The elders for visits before the grant was in force (which it must not pay): the others, in order. */
function other(cast: Cast, i: number): Elder {
	const others = cast.elders.filter((e) => e.id !== cast.granted?.elder.id)
	return others[i % others.length]!
}

/** The family books as the booking page does: the split quoted for that elder and slot, then the booking. */
async function book(cast: Cast, o: Offering, elder: Elder, startsAt: Date, now: Date, note = ''): Promise<string> {
	const quote = await quoteSubsidy(prisma, { elderId: elder.id, category: o.category, priceFen: o.priceFen, startsAt })
	const made = await createBooking(
		cast.family,
		o.id,
		{
			idempotencyKey: `demomonth-${String(++cast.keys.n).padStart(8, '0')}`,
			elderId: elder.id,
			startsAt: startsAt.toISOString(),
			expectedPriceFen: quote.priceFen,
			expectedCopayFen: quote.copayFen,
			serviceAddress: elder.address,
			note,
		},
		now,
	)
	return must('booking', made).bookingId
}

/**
 * The family pays its co-pay with a wallet: the payment row startPayment stores before calling
 * Stripe (its idempotency key, the methods offered, then the intent's id and the booking waiting),
 * then the succeeded event as the signed webhook hands it to processStripeEvent.
 */
async function pay(bookingId: string, method: WalletMethod) {
	const booking = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { copayFen: true } })
	if (booking.copayFen <= 0) return
	const intentId = `pi_demo_${bookingId.replaceAll('-', '')}`
	const payment = await prisma.$transaction(async (tx) => {
		const p = await tx.payment.create({
			data: { bookingId, amountFen: booking.copayFen, methods: paymentMethods(), idempotencyKey: `yy_pay_${bookingId}_1`, stripePaymentIntentId: intentId },
			select: { id: true },
		})
		await tx.booking.update({ where: { id: bookingId }, data: { paymentStatus: 'processing' }, select: { id: true } })
		return p
	})
	const intent = { id: intentId, object: 'payment_intent', amount: booking.copayFen, currency: 'cny', metadata: { bookingId, paymentId: payment.id }, payment_method_types: [method], status: 'succeeded' }
	const event = { id: `evt_demo_${bookingId.replaceAll('-', '')}`, object: 'event', type: 'payment_intent.succeeded', data: { object: intent } } as unknown as Stripe.Event
	const outcome = await processStripeEvent(event)
	if (!outcome.processed) throw new Error(`demo month: payment of ${bookingId} not processed: ${JSON.stringify(outcome)}`)
}

/** The caregiver's visit: check-in and check-out with the home code the family shows. */
async function visit(cast: Cast, bookingId: string, inAt: Date, outAt: Date) {
	const { visitCode } = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { visitCode: true } })
	const code = { intent: 'check-in' as const, method: 'code' as const, code: visitCode }
	must('check-in', await checkIn(cast.homeCare, bookingId, code, inAt))
	return must('check-out', await checkOut(cast.homeCare, bookingId, { ...code, intent: 'check-out' }, outAt))
}

/**
 * Dates back what the database stamped with the seed's clock, for a booking whose steps the modules
 * were told happened earlier: the booking, its events and messages, its payment, visit and review.
 * (Audit rows stay as written: the audit log is append-only.)
 */
async function dateBack(bookingId: string, t: Timeline) {
	const times = JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v!.toISOString()])))
	const last = new Date(Math.max(...Object.values(t).map((d) => d!.getTime())))
	await sql`UPDATE booking SET "createdAt" = ${t.requested!}, "updatedAt" = ${last} WHERE id = ${bookingId}::uuid`.run()
	await sql`UPDATE booking_event e SET at = (m.t->>e."toStatus"::text)::timestamptz FROM (SELECT ${times}::jsonb AS t) m
		WHERE e."bookingId" = ${bookingId}::uuid AND m.t ? e."toStatus"::text`.run()
	// A message dates from the step it tells of.
	const step = sql.raw(`CASE WHEN n.kind IN ('booking.sent', 'booking.requested') THEN 'requested' WHEN n.kind LIKE 'booking.%' THEN substr(n.kind, 9)
		WHEN n.kind = 'payment.succeeded' THEN 'paid' WHEN n.kind = 'review.posted' THEN 'reviewed' WHEN n.kind = 'review.replied' THEN 'replied' END`)
	await sql`UPDATE notification n SET "createdAt" = (m.t->>(${step}))::timestamptz FROM (SELECT ${times}::jsonb AS t) m
		WHERE n."bookingId" = ${bookingId}::uuid AND m.t ? (${step})`.run()
	if (t.paid) await sql`UPDATE payment SET "createdAt" = ${minutesAfter(t.paid, -2)}, "updatedAt" = ${t.paid} WHERE "bookingId" = ${bookingId}::uuid`.run()
	await sql`UPDATE visit SET "createdAt" = "checkInAt" WHERE "bookingId" = ${bookingId}::uuid`.run()
	if (t.reviewed) await sql`UPDATE review SET "createdAt" = ${t.reviewed}, "repliedAt" = CASE WHEN reply IS NULL THEN NULL ELSE ${t.replied ?? t.reviewed}::timestamptz END WHERE "bookingId" = ${bookingId}::uuid`.run()
}

/**
 * The providers' managers let an unconfirmed request hold its place for two days instead of twelve
 * hours, so the requests waiting on their home pages outlast the demo's first day (the expiry sweep
 * runs every minute once the workers start). Their other terms stay as they are.
 */
async function holdRequestsTwoDays(cast: Cast) {
	for (const manager of [cast.homeCare, await cast.month.as(CENTRE)]) {
		const terms = (await prisma.providerProfile.findUnique({ where: { providerId: manager.providerId! }, select: { autoConfirm: true, freeCancelHours: true, lateCancelFeePercent: true } })) ?? DEFAULT_BOOKING_TERMS
		must('booking terms', await updateTerms(manager, { intent: 'terms', autoConfirm: terms.autoConfirm, holdMinutes: 2 * 1440, freeCancelHours: terms.freeCancelHours, lateCancelFeePercent: terms.lateCancelFeePercent }, null))
	}
}

/** A past home visit: booked two days ahead, confirmed, paid, done with the home code. */
async function pastVisit(cast: Cast, o: Offering, elder: Elder, when: [days: number, time: string], opts: { method: WalletMethod; minutes: number; note?: string }) {
	const startsAt = slot(cast, o, ...when)
	const t: Timeline = { requested: minutesAfter(startsAt, -2 * 1440 + 60) }
	const id = await book(cast, o, elder, startsAt, t.requested!, opts.note)
	t.confirmed = minutesAfter(t.requested!, 25)
	must('confirm', await confirmBooking(cast.homeCare, id, t.confirmed))
	t.paid = minutesAfter(t.confirmed, 12)
	await pay(id, opts.method)
	t.in_service = minutesAfter(startsAt, -3)
	t.completed = minutesAfter(t.in_service, opts.minutes)
	const result = await visit(cast, id, t.in_service, t.completed)
	return { id, t, result }
}

/** Six days ago: a bath for 张德明, verified; 张伟 gave five stars, the provider thanked him. */
async function reviewedBath(cast: Cast) {
	const { month } = cast
	const { id, t } = await pastVisit(cast, offering(cast, 'bathing'), other(cast, 0), [-6, '09:00'], { method: 'wechat_pay', minutes: 65, note: '老人腿脚不便，请带防滑垫' })
	must('review', await postReview(cast.family, id, { rating: 5, comment: '王师傅很细心，先调好水温再扶老人进去，洗完还帮忙剪了指甲。老人说很舒服，下次还约。' }))
	must('reply', await replyToReview(cast.homeCare, id, '感谢您的认可！我们会继续用心服务，下次上门前一天会电话确认时间。'))
	await dateBack(id, { ...t, reviewed: at(month, -6, '19:40'), replied: at(month, -5, '08:50') })
	month.log('  demo month: a bath six days ago, verified, paid and reviewed (5 stars, answered)')
}

/** Five days ago: a lunch delivered cold; 张伟 complained, the provider answered, the district has to close it. */
async function coldLunchComplaint(cast: Cast) {
	const { month } = cast
	const { id, t } = await pastVisit(cast, offering(cast, 'meals'), other(cast, 1), [-5, '11:30'], { method: 'alipay', minutes: 24 })
	await dateBack(id, t)
	const filed = must(
		'complaint',
		await fileComplaint(cast.family, { intent: 'file', providerId: cast.homeCare.providerId!, subject: 'booking', bookingId: id, category: 'food', text: '午餐送到时饭菜已经凉了，汤也洒了一些。老人胃不好，希望以后送餐能用保温箱。' }, at(month, -5, '13:10')),
	)
	must('complaint answer', await answerComplaint(cast.homeCare, { complaintId: filed.complaintId, answer: '非常抱歉给老人带来不便。我们已为送餐员配备保温箱，并调整了送餐路线，保证十二点前送到。' }, at(month, -4, '10:05')))
	month.log('  demo month: a cold lunch complained about and answered, waiting for the district to close it')
}

/** Four days ago: a one-hour walk the caregiver left after 19 minutes: flagged for the district; 张伟 complained last night (not yet overdue). */
async function shortWalkFlagged(cast: Cast) {
	const { month } = cast
	const { id, t, result } = await pastVisit(cast, offering(cast, 'mobility'), other(cast, 2), [-4, '15:00'], { method: 'wechat_pay', minutes: 19 })
	if (result.verified) throw new Error('demo month: the short walk should have been flagged')
	await dateBack(id, t)
	must(
		'complaint',
		await fileComplaint(cast.family, { intent: 'file', providerId: cast.homeCare.providerId!, subject: 'booking', bookingId: id, category: 'service_quality', text: '约好陪老人散步一个小时，护理员不到二十分钟就走了，说还要赶下一家。费用是按一小时付的。' }, at(month, -1, '19:30')),
	)
	month.log(`  demo month: a short walk flagged (${result.flags.join(', ')}) and complained about, waiting for the provider`)
}

/** Three days ago: a cleaning 张伟 disputes (only one room done); the district decides. */
async function cleaningDisputed(cast: Cast) {
	const { month } = cast
	const { id, t } = await pastVisit(cast, offering(cast, 'cleaning'), other(cast, 1), [-3, '14:00'], { method: 'alipay', minutes: 62 })
	t.disputed = at(month, -3, '18:20')
	must('dispute', await disputeBooking(cast.family, id, '只打扫了客厅，卧室和厨房都没有打扫，护理员说时间不够。要求退还费用。', t.disputed))
	await dateBack(id, t)
	month.log('  demo month: a cleaning disputed, waiting for the district')
}

/**
 * A visit paid in part by the grant the subsidies part left (subsidy + co-pay), verified, on a day
 * after the grant came into force (two days ago at the earliest); the provider has claimed that
 * month's subsidy, waiting for the district. Skipped without a grant, or one in force only since today.
 */
async function subsidisedVisitClaimed(cast: Cast) {
	const { month, granted } = cast
	// A visit worth subsidising: care before chores, and never an emergency call booked ahead.
	const preferred: ServiceCategory[] = ['nursing', 'bathing', 'rehabilitation', 'cleaning', 'meals', 'mobility', 'respite', 'medical_escort']
	const covered = preferred.find((c) => granted?.categories.includes(c) && cast.offerings.has(c))
	if (!granted || !covered) {
		month.log('  demo month: no elder of 张伟 holds a grant with credit for home care: no subsidised visit, no claim')
		return
	}
	const day = [addDays(shanghaiDate(granted.inForceFrom), 1), addDays(month.today, -2)].sort()[1]!
	if (day >= month.today) {
		month.log('  demo month: the grant is in force since today: its first visit is in the coming week, no claim yet')
		return
	}
	const o = offering(cast, covered)
	const { id, t } = await pastVisit(cast, o, granted.elder, [daysBetween(month.today, day), '09:30'], { method: 'wechat_pay', minutes: o.durationMinutes + 4 })
	await dateBack(id, t)
	const b = await prisma.booking.findUniqueOrThrow({ where: { id }, select: { subsidyFen: true, copayFen: true } })
	if (b.subsidyFen === 0) {
		month.log('  demo month: the grant paid nothing for the visit: no claim')
		return
	}
	const claim = must('claim', await prepareClaim(cast.homeCare, day.slice(0, 7)))
	month.log(`  demo month: a subsidised visit on ${day} (subsidy ${b.subsidyFen} + co-pay ${b.copayFen} fen), claimed (${claim.added} line), waiting for the district`)
}

/** The coming days: confirmed and paid, confirmed not yet paid, a request to confirm, one cancelled by 张伟. */
async function comingWeek(cast: Cast) {
	const { month } = cast
	const now = new Date()
	// The granted elder's next visit is subsidised too, when the grant covers nursing or bathing.
	const grantCovers = (['nursing', 'bathing'] as const).find((c) => cast.granted?.categories.includes(c))
	const nursing = offering(cast, grantCovers ?? 'nursing')
	const paid = await book(cast, nursing, grantCovers ? cast.granted!.elder : other(cast, 2), slot(cast, nursing, 2, '09:00'), now, '需要测血压、血糖，请带血糖试纸')
	must('confirm', await confirmBooking(cast.homeCare, paid, now))
	await pay(paid, 'wechat_pay')

	const cleaning = offering(cast, 'cleaning')
	const toPay = await book(cast, cleaning, other(cast, 1), slot(cast, cleaning, 4, '14:00'), now, '重点打扫厨房和卫生间')
	must('confirm', await confirmBooking(cast.homeCare, toPay, now))

	const rehab = offering(cast, 'rehabilitation')
	await book(cast, rehab, other(cast, 0), slot(cast, rehab, 3, '15:00'), now, '膝关节术后第三个月，医生建议做康复训练')

	// Booked yesterday evening, cancelled this morning: free, more than a day before the start.
	const escort = offering(cast, 'medical_escort')
	const requested = at(month, -1, '20:15')
	const cancelled = await book(cast, escort, other(cast, 2), slot(cast, escort, 5, '08:00'), requested, '市第一人民医院心内科复诊')
	must('cancel', await cancelBooking(cast.family, cancelled, '医院复诊时间改了，等确定了再约。', now))
	await dateBack(cancelled, { requested, cancelled: now })
	month.log('  demo month: the coming week: a visit confirmed and paid, one confirmed to pay, one to confirm, one cancelled')
}

/** The community centre: the last open day's roll call done (arrivals, departures, meals), the next open day booked. */
async function centreRollCall(cast: Cast) {
	const { month } = cast
	const staff = await month.as(CENTRE)
	const offerings = await prisma.offering.findMany({
		where: { providerId: staff.providerId!, active: true, category: { in: [...ATTENDANCE_CATEGORIES] } },
		orderBy: [{ category: 'asc' }, { title: 'asc' }, { id: 'asc' }],
		select: { id: true, category: true, priceFen: true, durationMinutes: true, rules: { select: { weekday: true, startMinute: true, endMinute: true, capacity: true } } },
	})
	if (!offerings.length) {
		month.log('  demo month: the community centre offers no attendance service: no roll call')
		return
	}
	// The first start from a usual time for the service (lunch from 11:30, a whole day from opening).
	const usual: Partial<Record<ServiceCategory, number>> = { canteen_meals: 11 * 60 + 30, activities: 9 * 60 + 30 }
	const slotOn = (o: (typeof offerings)[number], day: string) => {
		const slots = slotsOnDate(day, o.rules, o.durationMinutes, new Set())
		const want = fromShanghai(day, '00:00').getTime() + (usual[o.category] ?? 0) * 60_000
		return slots.find((s) => s.startsAt.getTime() >= want) ?? slots[0]
	}
	// The last day before today the centre was open (a Monday's roll call is Friday's).
	let day = addDays(month.today, -1)
	for (let back = 0; back < 14 && !slotOn(offerings[0]!, day); back++) day = addDays(day, -1)
	let attended = 0
	for (const [i, o] of offerings.entries()) {
		const start = slotOn(o, day)
		if (!start) continue
		const elder = other(cast, i)
		const t: Timeline = { requested: minutesAfter(start.startsAt, -2 * 1440 + 120) }
		const id = await book(cast, o, elder, start.startsAt, t.requested!)
		t.confirmed = minutesAfter(t.requested!, 40)
		if ((await prisma.booking.findUniqueOrThrow({ where: { id }, select: { status: true } })).status === 'requested') must('confirm', await confirmBooking(staff, id, t.confirmed))
		else t.confirmed = t.requested
		t.paid = minutesAfter(t.confirmed!, 10)
		await pay(id, 'wechat_pay')
		t.in_service = minutesAfter(start.startsAt, -5)
		t.completed = minutesAfter(start.endsAt, 10)
		must('arrival', await recordArrival(staff, { bookingId: id, method: 'roll_call' }, t.in_service))
		must('departure', await recordDeparture(staff, { bookingId: id, meals: o.category === 'activities' ? 0 : 1 }, t.completed))
		await dateBack(id, t)
		attended++
	}
	// The next open day: 张德明 booked and confirmed, 李桂英's request waiting for the centre.
	let next = addDays(month.today, 1)
	for (let ahead = 0; ahead < 14 && !slotOn(offerings[0]!, next); ahead++) next = addDays(next, 1)
	const now = new Date()
	const nextSlot = slotOn(offerings[0]!, next)!.startsAt
	const confirmed = await book(cast, offerings[0]!, cast.elders[0]!, nextSlot, now)
	if ((await prisma.booking.findUniqueOrThrow({ where: { id: confirmed }, select: { status: true } })).status === 'requested') must('confirm', await confirmBooking(staff, confirmed, now))
	await book(cast, offerings[0]!, cast.elders[1]!, nextSlot, now, '老人吃软食，不吃辣')
	month.log(`  demo month: the centre's roll call of ${day} (${attended} attended), ${next} booked`)
}

/** The institution: 张伟 asks for a nursing bed for 张永福; the district's inspection left one finding to answer and one answered. */
async function institutionWork(cast: Cast) {
	const { month } = cast
	const [user, officer] = await Promise.all([month.as(INSTITUTION), month.as(DISTRICT)])
	const provider = await prisma.provider.findUniqueOrThrow({ where: { id: user.providerId! }, select: { id: true, name: true, districtId: true, status: true } })
	const staff: InstitutionStaff = { ...user, providerId: provider.id, providerName: provider.name, districtId: provider.districtId, providerStatus: provider.status }

	// The oldest elder not living in an institution and with no open request asks for a nursing bed.
	const free = await sql`SELECT e.id FROM elder e WHERE e.id = ANY(${cast.elders.map((x) => x.id)}::uuid[])
		AND NOT EXISTS (SELECT 1 FROM admission a WHERE a."elderId" = e.id AND a."dischargedOn" IS NULL)
		AND NOT EXISTS (SELECT 1 FROM stay_request s WHERE s."elderId" = e.id AND s.status IN ('requested', 'accepted'))
		ORDER BY e."birthDate", e.id LIMIT 1`.first<{ id: string }>()
	if (free) {
		must('stay request', await requestStay(cast.family, { elderId: free.id, providerId: provider.id, bedType: 'nursing', desiredStartOn: addDays(month.today, 14), note: '老人完全失能，家里白天没人照顾，希望下个月入住护理型床位，最好是一楼朝南的房间。' }))
	}

	// Inspected twelve days ago; deadlines still ahead, so admissions stay open.
	const inspectedOn = addDays(month.today, -12)
	const inspection = must(
		'inspection',
		await recordInspection(
			officer,
			{
				providerId: provider.id,
				inspectedOn,
				kinds: ['fire', 'food'],
				note: '季度消防与食品安全检查，院长陪同。',
				findings: [
					{ category: 'fire', severity: 'major', description: '二楼东侧消防通道堆放轮椅和杂物；两处应急照明灯不亮。', deadline: addDays(month.today, 9) },
					{ category: 'food', severity: 'minor', description: '食堂留样记录不全，缺少上周两餐的留样登记。', deadline: addDays(month.today, 3) },
				],
			},
			null,
			month.today,
		),
	)
	const food = await sql`SELECT id FROM inspection_finding WHERE "inspectionId" = ${inspection.id}::uuid AND category = 'food'`.first<{ id: string }>()
	must('finding answer', await answerFinding(staff, { findingId: food!.id, rectification: '已补全留样登记制度，每餐由厨师长留样 48 小时并签字，行政每周抽查。' }, null, month.today))
	month.log(`  demo month: ${free ? 'a stay request waiting, ' : ''}an inspection with a finding to answer and one answered`)
}
