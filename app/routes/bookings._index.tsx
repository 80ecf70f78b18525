import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { StatusBadge, When } from '~/components/marketplace.tsx'
import { Pager } from '~/components/pager.tsx'
import { Money } from '~/components/ui.tsx'
import { requireRole } from '~/modules/auth/access.server.ts'
import { listBookings } from '~/modules/marketplace/booking-read.server.ts'
import { BookingStatus } from '~/generated/prisma/enums.ts'
import { pageParam, textParam } from '~/lib/query.ts'

const STATUSES = new Set<string>(Object.values(BookingStatus))

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'])
	const params = new URL(request.url).searchParams
	const page = pageParam(params)
	// One status only (the home page's "to confirm" leads here with ?status=requested); anything else: all.
	const asked = textParam(params, 'status', 20)
	const status = asked && STATUSES.has(asked) ? (asked as BookingStatus) : undefined
	// The family's bookings still to pay (the home page's "to pay" leads here with ?pay=due).
	const paymentDue = user.role === 'family' && textParam(params, 'pay', 10) === 'due'
	// What is still ahead, soonest first (the family's home page leads here with ?when=upcoming).
	const upcoming = textParam(params, 'when', 10) === 'upcoming'
	return { ...(await listBookings(user, { page, status, paymentDue, upcoming })), page, role: user.role, status: status ?? null, paymentDue, upcoming }
}

export default function Bookings() {
	const { bookings, hasMore, page, role, status, paymentDue, upcoming } = useLoaderData<typeof loader>()
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
			{status || paymentDue || upcoming ? (
				<p data-testid="status-filter">
					{[status ? t('bookings.onlyStatus', { status: t(`status.${status}`) }) : null, paymentDue ? t('bookings.onlyToPay') : null, upcoming ? t('bookings.onlyUpcoming') : null].filter(Boolean).join(' · ')} ·{' '}
					<Link to="/bookings">{t('bookings.all')}</Link>
				</p>
			) : null}
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
			<Pager page={page} hasMore={hasMore} href={(p) => `?page=${p}${status ? `&status=${status}` : ''}${paymentDue ? '&pay=due' : ''}${upcoming ? '&when=upcoming' : ''}`} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
