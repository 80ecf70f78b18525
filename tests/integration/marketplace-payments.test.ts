import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { startPayment } from '~/modules/marketplace/payments.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt, type TestFamily } from '../factories/marketplace.ts'
import { startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

const stripe = new Stripe('sk_test_webhooks')

/** A payment_intent event signed the way Stripe signs it, with the app's webhook secret. */
function signedEvent(type: string, intent: { id: string; amount: number; paymentId?: string }, eventId = `evt_${crypto.randomUUID().replaceAll('-', '')}`) {
	const payload = JSON.stringify({
		id: eventId,
		object: 'event',
		api_version: '2024-06-20',
		created: Math.floor(Date.now() / 1000),
		type,
		data: { object: { id: intent.id, object: 'payment_intent', amount: intent.amount, currency: 'cny', status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method', metadata: intent.paymentId ? { paymentId: intent.paymentId } : {} } },
	})
	const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: getEnv().STRIPE_WEBHOOK_SECRET })
	return { payload, signature, eventId }
}

async function deliver(event: { payload: string; signature: string }) {
	return fetch(`${app.baseUrl}/resources/stripe-webhook`, { method: 'POST', body: event.payload, headers: { 'content-type': 'application/json', 'stripe-signature': event.signature } })
}

async function bookAndPay(opts: { freeCancelHours?: number; daysAhead?: number } = {}) {
	const provider = await makeProvider({ capacity: 3, autoConfirm: true, priceFen: 10_000, freeCancelHours: opts.freeCancelHours ?? 24, lateCancelFeePercent: 30 })
	const family = await makeFamily()
	const client = await signIn(app.baseUrl, family.phone)
	const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(opts.daysAhead ?? 5, '10:00')))
	expect(res.status).toBe(302)
	const path = res.headers.get('location')!
	const bookingId = path.split('/').at(-1)!
	await client.page(path)
	const pay = await client.post(path, { intent: 'pay' })
	expect(pay.status).toBe(200)
	const payment = await prisma.payment.findFirstOrThrow({ where: { bookingId } })
	expect(payment).toMatchObject({ amountFen: 10_000, currency: 'cny', state: 'created' })
	expect(payment.stripePaymentIntentId).toMatch(/^pi_/)
	expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('processing')
	return { provider, family, client, path, bookingId, payment }
}

function sessionUserOf(f: TestFamily): SessionUser {
	return { id: f.userId, name: '家属测试', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null }
}

