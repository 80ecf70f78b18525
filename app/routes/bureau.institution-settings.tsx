import { getInputProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, ErrorList, Field, replyDone, useReplyForm } from '~/components/forms.tsx'
import { LabelledSelect } from '~/components/labelled-select.tsx'
import { Notice } from '~/components/notice.tsx'
import { PendingChanges } from '~/components/pending-changes.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { decideChangeSchema } from '~/modules/auth/schemas.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { GRADING_SECTIONS, versionOn, type CriteriaProposalView } from '~/modules/institutions/rules.ts'
import { criteriaSchema, rateSchema } from '~/modules/institutions/schemas.ts'
import { decideInstitutionSetting, listCriteria, listInspectionLimits, listRates, pendingInstitutionSettings, proposeCriteria, proposeInspectionLimit, proposeRate } from '~/modules/institutions/settings.server.ts'
import { limitSchema } from '~/modules/institutions/inspection-schemas.ts'

// The *default* settings of the institution subsidies (issue 14 items 3 and 6): construction
// subsidy per bed type and the grading checklist, each a version from a date. A city officer
// proposes; another city officer approves in the table of pending changes.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const today = shanghaiDate()
	const [rates, criteria, pending, limits] = await Promise.all([listRates(), listCriteria(), pendingInstitutionSettings(user), listInspectionLimits()])
	return { rates, criteria, limits, current: versionOn(criteria, today) ?? criteria[criteria.length - 1]!, currentRate: versionOn(rates, today) ?? rates[rates.length - 1]!, pending, canEdit: user.role === 'bureau_city', today }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const ip = clientIp(request)
	const today = shanghaiDate()
	if (form === 'decide-change') {
		await requireRecentAuth(request, user, '/bureau/institution-settings')
		const parsed = parseForm(formData, decideChangeSchema, { form })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await decideInstitutionSetting(user, parsed.value, ip))
	}
	if (form === 'rate') {
		const parsed = parseForm(formData, rateSchema(today), { form })
		if (!parsed.ok) return parsed.response
		const v = parsed.value
		return replyOutcome(parsed, await proposeRate(user, { effectiveFrom: v.effectiveFrom, selfCareFen: v.selfCare, nursingFen: v.nursing, dementiaFen: v.dementia }, ip))
	}
	if (form === 'limit') {
		const parsed = parseForm(formData, limitSchema(today), { form })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await proposeInspectionLimit(user, parsed.value, ip))
	}
	const parsed = parseForm(formData, criteriaSchema(today), { form: 'criteria' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await proposeCriteria(user, parsed.value, ip))
}

export default function InstitutionSettings() {
	const { rates, criteria, limits, pending, canEdit } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const { t: tc } = useTranslation()
	return (
		<>
			<section className="card">
				<h1>{t('settings.title')}</h1>
				<p className="lead">{t('settings.lead')}</p>
				{replyDone(reply, 'rate') || replyDone(reply, 'criteria') || replyDone(reply, 'limit') ? <Notice>{tc('changes.proposed')}</Notice> : null}
			</section>
			<PendingChanges
				rows={pending}
				columns={[
					{ header: t('settings.kind'), cell: (c) => t(`settings.kinds.${c.kind}`) },
					{ header: t('settings.effectiveFrom'), cell: (c) => c.subjectId ?? '' },
					{ header: t('settings.summary'), cell: (c) => <ChangeSummary kind={c.kind} payload={c.payload} /> },
				]}
				canDecide={canEdit}
				reply={reply}
			/>
			<CardSection title={t('settings.ratesTitle')}>
				<DataTable
					columns={[
						{ header: t('settings.effectiveFrom'), cell: (r) => r.effectiveFrom, rowHeader: true },
						{ header: t('types.self_care'), cell: (r) => <Money fen={r.selfCareFen} />, numeric: true },
						{ header: t('types.nursing'), cell: (r) => <Money fen={r.nursingFen} />, numeric: true },
						{ header: t('types.dementia'), cell: (r) => <Money fen={r.dementiaFen} />, numeric: true },
					]}
					rows={rates}
					rowKey={(r) => r.id}
				/>
				{canEdit ? <RateForm /> : null}
			</CardSection>
			<CardSection title={t('settings.criteriaTitle')}>
				<DataTable
					columns={[
						{ header: t('settings.effectiveFrom'), cell: (c) => c.effectiveFrom, rowHeader: true },
						{ header: t('settings.items'), cell: (c) => c.items.length, numeric: true },
						{ header: t('settings.thresholdsShort'), cell: (c) => c.thresholds.join(' / ') },
						{ header: t('settings.validityMonths'), cell: (c) => c.validityMonths, numeric: true },
					]}
					rows={criteria}
					rowKey={(c) => c.id}
				/>
				{canEdit ? <CriteriaForm /> : null}
			</CardSection>
			<CardSection title={t('inspections.limitTitle')} hint={t('inspections.limitLead')}>
				<DataTable
					data-testid="inspection-limits"
					columns={[
						{ header: t('settings.effectiveFrom'), cell: (l) => l.effectiveFrom, rowHeader: true },
						{ header: t('inspections.suspendAfterDays'), cell: (l) => t('inspections.days', { days: l.suspendAfterDays }), numeric: true },
					]}
					rows={limits}
					rowKey={(l) => l.id}
				/>
				{canEdit ? <LimitForm /> : null}
			</CardSection>
		</>
	)
}

