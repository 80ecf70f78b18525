import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Findings, InspectionList } from '~/components/findings.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, OrphanReplyErrors, replyDone, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { formIdOf, parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { answerSchema } from '~/modules/institutions/inspection-schemas.ts'
import { answerFinding, inspectionsForInstitution } from '~/modules/institutions/inspections.server.ts'
import { readPhotos } from '~/modules/institutions/photos.server.ts'

// The institution's side of inspections (issue 14 item 7): its findings, open first, each answered
// with the rectification (and optional photos); its inspections; whether admissions are stopped.
export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return { name: staff.providerName, ...(await inspectionsForInstitution(staff, shanghaiDate())) }
}

export async function action({ request }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const parsed = parseForm(formData, answerSchema, { form: form.startsWith('answer-') ? form : 'answer', hideFields: ['photos'] })
	if (!parsed.ok) return parsed.response
	const photos = await readPhotos(formData)
	if (!photos.ok) return replyFailure(parsed, photos)
	return replyOutcome(parsed, await answerFinding(staff, { ...parsed.value, photos: photos.value }, clientIp(request), shanghaiDate()))
}

export default function InstitutionInspections() {
	const { name, findings, inspections, stopped, limitDays } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const answerable = findings.filter((f) => f.status === 'open' || f.status === 'reopened')
	return (
		<>
			<section className="card">
				<h1>{t('inspections.title', { name })}</h1>
				<p className="lead">{t('inspections.lead')}</p>
				{stopped ? (
					<p className="notice error" role="alert" data-testid="admissions-stopped">
						{t('inspections.stopped', { days: limitDays })}
					</p>
				) : (
					<p className="hint">{t('inspections.limitHint', { days: limitDays })}</p>
				)}
				{replyDone(reply) ? <Notice>{t('inspections.answered')}</Notice> : null}
				<OrphanReplyErrors reply={reply} formIds={answerable.map((f) => `answer-${f.id}`)} />
			</section>
			<CardSection title={t('inspections.findingsTitle')}>
				<Findings rows={findings} empty={t('inspections.noFindings')} render={(f) => (f.status === 'open' || f.status === 'reopened' ? <AnswerForm id={f.id} /> : null)} />
			</CardSection>
			<CardSection title={t('inspections.inspectionsTitle')}>
				<InspectionList rows={inspections} />
			</CardSection>
		</>
	)
}

function AnswerForm({ id }: { id: string }) {
	const reply = useActionData<typeof action>()
	const busy = useNavigation().state !== 'idle'
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'rectification' | 'photos' | 'findingId'>(`answer-${id}`, reply)
	return (
		<ActionForm form={form} className="grid-form" encType="multipart/form-data">
			<input type="hidden" name="findingId" value={id} />
			<TextareaField
				label={t('inspections.rectification')}
				hint={t('inspections.rectificationHint')}
				errors={fields.rectification.errors}
				textareaProps={{ id: `answer-${id}-rectification`, name: 'rectification', required: true, maxLength: 1000 }}
			/>
			<Field label={t('inspections.photos')} hint={t('inspections.photoHint')} errors={fields.photos.errors} inputProps={{ id: `answer-${id}-photos`, name: 'photos', type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true }} />
			<FormSubmit form={form} errors={fields.findingId.errors} label={t('inspections.answer')} className="button" disabled={busy} />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
