// Capability assessment (老年人能力评估) of one elder, phone-first: an assessor of a registered
// organisation (or a community officer the bureau allows) scores the 26 items, grouped by the four
// first-level indicators; the level is computed on the server. A family, or the institution the elder
// lives in, asks for a re-assessment here. Everyone allowed sees the history.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ElderPageHead } from '~/components/elder-page-head.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyValue, SelectField, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { TitledTable } from '~/components/titled-table.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp, invariantResponse, requireId } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { assessmentsOf, elderToAssess, mayRequest, recordAssessment, requestReassessment, scaleOn } from '~/modules/assessment/assessments.server.ts'
import { INDICATORS, scoreField } from '~/modules/assessment/scale.ts'
import { getElder } from '~/modules/elders/elders.server.ts'
import { assessmentSchema, reassessmentRequestSchema } from '~/modules/statuses/schemas.ts'

async function access(request: Request, elderId: string) {
	const user = await requireUser(request)
	if (user.role === 'assessor' || user.role === 'community_officer') {
		const found = await elderToAssess(user, elderId)
		invariantResponse(found, 'Not found', { status: 404 })
		if (typeof found.as !== 'string') return { user, elder: found.elder, mode: 'assess' as const }
		// An assessor outside their organisation's area learns nothing of the elder.
		invariantResponse(user.role === 'community_officer', 'This elder is outside your assessment organisation’s area.', { status: 403 })
	}
	if ((user.role === 'family' || user.role === 'provider_staff') && (await mayRequest(user, elderId))) {
		const elder = await elderToAssess(user, elderId)
		return { user, elder: elder!.elder, mode: 'request' as const }
	}
	const elder = await getElder(user, elderId)
	invariantResponse(elder, 'Not found', { status: 404 })
	return { user, elder, mode: 'view' as const }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { elder, mode } = await access(request, requireId(params, 'elderId'))
	const today = shanghaiDate()
	const scale = mode === 'assess' ? await scaleOn(today) : null
	return { elder: { id: elder.id, name: elder.name }, mode, today, scale, ...(await assessmentsOf(elder.id, today)) }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const elderId = requireId(params, 'elderId')
	const { user, mode } = await access(request, elderId)
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	if (formData.get('intent') === 'request') {
		invariantResponse(mode === 'request', 'Forbidden', { status: 403 })
		return answerForm(formData, reassessmentRequestSchema, (value) => requestReassessment(user, elderId, value.reason, ip), { form: 'request' })
	}
	return answerForm(formData, assessmentSchema, (value) => recordAssessment(user, elderId, value, (name) => formData.get(name), ip), { form: 'assess' })
}

export default function Assessment() {
	const { elder, mode, scale, today, assessments, openRequest } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('statuses')
	const saved = replyValue<{ level: string; total: number }>(reply, 'assess')
	const requested = replyValue<{ id: string }>(reply, 'request')
	return (
		<section className="card assessment">
			<ElderPageHead title={t('assessment.title', { name: elder.name })} elderId={elder.id} />
			{saved ? <Notice data-testid="assessment-saved">{t('assessment.saved', { total: saved.total, level: t(`levels.${saved.level}`) })}</Notice> : null}
			{openRequest ? <p className="notice">{t('assessment.openRequest', { reason: openRequest.reason, by: openRequest.requestedBy })}</p> : null}
			{mode === 'assess' && scale ? <AssessForm scale={scale} today={today} reply={reply} zh={i18n.language === 'zh-CN'} /> : null}
			{mode === 'request' && !openRequest ? <RequestForm reply={reply} /> : null}
			{requested ? <Notice>{t('assessment.requested')}</Notice> : null}
			<TitledTable
				title={t('assessment.history')}
				empty={t('assessment.empty')}
				columns={[
					{ header: t('fields.assessedOn'), cell: (a) => a.assessedOn },
					{ header: t('assessment.level'), cell: (a) => t(`levels.${a.level}`) },
					{ header: t('assessment.total'), cell: (a) => (a.total ?? (a.source === 'migrated' ? t('assessment.migrated') : '—')) },
					{ header: t('assessment.validUntil'), cell: (a) => a.validUntil },
					{ header: t('assessment.assessor'), cell: (a) => [a.assessor, a.org].filter(Boolean).join(' · ') || '—' },
					{ header: t('assessment.inForce'), cell: (a) => (a.inForce ? '✓' : '') },
				]}
				rows={assessments}
				rowKey={(a) => a.id}
				rowProps={(a) => ({ 'data-level': a.level })}
			/>
		</section>
	)
}

type ScaleData = { version: number; table: { items: { id: string; indicator: string; zh: string; en: string; max: number }[] } }

function AssessForm({ scale, today, reply, zh }: { scale: ScaleData; today: string; reply: unknown; zh: boolean }) {
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<string>('assess', reply)
	const errorsOf = (name: string) => (fields as Record<string, { errors?: string[] } | undefined>)[name]?.errors
	return (
		<ActionForm form={form} intent="assess" className="grid-form">
			<p>{t('assessment.intro', { version: scale.version })}</p>
			<Field label={t('fields.assessedOn')} errors={errorsOf('assessedOn') ?? errorsOf('elderId')} inputProps={{ id: 'assessedOn', name: 'assessedOn', type: 'date', required: true, defaultValue: today, max: today }} />
			{INDICATORS.map((indicator) => (
				<fieldset key={indicator} data-indicator={indicator}>
					<legend>{t(`indicators.${indicator}`)}</legend>
					{scale.table.items
						.filter((item) => item.indicator === indicator)
						.map((item) => (
							<SelectField
								key={item.id}
								label={t('fields.score', { item: zh ? item.zh : item.en, max: item.max })}
								errors={errorsOf(scoreField(item.id))}
								selectProps={{ id: scoreField(item.id), name: scoreField(item.id), required: true }}
								placeholder={t('common:common.choose')}
								options={Array.from({ length: item.max + 1 }, (_, i) => ({ value: String(i), label: String(i) }))}
							/>
						))}
				</fieldset>
			))}
			<div className="field">
				<label>
					<input type="checkbox" name="coma" id="coma" /> {t('fields.coma')}
				</label>
			</div>
			<div className="field">
				<label>
					<input type="checkbox" name="diagnosis" id="diagnosis" /> {t('fields.diagnosis')}
				</label>
			</div>
			<Field label={t('fields.riskEvents')} errors={errorsOf('riskEvents')} inputProps={{ id: 'riskEvents', name: 'riskEvents', inputMode: 'numeric', defaultValue: '0', maxLength: 2 }} />
			<Field label={t('fields.validMonths')} errors={errorsOf('validMonths')} inputProps={{ id: 'validMonths', name: 'validMonths', inputMode: 'numeric', defaultValue: '12', maxLength: 2 }} />
			<TextareaField label={t('fields.note')} errors={errorsOf('note')} textareaProps={{ id: 'assessment-note', name: 'note', maxLength: 500 }} />
			<FormSubmit form={form} label={t('assessment.save')} />
		</ActionForm>
	)
}

function RequestForm({ reply }: { reply: unknown }) {
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<'reason'>('request', reply)
	return (
		<ActionForm form={form} intent="request" className="grid-form">
			<h2>{t('assessment.request')}</h2>
			<TextareaField label={t('fields.reason')} errors={fields.reason.errors} textareaProps={{ id: 'request-reason', name: 'reason', required: true, maxLength: 500 }} />
			<FormSubmit form={form} label={t('assessment.requestSave')} className="button" />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
