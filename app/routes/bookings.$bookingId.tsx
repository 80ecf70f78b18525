import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { CardPayment } from '~/components/card-payment.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, FormErrors, OrphanReplyErrors, replyFieldErrors, useReplyForm } from '~/components/forms.tsx'
import { IntentForm, StatusBadge, When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { Facts, Money } from '~/components/ui.tsx'
import { getEnv } from '~/lib/env.server.ts'
import { noFields, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { ok, outcomeAs } from '~/lib/outcome.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { cancelBooking, confirmBooking, declineBooking, disputeBooking, markNoShow } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { getBooking } from '~/modules/marketplace/booking-read.server.ts'
import { paymentMethods, pendingWalletStep, startPayment } from '~/modules/marketplace/payments.server.ts'
import { qrImageOf } from '~/modules/payments/qr.server.ts'
import { deviceOf, type PayMethod } from '~/modules/payments/wallets.ts'
import { postReview, replyToReview } from '~/modules/marketplace/reviews.server.ts'
import { cancelSchema, declineSchema, disputeSchema, payMethodSchema, replySchema, reviewSchema } from '~/modules/marketplace/schemas.server.ts'

const ROLES = ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const found = notFoundUnless(await getBooking(user, requireId(params, 'bookingId')))
	// Stripe's ids stay on the server: the page needs only the payment's state.
	const booking = { ...found, payments: found.payments.map((p) => ({ state: p.state })) }
	const family = user.role === 'family'
	const step = family && booking.paymentStatus === 'processing' ? await pendingWalletStep(booking.id) : null
	const device = deviceOf(request.headers.get('user-agent'))
	// Only what the page shows: the QR image, and on a phone the link that opens the wallet.
	const wallet = step
		? step.kind === 'qr'
			? { kind: 'qr' as const, qrImage: await qrImageOf(step), openUrl: device === 'phone' ? step.openUrl : null }
			: { kind: 'redirect' as const, url: step.url, appUrl: device === 'phone' ? step.appUrl : null }
		: null
	return {
		booking,
		role: user.role,
		now: new Date().toISOString(),
		publishableKey: getEnv().STRIPE_PUBLISHABLE_KEY ?? null,
		methods: family ? paymentMethods() : [],
		device,
		wallet,
	}
}

// Each intent: its form's schema and the message shown when that form is not filled in right.
const FORMS = {
	pay: { schema: payMethodSchema, invalid: undefined },
	confirm: { schema: noFields, invalid: undefined },
	'no-show': { schema: noFields, invalid: undefined },
	cancel: { schema: cancelSchema, invalid: 'marketplace:errors.form.invalid' },
	decline: { schema: declineSchema, invalid: 'marketplace:errors.decline.reason' },
	dispute: { schema: disputeSchema, invalid: undefined },
	review: { schema: reviewSchema, invalid: 'marketplace:errors.rating.range' },
	reply: { schema: replySchema, invalid: undefined },
} as const

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const id = requireId(params, 'bookingId')
	const intent = String(formData.get('intent') ?? '')
	invariantResponse(intent in FORMS, 'Unknown action')
	const form = FORMS[intent as keyof typeof FORMS]
	const parsed = parseForm(formData, form.schema as z.ZodType<Record<string, unknown>>, { invalidMessage: form.invalid })
	if (!parsed.ok) return parsed.response
	const v = parsed.value as Record<string, string | number>
	switch (intent) {
		case 'pay': {
			const method = v.method as PayMethod
			const returnUrl = new URL(`/bookings/${id}`, request.url).toString()
			const r = await startPayment(user, id, { method, device: deviceOf(request.headers.get('user-agent')), returnUrl })
			if (!r.ok) return replyOutcome(parsed, r)
			// Alipay: its own page takes over (on a phone it opens the Alipay app); the webhook marks the payment.
			if (r.value.method === 'alipay' && r.value.step.kind === 'redirect') return redirect(r.value.step.url)
			if (r.value.method === 'card') return replyOutcome(parsed, ok({ notice: 'payment.started', clientSecret: r.value.clientSecret }))
			// WeChat Pay: the page shows the QR code (kept on the payment, so a reload shows it again).
			return replyOutcome(parsed, ok({ notice: 'payment.qr' }))
		}
		case 'cancel':
			return replyOutcome(parsed, outcomeAs(await cancelBooking(user, id, String(v.reason ?? '')), { notice: 'booking.cancelled' }))
		case 'confirm':
			return replyOutcome(parsed, outcomeAs(await confirmBooking(user, id), { notice: 'booking.confirmed' }))
		case 'decline':
			return replyOutcome(parsed, outcomeAs(await declineBooking(user, id, String(v.reason)), { notice: 'booking.declined' }))
		case 'no-show':
			return replyOutcome(parsed, outcomeAs(await markNoShow(user, id), { notice: 'booking.no_show' }))
		case 'dispute':
			return replyOutcome(parsed, outcomeAs(await disputeBooking(user, id, String(v.reason)), { notice: 'booking.disputed' }))
		case 'review':
			invariantResponse(user.role === 'family', 'Forbidden', { status: 403 })
			return replyOutcome(parsed, outcomeAs(await postReview(user, id, { rating: Number(v.rating), comment: String(v.comment ?? '') }), { notice: 'review.posted' }))
		default:
			return replyOutcome(parsed, outcomeAs(await replyToReview(user, id, String(v.reply)), { notice: 'review.replied' }))
	}
}

