import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, ErrorList, replyValue, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { applyForConstruction, constructionOverview } from '~/modules/institutions/construction.server.ts'
import { applySchema } from '~/modules/institutions/schemas.ts'
import { Acceptances } from '~/components/acceptances.tsx'

// The institution's construction subsidy (建设补贴, issue 14 item 3): new beds awaiting the bureau's
// acceptance inspection, accepted beds to apply for, and its applications' progress.
export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return { name: staff.providerName, ...(await constructionOverview(staff)) }
}

export async function action({ request }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return answerForm(await readProtectedForm(request), applySchema, (value) => applyForConstruction(staff, value, clientIp(request)), { form: 'apply' })
}

export default function InstitutionConstruction() {
	const { name, awaiting, accepted, applications, paid, acceptances } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const busy = useNavigation().state !== 'idle'
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'bedIds'>('apply', reply)
	const applied = replyValue<{ id: string; totalFen: number }>(reply, 'apply')
	return (
		<>
			<section className="card">
				<h1>{t('construction.title', { name })}</h1>
				<p className="lead">{t('construction.lead')}</p>
				<Facts
					items={[
						[t('construction.paidBeds'), paid.beds, { 'data-testid': 'paid-beds' }],
						[t('construction.paidTotal'), <Money key="paid" fen={paid.totalFen} />],
					]}
				/>
			</section>
			<CardSection title={t('construction.awaitingTitle')} hint={t('construction.awaitingHint')}>
				<DataTable
					data-testid="awaiting-beds"
					empty={t('construction.noneAwaiting')}
					columns={[
						{ header: t('construction.bed'), cell: (b) => b.label, rowHeader: true },
						{ header: t('construction.bedType'), cell: (b) => t(`types.${b.type}`) },
						{ header: t('construction.createdOn'), cell: (b) => b.createdOn },
					]}
					rows={awaiting}
					rowKey={(b) => b.id}
				/>
			</CardSection>
			<CardSection title={t('construction.applyTitle')}>
				{applied ? <Notice>{t('construction.applied')} <Money fen={applied.totalFen} /></Notice> : null}
				{accepted.length === 0 ? (
					<p className="empty">{t('construction.noneAccepted')}</p>
				) : (
					<ActionForm form={form} className="grid-form">
						<fieldset className="checks">
							<legend>{t('construction.chooseBeds')}</legend>
							{accepted.map((b) => (
								<label key={b.id} className="check">
									<input type="checkbox" name="bedIds" value={b.id} defaultChecked />
									{b.label} · {t(`types.${b.type}`)} · {t('construction.inspectedOn')} {b.inspectedOn} · <Money fen={b.amountFen} />
								</label>
							))}
						</fieldset>
						<ErrorList id="apply-bedIds-error" errors={fields.bedIds.errors} />
						<FormSubmit form={form} label={t('construction.apply')} disabled={busy} />
					</ActionForm>
				)}
			</CardSection>
			<section className="card">
				<Acceptances rows={acceptances} />
			</section>
			<CardSection title={t('construction.applicationsTitle')}>
				<DataTable
					data-testid="applications"
					empty={t('construction.noApplications')}
					columns={[
						{ header: t('construction.submittedAt'), cell: (a) => a.submittedAt.slice(0, 10) },
						{ header: t('construction.beds'), cell: (a) => a.bedLabels ?? a.bedCount },
						{ header: t('construction.amount'), cell: (a) => <Money fen={a.totalFen} />, numeric: true },
						{ header: t('construction.status'), cell: (a) => t(`construction.statuses.${a.status}`), testId: 'application-status' },
						{ header: t('construction.note'), cell: (a) => a.decisionNote ?? a.reviewNote ?? '' },
						{ header: t('construction.paidOn'), cell: (a) => a.paidOn ?? '' },
					]}
					rows={applications}
					rowKey={(a) => a.id}
				/>
			</CardSection>
			<p>
				<Link to="/institution">{t('facts.back')}</Link>
			</p>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
