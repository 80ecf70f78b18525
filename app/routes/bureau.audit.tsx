import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Pager } from '~/components/pager.tsx'
import { DataTable } from '~/components/ui.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { listAuditLog } from '~/modules/audit/audit.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'

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
			<DataTable
				columns={[
					{ header: t('audit.at'), cell: (e) => formatShanghai(new Date(e.at), i18n.language) },
					{ header: t('audit.actor'), cell: (e) => `${e.actorName ?? '—'}${e.actorRole ? ` · ${t(`roles.${e.actorRole}`)}` : ''}` },
					{ header: t('audit.action'), cell: (e) => t(`audit.actions.${e.action}`, { defaultValue: e.action }) },
					{ header: t('audit.entity'), cell: (e) => `${e.entityType}${e.entityId ? ` ${e.entityId.slice(0, 8)}` : ''}`, className: 'mono' },
				]}
				rows={entries}
				rowKey={(e) => e.id}
				rowProps={(e) => ({ 'data-action': e.action })}
			/>
			<Pager page={page} hasMore={hasMore} href={(p) => `?page=${p}${q}`} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
