import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AllowanceStatus } from '~/components/allowance-status.tsx'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Pager } from '~/components/pager.tsx'
import { DataTable, Day, Money, Month } from '~/components/ui.tsx'
import { PaymentRecoveryState } from '~/components/allowance.tsx'
import { familyAllowances, livenessDue } from '~/modules/allowance/people.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { pageParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family', 'community_officer', 'bureau_district', 'bureau_city'])
	if (user.role === 'family') return { view: 'family' as const, elders: await familyAllowances(user) }
	const page = pageParam(new URL(request.url).searchParams)
	return { view: 'officer' as const, page, ...(await livenessDue(user, { page })) }
}

export default function AllowanceHome() {
	const loaderData = useLoaderData<typeof loader>()
	const { t } = useTranslation('allowance')
	if (loaderData.view === 'family') {
		return (
			<section>
				<h1>{t('family.title')}</h1>
				<p className="lead">{t('family.lead')}</p>
				<Cards items={loaderData.elders} empty={t('family.none')} itemKey={(a) => a.elder.id} itemProps={() => ({ 'data-testid': 'elder-allowance' })}>
					{(a) => (
						<>
							<h2>
								<Link to={`/allowance/elders/${a.elder.id}`}>{a.elder.name}</Link>
							</h2>
							<AllowanceStatus decision={a.decision} month={a.month} firstEligibleMonth={a.firstEligibleMonth} office={a.elder.office} cardMissing={a.elder.cardMissing} cardLink={`/allowance/elders/${a.elder.id}`} />
							<h3>{t('family.history')}</h3>
							{a.payments.length === 0 ? (
								<p>{t('family.noHistory')}</p>
							) : (
								<ul>
									{a.payments.map((p) => (
										<li key={p.month} data-testid="payment-line">
											<Month month={p.month} /> · <Money fen={p.amountFen} /> · {t(`kind.${p.kind}`)} · {t(`paymentStatus.${p.status}`)}
											{p.recovery ? (
												<>
													{' · '}
													<PaymentRecoveryState recovery={p.recovery} remainingFen={p.remainingFen} />
												</>
											) : null}
										</li>
									))}
								</ul>
							)}
						</>
					)}
				</Cards>
			</section>
		)
	}
	return (
		<section className="card">
			<h1>{t('liveness.title')}</h1>
			<p className="lead">{t('liveness.lead')}</p>
			<DataTable
				columns={[
					{ header: t('recoveries.name'), cell: (e) => <Link to={`/allowance/elders/${e.id}`}>{e.name}</Link> },
					{ header: t('recoveries.idNumber'), cell: (e) => e.idNumberMasked, className: 'mono' },
					{ header: t('family.lastLiveness'), cell: (e) => (e.lastLivenessAt ? <Day on={e.lastLivenessAt} /> : t('family.never')) },
				]}
				rows={loaderData.elders}
				rowKey={(e) => e.id}
			/>
			<Pager page={loaderData.page} hasMore={loaderData.hasMore} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
