import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { admitElder, currentResidents, dischargeElder, transferElder, vacantBeds } from '~/modules/beds/admissions.server.ts'
import { parseForm, replyTo } from '~/modules/beds/form.server.ts'
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
		const parsed = parseForm(formData, admitSchema(today), intent)
		if (!parsed.ok) return parsed.response
		return replyTo(intent, await admitElder(staff, parsed.value))
	}
	if (intent === 'transfer') {
		const parsed = parseForm(formData, transferSchema(today), intent)
		if (!parsed.ok) return parsed.response
		return replyTo(intent, await transferElder(staff, parsed.value))
	}
	if (intent === 'discharge') {
		const parsed = parseForm(formData, dischargeSchema(today), intent)
		if (!parsed.ok) return parsed.response
		return replyTo(intent, await dischargeElder(staff, parsed.value))
	}
	throw new Response('Unknown action', { status: 400 })
}

export default function AdmissionsPage() {
	const { residents, beds, today, stayRequestId } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const errs = (intent: string, field: string) => (reply?.intent === intent ? reply.fieldErrors[field] : undefined)
	const vacant = beds.filter((b) => b.status === 'vacant' || (stayRequestId && b.reservedForId === stayRequestId))
	const bedOptions = vacant.map((b) => ({ value: b.id, label: `${b.label} · ${t(`types.${b.type}`)}${b.status === 'reserved' ? ` · ${t('statuses.reserved')}` : ''}` }))
	return (
		<>
			<section className="card">
				<h1>{t('admissions.title')}</h1>
				{reply?.ok ? (
					<p className="notice" role="status">
						{t(`admissions.done.${reply.intent}`)}
					</p>
				) : null}
				<h2>{t('admissions.admit')}</h2>
				<p className="hint">{t('admissions.admitHint')}</p>
				<Form method="post" className="grid-form">
					<AuthenticityTokenInput name="csrf" />
					<input type="hidden" name="intent" value="admit" />
					{stayRequestId ? <input type="hidden" name="stayRequestId" value={stayRequestId} /> : null}
					<Field label={t('fields.idNumber')} errors={errs('admit', 'idNumber')} inputProps={{ name: 'idNumber', type: 'text', autoComplete: 'off', maxLength: 18, className: 'mono', required: true }} />
					<SelectField label={t('fields.bed')} errors={errs('admit', 'bedId')} selectProps={{ name: 'bedId', required: true }} placeholder={t('common.choose')} options={bedOptions} />
					<Field label={t('fields.admittedOn')} errors={errs('admit', 'admittedOn')} inputProps={{ name: 'admittedOn', type: 'date', defaultValue: today, max: today, required: true }} />
					<button type="submit" className="button big">{t('admissions.admitButton')}</button>
				</Form>
			</section>
			<section className="card">
				<h2>{t('admissions.residents', { count: residents.length })}</h2>
				{residents.length === 0 ? <p className="empty">{t('admissions.none')}</p> : null}
				<ul className="cards">
					{residents.map((r) => (
						<li key={r.admissionId} className="card" data-resident={r.elderName}>
							<h3>{r.elderName}</h3>
							<dl className="facts">
								<dt>{t('fields.idNumber')}</dt>
								<dd className="mono">{r.idNumberMasked}</dd>
								<dt>{t('fields.bed')}</dt>
								<dd>
									{r.bedLabel} · {t(`types.${r.bedType}`)}
								</dd>
								<dt>{t('fields.admittedOn')}</dt>
								<dd>{r.admittedOn}</dd>
							</dl>
							<details>
								<summary>{t('admissions.transfer', { name: r.elderName })}</summary>
								<Form method="post">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="intent" value="transfer" />
									<input type="hidden" name="admissionId" value={r.admissionId} />
									<SelectField label={t('fields.newBed')} errors={errs('transfer', 'bedId')} selectProps={{ name: 'bedId', required: true }} placeholder={t('common.choose')} options={bedOptions} />
									<Field label={t('fields.transferOn')} errors={errs('transfer', 'on')} inputProps={{ name: 'on', type: 'date', defaultValue: today, max: today, required: true }} />
									<button type="submit" className="button">{t('admissions.transferButton')}</button>
								</Form>
							</details>
							<details>
								<summary>{t('admissions.discharge', { name: r.elderName })}</summary>
								<Form method="post">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="intent" value="discharge" />
									<input type="hidden" name="admissionId" value={r.admissionId} />
									<Field label={t('fields.dischargedOn')} errors={errs('discharge', 'on')} inputProps={{ name: 'on', type: 'date', defaultValue: today, max: today, required: true }} />
									<SelectField label={t('fields.endReason')} errors={errs('discharge', 'reason')} selectProps={{ name: 'reason', required: true, defaultValue: 'discharged' }} options={END_REASONS.map((x) => ({ value: x, label: t(`endReasons.${x}`) }))} />
									<Field label={t('fields.note')} errors={errs('discharge', 'note')} inputProps={{ name: 'note', type: 'text', maxLength: 200 }} />
									<button type="submit" className="button danger">{t('admissions.dischargeButton', { name: r.elderName })}</button>
								</Form>
							</details>
						</li>
					))}
				</ul>
			</section>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