function ChangeSummary({ kind, payload }: { kind: string; payload: unknown }) {
	const { t } = useTranslation('beds')
	if (kind === 'inspection_limit') return <>{t('inspections.days', { days: (payload as { suspendAfterDays: number }).suspendAfterDays })}</>
	if (kind === 'construction_rate') {
		const p = payload as { selfCareFen: number; nursingFen: number; dementiaFen: number }
		return (
			<>
				{t('types.self_care')} <Money fen={p.selfCareFen} /> · {t('types.nursing')} <Money fen={p.nursingFen} /> · {t('types.dementia')} <Money fen={p.dementiaFen} />
			</>
		)
	}
	const p = payload as CriteriaProposalView
	return <>{t('settings.criteriaSummary', { items: p.items.length, thresholds: p.thresholds.join(' / '), months: p.validityMonths })}</>
}

function LimitForm() {
	const { limits, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'effectiveFrom' | 'suspendAfterDays'>('limit', reply)
	return (
		<ActionForm form={form} className="grid-form">
			<Field label={t('settings.effectiveFrom')} errors={fields.effectiveFrom.errors} inputProps={{ ...getInputProps(fields.effectiveFrom, { type: 'date' }), min: today, defaultValue: today }} />
			<Field
				label={t('inspections.suspendAfterDays')}
				errors={fields.suspendAfterDays.errors}
				inputProps={{ ...getInputProps(fields.suspendAfterDays, { type: 'number' }), min: 0, max: 365, defaultValue: limits[limits.length - 1]?.suspendAfterDays ?? 30 }}
			/>
			<FormSubmit form={form} label={t('settings.propose')} />
		</ActionForm>
	)
}

function RateForm() {
	const { currentRate, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'effectiveFrom' | 'selfCare' | 'nursing' | 'dementia'>('rate', reply)
	const yuan = (fen: number) => (fen / 100).toFixed(2)
	return (
		<ActionForm form={form} className="grid-form">
			<h3>{t('settings.newRate')}</h3>
			<Field label={t('settings.effectiveFrom')} errors={fields.effectiveFrom.errors} inputProps={{ ...getInputProps(fields.effectiveFrom, { type: 'date' }), min: today, defaultValue: today }} />
			<Field label={t('settings.perBed', { type: t('types.self_care') })} errors={fields.selfCare.errors} inputProps={{ ...getInputProps(fields.selfCare, { type: 'text' }), inputMode: 'decimal', defaultValue: yuan(currentRate.selfCareFen) }} />
			<Field label={t('settings.perBed', { type: t('types.nursing') })} errors={fields.nursing.errors} inputProps={{ ...getInputProps(fields.nursing, { type: 'text' }), inputMode: 'decimal', defaultValue: yuan(currentRate.nursingFen) }} />
			<Field label={t('settings.perBed', { type: t('types.dementia') })} errors={fields.dementia.errors} inputProps={{ ...getInputProps(fields.dementia, { type: 'text' }), inputMode: 'decimal', defaultValue: yuan(currentRate.dementiaFen) }} />
			<FormSubmit form={form} label={t('settings.propose')} />
		</ActionForm>
	)
}

function CriteriaForm() {
	const { current, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'effectiveFrom' | 'validityMonths' | 'thresholds'>('criteria', reply)
	const rows = [...current.items, { key: '', section: 'management' as const, zh: '', en: '', max: 0 }]
	return (
		<ActionForm form={form} className="grid-form">
			<h3>{t('settings.newCriteria')}</h3>
			<p className="hint">{t('settings.criteriaHint')}</p>
			<Field label={t('settings.effectiveFrom')} errors={fields.effectiveFrom.errors} inputProps={{ id: 'criteria-effectiveFrom', name: 'effectiveFrom', type: 'date', min: today, defaultValue: today }} />
			<Field label={t('settings.validityMonths')} errors={fields.validityMonths.errors} inputProps={{ id: 'criteria-validity', name: 'validityMonths', type: 'number', min: 1, max: 120, defaultValue: current.validityMonths }} />
			<fieldset>
				<legend>{t('settings.thresholds')}</legend>
				{current.thresholds.map((v, i) => (
					<Field key={i} label={t('grading.stars', { count: i + 1 })} inputProps={{ id: `criteria-threshold-${i}`, name: `thresholds[${i}]`, type: 'number', min: 0, defaultValue: v }} />
				))}
				<ErrorList id="criteria-thresholds-error" errors={fields.thresholds.errors} />
			</fieldset>
			{rows.map((item, i) => (
				<fieldset key={item.key || `new-${i}`}>
					<legend>{item.key ? t('settings.item', { n: i + 1 }) : t('settings.newItem')}</legend>
					{item.key ? <input type="hidden" name={`items[${i}].key`} value={item.key} /> : null}
					<LabelledSelect id={`criteria-section-${i}`} name={`items[${i}].section`} label={t('settings.section')} value={item.section} options={GRADING_SECTIONS.map((s) => ({ value: s, label: t(`grading.sections.${s}`) }))} />
					<Field label={t('settings.itemZh')} inputProps={{ id: `criteria-zh-${i}`, name: `items[${i}].zh`, type: 'text', maxLength: 100, defaultValue: item.zh }} />
					<Field label={t('settings.itemEn')} inputProps={{ id: `criteria-en-${i}`, name: `items[${i}].en`, type: 'text', maxLength: 100, defaultValue: item.en }} />
					<Field label={t('settings.itemMax')} inputProps={{ id: `criteria-max-${i}`, name: `items[${i}].max`, type: 'number', min: 0, max: 100, defaultValue: item.max || '' }} />
				</fieldset>
			))}
			<FormSubmit form={form} label={t('settings.propose')} />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
