import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { Facts } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { vacantBeds } from '~/modules/beds/admissions.server.ts'
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
	return answerForm(formData, decideSchema, (value) => decideStayRequest(staff, value), { form: `${formData.get('intent')}-${formData.get('requestId')}` })
}

export default function RequestsPage() {
	const { requests, beds } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const open = requests.filter((r) => r.status === 'requested')
	return (
		<section className="card">
			<h1>{t('requests.title')}</h1>
			{replyDone(reply) ? <Notice>{t('common.saved')}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={open.flatMap((r) => [`accept-${r.id}`, `decline-${r.id}`])} />
			<Cards items={requests} empty={t('requests.none')} itemKey={(r) => r.id} itemProps={(r) => ({ 'data-request': r.elderName })}>
				{(r) => (
					<>
						<h2>{r.elderName}</h2>
						<Facts
							items={[
								[t('fields.idNumber'), r.idNumberMasked, { className: 'mono' }],
								[t('fields.family'), `${r.familyName} · ${r.familyPhone}`],
								[t('fields.bedType'), t(`types.${r.bedType}`)],
								[t('fields.desiredStartOn'), r.desiredStartOn],
								[t('fields.status'), `${t(`requestStatuses.${r.status}`)}${r.reason ? ` · ${r.reason}` : ''}${r.bedLabel ? ` · ${r.bedLabel}` : ''}`, { 'data-testid': 'request-status' }],
								r.note ? [t('fields.note'), r.note] : null,
							]}
						/>
						{r.status === 'requested' ? (
							<DecideForms requestId={r.id} elderName={r.elderName} beds={beds} reply={reply} />
						) : r.status === 'accepted' && !r.admitted ? (
							<Link className="button" to={`/institution/admissions?request=${r.id}`}>
								{t('requests.admit', { name: r.elderName })}
							</Link>
						) : null}
					</>
				)}
			</Cards>
		</section>
	)
}

function DecideForms({ requestId, elderName, beds, reply }: { requestId: string; elderName: string; beds: { id: string; label: string; type: string }[]; reply: unknown }) {
	const { t } = useTranslation('beds')
	const [accept, acceptFields] = useReplyForm<'bedId' | 'requestId'>(`accept-${requestId}`, reply)
	const [decline, declineFields] = useReplyForm<'reason' | 'requestId'>(`decline-${requestId}`, reply)
	return (
		<>
			<ActionForm form={accept} intent="accept">
				<input type="hidden" name="requestId" value={requestId} />
				<SelectField
					label={t('requests.reserveBed')}
					errors={acceptFields.bedId.errors}
					selectProps={{ name: 'bedId', required: true }}
					placeholder={t('common.choose')}
					options={beds.map((b) => ({ value: b.id, label: `${b.label} · ${t(`types.${b.type}`)}` }))}
				/>
				<FormErrors form={accept} errors={acceptFields.requestId.errors} />
				<button type="submit" className="button">{t('requests.accept', { name: elderName })}</button>
			</ActionForm>
			<ActionForm form={decline} intent="decline">
				<input type="hidden" name="requestId" value={requestId} />
				<Field label={t('requests.reason')} errors={declineFields.reason.errors} inputProps={{ name: 'reason', type: 'text', required: true, maxLength: 200 }} />
				<FormErrors form={decline} errors={declineFields.requestId.errors} />
				<button type="submit" className="button danger">{t('requests.decline', { name: elderName })}</button>
			</ActionForm>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
