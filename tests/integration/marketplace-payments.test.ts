// Booking payment with WeChat Pay and Alipay (Stripe PaymentIntents in CNY) through the app over
// HTTP, against stripe-mock behind the wallet stand-in (scripts/lib/stripe-wallet-standin.ts), which
// gives confirmed intents the next actions Stripe documents. Paid only by the signed webhook; an event
// for a method the booking did not offer, or for another intent than the one stored, changes nothing.
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const STRIPE = await vi.hoisted(async () => {
	const { freePortSync } = await import('../../scripts/lib/ports.ts')
	const upstream = process.env.STRIPE_API_BASE ?? 'http://127.0.0.1:12111'
	const port = freePortSync()
	process.env.STRIPE_API_BASE = `http://127.0.0.1:${port}`
	return { upstream, port }
})

import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { startPayment } from '~/modules/marketplace/payments.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { startStripeWalletStandin } from '../../scripts/lib/stripe-wallet-standin.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt, type TestFamily } from '../factories/marketplace.ts'
import { startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
let standin: Awaited<ReturnType<typeof startStripeWalletStandin>>
beforeAll(async () => {
	standin = await startStripeWalletStandin({ upstream: STRIPE.upstream, port: STRIPE.port })
	app = await startApp()
})
afterAll(async () => {
	await app.close()
	await standin.close()
})

const stripe = new Stripe('sk_test_webhooks')
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

type EventIntent = { id: string; amount: number; paymentId?: string; methods?: string[]; paymentMethod?: { type: string } }
/** A payment_intent event signed the way Stripe signs it, with the app's webhook secret. */
function signedEvent(type: string, intent: EventIntent, eventId = `evt_${crypto.randomUUID().replaceAll('-', '')}`) {
	const payload = JSON.stringify({
		id: eventId,
		object: 'event',
		api_version: '2024-06-20',
		created: Math.floor(Date.now() / 1000),
		type,
		data: {
			object: {
				id: intent.id,
				object: 'payment_intent',
				amount: intent.amount,
				currency: 'cny',
				status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
				payment_method_types: intent.methods ?? ['wechat_pay', 'alipay'],
				payment_method: intent.paymentMethod ? { id: 'pm_x', object: 'payment_method', ...intent.paymentMethod } : 'pm_x',
				metadata: intent.paymentId ? { paymentId: intent.paymentId } : {},
			},
		},
	})
	const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: getEnv().STRIPE_WEBHOOK_SECRET })
	return { payload, signature, eventId }
}

async function deliver(event: { payload: string; signature: string }) {
	return fetch(`${app.baseUrl}/resources/stripe-webhook`, { method: 'POST', body: event.payload, headers: { 'content-type': 'application/json', 'stripe-signature': event.signature } })
}

async function book(opts: { freeCancelHours?: number; daysAhead?: number } = {}) {
	const provider = await makeProvider({ capacity: 3, autoConfirm: true, priceFen: 10_000, freeCancelHours: opts.freeCancelHours ?? 24, lateCancelFeePercent: 30 })
	const family = await makeFamily()
	const client = await signIn(app.baseUrl, family.phone)
	const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(opts.daysAhead ?? 5, '10:00')))
	expect(res.status).toBe(302)
	const path = res.headers.get('location')!
	await client.page(path)
	return { provider, family, client, path, bookingId: path.split('/').at(-1)! }
}

/** Books, then pays with WeChat Pay on a desktop: the intent is created for both wallets and confirmed with WeChat Pay. */
async function bookAndPay(opts: { freeCancelHours?: number; daysAhead?: number } = {}) {
	const booked = await book(opts)
	const pay = await booked.client.post(booked.path, { intent: 'pay', method: 'wechat_pay' })
	expect(pay.status).toBe(200)
	const payment = await prisma.payment.findFirstOrThrow({ where: { bookingId: booked.bookingId } })
	expect(payment).toMatchObject({ amountFen: 10_000, currency: 'cny', state: 'created', methods: ['wechat_pay', 'alipay'] })
	expect(payment.stripePaymentIntentId).toMatch(/^pi_/)
	expect((await prisma.booking.findUniqueOrThrow({ where: { id: booked.bookingId } })).paymentStatus).toBe('processing')
	return { ...booked, payment, intentId: payment.stripePaymentIntentId! }
}

