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
import { listDisputes, resolveDispute } from '~/modules/marketplace/disputes.server.ts'
import { resolveDisputeSchema } from '~/modules/marketplace/schemas.ts'
import { Pager } from '~/components/pager.tsx'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const page = Math.max(1, Number(new URL(request.url).searchParams.get('page')) || 1)
	return { ...(await listDisputes(user, { page })), page }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const parsed = resolveDisputeSchema.safeParse(Object.fromEntries(formData))
	if (!parsed.success) return data({ error: parsed.error.issues[0]?.message ?? 'marketplace:errors.form.invalid', done: null }, { status: 400 })
	const result = await resolveDispute(user, parsed.data.bookingId, parsed.data.outcome, parsed.data.reason, clientIp(request))
	if (!result.ok) return data({ error: result.formError ?? null, done: null }, { status: result.status })
	return { error: null, done: parsed.data.outcome }
}

export default function Disputes() {
	const { bookings, hasMore, page } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const { t } = useTranslation('marketplace')
	return (
		<section>
			<h1>{t('bureau.disputesTitle')}</h1>
			<p>{t('bureau.disputesLead')}</p>
			<FormError error={actionData?.error} />
			{actionData?.done ? (
				<p role="status" className="notice">
					{t(`bureau.disputeDone.${actionData.done}`)}
				</p>
			) : null}
			{bookings.length === 0 ? <p className="empty">{t('bureau.noDisputes')}</p> : null}
			<ul className="cards">
				{bookings.map((b) => (
					<li key={b.id} className="card">
						<h2>
							<Link to={`/bookings/${b.id}`}>{b.offering.title}</Link> · {b.provider.name}
						</h2>
						<p>
							{b.elder.name} · <When at={b.startsAt} />
						</p>
						<p>
							{t('bureau.disputeClaim')}: {b.statusReason ?? '—'}
						</p>
						<Form method="post" className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="bookingId" value={b.id} />
							<div className="field">
								<label htmlFor={`reason-${b.id}`}>{t('bureau.disputeReason')}</label>
								<input id={`reason-${b.id}`} name="reason" type="text" required maxLength={500} />
							</div>
							<DecisionButtons name="outcome" choices={[{ value: 'family', label: t('bureau.upholdFamily') }, { value: 'provider', label: t('bureau.upholdProvider'), tone: 'secondary' }]} />
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
