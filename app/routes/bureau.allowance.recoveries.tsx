import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Money } from '~/components/allowance.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { listRecoveries } from '~/modules/allowance/runs.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['bureau_district', 'bureau_city'])
	return listRecoveries(user)
}

export default function Recoveries() {
	const { rows, totalFen } = useLoaderData<typeof loader>()
	const { t } = useTranslation('allowance')
	return (
		<section className="card">
			<h1>{t('recoveries.title')}</h1>
			<p className="lead">{t('recoveries.lead')}</p>
			{rows.length === 0 ? (
				<p className="empty">{t('recoveries.none')}</p>
			) : (
				<div className="table-wrap">
					<table data-testid="recoveries">
						<thead>
							<tr>
								<th scope="col">{t('recoveries.name')}</th>
								<th scope="col">{t('recoveries.idNumber')}</th>
								<th scope="col">{t('recoveries.deathDate')}</th>
								<th scope="col">{t('recoveries.month')}</th>
								<th scope="col">{t('recoveries.amount')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.paymentId}>
									<td>{r.name}</td>
									<td className="mono">{r.idNumberMasked}</td>
									<td>{r.deathDate}</td>
									<td>{r.month}</td>
									<td>
										<Money fen={r.amountFen} />
									</td>
								</tr>
							))}
						</tbody>
						<tfoot>
							<tr>
								<th scope="row" colSpan={4}>
									{t('recoveries.total')}
								</th>
								<td data-testid="recoveries-total">
									<Money fen={totalFen} />
								</td>
							</tr>
						</tfoot>
					</table>
				</div>
			)}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
