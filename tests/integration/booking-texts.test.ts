// How a provider's managers are texted about new bookings (accounts/booking-texts.server.ts): a text
// for each booking (the booking's own statement, booking-create.server.ts), one summary a day (the
// booking-digest queue, marketplace/booking-digest.server.ts) or none; the provider's inbox lists
// every booking whatever they chose, and other texts to the provider are not affected. The choice is
// made on /provider by the managers only. Days are passed explicitly: no test depends on the clock.
import { QueueEvents, Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { BOOKING_DIGEST_QUEUE, BOOKING_DIGEST_SCHEDULER_ID, bookingDigestQueue, enqueueBookingDigest, enqueueYesterday, ensureBookingDigestScheduler } from '~/jobs/booking-digest.server.ts'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { closedAccountPhone } from '~/lib/text.ts'
import { fromShanghai } from '~/lib/time.ts'
import { confirmBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { writeBookingDigests } from '~/modules/marketplace/booking-digest.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { renderTemplate } from '~/modules/messaging/templates.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import * as providerHome from '~/routes/provider._index.tsx'
import { bookingDigestWorker } from '../../workers/processors/booking-digest.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { makeFamily, makeProvider, slotAt, type TestFamily, type TestProvider } from '../factories/marketplace.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

type Choice = 'each' | 'daily' | 'off'

const workers: Worker[] = []
let events: QueueEvents | null = null
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(BOOKING_DIGEST_QUEUE).obliterate({ force: true })
	await getQueue(BOOKING_DIGEST_QUEUE).close()
})

/** A provider (requests wait for confirmation) whose first manager chose `first`, with more managers as asked. */
async function providerWith(first: Choice, others: Choice[] = []) {
	const p = await makeProvider({ autoConfirm: false, capacity: 5 })
	await prisma.user.update({ where: { id: p.staffId }, data: { bookingTexts: first } })
	const managers = [{ id: p.staffId, phone: p.staffPhone, choice: first }]
	for (const choice of others) {
		const m = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		await prisma.user.update({ where: { id: m.id }, data: { providerManager: true, bookingTexts: choice } })
		managers.push({ id: m.id, phone: m.phone, choice })
	}
	return { ...p, managers }
}

let slot = 0
/** A booking of the provider's one offering, at a slot no other booking of this file takes. */
async function book(p: TestProvider, f: TestFamily) {
	slot++
	const family: SessionUser = { id: f.userId, name: '家属', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null }
	const startsAt = slotAt(2 + Math.floor(slot / 10), `${String(8 + (slot % 10)).padStart(2, '0')}:00`)
	const made = await createBooking(family, p.offeringId, { idempotencyKey: crypto.randomUUID().replaceAll('-', ''), elderId: f.elderId, startsAt, expectedPriceFen: p.priceFen, expectedCopayFen: p.priceFen, serviceAddress: '东宝区龙泉社区3栋2单元', note: '' })
	if (!made.ok) throw new Error(JSON.stringify(made))
	return made.value.bookingId
}

/** A booking made at `at` (the digest counts bookings by when they were made). */
async function bookAt(p: TestProvider, f: TestFamily, at: Date) {
	const id = await book(p, f)
	await prisma.booking.update({ where: { id }, data: { createdAt: at } })
	return id
}

const digestsOf = (userIds: string[]) =>
	prisma.outbox.findMany({ where: { template: 'booking.digest', OR: userIds.map((id) => ({ dedupeKey: { endsWith: `:${id}` } })) }, select: { toPhone: true, params: true, dedupeKey: true }, orderBy: { dedupeKey: 'asc' } })

