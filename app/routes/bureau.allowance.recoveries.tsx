import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
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
			<DataTable
				data-testid="recoveries"
				empty={t('recoveries.none')}
				columns={[
					{ header: t('recoveries.name'), cell: (r) => r.name },
					{ header: t('recoveries.idNumber'), cell: (r) => r.idNumberMasked, className: 'mono' },
					{ header: t('recoveries.deathDate'), cell: (r) => r.deathDate },
					{ header: t('recoveries.month'), cell: (r) => r.month },
					{ header: t('recoveries.amount'), cell: (r) => <Money fen={r.amountFen} /> },
				]}
				rows={rows}
				rowKey={(r) => r.paymentId}
				footer={
					<tr>
						<th scope="row" colSpan={4}>
							{t('recoveries.total')}
						</th>
						<td data-testid="recoveries-total">
							<Money fen={totalFen} />
						</td>
					</tr>
				}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
