import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Facts } from '~/components/ui.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { institutionOverview } from '~/modules/beds/admissions.server.ts'
import { formatPercent, formatRatio } from '~/modules/beds/indicators.ts'
import { blockingFindings } from '~/modules/institutions/admission-stop.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const today = shanghaiDate()
	const [overview, blocking] = await Promise.all([institutionOverview(staff, today), blockingFindings(staff.providerId, today)])
	return { name: staff.providerName, status: staff.providerStatus, overview, admissionsStopped: blocking > 0 }
}

export default function InstitutionOverview() {
	const { name, status, overview: o, admissionsStopped } = useLoaderData<typeof loader>()
	const { t } = useTranslation('beds')
	const { t: tm } = useTranslation('marketplace')
	return (
		<section className="card">
			<h1>{t('institution.title', { name })}</h1>
			{status !== 'approved' ? (
				<p className="form-error" role="status" data-testid="provider-standing">
					{tm(`errors.provider.mayNotAct.${status}`)}
				</p>
			) : null}
			{admissionsStopped ? (
				<p className="form-error" role="status" data-testid="admissions-stopped">
					{t('inspections.errors.admissionsStopped')} <Link to="/institution/inspections">{t('inspections.link')}</Link>
				</p>
			) : null}
			<Facts
				data-testid="institution-overview"
				items={[
					[t('fields.beds'), o.beds, { 'data-testid': 'own-beds' }],
					[t('types.nursing'), o.nursing],
					[t('types.dementia'), o.dementia],
					[t('statuses.vacant'), o.vacant],
					[t('statuses.reserved'), o.reserved],
					[t('statuses.occupied'), o.occupied, { 'data-testid': 'own-occupied' }],
					[t('statuses.out_of_service'), o.outOfService],
					[t('fields.occupancy'), formatPercent(o.occupancy), { 'data-testid': 'own-occupancy' }],
					[t('institution.admitted30'), o.admitted30],
					[t('institution.discharged30'), o.discharged30],
					[t('institution.admitted365'), o.admitted365],
					[t('institution.discharged365'), o.discharged365],
					[t('institution.turnover'), formatRatio(o.turnover, 2)],
					[t('institution.avgStay'), o.avgStayDays === null ? '—' : t('institution.days', { count: o.avgStayDays })],
					[t('institution.waiting'), o.waiting, { 'data-testid': 'own-waiting' }],
					[t('institution.acceptedNotAdmitted'), o.accepted],
				]}
			/>
			<p className="title-row">
				<Link to="/institution/beds" className="button">{t('nav.beds')}</Link>
				<Link to="/institution/admissions" className="button">{t('nav.admissions')}</Link>
				<Link to="/institution/requests" className="button">{t('nav.requests')}</Link>
				<Link to="/institution/facts" className="button">{t('facts.link')}</Link>
				<Link to="/institution/construction" className="button">{t('construction.link')}</Link>
				<Link to="/institution/inspections" className="button">{t('inspections.link')}</Link>
				<Link to="/institution/operating-subsidy" className="button">{t('operating.nav')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
