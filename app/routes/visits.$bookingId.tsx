import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSubmit } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormError, StatusBadge, When } from '~/components/marketplace.tsx'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { checkSchema } from '~/modules/marketplace/schemas.ts'
import { checkIn, checkOut, getVisitPage } from '~/modules/marketplace/visits.server.ts'

// The caregiver's phone page for one home visit: check in and out with the phone's location or
// the code shown at the elder's home.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const visit = await getVisitPage(user, params.bookingId ?? '')
	if (!visit) throw new Response('Not found', { status: 404 })
	return { visit }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const formData = await readProtectedForm(request)
	const s = parseWithZod(formData, { schema: checkSchema })
	if (s.status !== 'success') return data({ error: 'marketplace:errors.visit.evidence', flags: [] as string[], verified: false, done: null }, { status: 400 })
	const run = s.value.intent === 'check-in' ? checkIn : checkOut
	const r = await run(user, params.bookingId ?? '', s.value)
	if (!r.ok) return data({ error: r.error, flags: [] as string[], verified: false, done: null }, { status: r.status })
	return { error: null, flags: r.flags, verified: r.verified, done: s.value.intent }
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
					if (!('geolocation' in navigator)) return setGeoError('visit.geoUnavailable')
					navigator.geolocation.getCurrentPosition(
						(pos) => {
							const fd = new FormData(form)
							fd.set('lat', String(pos.coords.latitude))
							fd.set('lng', String(pos.coords.longitude))
							submit(fd, { method: 'post' })
						},
						() => setGeoError('visit.geoDenied'),
						{ enableHighAccuracy: true, timeout: 15_000 },
					)
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
			<Form method="post">
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
	const actionData = useActionData<typeof action>()
	const { t } = useTranslation('marketplace')
	return (
		<section className="card narrow">
			<h1>
				{v.offering.title} <StatusBadge status={v.status} />
			</h1>
			<dl className="facts">
				<dt>{t('booking.elder')}</dt>
				<dd>{v.elder.name}</dd>
				<dt>{t('booking.when')}</dt>
				<dd>
					<When at={v.startsAt} />
				</dd>
				<dt>{t('booking.address')}</dt>
				<dd>{v.serviceAddress || '—'}</dd>
				{v.visit ? (
					<>
						<dt>{t('visit.checkIn')}</dt>
						<dd>
							<When at={v.visit.checkInAt} /> · {v.visit.caregiver.name}
						</dd>
						<dt>{t('visit.checkOut')}</dt>
						<dd>{v.visit.checkOutAt ? <When at={v.visit.checkOutAt} /> : '—'}</dd>
					</>
				) : null}
			</dl>
			{actionData?.done ? (
				<p className="notice" role="status" data-testid="visit-result">
					{t(`visit.done.${actionData.done}`)}
					{actionData.flags.length ? ` · ${t('visit.flagged')}: ${actionData.flags.map((f) => t(`visit.flag.${f}`)).join('、')}` : ''}
				</p>
			) : null}
			<FormError error={actionData?.error} />
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
