import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSubmit } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { submitWithPosition } from '~/components/geo-submit.ts'
import { OrphanReplyErrors, replyValue } from '~/components/forms.tsx'
import { StatusBadge, When } from '~/components/marketplace.tsx'
import { Facts } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { checkSchema } from '~/modules/marketplace/schemas.ts'
import { checkIn, checkOut, getVisitPage } from '~/modules/marketplace/visits.server.ts'

// The caregiver's phone page for one home visit: check in and out with the phone's location or
// the code shown at the elder's home.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	return { visit: notFoundUnless(await getVisitPage(user, requireId(params, 'bookingId'))) }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const parsed = parseForm(await readProtectedForm(request), checkSchema, { form: 'check', invalidMessage: 'marketplace:errors.visit.evidence' })
	if (!parsed.ok) return parsed.response
	const run = parsed.value.intent === 'check-in' ? checkIn : checkOut
	const r = await run(user, requireId(params, 'bookingId'), parsed.value)
	return replyOutcome(parsed, r.ok ? ok({ ...r.value, intent: parsed.value.intent }) : r)
}

function CheckForm({ intent }: { intent: 'check-in' | 'check-out' }) {
	const { t } = useTranslation('marketplace')
	const submit = useSubmit()
	const [geoError, setGeoError] = useState<string | null>(null)
	const label = intent === 'check-in' ? t('visit.checkInNow') : t('visit.checkOutNow')
	return (
		<div className="visit-big">
			<Form
				method="post"
				onSubmit={(event) => {
					const form = event.currentTarget
					const lat = form.elements.namedItem('lat') as HTMLInputElement
					if (lat.value) return
					event.preventDefault()
					submitWithPosition(form, submit, (why) => setGeoError(`visit.${why}`))
				}}
			>
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="intent" value={intent} />
				<input type="hidden" name="method" value="geo" />
				<input type="hidden" name="lat" defaultValue="" />
				<input type="hidden" name="lng" defaultValue="" />
				<button type="submit" className="button big">
					{label} · {t('visit.byLocation')}
				</button>
			</Form>
			{geoError ? <p role="alert" className="form-error">{t(geoError)}</p> : null}
			<Form
				method="post"
				onSubmit={(event) => {
					// The code proves the place; the phone's location sent along lets the first verified
					// visit record the elder's home, so later location check-ins match it. Best effort.
					const form = event.currentTarget
					if (!('geolocation' in navigator)) return
					event.preventDefault()
					const send = (pos?: GeolocationPosition) => {
						const fd = new FormData(form)
						if (pos) {
							fd.set('lat', String(pos.coords.latitude))
							fd.set('lng', String(pos.coords.longitude))
						}
						submit(fd, { method: 'post' })
					}
					navigator.geolocation.getCurrentPosition(send, () => send(), { enableHighAccuracy: true, timeout: 10_000 })
				}}
			>
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="intent" value={intent} />
				<input type="hidden" name="method" value="code" />
				<div className="field">
					<label htmlFor={`code-${intent}`}>{t('visit.homeCode')}</label>
					<input id={`code-${intent}`} name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={6} className="mono" />
				</div>
				<button type="submit" className="button big secondary">
					{label} · {t('visit.byCode')}
				</button>
			</Form>
		</div>
	)
}

export default function VisitPage() {
	const { visit: v } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const done = replyValue<{ flags: string[]; intent: string }>(reply, 'check')
	const { t } = useTranslation('marketplace')
	return (
		<section className="card narrow">
			<h1>
				{v.offering.title} <StatusBadge status={v.status} />
			</h1>
			<Facts
				items={[
					[t('booking.elder'), v.elder.name],
					[t('booking.when'), <When key="when" at={v.startsAt} />],
					[t('booking.address'), v.serviceAddress || '—'],
					v.visit && [
						t('visit.checkIn'),
						<>
							<When at={v.visit.checkInAt} /> · {v.visit.caregiver.name}
						</>,
					],
					v.visit && [t('visit.checkOut'), v.visit.checkOutAt ? <When key="out" at={v.visit.checkOutAt} /> : '—'],
				]}
			/>
			{done ? (
				<p className="notice" role="status" data-testid="visit-result">
					{t(`visit.done.${done.intent}`)}
					{done.flags.length ? ` · ${t('visit.flagged')}: ${done.flags.map((f) => t(`visit.flag.${f}`)).join('、')}` : ''}
				</p>
			) : null}
			<OrphanReplyErrors reply={reply} formIds={[]} />
			{v.status === 'confirmed' ? <CheckForm intent="check-in" /> : null}
			{v.status === 'in_service' ? <CheckForm intent="check-out" /> : null}
			<p>
				<Link to={`/bookings/${v.id}`}>{t('visit.backToBooking')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
