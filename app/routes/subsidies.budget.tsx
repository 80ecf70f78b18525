import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Money } from '~/components/subsidy-ui.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { budgetOverview } from '~/modules/subsidies/reports.server.ts'

function yearOf(request: Request) {
	const y = Number(new URL(request.url).searchParams.get('year'))
	return Number.isInteger(y) && y >= 2016 && y <= 2100 ? y : Number(shanghaiDate().slice(0, 4))
}

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const year = yearOf(request)
	const [rows, districts] = await Promise.all([budgetOverview(user, year), listDistrictsWithCommunities()])
	return { year, rows, districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })) }
}

export default function Budget() {
	const { year, rows, districts } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card">
			<h1>{t('budget.title', { year })}</h1>
			<p>{t('budget.lead')}</p>
			<nav className="pager" aria-label={t('budget.years')}>
				<Link to={`?year=${year - 1}`}>{year - 1}</Link>
				<Link to={`?year=${year + 1}`}>{year + 1}</Link>
			</nav>
			{rows.length === 0 ? <p className="empty">{t('budget.none')}</p> : null}
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('fields.policy')}</th>
							<th scope="col">{t('fields.district')}</th>
							<th scope="col">{t('budget.amount')}</th>
							<th scope="col">{t('budget.committed')}</th>
							<th scope="col">{t('budget.issued')}</th>
							<th scope="col">{t('budget.spent')}</th>
							<th scope="col">{t('budget.expired')}</th>
							<th scope="col">{t('budget.left')}</th>
						</tr>
					</thead>
					<tbody>
						{rows.map((r) => {
							const d = districts.find((x) => x.id === r.districtId)
							const left = r.amountFen - r.committedFen
							return (
								<tr key={`${r.policyId}-${r.districtId}`} data-testid="budget-row" data-district={r.districtId}>
									<th scope="row">{zh ? r.policyNameZh : r.policyNameEn}</th>
									<td>{(zh ? d?.nameZh : d?.nameEn) ?? r.districtId}</td>
									<td><Money fen={r.amountFen} /></td>
									<td><Money fen={r.committedFen} /></td>
									<td><Money fen={r.issuedFen} /></td>
									<td><Money fen={r.spentFen} /></td>
									<td><Money fen={r.expiredFen} /></td>
									<td className={left < 0 ? 'over' : undefined}>
										<Money fen={left} />
										{left < 0 ? ` ${t('budget.overridden')}` : ''}
									</td>
								</tr>
							)
						})}
					</tbody>
				</table>
			</div>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