describe('texts of a new booking', () => {
	it('texts only the managers who chose each booking; the inbox is written whatever they chose', async () => {
		const p = await providerWith('each', ['daily', 'off', 'each'])
		const caregiver = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		const f = await makeFamily()
		const bookingId = await book(p, f)
		const texted = await prisma.outbox.findMany({ where: { dedupeKey: { startsWith: `booking.requested:${bookingId}:` } }, select: { toPhone: true } })
		const each = p.managers.filter((m) => m.choice === 'each').map((m) => m.phone)
		expect(texted.map((r) => r.toPhone).sort()).toEqual(each.sort())
		expect(texted.map((r) => r.toPhone)).not.toContain(caregiver.phone)
		expect(await prisma.notification.count({ where: { providerId: p.providerId, kind: 'booking.requested', bookingId } })).toBe(1)
		// The family hears of its own booking as before.
		expect(await prisma.outbox.count({ where: { dedupeKey: `booking.sent:${bookingId}:${f.userId}` } })).toBe(1)
	})

	it('leaves the provider’s other texts to every active manager, whatever they chose for bookings', async () => {
		const p = await providerWith('off', ['daily'])
		const dedupe = crypto.randomUUID()
		await transaction((tx) => notify(tx, { providerId: p.providerId }, 'provider.suspended', { params: { reason: '消防检查不合格' }, dedupe, sms: true }))
		const texted = await prisma.outbox.findMany({ where: { dedupeKey: { startsWith: `provider.suspended:${dedupe}:` } }, select: { toPhone: true } })
		expect(texted.map((r) => r.toPhone).sort()).toEqual(p.managers.map((m) => m.phone).sort())
	})
})

