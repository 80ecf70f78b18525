import { getInputProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Notice } from '~/components/notice.tsx'
import { ActionForm, ErrorList, Field, FormErrors, OrphanReplyErrors, replyDone, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { constructionForOfficer, decideConstruction, recordAcceptance, reviewConstruction } from '~/modules/institutions/construction.server.ts'
import { readPhotos } from '~/modules/institutions/photos.server.ts'
import { acceptanceSchema, approveSchema, reviewSchema } from '~/modules/institutions/schemas.ts'
import { Acceptances } from '~/components/acceptances.tsx'
import { ItemDecisionForm } from '~/components/item-decision.tsx'
import { uuidParam } from '~/lib/query.ts'

// The bureau's side of the construction subsidy (建设补贴, issue 14 item 3): district officers record
// the acceptance inspection of new beds and review applications; city officers approve them (and
// see and export what was paid). District officers see their district, city officers all.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const providerId = uuidParam(new URL(request.url).searchParams, 'provider')
	return { role: user.role, today: shanghaiDate(), ...(await constructionForOfficer(user, { providerId })) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_district', 'bureau_city'])
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const ip = clientIp(request)
	if (form === 'accept') {
		const parsed = parseForm(formData, acceptanceSchema(shanghaiDate()), { form, hideFields: ['photos'] })
		if (!parsed.ok) return parsed.response
		const photos = await readPhotos(formData)
		if (!photos.ok) return replyFailure(parsed, photos)
		return replyOutcome(parsed, await recordAcceptance(user, { ...parsed.value, photos: photos.value }, ip))
	}
	if (form.startsWith('review-')) {
		const parsed = parseForm(formData, reviewSchema, { form })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await reviewConstruction(user, parsed.value, ip))
	}
	// Approving public money is a sensitive act: the password or a code again after five minutes.
	await requireRecentAuth(request, user, '/bureau/construction')
	const parsed = parseForm(formData, approveSchema, { form: form.startsWith('approve-') ? form : 'approve' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await decideConstruction(user, parsed.value, ip))
}

type Application = Awaited<ReturnType<typeof loader>>['submitted'][number]

export default function BureauConstruction() {
	const { role, institutions, selected, submitted, reviewed, decided, paid } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const done = reply && (reply as { ok?: boolean }).ok
	return (
		<>
			<section className="card">
				<h1>{t('construction.bureauTitle')}</h1>
				<p className="lead">{t('construction.bureauLead')}</p>
				<Facts
					items={[
						[t('construction.paidBeds'), paid.beds, { 'data-testid': 'paid-beds' }],
						[t('construction.paidTotal'), <Money key="paid" fen={paid.totalFen} />, { 'data-testid': 'paid-total' }],
					]}
				/>
				<p className="title-row">
					<a className="button secondary" href="/bureau/construction.csv" download>
						{t('construction.export')}
					</a>
					<Link className="button secondary" to="/bureau/institution-settings">
						{t('settings.link')}
					</Link>
				</p>
				{done ? <Notice>{t('construction.done')}</Notice> : null}
				<OrphanReplyErrors reply={reply} formIds={['accept', ...submitted.map((a) => `review-${a.id}`), ...reviewed.map((a) => `approve-${a.id}`)]} />
			</section>
			<CardSection title={t('construction.inspectionTitle')}>
				<DataTable
					empty={t('construction.noInstitutionsAwaiting')}
					columns={[
						{ header: t('construction.institution'), cell: (i) => <Link to={`?provider=${i.id}`}>{i.name}</Link>, rowHeader: true },
						{ header: t('construction.awaitingCount'), cell: (i) => i.awaiting, numeric: true },
					]}
					rows={institutions}
					rowKey={(i) => i.id}
				/>
				{selected && role !== 'admin' ? <AcceptanceForm /> : selected ? <Acceptances rows={selected.acceptances} /> : null}
			</CardSection>
			<CardSection title={t('construction.reviewTitle')}>
				<Applications rows={submitted} render={(a) => (role === 'bureau_district' ? <ItemDecisionForm id={`review-${a.id}`} hidden={{ applicationId: a.id }} reason={{ name: 'note', label: t('construction.reviewNote'), hint: t('construction.reasonHint') }} choices={[{ value: 'pass', label: t('construction.pass') }, { value: 'reject', label: t('construction.reject'), tone: 'secondary' }]} /> : <p className="hint">{t('construction.districtReviews')}</p>)} empty={t('construction.noneToReview')} />
			</CardSection>
			<CardSection title={t('construction.approveTitle')}>
				<Applications rows={reviewed} render={(a) => (role === 'bureau_city' ? <ItemDecisionForm id={`approve-${a.id}`} hidden={{ applicationId: a.id }} reason={{ name: 'note', label: t('construction.decisionNote'), hint: t('construction.reasonHint') }} choices={[{ value: 'approve', label: t('construction.approve') }, { value: 'reject', label: t('construction.reject'), tone: 'secondary' }]} /> : <p className="hint">{t('construction.cityApproves')}</p>)} empty={t('construction.noneToApprove')} />
			</CardSection>
			<CardSection title={t('construction.decidedTitle')}>
				<Applications rows={decided} empty={t('construction.noneDecided')} />
			</CardSection>
		</>
	)
}

function Applications({ rows, render, empty }: { rows: Application[]; render?: (a: Application) => React.ReactNode; empty: string }) {
	const { t } = useTranslation('beds')
	if (!rows.length) return <p className="empty">{empty}</p>
	return (
		<ul className="cards">
			{rows.map((a) => (
				<li key={a.id} className="card" data-testid="construction-application">
					<h3>{a.providerName}</h3>
					<Facts
						items={[
							[t('construction.beds'), a.bedLabels ?? a.bedCount],
							[t('construction.amount'), <Money key="amount" fen={a.totalFen} />],
							[t('construction.submittedBy'), `${a.submittedBy ?? ''} · ${a.submittedAt.slice(0, 10)}`],
							a.reviewedBy ? [t('construction.reviewedBy'), `${a.reviewedBy} · ${a.reviewedAt?.slice(0, 10) ?? ''}${a.reviewNote ? ` · ${a.reviewNote}` : ''}`] : null,
							a.decidedBy ? [t('construction.decidedBy'), `${a.decidedBy}${a.decisionNote ? ` · ${a.decisionNote}` : ''}`] : null,
							[t('construction.status'), t(`construction.statuses.${a.status}`), { 'data-testid': 'application-status' }],
							a.paidOn ? [t('construction.paidOn'), a.paidOn] : null,
						]}
					/>
					{render ? render(a) : null}
				</li>
			))}
		</ul>
	)
}

function AcceptanceForm() {
	const { selected, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const busy = useNavigation().state !== 'idle'
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'inspectedOn' | 'bedIds' | 'note' | 'providerId' | 'photos'>('accept', reply)
	if (!selected) return null
	return (
		<>
			<ActionForm form={form} className="grid-form" encType="multipart/form-data">
				<h3>{t('construction.inspect', { name: selected.name })}</h3>
				<input type="hidden" name="providerId" value={selected.id} />
				<Field label={t('construction.inspectedOn')} errors={fields.inspectedOn.errors} inputProps={{ ...getInputProps(fields.inspectedOn, { type: 'date' }), defaultValue: today, max: today }} />
				<fieldset className="checks">
					<legend>{t('construction.passedBeds')}</legend>
					{selected.beds.map((b) => (
						<label key={b.id}>
							<input type="checkbox" name="bedIds" value={b.id} disabled={b.status === 'out_of_service'} />
							{b.label} · {t(`types.${b.type}`)}
							{b.status === 'out_of_service' ? ` · ${t('statuses.out_of_service')}` : ''}
						</label>
					))}
				</fieldset>
				<ErrorList id="accept-bedIds-error" errors={fields.bedIds.errors} />
				<TextareaField label={t('construction.inspectionNote')} errors={fields.note.errors} textareaProps={{ name: 'note', id: 'accept-note', maxLength: 500 }} />
				<Field label={t('construction.photos')} hint={t('construction.photosHint')} errors={fields.photos.errors} inputProps={{ id: 'accept-photos', name: 'photos', type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true }} />
				<FormErrors form={form} />
				{replyDone(reply, 'accept') ? <Notice>{t('construction.accepted')}</Notice> : null}
				<button type="submit" className="button big" disabled={busy}>
					{t('construction.recordInspection')}
				</button>
			</ActionForm>
			<Acceptances rows={selected.acceptances} />
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
