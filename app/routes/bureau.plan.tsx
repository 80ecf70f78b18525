import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
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
			<div className="table-wrap">
				<table data-testid="plan-table">
					<caption>{t('plan.caption')}</caption>
					<thead>
						<tr>
							<th scope="col">{t('plan.no')}</th>
							<th scope="col">{t('plan.indicator')}</th>
							<th scope="col">{t('plan.unit')}</th>
							<th scope="col">2015</th>
							<th scope="col">{t('plan.target2020')}</th>
							<th scope="col">{t('plan.growth')}</th>
							<th scope="col">{t('plan.actual')}</th>
						</tr>
					</thead>
					<tbody>
						{PLAN_TABLE_2.map((r) => (
							<tr key={r.no} data-row={r.no}>
								<td>{r.no}</td>
								<th scope="row">{zh ? r.nameZh : r.nameEn}</th>
								<td>{r.unit}</td>
								<td>{r.y2015}</td>
								<td>{r.y2020}</td>
								<td>{r.growth}</td>
								<td data-testid={`plan-actual-${r.no}`}>
									{r.actual ? value(r.actual) : t('plan.notTracked')}
									{r.proxy ? <span className="hint"> {t('plan.proxy')}</span> : null}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<h2>{t('plan.textTargets')}</h2>
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('plan.indicator')}</th>
							<th scope="col">{t('plan.target2020')}</th>
							<th scope="col">{t('plan.actual')}</th>
						</tr>
					</thead>
					<tbody>
						{PLAN_TEXT_TARGETS.map((r) => (
							<tr key={r.key}>
								<th scope="row">{zh ? r.nameZh : r.nameEn}</th>
								<td>{r.target}</td>
								<td>{value(r.key)}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
