import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { CardPayment } from '~/components/card-payment.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormError, IntentForm, Money, StatusBadge, When } from '~/components/marketplace.tsx'
import { getEnv } from '~/lib/env.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { cancelBooking, confirmBooking, declineBooking, disputeBooking, markNoShow } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { getBooking } from '~/modules/marketplace/booking-read.server.ts'
import { startPayment } from '~/modules/marketplace/payments.server.ts'
import { postReview, replyToReview } from '~/modules/marketplace/reviews.server.ts'
import { cancelSchema, declineSchema, disputeSchema, replySchema, reviewSchema } from '~/modules/marketplace/schemas.ts'

const ROLES = ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const booking = await getBooking(user, params.bookingId ?? '')
	if (!booking) throw new Response('Not found', { status: 404 })
	return { booking, role: user.role, now: new Date().toISOString(), publishableKey: getEnv().STRIPE_PUBLISHABLE_KEY ?? null }
}

type ActionReply = { error: string | null; done?: string; clientSecret?: string | null }

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const id = params.bookingId ?? ''
	const intent = String(formData.get('intent') ?? '')
	// Booking changes answer with an Outcome (formError); reviews still with their own error field.
	const reply = (r: { ok: true } | { ok: false; status: number; formError?: string; error?: string }, done: string) =>
		r.ok ? data<ActionReply>({ error: null, done }) : data<ActionReply>({ error: r.formError ?? r.error ?? null }, { status: r.status })
	const invalid = (error = 'marketplace:errors.form.invalid') => data<ActionReply>({ error }, { status: 400 })
	switch (intent) {
		case 'pay': {
			const r = await startPayment(user, id)
			return r.ok ? data<ActionReply>({ error: null, done: 'payment.started', clientSecret: r.clientSecret }) : data<ActionReply>({ error: r.error }, { status: r.status })
		}
		case 'cancel': {
			const s = parseWithZod(formData, { schema: cancelSchema })
			if (s.status !== 'success') return invalid()
			return reply(await cancelBooking(user, id, s.value.reason), 'booking.cancelled')
		}
		case 'confirm':
			return reply(await confirmBooking(user, id), 'booking.confirmed')
		case 'decline': {
			const s = parseWithZod(formData, { schema: declineSchema })
			if (s.status !== 'success') return invalid('marketplace:errors.decline.reason')
			return reply(await declineBooking(user, id, s.value.reason), 'booking.declined')
		}
		case 'no-show':
			return reply(await markNoShow(user, id), 'booking.no_show')
		case 'dispute': {
			const s = parseWithZod(formData, { schema: disputeSchema })
			if (s.status !== 'success') return invalid(s.error?.reason?.[0] ?? 'marketplace:errors.form.invalid')
			return reply(await disputeBooking(user, id, s.value.reason), 'booking.disputed')
		}
		case 'review': {
			const s = parseWithZod(formData, { schema: reviewSchema })
			if (s.status !== 'success') return invalid('marketplace:errors.rating.range')
			if (user.role !== 'family') throw new Response('Forbidden', { status: 403 })
			return reply(await postReview(user, id, s.value), 'review.posted')
		}
		case 'reply': {
			const s = parseWithZod(formData, { schema: replySchema })
			if (s.status !== 'success') return invalid('errors.required')
			return reply(await replyToReview(user, id, s.value.reply), 'review.replied')
		}
		default:
			throw new Response('Unknown action', { status: 400 })
	}
}