export default function BookingPage() {
	const { booking: b, role, publishableKey, methods, device, wallet } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const result = reply && 'value' in reply ? (reply.value as { notice: string; clientSecret?: string | null } | null) : null
	const [search] = useSearchParams()
	const { t } = useTranslation('marketplace')
	const family = role === 'family'
	const provider = role === 'provider_staff'
	const live = b.status === 'requested' || b.status === 'confirmed'
	// Stripe sends the family back here with redirect_status after the card form.
	const returned = search.get('redirect_status')
	const confirming = family && b.paymentStatus === 'processing' && returned === 'succeeded'
	const showQr = family && live && b.paymentStatus === 'processing' && wallet?.kind === 'qr' && !confirming
	// Waiting for the webhook: after a wallet's return, or while WeChat Pay's QR code is shown.
	useAwaitWebhook(confirming || Boolean(showQr), b.id, b.paymentStatus)
	const clientSecret = result?.clientSecret
	// Also while WeChat Pay's QR code is shown: the family may switch to Alipay or ask for a fresh code.
	const payable = family && live && !confirming && !clientSecret && ['awaiting', 'failed', 'processing'].includes(b.paymentStatus)
	const shownForms = Object.entries({
		pay: payable,
		confirm: provider && b.status === 'requested',
		decline: provider && b.status === 'requested',
		cancel: (family || provider) && live,
		'no-show': provider && b.status === 'confirmed' && new Date(b.startsAt) < new Date(),
		review: family && b.status === 'completed' && !b.review,
		dispute: family && b.status === 'completed',
		reply: provider && b.review && !b.review.reply,
	})
		.filter(([, shown]) => shown)
		.map(([intent]) => intent)
	return (
		<section className="card">
			<h1>
				{b.offering.title} <StatusBadge status={b.status} />
			</h1>
			{search.get('again') ? <p className="notice">{t('booking.alreadyMade')}</p> : null}
			{result ? <Notice>{t(`done.${result.notice}`)}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={shownForms} />
			<Facts
				items={[
					[t('booking.provider'), <Link key="provider" to={`/services/providers/${b.provider.id}`}>{b.provider.name}</Link>],
					[t('booking.elder'), b.elder.name],
					[t('booking.when'), <When key="when" at={b.startsAt} />],
					[t('booking.address'), b.serviceAddress || '—'],
					[t('book.priceTotal'), <Money key="price" fen={b.priceFen} />],
					[t('book.subsidy'), <Money key="subsidy" fen={b.subsidyFen} />],
					[t('book.copay'), <Money key="copay" fen={b.copayFen} />],
					[t('booking.payment'), t(`payment.${b.paymentStatus}`), { 'data-testid': 'payment-status' }],
					b.cancellationFeeFen > 0 ? [t('booking.fee'), <Money key="fee" fen={b.cancellationFeeFen} />] : null,
					b.refundedFen > 0 ? [t('booking.refunded'), <Money key="refunded" fen={b.refundedFen} />] : null,
					b.statusReason ? [t('booking.reason'), b.statusReason] : null,
					family && b.visitCode && (b.status === 'confirmed' || b.status === 'in_service') ? [t('booking.visitCode'), b.visitCode, { className: 'mono', 'data-testid': 'visit-code' }] : null,
					provider ? [t('booking.family'), `${b.familyUser.name} · ${b.familyUser.phone}`] : null,
				]}
			/>
			{confirming ? <Notice>{t('payment.waiting')}</Notice> : null}
			{family && returned && returned !== 'succeeded' && b.paymentStatus !== 'paid' ? (
				<p role="alert" className="form-error">
					{t('card.notCompleted')}
				</p>
			) : null}
			{family && live && clientSecret && publishableKey && b.paymentStatus !== 'paid' ? (
				<CardPayment publishableKey={publishableKey} clientSecret={clientSecret} returnPath={`/bookings/${b.id}`} amountFen={b.copayFen} />
			) : null}
			{showQr && wallet?.kind === 'qr' ? <WechatQr wallet={wallet} device={device} bookingId={b.id} amountFen={b.copayFen} /> : null}
			{family && live && b.paymentStatus === 'processing' && wallet?.kind === 'redirect' && !confirming ? (
				<p className="notice" data-testid="alipay-pending">
					{t('pay.alipayWaiting')} <a href={device === 'phone' && wallet.appUrl ? wallet.appUrl : wallet.url}>{t('pay.openAlipay')}</a> · <Link to={`/bookings/${b.id}`}>{t('pay.refresh')}</Link>
				</p>
			) : null}
			<div className="actions">
				{payable ? <PayForm reply={reply} methods={methods} amountFen={b.copayFen} /> : null}
				{provider && b.status === 'requested' ? <IntentForm reply={reply} intent="confirm" label={t('actions.confirm')} /> : null}
				{provider && b.status === 'confirmed' ? (
					<Link to={`/visits/${b.id}`} className="button big">
						{t('actions.visit')}
					</Link>
				) : null}
				{provider && b.status === 'in_service' ? (
					<Link to={`/visits/${b.id}`} className="button big">
						{t('actions.visit')}
					</Link>
				) : null}
			</div>
			{provider && b.status === 'requested' ? (
				<IntentForm reply={reply} intent="decline" label={t('actions.decline')} secondary>
					<div className="field">
						<label htmlFor="decline-reason">{t('booking.declineReason')}</label>
						<input id="decline-reason" name="reason" type="text" maxLength={300} />
					</div>
				</IntentForm>
			) : null}
			{(family || provider) && live ? (
				<IntentForm reply={reply} intent="cancel" label={t('actions.cancel')} secondary>
					<div className="field">
						<label htmlFor="cancel-reason">{t('booking.cancelReason')}</label>
						<input id="cancel-reason" name="reason" type="text" maxLength={300} />
					</div>
					<label className="checkbox">
						<input type="checkbox" name="confirm" required /> {t('booking.confirmCancel')}
					</label>
				</IntentForm>
			) : null}
			{provider && b.status === 'confirmed' && new Date(b.startsAt) < new Date() ? <IntentForm reply={reply} intent="no-show" label={t('actions.noShow')} secondary /> : null}
			{family && b.status === 'completed' && !b.review ? (
				<IntentForm reply={reply} intent="review" label={t('actions.review')}>
					<fieldset className="checks">
						<legend>{t('review.rating')}</legend>
						{[5, 4, 3, 2, 1].map((n) => (
							<label key={n}>
								<input type="radio" name="rating" value={n} defaultChecked={n === 5} /> {t('review.stars', { count: n })}
							</label>
						))}
					</fieldset>
					<div className="field">
						<label htmlFor="review-comment">{t('review.comment')}</label>
						<textarea id="review-comment" name="comment" maxLength={1000} rows={3} />
					</div>
				</IntentForm>
			) : null}
			{family && b.status === 'completed' ? (
				<IntentForm reply={reply} intent="dispute" label={t('actions.dispute')} secondary>
					<div className="field">
						<label htmlFor="dispute-reason">{t('booking.disputeReason')}</label>
						<input id="dispute-reason" name="reason" type="text" maxLength={300} required />
					</div>
				</IntentForm>
			) : null}
			{b.review ? (
				<section aria-labelledby="review-h">
					<h2 id="review-h">{t('review.title')}</h2>
					<p>
						{t('review.stars', { count: b.review.rating })} · {b.review.comment}
					</p>
					{b.review.reply ? <p>{t('review.reply', { reply: b.review.reply })}</p> : null}
					{provider && !b.review.reply ? (
						<IntentForm reply={reply} intent="reply" label={t('actions.reply')}>
							<div className="field">
								<label htmlFor="reply-text">{t('review.replyLabel')}</label>
								<textarea id="reply-text" name="reply" maxLength={1000} rows={3} />
							</div>
						</IntentForm>
					) : null}
				</section>
			) : null}
			{b.visit ? (
				<section aria-labelledby="visit-h">
					<h2 id="visit-h">{t('visit.title')}</h2>
					<Facts
						items={[
							[t('visit.caregiver'), b.visit.caregiver.name],
							[
								t('visit.checkIn'),
								<>
									<When at={b.visit.checkInAt} /> ({t(`visit.method.${b.visit.checkInMethod}`)})
								</>,
							],
							[t('visit.checkOut'), b.visit.checkOutAt ? <When key="out" at={b.visit.checkOutAt} /> : '—'],
							[t('visit.verified'), b.visit.verified ? t('visit.yes') : b.visit.flags.length ? b.visit.flags.map((f) => t(`visit.flag.${f}`)).join('、') : t('visit.no')],
						]}
					/>
				</section>
			) : null}
			<section aria-labelledby="timeline-h">
				<h2 id="timeline-h">{t('booking.timeline')}</h2>
				<ol className="timeline">
					{b.events.map((e) => (
						<li key={e.id}>
							<When at={e.at} /> · {t(`status.${e.toStatus}`)}
							{e.actorRole ? ` · ${t(`actor.${e.actorRole}`)}` : ''}
							{e.note ? ` · ${e.note}` : ''}
						</li>
					))}
				</ol>
			</section>
		</section>
	)
}

/** One form, one button per method (no JavaScript needed): WeChat Pay, Alipay, and a card where Stripe.js is configured. */
function PayForm({ reply, methods, amountFen }: { reply: unknown; methods: PayMethod[]; amountFen: number }) {
	const { t } = useTranslation('marketplace')
	const [form] = useReplyForm('pay', reply)
	const amount = (amountFen / 100).toFixed(2)
	return (
		<ActionForm form={form} intent="pay" className="intent-form pay-methods">
			<fieldset>
				<legend>{t('pay.title', { amount })}</legend>
				<div className="actions">
					{methods.map((m) => (
						<button key={m} type="submit" name="method" value={m} className={`button big${m === 'card' ? ' secondary' : ''}`} data-method={m}>
							{t(`pay.method.${m}`, { amount })}
						</button>
					))}
				</div>
			</fieldset>
			<FormErrors form={form} errors={replyFieldErrors(reply, 'pay')} />
		</ActionForm>
	)
}

/** WeChat Pay on a desktop: the QR code to scan with the phone; on a phone, a link that opens WeChat. Works without JavaScript (refresh link). */
function WechatQr({ wallet, device, bookingId, amountFen }: { wallet: { qrImage: string | null; openUrl: string | null }; device: 'phone' | 'desktop'; bookingId: string; amountFen: number }) {
	const { t } = useTranslation('marketplace')
	const amount = (amountFen / 100).toFixed(2)
	return (
		<section aria-labelledby="wechat-qr-h" className="wechat-qr" data-testid="wechat-qr">
			<h2 id="wechat-qr-h">{t('pay.qrTitle', { amount })}</h2>
			{device === 'phone' && wallet.openUrl ? (
				<p>
					<a className="button big" href={wallet.openUrl}>
						{t('pay.openWechat')}
					</a>
				</p>
			) : null}
			<p>{t(device === 'phone' ? 'pay.qrLeadPhone' : 'pay.qrLead')}</p>
			{wallet.qrImage ? <img src={wallet.qrImage} alt={t('pay.qrAlt')} width={220} height={220} /> : null}
			<p>
				<Link to={`/bookings/${bookingId}`}>{t('pay.refresh')}</Link>
			</p>
		</section>
	)
}

/**
 * While the page waits for Stripe's webhook (a wallet's QR code shown, or back from a wallet), it asks
 * every two seconds for the payment state alone (bookings.$bookingId_.payment-status.ts: one row, no
 * page data) and re-reads the page once the state has changed. For three minutes; the page's refresh
 * link does the same by hand, with or without JavaScript.
 */
function useAwaitWebhook(waiting: boolean, bookingId: string, paymentStatus: string) {
	const { revalidate } = useRevalidator()
	const rounds = useRef(0)
	useEffect(() => {
		if (!waiting) return
		let stopped = false
		let timer: ReturnType<typeof setTimeout> | undefined
		const poll = async () => {
			if (stopped || rounds.current >= 90) return
			rounds.current++
			const now = await fetch(`/bookings/${bookingId}/payment-status`, { headers: { accept: 'application/json' } })
				.then((res) => (res.ok ? (res.json() as Promise<{ paymentStatus: string }>) : null))
				.catch(() => null)
			if (stopped) return
			if (now && now.paymentStatus !== paymentStatus) revalidate()
			else timer = setTimeout(() => void poll(), 2000)
		}
		timer = setTimeout(() => void poll(), 2000)
		return () => {
			stopped = true
			clearTimeout(timer)
		}
	}, [waiting, bookingId, paymentStatus, revalidate])
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
