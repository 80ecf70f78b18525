import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Findings, InspectionList } from '~/components/findings.tsx'
import { ActionForm, ErrorList, Field, FormErrors, OrphanReplyErrors, replyDone, replyFor, SelectField, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { ItemDecisionForm } from '~/components/item-decision.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { FINDING_ROWS, findingDecisionSchema, INSPECTION_KINDS, inspectionSchema, SEVERITIES } from '~/modules/institutions/inspection-schemas.ts'
import { decideFinding, inspectionsForOfficer, recordInspection } from '~/modules/institutions/inspections.server.ts'
import { readPhotos } from '~/modules/institutions/photos.server.ts'
import { uuidParam } from '~/lib/query.ts'

// The bureau's side of inspections (issue 14 item 7): district officers inspect their district's
// institutions, record findings with deadlines, and close or reopen answered findings; city officers
// (and administrators) read the whole city. Overdue findings are listed first.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const providerId = uuidParam(new URL(request.url).searchParams, 'provider')
	const today = shanghaiDate()
	return { today, ...(await inspectionsForOfficer(user, { providerId }, today)) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_district'])
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const ip = clientIp(request)
	const today = shanghaiDate()
	if (form === 'inspect') {
		const parsed = parseForm(formData, inspectionSchema(today), { form, hideFields: ['photos'] })
		if (!parsed.ok) return parsed.response
		const photos = await readPhotos(formData)
		if (!photos.ok) return replyFailure(parsed, photos)
		return replyOutcome(parsed, await recordInspection(user, { ...parsed.value, photos: photos.value }, ip, today))
	}
	const parsed = parseForm(formData, findingDecisionSchema, { form: form.startsWith('decide-') ? form : 'decide' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await decideFinding(user, parsed.value, ip))
}

export default function BureauInspections() {
	const { institutions, overdue, selected, limitDays } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const answered = selected?.findings.filter((f) => f.status === 'answered') ?? []
	return (
		<>
			<section className="card">
				<h1>{t('inspections.bureauTitle')}</h1>
				<p className="lead">{t('inspections.bureauLead')}</p>
				<p className="hint">{t('inspections.limitHint', { days: limitDays })}</p>
				{replyDone(reply) && !replyDone(reply, 'inspect') ? <Notice>{t('inspections.decided')}</Notice> : null}
				<OrphanReplyErrors reply={reply} formIds={['inspect', ...answered.map((f) => `decide-${f.id}`)]} />
			</section>
			<CardSection title={t('inspections.overdueTitle')}>
				<Findings rows={overdue} showProvider empty={t('inspections.noOverdue')} />
			</CardSection>
			<CardSection title={t('inspections.institutionsTitle')}>
				<DataTable
					data-testid="inspection-institutions"
					empty={t('inspections.noInstitutions')}
					columns={[
						{ header: t('inspections.institution'), cell: (i) => <Link to={`?provider=${i.id}`}>{i.name}</Link>, rowHeader: true },
						{ header: t('inspections.notClosed'), cell: (i) => i.notClosed, numeric: true },
						{ header: t('inspections.answeredCol'), cell: (i) => i.answered, numeric: true },
						{ header: t('inspections.overdue'), cell: (i) => i.overdue, numeric: true },
						{ header: t('inspections.stoppedCol'), cell: (i) => (i.stopped ? t('inspections.yes') : t('inspections.no')) },
					]}
					rows={institutions}
					rowKey={(i) => i.id}
				/>
			</CardSection>
			{selected ? (
				<CardSection title={t('inspections.findingsOf', { name: selected.name })}>
					{selected.mayInspect ? <InspectionForm /> : <p className="hint">{t('inspections.districtInspects')}</p>}
					<Findings rows={selected.findings} empty={t('inspections.noFindings')} render={(f) => (f.status === 'answered' && selected.mayInspect ? <ItemDecisionForm id={`decide-${f.id}`} hidden={{ findingId: f.id }} reason={{ name: 'reason', label: t('inspections.reasonLabel'), hint: t('inspections.reasonHint') }} choices={[{ value: 'close', label: t('inspections.close') }, { value: 'reopen', label: t('inspections.reopen'), tone: 'secondary' }]} /> : null)} />
					<h3>{t('inspections.inspectionsTitle')}</h3>
					<InspectionList rows={selected.inspections} />
				</CardSection>
			) : null}
		</>
	)
}

function InspectionForm() {
	const { selected, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const busy = useNavigation().state !== 'idle'
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'inspectedOn' | 'kinds' | 'note' | 'providerId' | 'photos'>('inspect', reply)
	const errors = replyFor(reply, 'inspect')?.error ?? {}
	if (!selected) return null
	return (
		<ActionForm form={form} className="grid-form" encType="multipart/form-data">
			<h3>{t('inspections.recordTitle', { name: selected.name })}</h3>
			<input type="hidden" name="providerId" value={selected.id} />
			<Field label={t('inspections.inspectedOn')} errors={fields.inspectedOn.errors} inputProps={{ id: 'inspect-inspectedOn', name: 'inspectedOn', type: 'date', defaultValue: today, max: today, required: true }} />
			<fieldset className="checks">
				<legend>{t('inspections.kindsLegend')}</legend>
				{INSPECTION_KINDS.map((k) => (
					<label key={k}>
						<input type="checkbox" name="kinds" value={k} /> {t(`inspections.kinds.${k}`)}
					</label>
				))}
			</fieldset>
			<ErrorList id="inspect-kinds-error" errors={fields.kinds.errors} />
			<TextareaField label={t('inspections.note')} errors={fields.note.errors} textareaProps={{ name: 'note', id: 'inspect-note', maxLength: 1000 }} />
			{Array.from({ length: FINDING_ROWS }, (_, i) => (
				<fieldset key={i} className="grid-form" data-testid="finding-row">
					<legend>{t('inspections.findingLegend', { n: i + 1 })}</legend>
					<SelectField
						label={t('inspections.category')}
						errors={errors[`findings[${i}].category`]}
						selectProps={{ id: `inspect-f${i}-category`, name: `findings[${i}].category` }}
						options={INSPECTION_KINDS.map((k) => ({ value: k, label: t(`inspections.kinds.${k}`) }))}
					/>
					<SelectField
						label={t('inspections.severity')}
						errors={errors[`findings[${i}].severity`]}
						selectProps={{ id: `inspect-f${i}-severity`, name: `findings[${i}].severity` }}
						options={SEVERITIES.map((s) => ({ value: s, label: t(`inspections.severities.${s}`) }))}
					/>
					<TextareaField label={t('inspections.description')} errors={errors[`findings[${i}].description`]} textareaProps={{ id: `inspect-f${i}-description`, name: `findings[${i}].description`, maxLength: 500, rows: 2 }} />
					<Field label={t('inspections.deadline')} errors={errors[`findings[${i}].deadline`]} inputProps={{ id: `inspect-f${i}-deadline`, name: `findings[${i}].deadline`, type: 'date', min: today }} />
				</fieldset>
			))}
			<Field label={t('inspections.photos')} hint={t('construction.photosHint')} errors={fields.photos.errors} inputProps={{ id: 'inspect-photos', name: 'photos', type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true }} />
			<FormErrors form={form} errors={fields.providerId.errors} />
			{replyDone(reply, 'inspect') ? <Notice>{t('inspections.recorded')}</Notice> : null}
			<button type="submit" className="button big" disabled={busy}>
				{t('inspections.record')}
			</button>
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