describe('the daily summary', () => {
	const DAY = '2026-03-10'

	it('texts each manager who chose it once: the day’s new bookings and those still awaiting confirmation, by the Shanghai day', async () => {
		const p = await providerWith('daily', ['each', 'off', 'daily'])
		const f = await makeFamily()
		// The day's first and last minute in Shanghai; the minutes either side belong to other days.
		const first = await bookAt(p, f, fromShanghai(DAY, '00:01'))
		await bookAt(p, f, fromShanghai(DAY, '23:59'))
		await bookAt(p, f, fromShanghai('2026-03-09', '23:59'))
		await bookAt(p, f, fromShanghai('2026-03-11', '00:01'))
		await confirmBooking(await sessionUser(p.staffPhone), first)

		const daily = p.managers.filter((m) => m.choice === 'daily')
		const others = p.managers.filter((m) => m.choice !== 'daily')
		const written = await writeBookingDigests(DAY)
		expect(written.texts).toBeGreaterThanOrEqual(daily.length)
		const texts = await digestsOf(p.managers.map((m) => m.id))
		expect(texts.map((t) => t.toPhone).sort()).toEqual(daily.map((m) => m.phone).sort())
		for (const t of texts) expect(t.params).toEqual({ day: DAY, count: 2, awaiting: 1 })
		expect(texts.map((t) => t.dedupeKey).sort()).toEqual(daily.map((m) => `booking.digest:${DAY}:${m.id}`).sort())
		expect(others).toHaveLength(2)

		// Run again (a retried job, a second worker): nothing more.
		await writeBookingDigests(DAY)
		expect(await digestsOf(p.managers.map((m) => m.id))).toHaveLength(daily.length)

		// The next day counts its own minute after midnight.
		await writeBookingDigests('2026-03-11')
		const next = (await digestsOf([p.staffId])).filter((t) => t.dedupeKey.includes('2026-03-11'))
		expect(next.map((t) => t.params)).toEqual([{ day: '2026-03-11', count: 1, awaiting: 1 }])
	})

	it('sends nothing for a day without bookings, nor to a manager deactivated or whose account is closed', async () => {
		const p = await providerWith('daily', ['daily', 'daily'])
		const [, gone, closed] = p.managers
		await prisma.user.update({ where: { id: gone!.id }, data: { active: false } })
		await prisma.user.update({ where: { id: closed!.id }, data: { phone: closedAccountPhone(closed!.id), closedAt: new Date(), active: false } })
		const f = await makeFamily()
		await bookAt(p, f, fromShanghai('2026-04-02', '09:30'))

		await writeBookingDigests('2026-04-01')
		expect(await digestsOf(p.managers.map((m) => m.id))).toEqual([])
		await writeBookingDigests('2026-04-02')
		expect((await digestsOf(p.managers.map((m) => m.id))).map((t) => t.toPhone)).toEqual([p.staffPhone])
	})

	it('runs as the booking-digest queue’s job, once per day however often it is queued', async () => {
		expect(WORKERS).toContain(bookingDigestWorker)
		await ensureBookingDigestScheduler()
		const schedulers = await bookingDigestQueue().getJobSchedulers()
		expect(schedulers.find((s) => (s.key ?? s.id) === BOOKING_DIGEST_SCHEDULER_ID)).toMatchObject({ pattern: '0 0 8 * * *', tz: 'Asia/Shanghai' })
		await bookingDigestQueue().removeJobScheduler(BOOKING_DIGEST_SCHEDULER_ID)

		const p = await providerWith('daily')
		const f = await makeFamily()
		await bookAt(p, f, fromShanghai('2026-05-06', '12:00'))
		const worker = new Worker(BOOKING_DIGEST_QUEUE, bookingDigestWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 1 })
		workers.push(worker)
		events = new QueueEvents(BOOKING_DIGEST_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()

		const done = await (await enqueueBookingDigest('2026-05-06')).waitUntilFinished(events, 60_000)
		expect(done).toMatchObject({ day: '2026-05-06' })
		expect(done.texts).toBeGreaterThanOrEqual(1)
		const again = await (await enqueueBookingDigest('2026-05-06', { unique: 'retry' })).waitUntilFinished(events, 60_000)
		expect(again).toEqual({ day: '2026-05-06', texts: 0 })
		expect((await digestsOf([p.staffId])).map((t) => t.params)).toEqual([{ day: '2026-05-06', count: 1, awaiting: 1 }])
	})

	it('the scheduled run summarises the Shanghai day before, even in the hours when UTC is a day behind', async () => {
		expect(await enqueueYesterday(fromShanghai('2026-06-02', '08:00'))).toBe('2026-06-01')
		expect(await enqueueYesterday(fromShanghai('2026-06-02', '00:30'))).toBe('2026-06-01')
		expect(await bookingDigestQueue().getJob('booking-digest-2026-06-01')).toBeTruthy()
	})

	it('words the summary without any elder’s name', () => {
		const text = renderTemplate('booking.digest', { day: '2026-03-10', count: 12, awaiting: 3, elder: '张桂兰' })
		expect(text.templateCode).toBe('SMS_YY_BOOKING_DIGEST')
		expect(text.vars).toEqual({ day: '2026-03-10', count: '12', awaiting: '3' })
		expect(text.text).toContain('12条')
		expect(text.text).toContain('3条待确认')
		expect(text.text).not.toContain('张桂兰')
	})
})

