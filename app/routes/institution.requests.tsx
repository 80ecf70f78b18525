import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ErrorList, Field, SelectField } from '~/components/forms.tsx'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { vacantBeds } from '~/modules/beds/admissions.server.ts'
import { parseForm, replyTo } from '~/modules/beds/form.server.ts'
import { decideSchema } from '~/modules/beds/schemas.ts'
import { decideStayRequest, institutionRequests } from '~/modules/beds/stays.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const [requests, beds] = await Promise.all([institutionRequests(staff), vacantBeds(staff)])
	return { requests, beds: beds.filter((b) => b.status === 'vacant') }
}

export async function action({ request }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, decideSchema, String(formData.get('intent')))
	if (!parsed.ok) return parsed.response
	return replyTo(parsed.value.intent, await decideStayRequest(staff, parsed.value))
}

export default function RequestsPage() {
	const { requests, beds } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	return (
		<section className="card">
			<h1>{t('requests.title')}</h1>
			{reply?.ok ? (
				<p className="notice" role="status">
					{t('common.saved')}
				</p>
			) : (
				<ErrorList errors={reply ? Object.values(reply.fieldErrors).flat() : undefined} />
			)}
			{requests.length === 0 ? <p className="empty">{t('requests.none')}</p> : null}
			<ul className="cards">
				{requests.map((r) => (
					<li key={r.id} className="card" data-request={r.elderName}>
						<h2>{r.elderName}</h2>
						<dl className="facts">
							<dt>{t('fields.idNumber')}</dt>
							<dd className="mono">{r.idNumberMasked}</dd>
							<dt>{t('fields.family')}</dt>
							<dd>
								{r.familyName} · {r.familyPhone}
							</dd>
							<dt>{t('fields.bedType')}</dt>
							<dd>{t(`types.${r.bedType}`)}</dd>
							<dt>{t('fields.desiredStartOn')}</dt>
							<dd>{r.desiredStartOn}</dd>
							<dt>{t('fields.status')}</dt>
							<dd data-testid="request-status">{t(`requestStatuses.${r.status}`)}{r.reason ? ` · ${r.reason}` : ''}{r.bedLabel ? ` · ${r.bedLabel}` : ''}</dd>
							{r.note ? (
								<>
									<dt>{t('fields.note')}</dt>
									<dd>{r.note}</dd>
								</>
							) : null}
						</dl>
						{r.status === 'requested' ? (
							<>
								<Form method="post">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="intent" value="accept" />
									<input type="hidden" name="requestId" value={r.id} />
									<SelectField
										label={t('requests.reserveBed')}
										selectProps={{ name: 'bedId', required: true }}
										placeholder={t('common.choose')}
										options={beds.map((b) => ({ value: b.id, label: `${b.label} · ${t(`types.${b.type}`)}` }))}
									/>
									<button type="submit" className="button">{t('requests.accept', { name: r.elderName })}</button>
								</Form>
								<Form method="post">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="intent" value="decline" />
									<input type="hidden" name="requestId" value={r.id} />
									<Field label={t('requests.reason')} inputProps={{ name: 'reason', type: 'text', required: true, maxLength: 200 }} />
									<button type="submit" className="button danger">{t('requests.decline', { name: r.elderName })}</button>
								</Form>
							</>
						) : r.status === 'accepted' && !r.admitted ? (
							<Link className="button" to={`/institution/admissions?request=${r.id}`}>
								{t('requests.admit', { name: r.elderName })}
							</Link>
						) : null}
					</li>
				))}
			</ul>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
