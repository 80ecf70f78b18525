import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ReportMeta } from '~/components/report-meta.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { districtChoices } from '~/modules/beds/indicators.server.ts'
import { monthlyReport, reportMonth, type ColumnKind } from '~/modules/statistics/monthly-report.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const asked = new URL(request.url).searchParams.get('month')
	const month = reportMonth(asked)
	if (!month) throw new Response(getT((await getPreferences(request)).locale)('monthlyReport.badMonth'), { status: 400 })
	const [report, districts] = await Promise.all([monthlyReport(user, month), districtChoices(user)])
	return { report, districts, currentMonth: shanghaiMonth() }
}

function Value({ kind, value }: { kind: ColumnKind; value: number | null }) {
	const { i18n } = useTranslation()
	if (value === null) return <>—</>
	if (kind === 'fen') return <Money fen={value} />
	if (kind === 'ratio') return <>{new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(value)}</>
	return <>{new Intl.NumberFormat(i18n.language).format(value)}</>
}

export default function MonthlyReportPage() {
	const { report, districts, currentMonth } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const district = districts.find((d) => d.id === report.districtId)
	const scope = district ? (zh ? district.nameZh : district.nameEn) : t('reportMeta.city')
	return (
		<>
			<section className="card">
				<h1>{t('monthlyReport.title', { month: report.month })}</h1>
				<p>{t('monthlyReport.lead')}</p>
				<ReportMeta period={report.month} scope={scope} computedAt={report.computedAt} />
				<p>{t('monthlyReport.asOf', { date: report.asOf })}</p>
				<Form method="get" className="grid-form">
					<label>
						{t('monthlyReport.month')}
						<input type="month" name="month" defaultValue={report.month} min="2016-01" max={currentMonth} required />
					</label>
					<button type="submit">{t('monthlyReport.show')}</button>
				</Form>
				<p>
					<a className="button" href={`/bureau/reports/monthly.xlsx?month=${report.month}`} download>
						{t('monthlyReport.download')}
					</a>
				</p>
			</section>
			{report.tables.map((table) => (
				<section className="card" key={table.key} data-testid={`table-${table.key}`}>
					<h2>{t(`monthlyReport.tables.${table.key}`)}</h2>
					<p>
						{t('monthlyReport.unit')}
						{table.source ? `；${t(`monthlyReport.source.${table.source}`)}` : ''}
					</p>
					<DataTable
						caption={t(`monthlyReport.tables.${table.key}`)}
						captionHidden
						columns={[
							{ header: t(table.key === 'subsidies' ? 'monthlyReport.policy' : 'monthlyReport.district'), cell: (r) => (zh ? r.labelZh : r.labelEn), rowHeader: true },
							...table.columns.map((c, i) => ({ header: t(`monthlyReport.columns.${c.key}`), cell: (r: (typeof table.rows)[number]) => <Value kind={c.kind} value={r.cells[i] ?? null} /> })),
						]}
						rows={[...table.rows, { labelZh: t('monthlyReport.total'), labelEn: t('monthlyReport.total'), cells: table.total }]}
						rowKey={(r, i) => `${i}-${r.labelZh}`}
					/>
				</section>
			))}
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
