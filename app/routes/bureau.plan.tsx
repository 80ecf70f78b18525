import { getInputProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyDone, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PeriodSelect } from '~/components/plan-period.tsx'
import { RagBadge } from '~/components/rag-badge.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, isCityWide, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { dashboard } from '~/modules/beds/indicators.server.ts'
import { formatPercent, formatRatio, formatTarget, PLAN_INDICATORS, ragOf, type PlanIndicator } from '~/modules/beds/indicators.ts'
import { choosePeriod, listPlanPeriods, savePlanTargets } from '~/modules/beds/plan-periods.server.ts'
import { PLAN_TABLE_2, PLAN_TEXT_TARGETS } from '~/modules/beds/plan-table.ts'
import { tekunConcentratedSupport } from '~/modules/beds/facts.server.ts'
import { planTargetsSchema } from '~/modules/beds/schemas.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { intParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const url = new URL(request.url)
	const [board, periods, tekun] = await Promise.all([dashboard(user, { year: intParam(url.searchParams, 'year', 1900, 2200) }), listPlanPeriods(), tekunConcentratedSupport(isCityWide(user) ? null : user.districtId ?? '-')])
	const period = choosePeriod(periods, url.searchParams.get('period'), Number(shanghaiDate().slice(0, 4)))
	// District officers see their district's values; city officers the city's.
	const actual = board.city ?? board.districts[0] ?? null
	return {
		year: board.year,
		scopeName: board.city ? null : board.districts[0]?.nameZh ?? null,
		actual: actual && {
			bedsPer1000: actual.bedsPer1000,
			nursingShare: actual.nursingShare,
			urbanCoverage: actual.urbanCoverage,
			villageCoverage: actual.villageCoverage,
		},
		periods: periods.map(({ id, nameZh, nameEn }) => ({ id, nameZh, nameEn })),
		period,
		canEdit: isCityWide(user) && !!period && !period.baseline,
		// Table 2 row 4 (issue 14 item 2): 特困 places in rural 特困 institutions against 特困 residents there.
		tekun,
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const parsed = parseForm(await readProtectedForm(request), planTargetsSchema, { form: 'targets' })
	if (!parsed.ok) return parsed.response
	const { periodId, ...targets } = parsed.value
	return replyOutcome(parsed, await savePlanTargets(user, periodId, targets, clientIp(request)), { resetForm: false })
}

export default function PlanTable() {
	const { year, scopeName, actual, periods, period, canEdit, tekun } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useReplyForm<PlanIndicator | 'periodId'>('targets', reply)
	const value = (key: PlanIndicator) => (!actual ? '—' : key === 'bedsPer1000' ? formatRatio(actual.bedsPer1000) : formatPercent(actual[key]))
	const rows = PLAN_INDICATORS.map((key) => ({
		key,
		target: period?.targets[key] ?? null,
		rag: ragOf(actual?.[key], period?.targets[key]),
	}))
	const asPercent = (v: number | null) => (v === null ? '' : String(Math.round(v * 1000) / 10))
	return (
		<>
			<section className="card">
				<h1>{t('plan.periodsTitle')}</h1>
				<Form method="get" className="grid-form">
					<PeriodSelect periods={periods} value={period?.id} />
					<button type="submit" className="button big">
						{t('dashboard.show')}
					</button>
				</Form>
				<p className="hint">
					{t('plan.explain', {
						year: year ?? '—',
						scope: scopeName ?? t('dashboard.city'),
					})}
				</p>
				<DataTable
					data-testid="period-targets"
					caption={t('plan.targetsCaption', {
						period: period ? (zh ? period.nameZh : period.nameEn) : '—',
					})}
					columns={[
						{
							header: t('plan.indicator'),
							cell: (r) => t(`plan.indicators.${r.key}`),
							rowHeader: true,
						},
						{
							header: t('plan.target'),
							cell: (r) => formatTarget(r.key, r.target),
						},
						{ header: t('plan.actual'), cell: (r) => value(r.key) },
						{
							header: t('plan.status'),
							cell: (r) => <RagBadge rag={r.rag} />,
							cellProps: (r) => ({
								'data-testid': `rag-${r.key}`,
								'data-rag': r.rag ?? 'none',
							}),
						},
					]}
					rows={rows}
					rowKey={(r) => r.key}
				/>
				<p className="hint">{t('plan.ragExplain')}</p>
				{canEdit && period ? (
					<ActionForm form={form} className="grid-form">
						<h2>{t('plan.editTargets')}</h2>
						<input type="hidden" name="periodId" value={period.id} />
						<Field
							label={t('plan.indicators.bedsPer1000')}
							errors={fields.bedsPer1000.errors}
							inputProps={{
								...getInputProps(fields.bedsPer1000, { type: 'text' }),
								inputMode: 'decimal',
								defaultValue: period.targets.bedsPer1000 ?? '',
							}}
						/>
						{(['nursingShare', 'urbanCoverage', 'villageCoverage'] as const).map((key) => (
							<Field
								key={key}
								label={`${t(`plan.indicators.${key}`)} (%)`}
								errors={fields[key].errors}
								inputProps={{
									...getInputProps(fields[key], { type: 'text' }),
									inputMode: 'decimal',
									defaultValue: asPercent(period.targets[key]),
								}}
							/>
						))}
						<FormErrors form={form} />
						{replyDone(reply, 'targets') ? <Notice>{t('plan.saved')}</Notice> : null}
						<button type="submit" className="button big">
							{t('plan.saveTargets')}
						</button>
					</ActionForm>
				) : null}
			</section>
			{/* The 13th Five-Year Plan's Table 2 stays on the page as the baseline, whatever period is chosen. */}
			<CardSection title={t('plan.title')}>
				<DataTable
					data-testid="plan-table"
					caption={t('plan.caption')}
					columns={[
						{ header: t('plan.no'), cell: (r) => r.no },
						{
							header: t('plan.indicator'),
							cell: (r) => (zh ? r.nameZh : r.nameEn),
							rowHeader: true,
						},
						{ header: t('plan.unit'), cell: (r) => r.unit },
						{ header: '2015', cell: (r) => r.y2015 },
						{ header: t('plan.target2020'), cell: (r) => r.y2020 },
						{ header: t('plan.growth'), cell: (r) => r.growth },
						{
							header: t('plan.actual'),
							cell: (r) => (
								<>
									{r.actual === 'tekunSupport' ? `${formatPercent(tekun.ratio)} (${t('plan.tekunDetail', { capacity: tekun.capacity, residents: tekun.residents, admitted: tekun.admitted })})` : r.actual ? value(r.actual) : t('plan.notTracked')}
									{r.proxy ? <span className="hint"> {t('plan.proxy')}</span> : null}
								</>
							),
							cellProps: (r) => ({ 'data-testid': `plan-actual-${r.no}` }),
						},
					]}
					rows={PLAN_TABLE_2}
					rowKey={(r) => String(r.no)}
					rowProps={(r) => ({ 'data-row': String(r.no) })}
				/>
				<h3>{t('plan.textTargets')}</h3>
				<DataTable
					columns={[
						{
							header: t('plan.indicator'),
							cell: (r) => (zh ? r.nameZh : r.nameEn),
							rowHeader: true,
						},
						{ header: t('plan.target2020'), cell: (r) => r.target },
						{ header: t('plan.actual'), cell: (r) => value(r.key) },
					]}
					rows={PLAN_TEXT_TARGETS}
					rowKey={(r) => r.key}
				/>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