describe('the choice on /provider', () => {
	const errorsOf = (data: unknown) => Object.values((data as { result?: { error?: Record<string, string[]> } }).result?.error ?? {}).flat()
	const choose = (as: Awaited<ReturnType<typeof signIn>>, bookingTexts: string) => callAction(providerHome, '/provider', { intent: 'bookingTexts', formId: 'booking-texts', bookingTexts }, { as })

	it('a manager changes it with a plain form post; audited; shown on the page', async () => {
		const p = await providerWith('each')
		const manager = await signIn({ id: p.staffId })
		expect((await callLoader<{ bookingTexts: Choice | null }>(providerHome, '/provider', { as: manager })).data.bookingTexts).toBe('each')

		const res = await choose(manager, 'daily')
		expect(res.status).toBe(200)
		expect(res.data).toMatchObject({ form: 'booking-texts', ok: true, value: { bookingTexts: 'daily' } })
		expect((await prisma.user.findUniqueOrThrow({ where: { id: p.staffId }, select: { bookingTexts: true } })).bookingTexts).toBe('daily')
		expect((await callLoader<{ bookingTexts: Choice | null }>(providerHome, '/provider', { as: manager })).data.bookingTexts).toBe('daily')
		const entries = await prisma.auditLog.findMany({ where: { action: 'account.booking_texts', entityId: p.staffId }, select: { details: true, actorId: true } })
		expect(entries).toEqual([{ details: { from: 'each', to: 'daily' }, actorId: p.staffId }])

		// The same choice again changes nothing and audits nothing.
		expect((await choose(manager, 'daily')).status).toBe(200)
		expect(await prisma.auditLog.count({ where: { action: 'account.booking_texts', entityId: p.staffId } })).toBe(1)
	})

	it('refuses a value it does not offer with 400 and a message, and keeps the choice', async () => {
		const p = await providerWith('off')
		const manager = await signIn({ id: p.staffId })
		for (const value of ['weekly', '']) {
			const res = await choose(manager, value)
			expect(res.status).toBe(400)
			expect(errorsOf(res.data)).toContain('errors.bookingTexts.invalid')
		}
		expect((await prisma.user.findUniqueOrThrow({ where: { id: p.staffId }, select: { bookingTexts: true } })).bookingTexts).toBe('off')
	})

	it('refuses staff who are not the provider’s managers, and does not offer them the form', async () => {
		const p = await providerWith('each')
		const caregiver = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		const as = await signIn({ id: caregiver.id })
		expect((await callLoader<{ bookingTexts: Choice | null }>(providerHome, '/provider', { as })).data.bookingTexts).toBeNull()
		const res = await choose(as, 'off')
		expect(res.status).toBe(403)
		expect(errorsOf(res.data)).toContain('errors.bookingTexts.notManager')
		expect((await prisma.user.findUniqueOrThrow({ where: { id: caregiver.id }, select: { bookingTexts: true } })).bookingTexts).toBe('each')

		// A family is no provider's staff at all.
		const f = await makeFamily()
		expect((await choose(await signIn({ id: f.userId }), 'off')).status).toBe(403)
	})
})

describe('the booking terms on /provider', () => {
	const setTerms = (as: Awaited<ReturnType<typeof signIn>>, fields: Record<string, string>) =>
		callAction(providerHome, '/provider', { intent: 'terms', formId: 'terms', holdMinutes: '60', freeCancelHours: '12', lateCancelFeePercent: '50', ...fields }, { as })
	const termsOf = (providerId: string) => prisma.providerProfile.findUniqueOrThrow({ where: { providerId }, select: { autoConfirm: true, holdMinutes: true, freeCancelHours: true, lateCancelFeePercent: true } })

	it('are set by a manager, audited with the terms before and after; other staff read them and are refused', async () => {
		const p = await providerWith('each')
		const before = await termsOf(p.providerId)
		const caregiver = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		const staff = await signIn({ id: caregiver.id })
		expect((await callLoader<{ manager: boolean }>(providerHome, '/provider', { as: staff })).data.manager).toBe(false)
		const refused = await setTerms(staff, { lateCancelFeePercent: '100' })
		expect(refused.status).toBe(403)
		expect(JSON.stringify(refused.data)).toContain('marketplace:errors.terms.managerOnly')
		expect(await termsOf(p.providerId)).toEqual(before)
		expect(await prisma.auditLog.count({ where: { action: 'provider.terms_update', entityId: p.providerId } })).toBe(0)

		const manager = await signIn({ id: p.staffId })
		expect((await setTerms(manager, { lateCancelFeePercent: '101' })).status).toBe(400)
		const saved = await setTerms(manager, { autoConfirm: 'on' })
		expect(saved.status).toBe(200)
		const after = { autoConfirm: true, holdMinutes: 60, freeCancelHours: 12, lateCancelFeePercent: 50 }
		expect(await termsOf(p.providerId)).toEqual(after)
		const entries = await prisma.auditLog.findMany({ where: { action: 'provider.terms_update', entityId: p.providerId }, select: { details: true, actorId: true } })
		expect(entries).toEqual([{ details: { before, after }, actorId: p.staffId }])
	})
})