export default function BookingPage() {
	const { booking: b, role, publishableKey } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const [search] = useSearchParams()
	const { t } = useTranslation('marketplace')
	const family = role === 'family'
	const provider = role === 'provider_staff'
	const live = b.status === 'requested' || b.status === 'confirmed'
	// Stripe sends the family back here with redirect_status after the card form.
	const returned = search.get('redirect_status')
	const confirming = family && b.paymentStatus === 'processing' && returned === 'succeeded'
	useAwaitWebhook(confirming)
	const clientSecret = actionData?.clientSecret
	const payable = family && live && !confirming && !clientSecret && ['awaiting', 'failed', 'processing'].includes(b.paymentStatus)
	return (
		<section className="card">
			<h1>
				{b.offering.title} <StatusBadge status={b.status} />
			</h1>
			{search.get('again') ? <p className="notice">{t('booking.alreadyMade')}</p> : null}
			{actionData?.done ? (
				<p className="notice" role="status">
					{t(`done.${actionData.done}`)}
				</p>
			) : null}
			<FormError error={actionData?.error} />
			<dl className="facts">
				<dt>{t('booking.provider')}</dt>
				<dd>
					<Link to={`/services/providers/${b.provider.id}`}>{b.provider.name}</Link>
				</dd>
				<dt>{t('booking.elder')}</dt>
				<dd>{b.elder.name}</dd>
				<dt>{t('booking.when')}</dt>
				<dd>
					<When at={b.startsAt} />
				</dd>
				<dt>{t('booking.address')}</dt>
				<dd>{b.serviceAddress || '—'}</dd>
				<dt>{t('book.priceTotal')}</dt>
				<dd>
					<Money fen={b.priceFen} />
				</dd>
				<dt>{t('book.subsidy')}</dt>
				<dd>
					<Money fen={b.subsidyFen} />
				</dd>
				<dt>{t('book.copay')}</dt>
				<dd>
					<Money fen={b.copayFen} />
				</dd>
				<dt>{t('booking.payment')}</dt>
				<dd data-testid="payment-status">{t(`payment.${b.paymentStatus}`)}</dd>
				{family && b.payments[0]?.stripePaymentIntentId ? (
					<>
						<dt>{t('booking.paymentRef')}</dt>
						<dd className="mono" data-testid="payment-ref">
							{b.payments[0].stripePaymentIntentId}
						</dd>
					</>
				) : null}
				{b.cancellationFeeFen > 0 ? (
					<>
						<dt>{t('booking.fee')}</dt>
						<dd>
							<Money fen={b.cancellationFeeFen} />
						</dd>
					</>
				) : null}
				{b.refundedFen > 0 ? (
					<>
						<dt>{t('booking.refunded')}</dt>
						<dd>
							<Money fen={b.refundedFen} />
						</dd>
					</>
				) : null}
				{b.statusReason ? (
					<>
						<dt>{t('booking.reason')}</dt>
						<dd>{b.statusReason}</dd>
					</>
				) : null}
				{family && b.visitCode && (b.status === 'confirmed' || b.status === 'in_service') ? (
					<>
						<dt>{t('booking.visitCode')}</dt>
						<dd className="mono" data-testid="visit-code">
							{b.visitCode}
						</dd>
					</>
				) : null}
				{provider ? (
					<>
						<dt>{t('booking.family')}</dt>
						<dd>
							{b.familyUser.name} · {b.familyUser.phone}
						</dd>
					</>
				) : null}
			</dl>
			{confirming ? (
				<p className="notice" role="status">
					{t('payment.waiting')}
				</p>
			) : null}
			{family && returned && returned !== 'succeeded' && b.paymentStatus !== 'paid' ? (
				<p role="alert" className="form-error">
					{t('card.notCompleted')}
				</p>
			) : null}
			{family && live && clientSecret && b.paymentStatus !== 'paid' ? (
				publishableKey ? (
					<CardPayment publishableKey={publishableKey} clientSecret={clientSecret} returnPath={`/bookings/${b.id}`} amountFen={b.copayFen} />
				) : (
					<p className="notice">{t('card.notConfigured')}</p>
				)
			) : null}
			<div className="actions">
				{payable ? <IntentForm intent="pay" label={t(b.paymentStatus === 'processing' ? 'actions.payResume' : 'actions.pay', { amount: (b.copayFen / 100).toFixed(2) })} /> : null}
				{provider && b.status === 'requested' ? <IntentForm intent="confirm" label={t('actions.confirm')} /> : null}
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
				<IntentForm intent="decline" label={t('actions.decline')} secondary>
					<div className="field">
						<label htmlFor="decline-reason">{t('booking.declineReason')}</label>
						<input id="decline-reason" name="reason" type="text" maxLength={300} />
					</div>
				</IntentForm>
			) : null}
			{(family || provider) && live ? (
				<IntentForm intent="cancel" label={t('actions.cancel')} secondary>
					<div className="field">
						<label htmlFor="cancel-reason">{t('booking.cancelReason')}</label>
						<input id="cancel-reason" name="reason" type="text" maxLength={300} />
					</div>
				</IntentForm>
			) : null}
			{provider && b.status === 'confirmed' && new Date(b.startsAt) < new Date() ? <IntentForm intent="no-show" label={t('actions.noShow')} secondary /> : null}
			{family && b.status === 'completed' && !b.review ? (
				<IntentForm intent="review" label={t('actions.review')}>
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
				<IntentForm intent="dispute" label={t('actions.dispute')} secondary>
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
						<IntentForm intent="reply" label={t('actions.reply')}>
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
					<dl className="facts">
						<dt>{t('visit.caregiver')}</dt>
						<dd>{b.visit.caregiver.name}</dd>
						<dt>{t('visit.checkIn')}</dt>
						<dd>
							<When at={b.visit.checkInAt} /> ({t(`visit.method.${b.visit.checkInMethod}`)})
						</dd>
						<dt>{t('visit.checkOut')}</dt>
						<dd>{b.visit.checkOutAt ? <When at={b.visit.checkOutAt} /> : '—'}</dd>
						<dt>{t('visit.verified')}</dt>
						<dd>{b.visit.verified ? t('visit.yes') : b.visit.flags.length ? b.visit.flags.map((f) => t(`visit.flag.${f}`)).join('、') : t('visit.no')}</dd>
					</dl>
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

/** After Stripe's redirect the webhook usually lands within seconds: re-read the booking until it has (for a minute). */
function useAwaitWebhook(waiting: boolean) {
	const { revalidate, state } = useRevalidator()
	const rounds = useRef(0)
	useEffect(() => {
		// Each time a re-read has finished, wait two seconds and read again.
		if (!waiting || state !== 'idle' || rounds.current >= 30) return
		const timer = setTimeout(() => {
			rounds.current++
			revalidate()
		}, 2000)
		return () => clearTimeout(timer)
	}, [waiting, state, revalidate])
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
