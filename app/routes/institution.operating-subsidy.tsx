import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { listStatements } from '~/modules/operating-subsidy/statements.server.ts'

// The institution's operating subsidy (运营补贴), month by month; each links to its statement.
export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return { name: staff.providerName, statements: await listStatements(staff, null) }
}

export default function InstitutionOperatingSubsidyPage() {
	const { name, statements } = useLoaderData<typeof loader>()
	const { t } = useTranslation('beds')
	return (
		<section className="card">
			<h1>{t('operating.ownTitle', { name })}</h1>
			<p>{t('operating.ownIntro')}</p>
			<DataTable
				caption={t('operating.ownCaption')}
				captionHidden
				empty={t('operating.ownEmpty')}
				columns={[
					{ header: t('operating.month'), cell: (s) => <Link to={`/operating-subsidy/${s.id}`}>{s.month}</Link>, rowHeader: true },
					{ header: t('operating.bedDays'), cell: (s) => s.bedDays, numeric: true },
					{ header: t('operating.amount'), cell: (s) => <Money fen={s.totalFen} />, numeric: true },
					{ header: t('operating.status'), cell: (s) => t(`operating.statuses.${s.status}`) },
				]}
				rows={statements}
				rowKey={(s) => s.id}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
