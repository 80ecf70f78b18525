import { data, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { StatusBadge, When } from '~/components/marketplace.tsx'
import { navItemsFor } from '~/components/nav-items.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { getSessionUser } from '~/modules/auth/session.server.ts'
import { comingBookings } from '~/modules/marketplace/booking-read.server.ts'
import { waitingWork } from '~/modules/operations/waiting-work.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await getSessionUser(request)
	// An officer's day starts here: what waits in each of their queues.
	// A family's day: what comes next for their elders.
	const [waiting, coming] = user ? await Promise.all([waitingWork(user, shanghaiDate()), comingBookings(user)]) : [[], { bookings: [], more: false }]
	return data({ user: user && { name: user.name, role: user.role, providerKind: user.providerKind }, waiting, coming }, user ? { headers: { 'Cache-Control': 'private, no-store' } } : undefined)
}

export default function Index() {
	const { user, waiting, coming } = useLoaderData<typeof loader>()
	const { t } = useTranslation()
	const items = navItemsFor(user)
	return (
		<>
			<section className="hero">
				<h1>{t('home.title')}</h1>
				<p className="lead">{t('home.lead')}</p>
				{!user ? (
					<p className="actions">
						<Link to="/register" className="button big">
							{t('auth.register')}
						</Link>
						<Link to="/login" className="button big secondary">
							{t('auth.signIn')}
						</Link>
					</p>
				) : null}
			</section>
			{waiting.length ? (
				<section aria-labelledby="waiting" data-testid="waiting-work">
					<h2 id="waiting">{t('home.waiting.title')}</h2>
					<ul className="tiles">
						{waiting.map((w) => (
							<li key={w.key}>
								<Link to={w.to} className="tile" data-testid={`waiting-${w.key}`}>
									{t(`home.waiting.${w.key}`)} <span className="badge">{w.count}</span>
								</Link>
							</li>
						))}
					</ul>
				</section>
			) : null}
			{coming.bookings.length ? (
				<section aria-labelledby="coming" data-testid="coming-bookings">
					<h2 id="coming">{t('home.coming.title')}</h2>
					<ul className="cards">
						{coming.bookings.map((b) => (
							<li key={b.id} className="card">
								<h3>
									<Link to={`/bookings/${b.id}`}>{b.offering.title}</Link> <StatusBadge status={b.status} />
								</h3>
								<p>
									<When at={b.startsAt} /> · {b.elder.name} · {b.provider.name}
								</p>
								{b.visit ? (
									<p>
										{t('home.coming.checkedIn', { name: b.visit.caregiver.name })} <When at={b.visit.checkInAt} />
									</p>
								) : null}
							</li>
						))}
					</ul>
					{coming.more ? <Link to="/bookings?when=upcoming">{t('home.coming.more')}</Link> : null}
				</section>
			) : null}
			{user ? (
				<section aria-labelledby="shortcuts">
					<h2 id="shortcuts">{t('home.shortcuts', { name: user.name })}</h2>
					<ul className="tiles">
						{items.map((item) => (
							<li key={item.to}>
								<Link to={item.to} className="tile">
									{t(item.label)}
								</Link>
							</li>
						))}
					</ul>
				</section>
			) : (
				<section className="three-kinds" aria-labelledby="kinds">
					<h2 id="kinds">{t('home.kindsTitle')}</h2>
					<ul className="tiles">
						<li>
							<Link to="/services?kind=home_care" className="tile">
								{t('home.kindHome')}
							</Link>
						</li>
						<li>
							<Link to="/services?kind=community_centre" className="tile">
								{t('home.kindCommunity')}
							</Link>
						</li>
						<li>
							<Link to="/services?kind=institution" className="tile">
								{t('home.kindInstitution')}
							</Link>
						</li>
					</ul>
					<p className="actions">
						<Link to="/services" className="button big secondary">
							{t('home.browseServices')}
						</Link>
					</p>
					<p>
						{t('home.providerWayIn')} <Link to="/providers/apply">{t('home.providerApply')}</Link>
					</p>
				</section>
			)}
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