function sessionUserOf(f: TestFamily): SessionUser {
	return { id: f.userId, name: '家属测试', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null }
}
const bookingOf = (id: string) => prisma.booking.findUniqueOrThrow({ where: { id }, include: { payments: true, refunds: true } })

describe('WeChat Pay and Alipay', () => {
	it('offers both wallets (no card without a publishable key), never shows Stripe ids or key names', async () => {
		const { client, path } = await book()
		const { html } = await client.page(path)
		expect(html).toContain('微信支付')
		expect(html).toContain('支付宝')
		expect(html).not.toContain('银行卡支付')
		const card = await client.post(path, { intent: 'pay', method: 'card' })
		expect(card.status).toBe(400)
		expect(await card.text()).toContain('请选择微信支付或支付宝付款')
		const nothing = await client.post(path, { intent: 'pay' })
		expect(nothing.status).toBe(400)
		const after = await client.page(path)
		expect(after.html).not.toMatch(/pi_\w+|STRIPE_|sk_test|whsec_/)
	})

	it('WeChat Pay on a desktop: the intent is confirmed and its QR code shown; a signed webhook marks it paid once', async () => {
		const { bookingId, payment, intentId, family, client, path } = await bookAndPay()
		expect(payment.nextAction).toMatchObject({ method: 'wechat_pay', kind: 'qr', qrData: expect.stringMatching(/^weixin:\/\//), qrImage: expect.stringMatching(/^data:image\/png;base64,/) })
		const { html } = await client.page(path)
		expect(html).toContain('data-testid="wechat-qr"')
		expect(html).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="微信支付二维码"/)
		expect(html).toContain('已经付款？点这里刷新查看结果')
		expect(html).not.toMatch(/pi_\w+/)

		const event = signedEvent('payment_intent.succeeded', { id: intentId, amount: 10_000 })
		const deliveries = await Promise.all(Array.from({ length: 5 }, () => deliver(event)))
		expect(deliveries.map((r) => r.status)).toEqual(Array(5).fill(200))
		expect(await (await deliver(event)).json()).toEqual({ received: true, duplicate: true })
		expect(await prisma.stripeEvent.count({ where: { id: event.eventId } })).toBe(1)
		const b = await bookingOf(bookingId)
		expect(b.paymentStatus).toBe('paid')
		expect(b.payments[0]).toMatchObject({ state: 'succeeded', paidMethod: 'wechat_pay', nextAction: null })
		expect(await prisma.notification.count({ where: { userId: family.userId, kind: 'payment.succeeded' } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'payment.succeeded', entityId: bookingId } })).toBe(1)
		const paid = await client.page(path)
		expect(paid.html).not.toContain('data-testid="wechat-qr"')
	})

	it('WeChat Pay on a phone hands over to WeChat; Alipay sends the family to Alipay and is paid by its webhook', async () => {
		const phone = await book()
		const pay = await phone.client.post(phone.path, { intent: 'pay', method: 'wechat_pay' }, { headers: { 'user-agent': IPHONE } })
		expect(pay.status).toBe(200)
		const page = await (await phone.client.get(phone.path, { headers: { 'user-agent': IPHONE } })).text()
		expect(page).toMatch(/<a class="button big" href="https:\/\/pay\.stripe\.com\/wechat_pay\/instructions\/[^"]+">打开微信付款<\/a>/)

		const ali = await book()
		const res = await ali.client.post(ali.path, { intent: 'pay', method: 'alipay' })
		expect(res.status).toBe(302)
		expect(res.headers.get('location')).toMatch(/^https:\/\/hooks\.stripe\.com\/redirect\/authenticate\//)
		const payment = await prisma.payment.findFirstOrThrow({ where: { bookingId: ali.bookingId } })
		expect(payment.nextAction).toMatchObject({ method: 'alipay', kind: 'redirect' })
		// Back from Alipay before the webhook: the page waits for it, and offers the way back to Alipay.
		expect((await ali.client.page(ali.path)).html).toContain('data-testid="alipay-pending"')
		expect((await deliver(signedEvent('payment_intent.succeeded', { id: payment.stripePaymentIntentId!, amount: 10_000 }))).status).toBe(200)
		expect(await bookingOf(ali.bookingId)).toMatchObject({ paymentStatus: 'paid', payments: [{ paidMethod: 'alipay' }] })
	})

	it('a family shown the QR code can switch to Alipay: the same payment and intent, confirmed again', async () => {
		const { bookingId, client, path, intentId } = await bookAndPay()
		expect((await client.page(path)).html).toContain('支付宝')
		const res = await client.post(path, { intent: 'pay', method: 'alipay' })
		expect(res.status).toBe(302)
		const payments = await prisma.payment.findMany({ where: { bookingId } })
		expect(payments).toHaveLength(1)
		expect(payments[0]).toMatchObject({ stripePaymentIntentId: intentId, nextAction: { method: 'alipay', kind: 'redirect' } })
		expect((await deliver(signedEvent('payment_intent.succeeded', { id: intentId, amount: 10_000 }))).status).toBe(200)
		expect(await bookingOf(bookingId)).toMatchObject({ paymentStatus: 'paid', payments: [{ paidMethod: 'alipay' }] })
	})

	it('refuses a webhook for a method the booking did not offer, and changes nothing', async () => {
		const { bookingId, intentId } = await bookAndPay()
		for (const intent of [
			{ id: intentId, amount: 10_000, methods: ['card'] },
			{ id: intentId, amount: 10_000, methods: ['wechat_pay', 'alipay', 'card'] },
			{ id: intentId, amount: 10_000, paymentMethod: { type: 'card' } },
		]) {
			const event = signedEvent('payment_intent.succeeded', intent)
			const res = await deliver(event)
			expect(res.status).toBe(400)
			expect(await prisma.stripeEvent.count({ where: { id: event.eventId } })).toBe(0)
		}
		expect(await bookingOf(bookingId)).toMatchObject({ paymentStatus: 'processing', payments: [{ state: 'created' }] })
	})

	it("refuses metadata that points an intent at another payment's row", async () => {
		const victim = await bookAndPay()
		// A signed event for some other intent of the account, naming the victim's payment in its metadata.
		const forged = signedEvent('payment_intent.succeeded', { id: 'pi_someoneelse123', amount: 10_000, paymentId: victim.payment.id })
		expect((await deliver(forged)).status).toBe(400)
		expect(await bookingOf(victim.bookingId)).toMatchObject({ paymentStatus: 'processing', payments: [{ state: 'created', stripePaymentIntentId: victim.intentId }] })
		expect(await prisma.stripeEvent.count({ where: { id: forged.eventId } })).toBe(0)
	})

	it("refuses an event for a payment's own intent whose metadata names another payment", async () => {
		const mine = await bookAndPay()
		const other = await bookAndPay()
		const crossed = signedEvent('payment_intent.succeeded', { id: mine.intentId, amount: 10_000, paymentId: other.payment.id })
		expect((await deliver(crossed)).status).toBe(400)
		for (const b of [mine, other]) expect(await bookingOf(b.bookingId)).toMatchObject({ paymentStatus: 'processing', payments: [{ state: 'created' }] })
		expect(await prisma.stripeEvent.count({ where: { id: crossed.eventId } })).toBe(0)
		// The same event naming its own payment is taken.
		expect((await deliver(signedEvent('payment_intent.succeeded', { id: mine.intentId, amount: 10_000, paymentId: mine.payment.id }))).status).toBe(200)
		expect(await bookingOf(mine.bookingId)).toMatchObject({ paymentStatus: 'paid' })
	})

	it('shows a plain message when the wallet gives nothing to show (stripe-mock without the stand-in)', async () => {
		const { bookingId, family } = await book()
		const bare = new Stripe('sk_test_bare', { host: new URL(STRIPE.upstream).hostname, port: Number(new URL(STRIPE.upstream).port), protocol: 'http' })
		const r = await startPayment(sessionUserOf(family), bookingId, { method: 'wechat_pay', device: 'desktop', returnUrl: 'https://yiyang.example/bookings/x' }, bare)
		expect(r).toEqual({ ok: false, formError: 'marketplace:errors.payment.walletUnavailable', fieldErrors: {}, status: 502 })
		expect((await prisma.payment.findFirstOrThrow({ where: { bookingId } })).lastError).toContain('no usable next action')
	})
})

describe('webhooks and retries', () => {
	it('answers a bad signature with 400 and changes nothing', async () => {
		const { bookingId, intentId } = await bookAndPay()
		const event = signedEvent('payment_intent.succeeded', { id: intentId, amount: 10_000 })
		const forged = await deliver({ payload: event.payload, signature: event.signature.replace(/v1=[0-9a-f]{4}/, 'v1=0000') })
		expect(forged.status).toBe(400)
		const tampered = await deliver({ payload: event.payload.replace('10000', '1'), signature: event.signature })
		expect(tampered.status).toBe(400)
		const unsigned = await fetch(`${app.baseUrl}/resources/stripe-webhook`, { method: 'POST', body: event.payload })
		expect(unsigned.status).toBe(400)
		const otherSecret = stripe.webhooks.generateTestHeaderString({ payload: event.payload, secret: 'whsec_someone_else' })
		expect((await deliver({ payload: event.payload, signature: otherSecret })).status).toBe(400)
		expect(await prisma.stripeEvent.count({ where: { id: event.eventId } })).toBe(0)
		expect((await bookingOf(bookingId)).paymentStatus).toBe('processing')
	})

	it('ignores an event whose amount differs from what we asked for', async () => {
		const { bookingId, intentId } = await bookAndPay()
		expect((await deliver(signedEvent('payment_intent.succeeded', { id: intentId, amount: 1 }))).status).toBe(200)
		expect((await bookingOf(bookingId)).paymentStatus).toBe('processing')
	})

	it('lets the family retry after a failed payment, with a new intent', async () => {
		const { bookingId, intentId, client, path } = await bookAndPay()
		expect((await deliver(signedEvent('payment_intent.payment_failed', { id: intentId, amount: 10_000 }))).status).toBe(200)
		expect((await bookingOf(bookingId)).paymentStatus).toBe('failed')
		expect((await client.page(path)).html).not.toContain('data-testid="wechat-qr"')
		expect((await client.post(path, { intent: 'pay', method: 'alipay' })).status).toBe(302)
		const payments = await prisma.payment.findMany({ where: { bookingId }, orderBy: { createdAt: 'asc' } })
		expect(payments.map((p) => p.state)).toEqual(['failed', 'created'])
		expect(payments[1]!.idempotencyKey).not.toBe(payments[0]!.idempotencyKey)
		expect(payments[1]!.stripePaymentIntentId).not.toBe(intentId)
	})

	it('keeps the booking waiting with a clear message when Stripe is unreachable; the retry reuses the same key; an early webhook waits (409)', async () => {
		const provider = await makeProvider({ capacity: 2, priceFen: 6600 })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(4, '16:00')))
		const bookingId = res.headers.get('location')!.split('/').at(-1)!
		const down = new Stripe('sk_test_down', { host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0, timeout: 2000 })
		const input = { method: 'wechat_pay' as const, device: 'desktop' as const, returnUrl: `${app.baseUrl}/bookings/${bookingId}` }
		const failed = await startPayment(sessionUserOf(family), bookingId, input, down)
		expect(failed).toEqual({ ok: false, formError: 'marketplace:errors.payment.unreachable', fieldErrors: {}, status: 503 })
		const waiting = await bookingOf(bookingId)
		expect(waiting).toMatchObject({ paymentStatus: 'awaiting', status: 'confirmed' })
		expect(waiting.payments).toHaveLength(1)
		expect(waiting.payments[0]!.stripePaymentIntentId).toBeNull()
		// An event naming this payment before its intent is stored: Stripe is told to come back later.
		const early = signedEvent('payment_intent.succeeded', { id: 'pi_notyetstored', amount: 6600, paymentId: waiting.payments[0]!.id })
		expect((await deliver(early)).status).toBe(409)
		expect(await prisma.stripeEvent.count({ where: { id: early.eventId } })).toBe(0)
		const key = waiting.payments[0]!.idempotencyKey
		const retried = await startPayment(sessionUserOf(family), bookingId, input)
		expect(retried.ok).toBe(true)
		const after = await prisma.payment.findMany({ where: { bookingId } })
		expect(after).toHaveLength(1)
		expect(after[0]!.idempotencyKey).toBe(key)
		expect(after[0]!.stripePaymentIntentId).toMatch(/^pi_/)
	})
})

