import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DecisionButtons } from '~/components/forms.tsx'
import { FormError, When } from '~/components/marketplace.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { visitReviewSchema } from '~/modules/marketplace/schemas.ts'
import { listFlaggedVisits, reviewVisit } from '~/modules/marketplace/visits.server.ts'
import { Pager } from '~/components/pager.tsx'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const page = Math.max(1, Number(new URL(request.url).searchParams.get('page')) || 1)
	return { ...(await listFlaggedVisits(user, { page })), page }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const submission = visitReviewSchema.safeParse(Object.fromEntries(formData))
	if (!submission.success) return data({ error: submission.error.issues[0]?.message ?? 'marketplace:errors.form.invalid' }, { status: 400 })
	const { visitId, decision, note } = submission.data
	const ok = await reviewVisit(user, visitId, decision === 'accept', note, clientIp(request))
	if (!ok) return data({ error: 'marketplace:errors.visit.notFound' }, { status: 404 })
	return { error: null }
}

export default function FlaggedVisits() {
	const { visits, hasMore, page } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const { t } = useTranslation('marketplace')
	return (
		<section>
			<h1>{t('bureau.visitsTitle')}</h1>
			<p>{t('bureau.visitsLead')}</p>
			<FormError error={actionData?.error} />
			{visits.length === 0 ? <p className="empty">{t('bureau.noVisits')}</p> : null}
			<ul className="cards">
				{visits.map((v) => (
					<li key={v.id} className="card">
						<h2>
							<Link to={`/bookings/${v.booking.id}`}>{v.booking.offering.title}</Link> · {v.booking.provider.name}
						</h2>
						<p>
							{v.booking.elder.name} · {v.caregiver.name} · <When at={v.checkInAt} /> – {v.checkOutAt ? <When at={v.checkOutAt} /> : '—'}
						</p>
						<p>
							{t('visit.flagged')}: {v.flags.map((f) => t(`visit.flag.${f}`)).join('、')}
						</p>
						<Form method="post" className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="visitId" value={v.id} />
							<div className="field">
								<label htmlFor={`note-${v.id}`}>{t('bureau.visitNote')}</label>
								<input id={`note-${v.id}`} name="note" type="text" maxLength={500} />
							</div>
							<DecisionButtons name="decision" choices={[{ value: 'accept', label: t('bureau.acceptVisit') }, { value: 'reject', label: t('bureau.rejectVisit'), tone: 'secondary' }]} />
						</Form>
					</li>
				))}
			</ul>
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
