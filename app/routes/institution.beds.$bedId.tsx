import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { bedHistory } from '~/modules/beds/inventory.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	// Another institution's bed answers 404: its existence is not theirs to know.
	const history = await bedHistory(staff, params.bedId ?? '')
	if (!history) throw new Response('Not found', { status: 404 })
	return history
}

export default function BedHistory() {
	const { bed, events } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('beds')
	return (
		<section className="card">
			<h1>{t('history.title', { bed: bed.label })}</h1>
			<p>
				{t(`types.${bed.type}`)} · {t(`statuses.${bed.status}`)} · <Link to="/institution/beds">{t('history.back')}</Link>
			</p>
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('history.at')}</th>
							<th scope="col">{t('history.kind')}</th>
							<th scope="col">{t('history.change')}</th>
							<th scope="col">{t('fields.resident')}</th>
							<th scope="col">{t('history.by')}</th>
						</tr>
					</thead>
					<tbody>
						{events.map((e) => (
							<tr key={e.id} data-kind={e.kind}>
								<td>{formatShanghai(new Date(e.at), i18n.language)}</td>
								<td>{t(`events.${e.kind}`)}</td>
								<td>{[e.fromStatus, e.toStatus].map((s) => (s ? t(`statuses.${s}`) : '—')).join(' → ')}</td>
								<td>{e.elderName ?? '—'}</td>
								<td>{e.actorName ?? '—'}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