describe('refunds go back the same way', () => {
	it('refunds in full when cancelled early, and keeps the fee when cancelled late', async () => {
		const early = await bookAndPay({ freeCancelHours: 24, daysAhead: 5 })
		await deliver(signedEvent('payment_intent.succeeded', { id: early.intentId, amount: 10_000 }))
		const cancel = await early.client.post(early.path, { intent: 'cancel', reason: '老人住院', confirm: 'on' })
		expect(cancel.status).toBe(200)
		const e = await bookingOf(early.bookingId)
		expect(e).toMatchObject({ status: 'cancelled', holdsPlace: false, cancellationFeeFen: 0, refundedFen: 10_000, paymentStatus: 'refunded' })
		expect(e.refunds).toHaveLength(1)
		expect(e.refunds[0]).toMatchObject({ amountFen: 10_000, state: 'succeeded' })
		expect(e.refunds[0]!.stripeRefundId).toMatch(/^re_/)

		const late = await bookAndPay({ freeCancelHours: 24 * 30, daysAhead: 5 })
		await deliver(signedEvent('payment_intent.succeeded', { id: late.intentId, amount: 10_000 }))
		expect((await late.client.post(late.path, { intent: 'cancel', reason: '', confirm: 'on' })).status).toBe(200)
		const l = await bookingOf(late.bookingId)
		expect(l).toMatchObject({ status: 'cancelled', cancellationFeeFen: 3_000, refundedFen: 7_000, paymentStatus: 'partially_refunded' })
		expect((await late.client.post(late.path, { intent: 'cancel', reason: '', confirm: 'on' })).status).toBe(409)
		expect(await prisma.refund.count({ where: { bookingId: late.bookingId } })).toBe(1)
		const slot = await prisma.slot.findFirstOrThrow({ where: { bookings: { some: { id: late.bookingId } } }, select: { places: { where: { bookingId: { not: null } } } } })
		expect(slot.places).toHaveLength(0)
	})

	it('refunds everything when the payment succeeds after the booking was cancelled', async () => {
		const { bookingId, intentId, client, path } = await bookAndPay()
		expect((await client.post(path, { intent: 'cancel', reason: '', confirm: 'on' })).status).toBe(200)
		await deliver(signedEvent('payment_intent.succeeded', { id: intentId, amount: 10_000 }))
		const b = await bookingOf(bookingId)
		expect(b.status).toBe('cancelled')
		expect(b.refunds.map((r) => [r.amountFen, r.state])).toEqual([[10_000, 'succeeded']])
		expect(b.paymentStatus).toBe('refunded')
	})
})
