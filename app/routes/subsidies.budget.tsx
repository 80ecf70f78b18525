import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ReportMeta } from '~/components/report-meta.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { budgetOverview } from '~/modules/subsidies/reports.server.ts'
import { intParam } from '~/lib/query.ts'

function yearOf(request: Request) {
	return intParam(new URL(request.url).searchParams, 'year', 2016, 2100) ?? Number(shanghaiDate().slice(0, 4))
}

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const year = yearOf(request)
	const [{ meta, rows }, districts] = await Promise.all([budgetOverview(user, year), listDistrictsWithCommunities()])
	return { year, meta, rows, districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })) }
}

export default function Budget() {
	const { year, meta, rows, districts } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('subsidies')
	const { t: tc } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const districtName = (id: string) => {
		const d = districts.find((x) => x.id === id)
		return (zh ? d?.nameZh : d?.nameEn) ?? id
	}
	return (
		<section className="card">
			<h1>{t('budget.title', { year })}</h1>
			<p>{t('budget.lead')}</p>
			<ReportMeta period={String(year)} scope={meta.districtId ? districtName(meta.districtId) : tc('reportMeta.city')} computedAt={meta.computedAt} />
			<nav className="pager" aria-label={t('budget.years')}>
				<Link to={`?year=${year - 1}`}>{year - 1}</Link>
				<Link to={`?year=${year + 1}`}>{year + 1}</Link>
			</nav>
			<DataTable
				empty={t('budget.none')}
				columns={[
					{ header: t('fields.policy'), cell: (r) => (zh ? r.policyNameZh : r.policyNameEn), rowHeader: true },
					{ header: t('fields.district'), cell: (r) => districtName(r.districtId) },
					{ header: t('budget.amount'), cell: (r) => <Money fen={r.amountFen} /> },
					{ header: t('budget.committed'), cell: (r) => <Money fen={r.committedFen} /> },
					{ header: t('budget.issued'), cell: (r) => <Money fen={r.issuedFen} /> },
					{ header: t('budget.spent'), cell: (r) => <Money fen={r.spentFen} /> },
					{ header: t('budget.reversed'), cell: (r) => <Money fen={r.reversedFen} /> },
					{ header: t('budget.expired'), cell: (r) => <Money fen={r.expiredFen} /> },
					{
						header: t('budget.left'),
						cell: (r) => (
							<>
								<Money fen={r.amountFen - r.committedFen} />
								{r.amountFen - r.committedFen < 0 ? ` ${t('budget.overridden')}` : ''}
							</>
						),
						cellProps: (r) => ({ className: r.amountFen - r.committedFen < 0 ? 'over' : undefined }),
					},
				]}
				rows={rows}
				rowKey={(r) => `${r.policyId}-${r.districtId}`}
				rowProps={(r) => ({ 'data-testid': 'budget-row', 'data-district': r.districtId })}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
