import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ErrorList, Field } from '~/components/forms.tsx'
import { CommunityLimit, FormError, Money, PROVIDER_SUSPENDED, ProviderSuspendedNotice, useProviderSuspendedError, When } from '~/components/marketplace.tsx'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { bookingPage, offeringProviderSuspended } from '~/modules/marketplace/booking-read.server.ts'
import { bookingSchema } from '~/modules/marketplace/schemas.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const elderId = new URL(request.url).searchParams.get('elderId')
	const page = await bookingPage(user, params.offeringId ?? '', elderId)
	if (!page) {
		if (await offeringProviderSuspended(params.offeringId ?? '')) throw new Response(PROVIDER_SUSPENDED, { status: 404 })
		throw new Response('Not found', { status: 404 })
	}
	return page
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: bookingSchema })
	if (submission.status !== 'success') return data({ result: submission.reply(), error: null }, { status: 400 })
	const outcome = await createBooking(user, params.offeringId ?? '', submission.value)
	if (!outcome.ok) {
		const reply = outcome.formError ? submission.reply({ formErrors: [outcome.formError] }) : submission.reply({ fieldErrors: outcome.fieldErrors })
		return data({ result: reply, error: outcome.formError ?? Object.values(outcome.fieldErrors)[0]?.[0] ?? null }, { status: outcome.status })
	}
	return redirect(`/bookings/${outcome.value.bookingId}${outcome.value.duplicate ? '?again=1' : ''}`)
}

export default function BookOffering() {
	const page = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('marketplace')
	const [form, fields] = useForm({ id: 'book', lastResult: actionData?.result, shouldRevalidate: 'onInput' })
	const { offering, elder, elders, quote, slots } = page
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
						<option value="">{t('book.chooseElder')}</option>
						{elders.map((e) => (
							<option key={e.id} value={e.id}>
								{e.name}
							</option>
						))}
					</select>{' '}
					<button type="submit" className="button secondary">
						{t('book.showPrice')}
					</button>
				</Form>
			)}
			{elder && quote ? (
				page.served ? (
					<Form method="post" {...getFormProps(form)}>
						<AuthenticityTokenInput name="csrf" />
						<input type="hidden" name="idempotencyKey" value={page.idempotencyKey} />
						<input type="hidden" name="elderId" value={elder.id} />
						<input type="hidden" name="expectedPriceFen" value={quote.priceFen} />
						<input type="hidden" name="expectedCopayFen" value={quote.copayFen} />
						<h2>{t('book.price')}</h2>
						<dl className="facts" data-testid="price-split">
							<dt>{t('book.priceTotal')}</dt>
							<dd>
								<Money fen={quote.priceFen} /> {t(`unit.${offering.unit}`)}
							</dd>
							<dt>{t('book.subsidy')}</dt>
							<dd>
								<Money fen={quote.subsidyFen} />
							</dd>
							<dt>{t('book.copay')}</dt>
							<dd>
								<strong>
									<Money fen={quote.copayFen} />
								</strong>
							</dd>
						</dl>
						<fieldset>
							<legend>{t('book.slot')}</legend>
							{slots.length === 0 ? (
								<p className="empty">{t('book.noSlots')}</p>
							) : (
								<ul className="slot-list">
									{slots.map((s, i) => (
										<li key={s}>
											<label>
												<input type="radio" name="startsAt" value={s} defaultChecked={i === 0} />
												<When at={s} />
											</label>
										</li>
									))}
								</ul>
							)}
							<ErrorList errors={fields.startsAt?.errors} />
						</fieldset>
						<Field label={t('book.address')} hint={t('book.addressHint')} errors={fields.serviceAddress?.errors} inputProps={{ name: 'serviceAddress', type: 'text', maxLength: 200, autoComplete: 'street-address' }} />
						<Field label={t('book.note')} errors={fields.note?.errors} inputProps={{ name: 'note', type: 'text', maxLength: 500 }} />
						<p className="hint">{t('book.policy', { hours: offering.provider.profile?.freeCancelHours ?? 24, percent: offering.provider.profile?.lateCancelFeePercent ?? 30 })}</p>
						<FormError error={actionData?.error} />
						<ErrorList errors={fields.elderId?.errors} />
						<button type="submit" className="button big" disabled={navigation.state === 'submitting' || slots.length === 0}>
							{t('book.submit')}
						</button>
					</Form>
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
