import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FilterSelect } from '~/components/filter-select.tsx'
import { Notice } from '~/components/notice.tsx'
import { ActionForm, replyValue, useReplyForm } from '~/components/forms.tsx'
import { LineChart } from '~/components/line-chart.tsx'
import { PeriodSelect } from '~/components/plan-period.tsx'
import { DataTable, Facts } from '~/components/ui.tsx'
import { enqueueSnapshot } from '~/jobs/indicator-snapshots.server.ts'
import { noFields, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { ok } from '~/lib/outcome.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { dashboardView } from '~/modules/beds/dashboard.server.ts'
import { snapshotMonth } from '~/modules/beds/indicators.server.ts'
import { formatPercent, formatRatio, formatTarget, ragOf, TARGETS, type Indicators } from '~/modules/beds/indicators.ts'
import { choosePeriod } from '~/modules/beds/plan-periods.server.ts'
import { RagBadge } from '~/components/rag-badge.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { intParam, textParam } from '~/lib/query.ts'

// Rendered once per distinct loader data, then reused (app/lib/document-cache.server.ts): the render
// was most of this page's CPU.
export const handle = { documentCache: true }

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const url = new URL(request.url)
	const year = intParam(url.searchParams, 'year', 1900, 2200)
	const districtId = textParam(url.searchParams, 'district', 40)
	const today = shanghaiDate()
	// One round trip: the census version, then figures cached under it; overdue findings are read outside the cached part (they change with the date, not only with the data).
	const { board, history, districts, periods, overdue, limitDays } = await dashboardView(user, { year, districtId }, today)
	const period = choosePeriod(periods, url.searchParams.get('period'), Number(today.slice(0, 4)))
	// Only the figures the page shows go into its data (the CSV export has all of them).
	return {
		board: { ...board, districts: board.districts.map((d) => ({ ...shown(d), districtId: d.districtId, nameZh: d.nameZh, nameEn: d.nameEn })), city: board.city && shown(board.city) },
		history: history.map((h) => ({ month: h.month, beds: h.beds, bedsPer1000: h.bedsPer1000, nursingShare: h.nursingShare, occupancy: h.occupancy })),
		districts,
		cityWide: districts.length > 1,
		periods: periods.map(({ id, nameZh, nameEn }) => ({ id, nameZh, nameEn })),
		period,
		inspections: { rows: overdue, limitDays },
	}
}

function shown(d: Indicators) {
	return {
		aged60Plus: d.aged60Plus,
		beds: d.beds,
		institutions: d.institutions,
		bedsPer1000: d.bedsPer1000,
		nursingShare: d.nursingShare,
		occupancy: d.occupancy,
		bedsNeeded: d.bedsNeeded,
		urbanCoverage: d.urbanCoverage,
		urbanWithCentre: d.urbanWithCentre,
		urbanCommunities: d.urbanCommunities,
		villageCoverage: d.villageCoverage,
		villagesWithCentre: d.villagesWithCentre,
		villages: d.villages,
	}
}
type Shown = ReturnType<typeof shown>

export async function action({ request }: ActionFunctionArgs) {
	await requireRole(request, ['bureau_city', 'admin'])
	const parsed = parseForm(await readProtectedForm(request), noFields, { form: 'snapshot' })
	if (!parsed.ok) return parsed.response
	// The scheduled job does this on the 1st; this takes this month's snapshot now (once: deterministic job id).
	const month = snapshotMonth()
	await enqueueSnapshot(month)
	return replyOutcome(parsed, ok({ queued: month }))
}

type BoardRow = { name: string; d: Shown; testId: string }

