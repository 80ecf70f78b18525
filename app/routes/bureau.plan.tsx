import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DataTable } from '~/components/ui.tsx'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { dashboard } from '~/modules/beds/indicators.server.ts'
import { formatPercent, formatRatio } from '~/modules/beds/indicators.ts'
import { PLAN_TABLE_2, PLAN_TEXT_TARGETS } from '~/modules/beds/plan-table.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const url = new URL(request.url)
	const board = await dashboard(user, { year: Number(url.searchParams.get('year')) || null })
	// District officers see their district's values; city officers the city's.
	const actual = board.city ?? board.districts[0] ?? null
	return { year: board.year, scopeName: board.city ? null : (board.districts[0]?.nameZh ?? null), actual }
}

export default function PlanTable() {
	const { year, scopeName, actual } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const value = (key: 'bedsPer1000' | 'urbanCoverage' | 'villageCoverage' | 'nursingShare') =>
		!actual ? '—' : key === 'bedsPer1000' ? formatRatio(actual.bedsPer1000) : formatPercent(actual[key])
	return (
		<section className="card">
			<h1>{t('plan.title')}</h1>
			<p className="hint">{t('plan.explain', { year: year ?? '—', scope: scopeName ?? t('dashboard.city') })}</p>
			<DataTable
				data-testid="plan-table"
				caption={t('plan.caption')}
				columns={[
					{ header: t('plan.no'), cell: (r) => r.no },
					{ header: t('plan.indicator'), cell: (r) => (zh ? r.nameZh : r.nameEn), rowHeader: true },
					{ header: t('plan.unit'), cell: (r) => r.unit },
					{ header: '2015', cell: (r) => r.y2015 },
					{ header: t('plan.target2020'), cell: (r) => r.y2020 },
					{ header: t('plan.growth'), cell: (r) => r.growth },
					{
						header: t('plan.actual'),
						cell: (r) => (
							<>
								{r.actual ? value(r.actual) : t('plan.notTracked')}
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
			<h2>{t('plan.textTargets')}</h2>
			<DataTable
				columns={[
					{ header: t('plan.indicator'), cell: (r) => (zh ? r.nameZh : r.nameEn), rowHeader: true },
					{ header: t('plan.target2020'), cell: (r) => r.target },
					{ header: t('plan.actual'), cell: (r) => value(r.key) },
				]}
				rows={PLAN_TEXT_TARGETS}
				rowKey={(r) => r.key}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
