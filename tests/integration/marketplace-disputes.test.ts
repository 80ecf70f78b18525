import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt } from '../factories/marketplace.ts'
import { startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

const stripe = new Stripe('sk_test_disputes')

/** Pays the booking through a signed payment_intent.succeeded webhook, as Stripe would. */
async function payByWebhook(intentId: string, amount: number) {
	const payload = JSON.stringify({
		id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
		object: 'event',
		api_version: '2024-06-20',
		created: Math.floor(Date.now() / 1000),
		type: 'payment_intent.succeeded',
		data: { object: { id: intentId, object: 'payment_intent', amount, currency: 'cny', status: 'succeeded', payment_method_types: ['wechat_pay', 'alipay'], metadata: {} } },
	})
	const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: getEnv().STRIPE_WEBHOOK_SECRET })
	const res = await fetch(`${app.baseUrl}/resources/stripe-webhook`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signature } })
	expect(res.status).toBe(200)
}

/** A paid booking whose service was delivered, then disputed by the family over HTTP. */
async function disputedBooking() {
	const provider = await makeProvider({ capacity: 3, autoConfirm: true, priceFen: 10_000 })
	const family = await makeFamily()
	const client = await signIn(app.baseUrl, family.phone)
	const res = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(5, '10:00')))
	expect(res.status).toBe(302)
	const path = res.headers.get('location')!
	const bookingId = path.split('/').at(-1)!
	await client.page(path)
	// The intent is created and stored before it is confirmed; bare stripe-mock gives no QR code (502), which this test does not need.
	await client.post(path, { intent: 'pay', method: 'wechat_pay' })
	const payment = await prisma.payment.findFirstOrThrow({ where: { bookingId, stripePaymentIntentId: { not: null } } })
	await payByWebhook(payment.stripePaymentIntentId!, 10_000)
	expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).paymentStatus).toBe('paid')
	// Delivering the service needs a caregiver's check-in and check-out on the day (covered by the
	// visits tests); here the booking is put straight into the state the visit would leave it in.
	await prisma.booking.update({ where: { id: bookingId }, data: { status: 'completed' } })
	await prisma.bookingEvent.create({ data: { bookingId, fromStatus: 'in_service', toStatus: 'completed' } })
	const blank = await client.post(path, { intent: 'dispute', reason: '   ' })
	expect(blank.status).toBe(400)
	expect(await blank.text()).toContain('请写明服务有什么问题')
	expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('completed')
	const disputed = await client.post(path, { intent: 'dispute', reason: '护理员只待了十分钟' })
	expect(disputed.status).toBe(200)
	expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('disputed')
	return { provider, family, client, path, bookingId }
}