describe('payment by Stripe', () => {
	it('marks the booking paid on a signed webhook, processing each event once however often it comes', async () => {
		const { bookingId, payment, family } = await bookAndPay()
		const event = signedEvent('payment_intent.succeeded', { id: payment.stripePaymentIntentId!, amount: 10_000 })
		const deliveries = await Promise.all(Array.from({ length: 5 }, () => deliver(event)))
		expect(deliveries.map((r) => r.status)).toEqual(Array(5).fill(200))
		const again = await deliver(event)
		expect(await again.json()).toEqual({ received: true, duplicate: true })
		expect(await prisma.stripeEvent.count({ where: { id: event.eventId } })).toBe(1)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('paid')
		expect((await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).state).toBe('succeeded')
		expect(await prisma.notification.count({ where: { userId: family.userId, kind: 'payment.succeeded' } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'payment.succeeded', entityId: bookingId } })).toBe(1)
	})

	it('lets a family who left the card form resume the same payment, never a second one', async () => {
		const { bookingId, payment, client, path } = await bookAndPay()
		// Without a publishable key (this test app) the page says card payment is not configured.
		const page = await client.page(path)
		expect(page.html).toContain('继续支付 ¥100.00')
		const resumed = await client.post(path, { intent: 'pay' })
		expect(resumed.status).toBe(200)
		expect(await resumed.text()).toContain('本环境未配置银行卡支付')
		const payments = await prisma.payment.findMany({ where: { bookingId } })
		expect(payments.map((p) => p.id)).toEqual([payment.id])
		// Stripe's redirect back does not mark anything paid: only the webhook does.
		const back = await client.page(`${path}?payment_intent=${payment.stripePaymentIntentId}&redirect_status=succeeded`)
		expect(back.html).toContain('正在等待 Stripe 确认')
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('processing')
	})

	it('answers a bad signature with 400 and changes nothing', async () => {
		const { bookingId, payment } = await bookAndPay()
		const event = signedEvent('payment_intent.succeeded', { id: payment.stripePaymentIntentId!, amount: 10_000 })
		const forged = await deliver({ payload: event.payload, signature: event.signature.replace(/v1=[0-9a-f]{4}/, 'v1=0000') })
		expect(forged.status).toBe(400)
		const tampered = await deliver({ payload: event.payload.replace('10000', '1'), signature: event.signature })
		expect(tampered.status).toBe(400)
		const unsigned = await fetch(`${app.baseUrl}/resources/stripe-webhook`, { method: 'POST', body: event.payload })
		expect(unsigned.status).toBe(400)
		const otherSecret = stripe.webhooks.generateTestHeaderString({ payload: event.payload, secret: 'whsec_someone_else' })
		expect((await deliver({ payload: event.payload, signature: otherSecret })).status).toBe(400)
		expect(await prisma.stripeEvent.count({ where: { id: event.eventId } })).toBe(0)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('processing')
	})

	it('ignores an event whose amount differs from what we asked for', async () => {
		const { bookingId, payment } = await bookAndPay()
		expect((await deliver(signedEvent('payment_intent.succeeded', { id: payment.stripePaymentIntentId!, amount: 1 }))).status).toBe(200)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('processing')
	})

	it('lets the family retry after a failed payment, with a new intent', async () => {
		const { bookingId, payment, client, path } = await bookAndPay()
		expect((await deliver(signedEvent('payment_intent.payment_failed', { id: payment.stripePaymentIntentId!, amount: 10_000 }))).status).toBe(200)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('failed')
		expect((await client.post(path, { intent: 'pay' })).status).toBe(200)
		const payments = await prisma.payment.findMany({ where: { bookingId }, orderBy: { createdAt: 'asc' } })
		expect(payments.map((p) => p.state)).toEqual(['failed', 'created'])
		expect(payments[1]!.idempotencyKey).not.toBe(payments[0]!.idempotencyKey)
	})

	it('keeps the booking waiting with a clear message when Stripe is unreachable, and the retry reuses the same key', async () => {
		const provider = await makeProvider({ capacity: 2, priceFen: 6600 })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(4, '16:00')))
		const bookingId = res.headers.get('location')!.split('/').at(-1)!
		const down = new Stripe('sk_test_down', { host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0, timeout: 2000 })
		const failed = await startPayment(sessionUserOf(family), bookingId, down)
		expect(failed).toEqual({ ok: false, formError: 'marketplace:errors.payment.unreachable', fieldErrors: {}, status: 503 })
		const waiting = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } })
		expect(waiting.paymentStatus).toBe('awaiting')
		expect(waiting.status).toBe('confirmed')
		expect(waiting.payments).toHaveLength(1)
		expect(waiting.payments[0]!.stripePaymentIntentId).toBeNull()
		expect(waiting.payments[0]!.lastError).toBeTruthy()
		const key = waiting.payments[0]!.idempotencyKey
		const retried = await startPayment(sessionUserOf(family), bookingId)
		expect(retried.ok).toBe(true)
		const after = await prisma.payment.findMany({ where: { bookingId } })
		expect(after).toHaveLength(1)
		expect(after[0]!.idempotencyKey).toBe(key)
		expect(after[0]!.stripePaymentIntentId).toMatch(/^pi_/)
	})

	it('refunds in full when cancelled early, and keeps the fee when cancelled late', async () => {
		const early = await bookAndPay({ freeCancelHours: 24, daysAhead: 5 })
		await deliver(signedEvent('payment_intent.succeeded', { id: early.payment.stripePaymentIntentId!, amount: 10_000 }))
		const cancel = await early.client.post(early.path, { intent: 'cancel', reason: '老人住院' })
		expect(cancel.status).toBe(200)
		const e = await prisma.booking.findUniqueOrThrow({ where: { id: early.bookingId }, include: { refunds: true } })
		expect(e).toMatchObject({ status: 'cancelled', holdsPlace: false, cancellationFeeFen: 0, refundedFen: 10_000, paymentStatus: 'refunded' })
		expect(e.refunds).toHaveLength(1)
		expect(e.refunds[0]).toMatchObject({ amountFen: 10_000, state: 'succeeded' })
		expect(e.refunds[0]!.stripeRefundId).toMatch(/^re_/)

		const late = await bookAndPay({ freeCancelHours: 24 * 30, daysAhead: 5 })
		await deliver(signedEvent('payment_intent.succeeded', { id: late.payment.stripePaymentIntentId!, amount: 10_000 }))
		expect((await late.client.post(late.path, { intent: 'cancel', reason: '' })).status).toBe(200)
		const l = await prisma.booking.findUniqueOrThrow({ where: { id: late.bookingId }, include: { refunds: true } })
		expect(l).toMatchObject({ status: 'cancelled', cancellationFeeFen: 3_000, refundedFen: 7_000, paymentStatus: 'partially_refunded' })
		// Cancelling again changes nothing and refunds nothing more.
		expect((await late.client.post(late.path, { intent: 'cancel', reason: '' })).status).toBe(409)
		expect(await prisma.refund.count({ where: { bookingId: late.bookingId } })).toBe(1)
		const slot = await prisma.slot.findFirstOrThrow({ where: { bookings: { some: { id: late.bookingId } } }, select: { places: { where: { bookingId: { not: null } } } } })
		expect(slot.places).toHaveLength(0)
	})

	it('refunds everything when the payment succeeds after the booking was cancelled', async () => {
		const { bookingId, payment, client, path } = await bookAndPay()
		expect((await client.post(path, { intent: 'cancel', reason: '' })).status).toBe(200)
		await deliver(signedEvent('payment_intent.succeeded', { id: payment.stripePaymentIntentId!, amount: 10_000 }))
		const b = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { refunds: true } })
		expect(b.status).toBe('cancelled')
		expect(b.refunds.map((r) => [r.amountFen, r.state])).toEqual([[10_000, 'succeeded']])
		expect(b.paymentStatus).toBe('refunded')
	})
})
