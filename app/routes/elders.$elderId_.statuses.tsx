// Statuses (身份类别) of one elder: officers in scope record a dated status with its evidence, and end
// one (never delete). Families read them on the elder's page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ElderPageHead } from '~/components/elder-page-head.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyDone, SelectField, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { getElder } from '~/modules/elders/elders.server.ts'
import { endStatus, recordStatus, statusesOf } from '~/modules/statuses/records.server.ts'
import { endStatusSchema, recordStatusSchema, STATUS_KINDS } from '~/modules/statuses/schemas.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const elder = notFoundUnless(await getElder(user, requireId(params, 'elderId')))
	return { elder: { id: elder.id, name: elder.name }, statuses: await statusesOf(user, elder.id), today: shanghaiDate() }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const elderId = requireId(params, 'elderId')
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	if (formData.get('intent') === 'end') {
		return answerForm(formData, endStatusSchema, (value) => endStatus(user, elderId, value, ip), { form: `end-${String(formData.get('statusId') ?? '')}` })
	}
	return answerForm(formData, recordStatusSchema, (value) => recordStatus(user, elderId, value, ip), { form: 'record' })
}

export default function ElderStatuses() {
	const { elder, statuses, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<'kind' | 'validFrom' | 'validUntil' | 'reviewOn' | 'source' | 'disabilityGrade' | 'supportMode' | 'note'>('record', reply)
	return (
		<section className="card">
			<ElderPageHead title={t('statuses.title', { name: elder.name })} elderId={elder.id} />
			{replyDone(reply, 'record') ? <Notice>{t('statuses.saved')}</Notice> : null}
			<h2>{t('statuses.record')}</h2>
			<ActionForm form={form} intent="record" className="grid-form">
				<SelectField label={t('fields.kind')} errors={fields.kind.errors} selectProps={{ id: 'status-kind', name: 'kind', required: true }} placeholder={t('common:common.choose')} options={STATUS_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))} />
				<Field label={t('fields.validFrom')} errors={fields.validFrom.errors} inputProps={{ id: 'status-from', name: 'validFrom', type: 'date', required: true, defaultValue: today }} />
				<Field label={t('fields.validUntil')} errors={fields.validUntil.errors} inputProps={{ id: 'status-until', name: 'validUntil', type: 'date' }} />
				<Field label={t('fields.reviewOn')} errors={fields.reviewOn.errors} inputProps={{ id: 'status-review', name: 'reviewOn', type: 'date' }} />
				<Field label={t('fields.source')} errors={fields.source.errors} inputProps={{ id: 'status-source', name: 'source', required: true, maxLength: 120 }} />
				<Field label={t('fields.disabilityGrade')} errors={fields.disabilityGrade.errors} inputProps={{ id: 'status-grade', name: 'disabilityGrade', inputMode: 'numeric', maxLength: 1 }} />
				<SelectField
					label={t('fields.supportMode')}
					errors={fields.supportMode.errors}
					selectProps={{ id: 'status-support', name: 'supportMode' }}
					placeholder={t('supportModes.none')}
					options={(['concentrated', 'dispersed'] as const).map((m) => ({ value: m, label: t(`supportModes.${m}`) }))}
				/>
				<TextareaField label={t('fields.note')} errors={fields.note.errors} textareaProps={{ id: 'status-note', name: 'note', maxLength: 500 }} />
				<FormSubmit form={form} label={t('statuses.save')} />
			</ActionForm>
			<h2>{t('statuses.history')}</h2>
			<DataTable
				caption={t('statuses.history')}
				empty={t('statuses.empty')}
				columns={[
					{ header: t('fields.kind'), cell: (s) => `${t(`kinds.${s.kind}`)}${s.disabilityGrade ? `（${t('statuses.grade', { grade: s.disabilityGrade })}）` : ''}${s.supportMode ? `（${t(`supportModes.${s.supportMode}`)}）` : ''}` },
					{ header: t('fields.validFrom'), cell: (s) => s.validFrom },
					{ header: t('fields.validUntil'), cell: (s) => s.validUntil ?? '—' },
					{ header: t('fields.reviewOn'), cell: (s) => s.reviewOn ?? '—' },
					{ header: t('fields.source'), cell: (s) => s.source ?? '—' },
					{ header: t('statuses.by'), cell: (s) => s.recordedBy ?? '—' },
					{ header: t('statuses.inForce'), cell: (s) => (s.inForce ? t('statuses.inForce') : t('statuses.notInForce')) },
					{ header: t('statuses.end'), cell: (s) => (s.endedAt ? `${s.endReason ?? ''}（${s.endedBy ?? ''}）` : <EndForm statusId={s.id} reply={reply} today={today} />) },
				]}
				rows={statuses}
				rowKey={(s) => s.id}
				rowProps={(s) => ({ 'data-kind': s.kind })}
			/>
		</section>
	)
}

function EndForm({ statusId, reply, today }: { statusId: string; reply: unknown; today: string }) {
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<'endOn' | 'reason' | 'statusId'>(`end-${statusId}`, reply)
	return (
		<ActionForm form={form} intent="end">
			<input type="hidden" name="statusId" value={statusId} />
			<Field label={t('fields.endOn')} errors={fields.endOn.errors ?? fields.statusId.errors} inputProps={{ name: 'endOn', type: 'date', required: true, defaultValue: today }} />
			<Field label={t('fields.reason')} errors={fields.reason.errors} inputProps={{ name: 'reason', required: true, maxLength: 500 }} />
			<FormSubmit form={form} label={t('statuses.end')} className="button secondary" />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
