import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { listAuditLog } from '~/modules/audit/audit.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { Pager } from '~/components/pager.tsx'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const url = new URL(request.url)
	const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
	const action = url.searchParams.get('action')?.slice(0, 64) || undefined
	return { ...(await listAuditLog(user, { page, action })), page, action }
}

export default function AuditPage() {
	const { entries, hasMore, page, action } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation()
	const q = action ? `&action=${encodeURIComponent(action)}` : ''
	return (
		<section className="card">
			<h1>{t('audit.title')}</h1>
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('audit.at')}</th>
							<th scope="col">{t('audit.actor')}</th>
							<th scope="col">{t('audit.action')}</th>
							<th scope="col">{t('audit.entity')}</th>
						</tr>
					</thead>
					<tbody>
						{entries.map((e) => (
							<tr key={e.id} data-action={e.action}>
								<td>{formatShanghai(new Date(e.at), i18n.language)}</td>
								<td>
									{e.actorName ?? '—'}
									{e.actorRole ? ` · ${t(`roles.${e.actorRole}`)}` : ''}
								</td>
								<td>{t(`audit.actions.${e.action}`, { defaultValue: e.action })}</td>
								<td className="mono">
									{e.entityType}
									{e.entityId ? ` ${e.entityId.slice(0, 8)}` : ''}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<Pager page={page} hasMore={hasMore} href={(p) => `?page=${p}${q}`} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
