import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { institutionOverview } from '~/modules/beds/admissions.server.ts'
import { formatPercent, formatRatio } from '~/modules/beds/indicators.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return { name: staff.providerName, overview: await institutionOverview(staff, shanghaiDate()) }
}

export default function InstitutionOverview() {
	const { name, overview: o } = useLoaderData<typeof loader>()
	const { t } = useTranslation('beds')
	return (
		<section className="card">
			<h1>{t('institution.title', { name })}</h1>
			<dl className="facts" data-testid="institution-overview">
				<dt>{t('fields.beds')}</dt>
				<dd data-testid="own-beds">{o.beds}</dd>
				<dt>{t('types.nursing')}</dt>
				<dd>{o.nursing}</dd>
				<dt>{t('types.dementia')}</dt>
				<dd>{o.dementia}</dd>
				<dt>{t('statuses.vacant')}</dt>
				<dd>{o.vacant}</dd>
				<dt>{t('statuses.reserved')}</dt>
				<dd>{o.reserved}</dd>
				<dt>{t('statuses.occupied')}</dt>
				<dd data-testid="own-occupied">{o.occupied}</dd>
				<dt>{t('statuses.out_of_service')}</dt>
				<dd>{o.outOfService}</dd>
				<dt>{t('fields.occupancy')}</dt>
				<dd data-testid="own-occupancy">{formatPercent(o.occupancy)}</dd>
				<dt>{t('institution.admitted30')}</dt>
				<dd>{o.admitted30}</dd>
				<dt>{t('institution.discharged30')}</dt>
				<dd>{o.discharged30}</dd>
				<dt>{t('institution.admitted365')}</dt>
				<dd>{o.admitted365}</dd>
				<dt>{t('institution.discharged365')}</dt>
				<dd>{o.discharged365}</dd>
				<dt>{t('institution.turnover')}</dt>
				<dd>{formatRatio(o.turnover, 2)}</dd>
				<dt>{t('institution.avgStay')}</dt>
				<dd>{o.avgStayDays === null ? '—' : t('institution.days', { count: o.avgStayDays })}</dd>
				<dt>{t('institution.waiting')}</dt>
				<dd data-testid="own-waiting">{o.waiting}</dd>
				<dt>{t('institution.acceptedNotAdmitted')}</dt>
				<dd>{o.accepted}</dd>
			</dl>
			<p className="title-row">
				<Link to="/institution/beds" className="button">{t('nav.beds')}</Link>
				<Link to="/institution/admissions" className="button">{t('nav.admissions')}</Link>
				<Link to="/institution/requests" className="button">{t('nav.requests')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