describe('dispute resolution by the bureau', () => {
	it('lets only an in-scope officer uphold the family: cancelled, refunded once, both told, audited; a second resolve is 409', async () => {
		const { provider, family, client, path, bookingId } = await disputedBooking()

		// The family cannot decide its own dispute; 钟祥市's officer cannot see a 东宝区 booking.
		expect((await client.post('/bureau/disputes', { bookingId, outcome: 'family', reason: '自己裁定' })).status).toBe(403)
		const zhongxiang = await signIn(app.baseUrl, '13800000032')
		expect((await zhongxiang.page('/bureau/disputes')).html).not.toContain(bookingId)
		const refused = await zhongxiang.post('/bureau/disputes', { bookingId, outcome: 'family', reason: '越权' })
		expect(refused.status).toBe(404)
		expect((await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('disputed')

		const officer = await signIn(app.baseUrl, '13800000031')
		const list = await officer.page('/bureau/disputes')
		expect(list.html).toContain(bookingId)
		expect(list.html).toContain('护理员只待了十分钟')

		// A decision needs a written reason (message in the officer's language).
		const noReason = await officer.post('/bureau/disputes', { bookingId, outcome: 'family', reason: '  ' })
		expect(noReason.status).toBe(400)
		const noReasonHtml = await noReason.text()
		expect(noReasonHtml).toContain('marketplace:errors.dispute.reasonRequired')
		expect(noReasonHtml).toContain('请填写裁定理由')

		// Two officers' clicks at once: exactly one decision.
		const both = await Promise.all([
			officer.post('/bureau/disputes', { bookingId, outcome: 'family', reason: '回访确认服务时长不足' }),
			officer.post('/bureau/disputes', { bookingId, outcome: 'family', reason: '回访确认服务时长不足' }),
		])
		expect(both.map((r) => r.status).sort()).toEqual([200, 409])

		const booking = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })
		expect(booking).toMatchObject({ status: 'cancelled', holdsPlace: false, cancellationFeeFen: 0, statusReason: '回访确认服务时长不足', refundedFen: 10_000, paymentStatus: 'refunded' })
		const refunds = await prisma.refund.findMany({ where: { bookingId } })
		expect(refunds).toHaveLength(1)
		expect(refunds[0]).toMatchObject({ amountFen: 10_000, state: 'succeeded' })
		expect(refunds[0]!.stripeRefundId).toMatch(/^re_/)
		const events = await prisma.bookingEvent.findMany({ where: { bookingId, fromStatus: 'disputed' } })
		expect(events).toHaveLength(1)
		expect(events[0]).toMatchObject({ toStatus: 'cancelled', actorRole: 'bureau_district', note: '回访确认服务时长不足' })
		expect(await prisma.notification.count({ where: { userId: family.userId, bookingId, kind: 'booking.dispute_family' } })).toBe(1)
		expect(await prisma.notification.count({ where: { providerId: provider.providerId, bookingId, kind: 'booking.dispute_family' } })).toBe(1)
		expect(await prisma.notification.count({ where: { userId: family.userId, bookingId, kind: 'refund.issued' } })).toBe(1)
		const audits = await prisma.auditLog.findMany({ where: { action: 'booking.dispute_resolve', entityId: bookingId } })
		expect(audits).toHaveLength(1)
		expect(audits[0]).toMatchObject({ districtId: 'dongbao', actorRole: 'bureau_district', details: { outcome: 'family', to: 'cancelled', refundFen: 10_000 } })

		// Deciding again later is refused in the officer's language, and nothing more is refunded.
		const again = await officer.post('/bureau/disputes', { bookingId, outcome: 'provider', reason: '再次裁定' })
		expect(again.status).toBe(409)
		const againHtml = await again.text()
		expect(againHtml).toContain('marketplace:errors.dispute.notDisputed')
		expect(againHtml).toContain('该预约不在争议状态')
		expect(await prisma.refund.count({ where: { bookingId } })).toBe(1)
		expect((await client.page(path)).html).toContain('回访确认服务时长不足')
	})

	it('upholding the provider puts the booking back to completed, with no refund', async () => {
		const { provider, family, bookingId } = await disputedBooking()
		const officer = await signIn(app.baseUrl, '13800000031')
		await officer.page('/bureau/disputes')
		const res = await officer.post('/bureau/disputes', { bookingId, outcome: 'provider', reason: '服务记录与家属签字一致' })
		expect(res.status).toBe(200)
		const booking = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })
		expect(booking).toMatchObject({ status: 'completed', paymentStatus: 'paid', refundedFen: 0, cancelledAt: null })
		expect(await prisma.refund.count({ where: { bookingId } })).toBe(0)
		const event = await prisma.bookingEvent.findFirstOrThrow({ where: { bookingId, fromStatus: 'disputed' } })
		expect(event).toMatchObject({ toStatus: 'completed', note: '服务记录与家属签字一致' })
		expect(event.at).toBeInstanceOf(Date)
		expect(await prisma.notification.count({ where: { userId: family.userId, bookingId, kind: 'booking.dispute_provider' } })).toBe(1)
		expect(await prisma.notification.count({ where: { providerId: provider.providerId, bookingId, kind: 'booking.dispute_provider' } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'booking.dispute_resolve', entityId: bookingId } })).toBe(1)
		expect((await officer.post('/bureau/disputes', { bookingId, outcome: 'family', reason: '改判' })).status).toBe(409)
	})
})
