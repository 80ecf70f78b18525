// The family's share is paid through Stripe PaymentIntents (CNY, amounts in fen), every call with
// an idempotency key stored before the call, so a retry after a lost answer reuses the same intent.
// Payment success comes only from Stripe's signed webhook, each event processed once (stripe_event).
import type Stripe from 'stripe'
import { z } from 'zod'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { Prisma } from '~/generated/prisma/client.ts'
import { fail as refuse, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { enqueueRefundRetry } from '~/jobs/marketplace.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { stripe as defaultStripe } from '~/modules/payments/stripe.server.ts'
import { isWallet, methodsOfIntent, offeredMethods, walletStepOf, type Device, type PayMethod, type WalletMethod, type WalletStep } from '~/modules/payments/wallets.ts'
import { notify } from '~/modules/messaging/notify.server.ts'

/**
 * The one Outcome of app/lib/outcome.ts: what the family's page does next. A wallet: show WeChat
 * Pay's QR code, or go to Alipay (`redirect`). A card: Stripe.js confirms with the client secret.
 */
export type PaymentResult = Outcome<{ method: 'card'; clientSecret: string | null } | { method: WalletMethod; step: WalletStep }>

const fail = (key: string, status: number) => refuse(`marketplace:errors.payment.${key}`, status)

function isUnreachable(error: unknown) {
	const type = (error as { type?: string } | null)?.type
	return type === 'StripeConnectionError' || type === 'StripeAPIError' || type === 'StripeRateLimitError'
}

/** The methods this deployment offers: WeChat Pay and Alipay always, a card where Stripe.js can load. */
export function paymentMethods(): PayMethod[] {
	return offeredMethods(Boolean(getEnv().STRIPE_PUBLISHABLE_KEY))
}

export type StartPaymentInput = { method: PayMethod; device: Device; returnUrl: string }

/**
 * Starts (or resumes) the payment of a booking's co-pay with one method. The Payment row, its
 * idempotency key and the methods it offers are committed before Stripe is called: if Stripe is
 * unreachable the booking waits with a clear message and the retry sends the same key, so Stripe
 * never creates a second intent. The intent's id is stored before it is confirmed, so no wallet can
 * pay an intent the booking does not know (the webhook checks it). A wallet's intent is confirmed
 * here, on the server, and its next action (QR data, redirect URL) is kept for the page.
 */
export async function startPayment(user: SessionUser, bookingId: string, input: StartPaymentInput, client: Stripe = defaultStripe): Promise<PaymentResult> {
	if (!z.uuid().safeParse(bookingId).success) return fail('notFound', 404)
	const offered = paymentMethods()
	if (!offered.includes(input.method)) return fieldFail('method', 'marketplace:errors.payment.method', 400)
	const booking = await prisma.booking.findFirst({
		where: { id: bookingId, familyUserId: user.id },
		select: { id: true, status: true, copayFen: true, paymentStatus: true, offering: { select: { title: true } } },
	})
	if (!booking) return fail('notFound', 404)
	if (!['requested', 'confirmed'].includes(booking.status)) return fail('bookingClosed', 409)
	if (booking.paymentStatus === 'paid') return fail('alreadyPaid', 409)
	if (booking.paymentStatus === 'not_required' || booking.copayFen <= 0) return fail('nothingToPay', 409)

	const select = { id: true, idempotencyKey: true, amountFen: true, stripePaymentIntentId: true, state: true, methods: true } as const
	const payment = await transaction(async (tx) => {
		await sql`SELECT id FROM booking WHERE id = ${booking.id}::uuid FOR UPDATE`.run(tx)
		const live = await tx.payment.findFirst({ where: { bookingId: booking.id, state: { in: ['created', 'succeeded'] } }, select })
		if (live) return live
		const attempts = await tx.payment.count({ where: { bookingId: booking.id } })
		return tx.payment.create({ data: { bookingId: booking.id, amountFen: booking.copayFen, methods: offered, idempotencyKey: `yy_pay_${booking.id}_${attempts + 1}` }, select })
	})
	if (payment.state === 'succeeded') return fail('alreadyPaid', 409)
	if (!payment.methods.includes(input.method)) return fieldFail('method', 'marketplace:errors.payment.method', 400)

	let confirmed: Stripe.PaymentIntent
	try {
		let intentId = payment.stripePaymentIntentId
		let clientSecret: string | null = null
		if (!intentId) {
			const created = await client.paymentIntents.create(
				{
					amount: payment.amountFen,
					currency: 'cny',
					description: booking.offering.title,
					metadata: { bookingId: booking.id, paymentId: payment.id },
					// This API version's name for payment_method_types: the intent allows exactly the methods the booking offered.
					allowed_payment_method_types: payment.methods as Stripe.PaymentIntentCreateParams.AllowedPaymentMethodType[],
				},
				{ idempotencyKey: payment.idempotencyKey },
			)
			intentId = created.id
			clientSecret = created.client_secret
			await transaction(async (tx) => {
				await tx.payment.update({ where: { id: payment.id }, data: { stripePaymentIntentId: created.id, lastError: null }, select: { id: true } })
				await tx.booking.updateMany({ where: { id: booking.id, paymentStatus: { in: ['awaiting', 'failed'] } }, data: { paymentStatus: 'processing' } })
			})
		}
		if (!isWallet(input.method)) {
			clientSecret ??= (await client.paymentIntents.retrieve(intentId)).client_secret
			return ok({ method: 'card', clientSecret })
		}
		confirmed = await client.paymentIntents.confirm(intentId, {
			payment_method_data: { type: input.method },
			...(input.method === 'wechat_pay' ? { payment_method_options: { wechat_pay: { client: 'web' as const } } } : {}),
			return_url: input.returnUrl,
		})
	} catch (error) {
		await prisma.payment.update({ where: { id: payment.id }, data: { lastError: String((error as Error).message).slice(0, 500) }, select: { id: true } })
		if (isUnreachable(error)) return fail('unreachable', 503)
		return fail('refused', 502)
	}
	const step = walletStepOf(input.method, confirmed.next_action)
	if (!step) {
		// Nothing the family's wallet could use: kept for the operators, a plain message for the family.
		await prisma.payment.update({ where: { id: payment.id }, data: { lastError: `no usable next action for ${input.method}: ${JSON.stringify(confirmed.next_action ?? null).slice(0, 300)}` }, select: { id: true } })
		return fail('walletUnavailable', 502)
	}
	await prisma.payment.updateMany({ where: { id: payment.id, state: 'created' }, data: { nextAction: step, lastError: null } })
	return ok({ method: input.method, step })
}

/** The wallet step the booking page shows while its payment waits for the webhook (QR code, links). */
export async function pendingWalletStep(bookingId: string): Promise<WalletStep | null> {
	const payment = await prisma.payment.findFirst({ where: { bookingId, state: 'created', nextAction: { not: Prisma.DbNull } }, select: { nextAction: true } })
	const step = payment?.nextAction as WalletStep | null | undefined
	return step && (step.method === 'wechat_pay' || step.method === 'alipay') ? step : null
}

/** Verifies the signature; a bad one is refused (400) before anything is read or written. */
export function verifyWebhook(rawBody: string, signature: string | null): Stripe.Event | null {
	if (!signature) return null
	try {
		return defaultStripe.webhooks.constructEvent(rawBody, signature, getEnv().STRIPE_WEBHOOK_SECRET)
	} catch {
		return null
	}
}

export type WebhookOutcome = { processed: boolean; duplicate: boolean; refundId?: string | null; refused?: { status: number; reason: string } }

/** An event that must change nothing: thrown inside the transaction so its stripe_event row goes too. */
class WebhookRefusal extends Error {
	constructor(
		readonly status: number,
		readonly reason: string,
	) {
		super(reason)
	}
}

/**
 * Processes one verified event exactly once: the event id is inserted into stripe_event in the same
 * transaction as its effects, so a redelivery (or two at once) finds it there and does nothing, and
 * a failure rolls both back so Stripe's next delivery tries again. An event about a payment it
 * cannot belong to (an intent the booking did not store, a method the booking did not offer) is
 * refused (4xx) and changes nothing.
 */
export async function processStripeEvent(event: Stripe.Event): Promise<WebhookOutcome> {
	let outcome: WebhookOutcome
	try {
		outcome = await transaction(async (tx) => {
			const inserted = await sql`INSERT INTO stripe_event (id, type) VALUES (${event.id}, ${event.type}) ON CONFLICT (id) DO NOTHING`.run(tx)
			if (inserted === 0) return { processed: false, duplicate: true }
			switch (event.type) {
				case 'payment_intent.succeeded':
					return { processed: true, duplicate: false, refundId: await onSucceeded(tx, event.data.object) }
				case 'payment_intent.payment_failed':
				case 'payment_intent.canceled':
					await onFailed(tx, event.data.object, event.type === 'payment_intent.canceled' ? 'canceled' : 'failed')
					return { processed: true, duplicate: false }
				case 'charge.refunded':
					return { processed: true, duplicate: false }
				default:
					return { processed: false, duplicate: false }
			}
		})
	} catch (error) {
		if (!(error instanceof WebhookRefusal)) throw error
		return { processed: false, duplicate: false, refused: { status: error.status, reason: error.reason } }
	}
	if (outcome.refundId) await issueRefund(outcome.refundId).catch(() => {})
	return outcome
}

const paymentSelect = { id: true, state: true, amountFen: true, currency: true, bookingId: true, stripePaymentIntentId: true, methods: true, nextAction: true } as const

/**
 * The payment an intent belongs to: the row that stored this intent's id. The id is stored before
 * the intent can be confirmed, so metadata alone never decides: a row found by its metadata must
 * hold this very intent (another intent is refused; none yet is 409, which Stripe delivers again),
 * and the row found by the intent must be the one its metadata names, when it names one. An intent
 * that names no payment of ours (created elsewhere in the account) is ignored.
 */
async function paymentOf(tx: Tx, intent: Stripe.PaymentIntent) {
	const payment = await tx.payment.findUnique({ where: { stripePaymentIntentId: intent.id }, select: paymentSelect })
	if (!payment) {
		const paymentId = intent.metadata?.paymentId
		if (!paymentId || !z.uuid().safeParse(paymentId).success) return null
		const byMeta = await tx.payment.findUnique({ where: { id: paymentId }, select: paymentSelect })
		if (!byMeta) return null
		if (!byMeta.stripePaymentIntentId) throw new WebhookRefusal(409, `payment ${byMeta.id} has no intent stored yet`)
		throw new WebhookRefusal(400, `intent ${intent.id} is not the one stored for payment ${byMeta.id}`)
	}
	// Our intents name their own payment: an event whose metadata names another row is not ours to trust.
	const named = intent.metadata?.paymentId
	if (named !== undefined && named !== payment.id) throw new WebhookRefusal(400, `intent ${intent.id} names payment ${named}, not ${payment.id}`)
	const methods = methodsOfIntent(intent)
	const foreign = methods.filter((m) => !payment.methods.includes(m))
	if (methods.length === 0 || foreign.length > 0) throw new WebhookRefusal(400, `method ${foreign.join(',') || 'unknown'} was not offered for payment ${payment.id}`)
	// The method that paid: the event's own when it names one, else the wallet the intent was confirmed with.
	const confirmedWith = (payment.nextAction as { method?: string } | null)?.method
	return { ...payment, paidMethod: methods.length === 1 ? methods[0]! : confirmedWith && methods.includes(confirmedWith) ? confirmedWith : null }
}

async function onSucceeded(tx: Tx, intent: Stripe.PaymentIntent): Promise<string | null> {
	const payment = await paymentOf(tx, intent)
	if (!payment) return null
	if (intent.amount !== payment.amountFen || intent.currency !== payment.currency) {
		await tx.payment.update({ where: { id: payment.id }, data: { lastError: `amount mismatch: ${intent.amount} ${intent.currency}` }, select: { id: true } })
		return null
	}
	const changed = await tx.payment.updateMany({ where: { id: payment.id, state: { in: ['created', 'failed', 'canceled'] } }, data: { state: 'succeeded', lastError: null, paidMethod: payment.paidMethod, nextAction: Prisma.DbNull } })
	if (changed.count === 0) return null
	await sql`SELECT id FROM booking WHERE id = ${payment.bookingId}::uuid FOR UPDATE`.run(tx)
	const booking = await tx.booking.findUniqueOrThrow({
		where: { id: payment.bookingId },
		select: { id: true, status: true, familyUserId: true, providerId: true, offering: { select: { title: true } } },
	})
	await tx.booking.update({ where: { id: booking.id }, data: { paymentStatus: 'paid' }, select: { id: true } })
	await audit({ actor: null, action: 'payment.succeeded', entityType: 'booking', entityId: booking.id, details: { paymentIntent: intent.id, amountFen: intent.amount, method: payment.paidMethod } }, tx)
	const params = { offering: booking.offering.title, amountFen: intent.amount }
	await notify(tx, { userId: booking.familyUserId }, 'payment.succeeded', { sms: true, bookingId: booking.id, params, dedupe: payment.id })
	await notify(tx, { providerId: booking.providerId }, 'payment.succeeded', { bookingId: booking.id, params, dedupe: payment.id })
	if (['cancelled', 'declined', 'expired'].includes(booking.status)) {
		// Paid after the booking ended (the family paid while it was being cancelled): give it all back.
		const refund = await tx.refund.upsert({
			where: { idempotencyKey: `refund_${booking.id}` },
			create: { bookingId: booking.id, paymentId: payment.id, amountFen: intent.amount, idempotencyKey: `refund_${booking.id}` },
			update: {},
			select: { id: true },
		})
		return refund.id
	}
	return null
}

async function onFailed(tx: Tx, intent: Stripe.PaymentIntent, state: 'failed' | 'canceled') {
	const payment = await paymentOf(tx, intent)
	if (!payment) return
	const changed = await tx.payment.updateMany({ where: { id: payment.id, state: 'created' }, data: { state, lastError: intent.last_payment_error?.message ?? state, nextAction: Prisma.DbNull } })
	if (changed.count === 0) return
	const booking = await tx.booking.findUniqueOrThrow({ where: { id: payment.bookingId }, select: { id: true, status: true, familyUserId: true, offering: { select: { title: true } } } })
	if (['requested', 'confirmed'].includes(booking.status)) {
		await tx.booking.updateMany({ where: { id: booking.id, paymentStatus: 'processing' }, data: { paymentStatus: 'failed' } })
		await notify(tx, { userId: booking.familyUserId }, 'payment.failed', { sms: true, bookingId: booking.id, params: { offering: booking.offering.title }, dedupe: payment.id })
	}
}

/**
 * Sends a pending refund to Stripe with its stored idempotency key and records the result once
 * (the conditional update on state = pending). Safe to call any number of times, from the request
 * that cancelled the booking or from the retry job.
 */
export async function issueRefund(refundId: string, client: Stripe = defaultStripe): Promise<'succeeded' | 'pending' | 'done'> {
	const refund = await prisma.refund.findUnique({
		where: { id: refundId },
		select: { id: true, state: true, amountFen: true, idempotencyKey: true, bookingId: true, payment: { select: { stripePaymentIntentId: true, amountFen: true } } },
	})
	if (!refund || refund.state !== 'pending') return 'done'
	let stripeRefund: Stripe.Refund
	try {
		stripeRefund = await client.refunds.create(
			{ payment_intent: refund.payment.stripePaymentIntentId!, amount: refund.amountFen, metadata: { bookingId: refund.bookingId, refundId: refund.id } },
			{ idempotencyKey: refund.idempotencyKey },
		)
	} catch (error) {
		await prisma.refund.update({ where: { id: refund.id }, data: { lastError: String((error as Error).message).slice(0, 500) }, select: { id: true } })
		await enqueueRefundRetry(refund.id).catch(() => {})
		return 'pending'
	}
	await transaction(async (tx) => {
		const changed = await tx.refund.updateMany({ where: { id: refund.id, state: 'pending' }, data: { state: 'succeeded', stripeRefundId: stripeRefund.id, lastError: null } })
		if (changed.count === 0) return
		const booking = await tx.booking.update({
			where: { id: refund.bookingId },
			data: { refundedFen: { increment: refund.amountFen } },
			select: { id: true, refundedFen: true, copayFen: true, familyUserId: true },
		})
		await tx.booking.update({ where: { id: booking.id }, data: { paymentStatus: booking.refundedFen >= refund.payment.amountFen ? 'refunded' : 'partially_refunded' }, select: { id: true } })
		await audit({ actor: null, action: 'payment.refund', entityType: 'booking', entityId: booking.id, details: { refund: stripeRefund.id, amountFen: refund.amountFen } }, tx)
		await notify(tx, { userId: booking.familyUserId }, 'refund.issued', { sms: true, bookingId: booking.id, params: { amountFen: refund.amountFen }, dedupe: refund.id })
	})
	return 'succeeded'
}

/** An intent that was started but not paid, for a booking that ended: cancel it so it cannot be paid. */
export async function cancelPaymentIntent(paymentIntentId: string, client: Stripe = defaultStripe) {
	await client.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: `yy_cancel_${paymentIntentId}` })
}
