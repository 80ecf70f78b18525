// Statuses due for re-review (复核) in the officer's area, per community: the nightly job's list.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DataTable } from '~/components/ui.tsx'
import { REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { reviewList } from '~/modules/statuses/review.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	return { rows: await reviewList(user) }
}

export default function StatusReview() {
	const { rows } = useLoaderData<typeof loader>()
	const { t } = useTranslation('statuses')
	return (
		<section className="card">
			<h1>{t('review.title')}</h1>
			<p>{t('review.intro')}</p>
			<DataTable
				caption={t('review.title')}
				captionHidden
				empty={t('review.empty')}
				columns={[
					{ header: t('review.community'), cell: (r) => r.communityName ?? '—' },
					{ header: t('review.elder'), cell: (r) => r.elderName },
					{ header: t('fields.kind'), cell: (r) => t(`kinds.${r.kind}`) },
					{ header: t('review.dueOn'), cell: (r) => r.dueOn },
					{ header: t('fields.source'), cell: (r) => r.source },
					{ header: t('review.listedOn'), cell: (r) => r.listedOn },
					{ header: t('review.open'), cell: (r) => <Link to={`/elders/${r.elderId}/statuses`}>{t('review.open')}</Link> },
				]}
				rows={rows}
				rowKey={(r) => `${r.statusId}-${r.dueOn}`}
				rowProps={(r) => ({ 'data-status': r.statusId })}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
