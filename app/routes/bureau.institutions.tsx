import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DataTable } from '~/components/ui.tsx'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { listInstitutionFacts } from '~/modules/beds/facts.server.ts'

// The bureau's view of the institutions' facts (issue 14 item 2): read-only, scoped to the officer.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { rows: await listInstitutionFacts(user) }
}

export default function BureauInstitutions() {
	const { rows } = useLoaderData<typeof loader>()
	const { t } = useTranslation('beds')
	return (
		<section className="card">
			<h1>{t('facts.listTitle')}</h1>
			<DataTable
				columns={[
					{
						header: t('facts.title', { name: '' }).replace(' · ', ''),
						cell: (r) => r.name,
						rowHeader: true,
					},
					{
						header: t('facts.ownership'),
						cell: (r) => (r.facts ? t(`facts.ownerships.${r.facts.ownership}`) : t('facts.notFilled')),
					},
					{
						header: t('facts.facilityKind'),
						cell: (r) => (r.facts ? t(`facts.kinds.${r.facts.facilityKind}`) : '—'),
					},
					{
						header: t('facts.filingNo'),
						cell: (r) => r.facts?.filingNo ?? '—',
					},
					{
						header: t('facts.filingDate'),
						cell: (r) => r.facts?.filingDate ?? '—',
					},
					{
						header: t('facts.tekunCapacity'),
						cell: (r) => r.facts?.tekunCapacity ?? '—',
					},
				]}
				rows={rows}
				rowKey={(r) => r.id}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
