import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, ErrorList, Field, SelectOptions, useReplyForm } from '~/components/forms.tsx'
import { CommunityLimit, PROVIDER_SUSPENDED, ProviderSuspendedNotice, useProviderSuspendedError } from '~/components/marketplace.tsx'
import { Facts, Money } from '~/components/ui.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { createBookingOfSession } from '~/modules/marketplace/booking-create.server.ts'
import { bookingPage, offeringProviderSuspended } from '~/modules/marketplace/booking-read.server.ts'
import { bookingSchema } from '~/modules/marketplace/schemas.ts'
import { TIME_ZONE } from '~/lib/time.ts'
import { HOME_VISIT_CATEGORIES } from '~/modules/marketplace/categories.ts'
import { DEFAULT_BOOKING_TERMS } from '~/modules/marketplace/rules.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const offeringId = requireId(params, 'offeringId')
	const elderId = new URL(request.url).searchParams.get('elderId')
	const page = await bookingPage(user, offeringId, elderId)
	if (!page) invariantResponse(!(await offeringProviderSuspended(offeringId)), PROVIDER_SUSPENDED, { status: 404 })
	return notFoundUnless(page)
}

export async function action({ request, params }: ActionFunctionArgs) {
	// The session is looked up by the booking's own first statement (createBookingOfSession: one round
	// trip for a refused attempt under a rush). Whatever is refused before it answers after the usual
	// sign-in check, as in every action: a visitor signed out is sent to sign in, whatever the form.
	const signInFirst = () => requireRole(request, ['family'])
	const afterSignIn = async <T,>(step: () => T | Promise<T>): Promise<T> => {
		try {
			return await step()
		} catch (error) {
			await signInFirst()
			throw error
		}
	}
	const formData = await afterSignIn(() => readProtectedForm(request))
	const parsed = parseForm(formData, bookingSchema, { form: 'book' })
	if (!parsed.ok) {
		await signInFirst()
		return parsed.response
	}
	const offeringId = await afterSignIn(() => requireId(params, 'offeringId'))
	const outcome = await createBookingOfSession(request, offeringId, parsed.value)
	if (!outcome.ok) return replyFailure(parsed, outcome)
	return redirect(`/bookings/${outcome.value.bookingId}${outcome.value.duplicate ? '?again=1' : ''}`)
}

export default function BookOffering() {
	const page = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('marketplace')
	const [form, fields] = useReplyForm<'startsAt' | 'serviceAddress' | 'note' | 'elderId' | 'expectedPriceFen' | 'expectedCopayFen'>('book', reply)
	const { offering, elder, elders, quote, slots } = page
	const terms = offering.provider.profile ?? DEFAULT_BOOKING_TERMS
	return (
		<section className="card">
			<h1>{t('book.title', { title: offering.title })}</h1>
			<p>
				<Link to={`/services/providers/${offering.provider.id}`}>{offering.provider.name}</Link> · {t(`category.${offering.category}`)} ·{' '}
				{t('unit.duration', { minutes: offering.durationMinutes })}
			</p>
			<CommunityLimit communities={offering.communities} />
			{elders.length === 0 ? (
				<p className="notice">
					{t('book.noElders')} <Link to="/elders/new">{t('book.addElder')}</Link>
				</p>
			) : (
				<Form method="get" className="inline-form">
					<label htmlFor="elder-choice">{t('book.elder')}</label>{' '}
					<select id="elder-choice" name="elderId" defaultValue={elder?.id ?? ''}>
						<SelectOptions placeholder={t('book.chooseElder')} options={elders.map((e) => ({ value: e.id, label: e.name }))} />
					</select>{' '}
					<button type="submit" className="button secondary">
						{t('book.showPrice')}
					</button>
				</Form>
			)}
			{elder && quote ? (
				page.served ? (
					<ActionForm form={form}>
						<input type="hidden" name="idempotencyKey" value={page.idempotencyKey} />
						<input type="hidden" name="elderId" value={elder.id} />
						<input type="hidden" name="expectedPriceFen" value={quote.priceFen} />
						<input type="hidden" name="expectedCopayFen" value={quote.copayFen} />
						<h2>{t('book.price')}</h2>
						<Facts
							data-testid="price-split"
							items={[
								[
									t('book.priceTotal'),
									<>
										<Money fen={quote.priceFen} /> {t(`unit.${offering.unit}`)}
									</>,
								],
								[t('book.subsidy'), <Money key="subsidy" fen={quote.subsidyFen} />],
								[
									t('book.copay'),
									<strong key="copay">
										<Money fen={quote.copayFen} />
									</strong>,
								],
							]}
						/>
						<fieldset>
							<legend>{t('book.slot')}</legend>
							{slots.length === 0 ? (
								<p className="empty">{t('book.noSlots')}</p>
							) : (
								// Grouped by day; none chosen for the family (a first slot ticked by default was booked unread).
								slotDays(slots, i18n.language).map((day) => (
									<fieldset key={day.key} className="slot-day">
										<legend>{day.label}</legend>
										<ul className="slot-list">
											{day.slots.map((s) => (
												<li key={s.at}>
													<label>
														<input type="radio" name="startsAt" value={s.at} required />
														<time dateTime={s.at}>{s.time}</time>
													</label>
												</li>
											))}
										</ul>
									</fieldset>
								))
							)}
							<ErrorList errors={fields.startsAt.errors} />
						</fieldset>
						<Field label={t('book.address')} hint={t('book.addressHint')} errors={fields.serviceAddress.errors} inputProps={{ name: 'serviceAddress', type: 'text', maxLength: 200, autoComplete: 'street-address', required: HOME_VISIT_CATEGORIES.includes(offering.category) }} />
						<Field label={t('book.note')} errors={fields.note.errors} inputProps={{ name: 'note', type: 'text', maxLength: 500 }} />
						<p className="hint">{t('book.policy', { hours: terms.freeCancelHours, percent: terms.lateCancelFeePercent })}</p>
						<FormSubmit form={form} errors={[...(fields.elderId.errors ?? []), ...(fields.expectedPriceFen.errors ?? []), ...(fields.expectedCopayFen.errors ?? [])]} label={t('book.submit')} disabled={navigation.state === 'submitting' || slots.length === 0} />
					</ActionForm>
				) : (
					<p className="notice">{t('errors.booking.areaNotServed')}</p>
				)
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return useProviderSuspendedError() ? <ProviderSuspendedNotice /> : <GeneralErrorBoundary />
}

/** Slots grouped by their day in Asia/Shanghai, each day labelled with its weekday, each slot by its time. */
function slotDays(slots: readonly string[], locale: string) {
	const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
	const dayLabel = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, month: 'long', day: 'numeric', weekday: 'long' })
	const time = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' })
	const days: { key: string; label: string; slots: { at: string; time: string }[] }[] = []
	for (const at of slots) {
		const date = new Date(at)
		const key = dayKey.format(date)
		let day = days.at(-1)
		if (!day || day.key !== key) days.push((day = { key, label: dayLabel.format(date), slots: [] }))
		day.slots.push({ at, time: time.format(date) })
	}
	return days
}