export default function BedsDashboard() {
	const { board, history, districts, cityWide, periods, period, inspections } = useLoaderData<typeof loader>()
	const targets = period?.targets ?? TARGETS
	const reply = useActionData<typeof action>()
	const queued = replyValue<{ queued: string }>(reply, 'snapshot')
	const [snapshotForm] = useReplyForm('snapshot', reply)
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const headline = board.city ?? board.districts[0]
	return (
		<>
			<section className="card">
				<h1>{t('dashboard.title')}</h1>
				<Form method="get" className="grid-form">
					<FilterSelect name="year" label={t('fields.populationYear')} value={board.year ?? ''} options={board.years.map((y) => ({ value: y, label: y === board.latestYear ? t('dashboard.latestYear', { year: y }) : String(y) }))} />
					{cityWide ? <FilterSelect name="district" label={t('fields.district')} value={board.scope ?? ''} anyLabel={t('dashboard.wholeCity')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} /> : null}
					<PeriodSelect periods={periods} value={period?.id} />
					<button type="submit" className="button big">{t('dashboard.show')}</button>
				</Form>
				<p className="hint">{t('dashboard.explain', { year: board.year ?? '—' })}</p>
				{headline ? (
					<Facts
						data-testid="headline"
						items={[
							[
								t('fields.bedsPer1000'),
								<>
									{formatRatio(headline.bedsPer1000)} / {formatTarget('bedsPer1000', targets.bedsPer1000)} <RagBadge rag={ragOf(headline.bedsPer1000, targets.bedsPer1000)} />
								</>,
								{ 'data-testid': 'headline-per1000' },
							],
							[t('fields.beds'), headline.beds.toLocaleString(), { 'data-testid': 'headline-beds' }],
							[
								t('fields.nursingShare'),
								<>
									{formatPercent(headline.nursingShare)} / {formatTarget('nursingShare', targets.nursingShare)} <RagBadge rag={ragOf(headline.nursingShare, targets.nursingShare)} />
								</>,
								{ 'data-testid': 'headline-nursing' },
							],
							[
								t('fields.urbanCoverage'),
								<>
									{formatPercent(headline.urbanCoverage, 0)} / {formatTarget('urbanCoverage', targets.urbanCoverage)} <RagBadge rag={ragOf(headline.urbanCoverage, targets.urbanCoverage)} />
								</>,
							],
							[
								t('fields.villageCoverage'),
								<>
									{formatPercent(headline.villageCoverage, 0)} / {formatTarget('villageCoverage', targets.villageCoverage)} <RagBadge rag={ragOf(headline.villageCoverage, targets.villageCoverage)} />
								</>,
							],
							[t('fields.occupancy'), formatPercent(headline.occupancy), { 'data-testid': 'headline-occupancy' }],
							[t('fields.bedsNeeded'), headline.bedsNeeded?.toLocaleString() ?? '—'],
							[t('fields.institutions'), headline.institutions],
						]}
					/>
				) : null}
				<p className="title-row">
					<a className="button secondary" href={`/bureau/beds.csv?year=${board.year ?? ''}&district=${board.scope ?? ''}`} download>
						{t('dashboard.csv')}
					</a>
					<Link className="button secondary" to="/bureau/plan">{t('nav.plan')}</Link>
					<Link className="button secondary" to="/bureau/population">{t('nav.population')}</Link>
				</p>
			</section>
			<CardSection title={t('dashboard.byDistrict')}>
				<DataTable<BoardRow>
					columns={[
						{ header: t('fields.district'), cell: (r) => r.name, rowHeader: true },
						{ header: t('fields.aged60Plus'), cell: (r) => r.d.aged60Plus?.toLocaleString() ?? '—' },
						{ header: t('fields.beds'), cell: (r) => r.d.beds.toLocaleString(), cellProps: (r) => ({ 'data-testid': `${r.testId}-beds` }) },
						{ header: t('fields.bedsPer1000Target'), cell: (r) => formatRatio(r.d.bedsPer1000), cellProps: (r) => ({ 'data-testid': `${r.testId}-per1000` }) },
						{ header: t('fields.nursingShareTarget'), cell: (r) => formatPercent(r.d.nursingShare) },
						{ header: t('fields.occupancy'), cell: (r) => formatPercent(r.d.occupancy), cellProps: (r) => ({ 'data-testid': `${r.testId}-occupancy` }) },
						{ header: t('fields.bedsNeeded'), cell: (r) => r.d.bedsNeeded?.toLocaleString() ?? '—' },
						{ header: t('fields.urbanCoverage'), cell: (r) => `${formatPercent(r.d.urbanCoverage, 0)} (${r.d.urbanWithCentre}/${r.d.urbanCommunities})` },
						{ header: t('fields.villageCoverage'), cell: (r) => `${formatPercent(r.d.villageCoverage, 0)} (${r.d.villagesWithCentre}/${r.d.villages})` },
					]}
					rows={[
						...board.districts.map((d) => ({ name: zh ? d.nameZh : d.nameEn, d, testId: `district-${d.districtId}` })),
						...(board.city ? [{ name: t('dashboard.city'), d: board.city, testId: 'city' }] : []),
					]}
					rowKey={(r) => r.testId}
					rowProps={(r) => ({ 'data-testid': r.testId })}
				/>
			</CardSection>
			<section className="card" data-testid="overdue-findings">
				<h2>{t('inspections.dashboardTitle')}</h2>
				<p className="hint">{t('inspections.dashboardHint', { days: inspections.limitDays })}</p>
				<DataTable
					columns={[
						{ header: t('inspections.district'), cell: (r) => (zh ? r.nameZh : r.nameEn), rowHeader: true },
						{ header: t('inspections.overdue'), cell: (r) => r.overdue, numeric: true, cellProps: (r) => ({ 'data-testid': `overdue-${r.districtId}` }) },
						{ header: t('inspections.stoppedInstitutions'), cell: (r) => r.stopped, numeric: true, cellProps: (r) => ({ 'data-testid': `stopped-${r.districtId}` }) },
					]}
					rows={inspections.rows}
					rowKey={(r) => r.districtId}
				/>
				<p>
					<Link to="/bureau/inspections">{t('inspections.bureauTitle')}</Link>
				</p>
			</section>
			<CardSection title={t('dashboard.history')}>
				{history.length === 0 ? (
					<p className="empty">{t('dashboard.noHistory')}</p>
				) : (
					<>
						<LineChart
							title={t('dashboard.chartPer1000')}
							summary={t('dashboard.chartSummary', { from: history[0]!.month, to: history.at(-1)!.month, first: formatRatio(history[0]!.bedsPer1000), last: formatRatio(history.at(-1)!.bedsPer1000) })}
							points={history.map((h) => ({ label: h.month, value: h.bedsPer1000 }))}
							target={targets.bedsPer1000 ?? TARGETS.bedsPer1000}
							targetLabel={t('dashboard.target', { value: formatTarget('bedsPer1000', targets.bedsPer1000) })}
							format={(v) => v.toFixed(0)}
						/>
						<LineChart
							title={t('dashboard.chartNursing')}
							summary={t('dashboard.chartSummary', { from: history[0]!.month, to: history.at(-1)!.month, first: formatPercent(history[0]!.nursingShare), last: formatPercent(history.at(-1)!.nursingShare) })}
							points={history.map((h) => ({ label: h.month, value: h.nursingShare === null ? null : h.nursingShare * 100 }))}
							target={(targets.nursingShare ?? TARGETS.nursingShare) * 100}
							targetLabel={t('dashboard.target', { value: formatTarget('nursingShare', targets.nursingShare) })}
							format={(v) => `${v.toFixed(0)}%`}
						/>
						<details>
							<summary>{t('dashboard.historyTable')}</summary>
							<DataTable
								columns={[
									{ header: t('fields.month'), cell: (h) => h.month, rowHeader: true },
									{ header: t('fields.beds'), cell: (h) => h.beds.toLocaleString() },
									{ header: t('fields.bedsPer1000'), cell: (h) => formatRatio(h.bedsPer1000) },
									{ header: t('fields.nursingShare'), cell: (h) => formatPercent(h.nursingShare) },
									{ header: t('fields.occupancy'), cell: (h) => formatPercent(h.occupancy) },
								]}
								rows={history}
								rowKey={(h) => h.month}
							/>
						</details>
					</>
				)}
				{cityWide ? (
					<ActionForm form={snapshotForm}>
						{queued ? <Notice>{t('dashboard.snapshotQueued', { month: queued.queued })}</Notice> : null}
						<button type="submit" className="button secondary">{t('dashboard.snapshotNow')}</button>
					</ActionForm>
				) : null}
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
