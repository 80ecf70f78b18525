import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { StatusBadge, When } from '~/components/marketplace.tsx'
import { Pager } from '~/components/pager.tsx'
import { Money } from '~/components/ui.tsx'
import { requireRole } from '~/modules/auth/access.server.ts'
import { listBookings } from '~/modules/marketplace/booking-read.server.ts'
import { pageParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'])
	const page = pageParam(new URL(request.url).searchParams)
	return { ...(await listBookings(user, { page })), page, role: user.role }
}

export default function Bookings() {
	const { bookings, hasMore, page, role } = useLoaderData<typeof loader>()
	const { t } = useTranslation('marketplace')
	return (
		<section>
			<div className="title-row">
				<h1>{role === 'provider_staff' ? t('bookings.providerTitle') : t('bookings.title')}</h1>
				{role === 'family' ? (
					<Link to="/services" className="button big">
						{t('bookings.find')}
					</Link>
				) : null}
			</div>
			{bookings.length === 0 ? (
				<p className="empty">{t('bookings.none')}</p>
			) : (
				<ul className="cards">
					{bookings.map((b) => (
						<li key={b.id} className="card">
							<h2>
								<Link to={`/bookings/${b.id}`}>{b.offering.title}</Link> <StatusBadge status={b.status} />
							</h2>
							<p>
								<When at={b.startsAt} /> · {b.elder.name} · {b.provider.name} · <Money fen={b.copayFen} /> · {t(`payment.${b.paymentStatus}`)}
							</p>
						</li>
					))}
				</ul>
			)}
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
