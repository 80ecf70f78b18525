import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { MonthlyBarChart } from '~/components/subsidy-ui.tsx'
import { ReportMeta } from '~/components/report-meta.tsx'
import { type Column, DataTable, Money } from '~/components/ui.tsx'
import { formatFen } from '~/lib/money.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { spendingReport } from '~/modules/subsidies/reports.server.ts'
import { intParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const year = intParam(new URL(request.url).searchParams, 'year', 2016, 2100) ?? Number(shanghaiDate().slice(0, 4))
	const [report, districts] = await Promise.all([spendingReport(user, year), listDistrictsWithCommunities()])
	return { report, districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })) }
}

export default function Reports() {
	const { report, districts } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('subsidies')
	const { t: tc } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const peak = report.byMonth.reduce((a, b) => (b.spentFen > a.spentFen ? b : a), report.byMonth[0]!)
	const spentColumns: Column<{ spentFen: number; services: number; reversedFen: number }>[] = [
		{ header: t('reports.spent'), cell: (r) => <Money fen={r.spentFen} /> },
		{ header: t('reports.services'), cell: (r) => r.services },
		{ header: t('reports.reversed'), cell: (r) => <Money fen={r.reversedFen} /> },
	]
	const districtName = (id: string) => {
		const d = districts.find((x) => x.id === id)
		return (zh ? d?.nameZh : d?.nameEn) ?? id
	}
	const summary = t('reports.chartSummary', { year: report.year, total: formatFen(report.totals.spentFen, i18n.language), peakMonth: peak.month, peak: formatFen(peak.spentFen, i18n.language) })
	// The year's totals, each with the test id the reports are checked by.
	const stats: [label: string, value: ReactNode, testId: string][] = [
		[t('reports.spent'), <Money key="v" fen={report.totals.spentFen} />, 'total-spent'],
		[t('reports.eldersServed'), report.totals.eldersServed, 'elders-served'],
		[t('reports.services'), report.totals.services, 'services'],
		[t('reports.reversed'), <Money key="v" fen={report.totals.reversedFen} />, 'total-reversed'],
		[t('reports.settled'), <Money key="v" fen={report.totals.settledFen} />, 'total-settled'],
		[t('reports.awaitingSettlement'), <Money key="v" fen={report.totals.awaitingSettlementFen} />, 'awaiting-settlement'],
	]
	return (
		<>
			<section className="card">
				<h1>{t('reports.title', { year: report.year })}</h1>
				<nav className="pager" aria-label={t('budget.years')}>
					<Link to={`?year=${report.year - 1}`}>{report.year - 1}</Link>
					<Link to={`?year=${report.year + 1}`}>{report.year + 1}</Link>
				</nav>
				<ReportMeta period={String(report.year)} scope={report.meta.districtId ? districtName(report.meta.districtId) : tc('reportMeta.city')} computedAt={report.meta.computedAt} />
				<p>{t('reports.spentNote')}</p>
				<ul className="stat-row">
					{stats.map(([label, value, testId]) => (
						<li key={testId}>
							{label}
							<strong data-testid={testId}>{value}</strong>
						</li>
					))}
				</ul>
				<h2>{t('reports.byMonth')}</h2>
				<MonthlyBarChart title={t('reports.chartTitle', { year: report.year })} summary={summary} data={report.byMonth} locale={i18n.language} />
				<DataTable
					caption={t('reports.byMonth')}
					columns={[{ header: t('reports.month'), cell: (m) => m.month, rowHeader: true }, ...spentColumns]}
					rows={report.byMonth}
					rowKey={(m) => m.month}
				/>
			</section>
			<CardSection title={t('reports.byDistrict')}>
				<DataTable
					columns={[{ header: t('fields.district'), cell: (r) => districtName(r.key), rowHeader: true }, ...spentColumns]}
					rows={report.byDistrict}
					rowKey={(r) => r.key}
				/>
				<h2>{t('reports.byCategory')}</h2>
				<DataTable
					columns={[{ header: t('fields.category'), cell: (r) => t(`serviceCategories.${r.key}`, { defaultValue: r.key }), rowHeader: true }, ...spentColumns]}
					rows={report.byCategory}
					rowKey={(r) => r.key}
				/>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
