import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { Facts } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { invariantResponse } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { admitElder, currentResidents, dischargeElder, transferElder, vacantBeds } from '~/modules/beds/admissions.server.ts'
import { admitSchema, dischargeSchema, END_REASONS, transferSchema } from '~/modules/beds/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const [residents, beds] = await Promise.all([currentResidents(staff), vacantBeds(staff)])
	const url = new URL(request.url)
	return { residents, beds, today: shanghaiDate(), stayRequestId: url.searchParams.get('request') }
}

export async function action({ request }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const formData = await readProtectedForm(request)
	const intent = String(formData.get('intent'))
	const today = shanghaiDate()
	if (intent === 'admit') {
		const parsed = parseForm(formData, admitSchema(today), { form: 'admit' })
		return parsed.ok ? replyOutcome(parsed, await admitElder(staff, parsed.value)) : parsed.response
	}
	const form = `${intent}-${formData.get('admissionId')}`
	if (intent === 'transfer') {
		const parsed = parseForm(formData, transferSchema(today), { form })
		return parsed.ok ? replyOutcome(parsed, await transferElder(staff, parsed.value)) : parsed.response
	}
	invariantResponse(intent === 'discharge', 'Unknown action')
	const parsed = parseForm(formData, dischargeSchema(today), { form })
	return parsed.ok ? replyOutcome(parsed, await dischargeElder(staff, parsed.value)) : parsed.response
}

export default function AdmissionsPage() {
	const { residents, beds, today, stayRequestId } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [admit, admitFields] = useReplyForm<'idNumber' | 'bedId' | 'admittedOn' | 'stayRequestId'>('admit', reply)
	const done = reply && replyDone(reply) ? String(reply.form).split('-')[0] : null
	const vacant = beds.filter((b) => b.status === 'vacant' || (stayRequestId && b.reservedForId === stayRequestId))
	const bedOptions = vacant.map((b) => ({ value: b.id, label: `${b.label} · ${t(`types.${b.type}`)}${b.status === 'reserved' ? ` · ${t('statuses.reserved')}` : ''}` }))
	return (
		<>
			<section className="card">
				<h1>{t('admissions.title')}</h1>
				{done ? <Notice>{t(`admissions.done.${done}`)}</Notice> : null}
				<h2>{t('admissions.admit')}</h2>
				<p className="hint">{t('admissions.admitHint')}</p>
				<ActionForm form={admit} intent="admit" className="grid-form">
					{stayRequestId ? <input type="hidden" name="stayRequestId" value={stayRequestId} /> : null}
					<Field label={t('fields.idNumber')} errors={admitFields.idNumber.errors} inputProps={{ name: 'idNumber', type: 'text', autoComplete: 'off', maxLength: 18, className: 'mono', required: true }} />
					<SelectField label={t('fields.bed')} errors={admitFields.bedId.errors ?? admitFields.stayRequestId.errors} selectProps={{ name: 'bedId', required: true }} placeholder={t('common.choose')} options={bedOptions} />
					<Field label={t('fields.admittedOn')} errors={admitFields.admittedOn.errors} inputProps={{ name: 'admittedOn', type: 'date', defaultValue: today, max: today, required: true }} />
					<FormErrors form={admit} />
					<button type="submit" className="button big">{t('admissions.admitButton')}</button>
				</ActionForm>
			</section>
			<CardSection title={t('admissions.residents', { count: residents.length })}>
				<OrphanReplyErrors reply={reply} formIds={['admit', ...residents.flatMap((r) => [`transfer-${r.admissionId}`, `discharge-${r.admissionId}`])]} />
				<Cards items={residents} empty={t('admissions.none')} itemKey={(r) => r.admissionId} itemProps={(r) => ({ 'data-resident': r.elderName })}>
					{(r) => (
						<>
							<h3>{r.elderName}</h3>
							<Facts
								items={[
									[t('fields.idNumber'), r.idNumberMasked, { className: 'mono' }],
									[t('fields.bed'), `${r.bedLabel} · ${t(`types.${r.bedType}`)}`],
									[t('fields.admittedOn'), r.admittedOn],
								]}
							/>
							<ResidentForms resident={r} bedOptions={bedOptions} today={today} reply={reply} />
						</>
					)}
				</Cards>
			</CardSection>
		</>
	)
}

function ResidentForms({ resident: r, bedOptions, today, reply }: { resident: { admissionId: string; elderName: string }; bedOptions: { value: string; label: string }[]; today: string; reply: unknown }) {
	const { t } = useTranslation('beds')
	const [transfer, transferFields] = useReplyForm<'bedId' | 'on' | 'admissionId'>(`transfer-${r.admissionId}`, reply)
	const [discharge, dischargeFields] = useReplyForm<'on' | 'reason' | 'note' | 'admissionId'>(`discharge-${r.admissionId}`, reply)
	return (
		<>
			<details open={Boolean(transfer.errors?.length || transferFields.admissionId.errors || transferFields.bedId.errors || transferFields.on.errors)}>
				<summary>{t('admissions.transfer', { name: r.elderName })}</summary>
				<ActionForm form={transfer} intent="transfer">
					<input type="hidden" name="admissionId" value={r.admissionId} />
					<SelectField label={t('fields.newBed')} errors={transferFields.bedId.errors} selectProps={{ name: 'bedId', required: true }} placeholder={t('common.choose')} options={bedOptions} />
					<Field label={t('fields.transferOn')} errors={transferFields.on.errors} inputProps={{ name: 'on', type: 'date', defaultValue: today, max: today, required: true }} />
					<FormErrors form={transfer} errors={transferFields.admissionId.errors} />
					<button type="submit" className="button">{t('admissions.transferButton')}</button>
				</ActionForm>
			</details>
			<details open={Boolean(discharge.errors?.length || dischargeFields.admissionId.errors || dischargeFields.on.errors || dischargeFields.reason.errors || dischargeFields.note.errors)}>
				<summary>{t('admissions.discharge', { name: r.elderName })}</summary>
				<ActionForm form={discharge} intent="discharge">
					<input type="hidden" name="admissionId" value={r.admissionId} />
					<Field label={t('fields.dischargedOn')} errors={dischargeFields.on.errors} inputProps={{ name: 'on', type: 'date', defaultValue: today, max: today, required: true }} />
					<SelectField label={t('fields.endReason')} errors={dischargeFields.reason.errors} selectProps={{ name: 'reason', required: true, defaultValue: 'discharged' }} options={END_REASONS.map((x) => ({ value: x, label: t(`endReasons.${x}`) }))} />
					<Field label={t('fields.note')} errors={dischargeFields.note.errors} inputProps={{ name: 'note', type: 'text', maxLength: 200 }} />
					<FormErrors form={discharge} errors={dischargeFields.admissionId.errors} />
					<button type="submit" className="button danger">{t('admissions.dischargeButton', { name: r.elderName })}</button>
				</ActionForm>
			</details>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
