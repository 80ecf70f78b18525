import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { LabelledSelect } from '~/components/labelled-select.tsx'
import { Pager } from '~/components/pager.tsx'
import { DataTable } from '~/components/ui.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { listAuditLog } from '~/modules/audit/audit.server.ts'
import { auditFilterOf, auditQuery } from '~/modules/audit/filter.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { pageParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const url = new URL(request.url)
	const page = pageParam(url.searchParams)
	const filter = auditFilterOf(url.searchParams)
	return { ...(await listAuditLog(user, { page, ...filter })), page, filter }
}

export default function AuditPage() {
	const { entries, hasMore, page, filter } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation()
	const query = auditQuery(filter)
	const actions = Object.keys(t('audit.actions', { returnObjects: true }) as Record<string, string>).sort()
	const entities = Object.keys(t('audit.entities', { returnObjects: true }) as Record<string, string>)
	const entityName = (type: string) => t(`audit.entities.${type}`, { defaultValue: t('audit.entities.other') })
	return (
		<section className="card">
			<h1>{t('audit.title')}</h1>
			<Form method="get" className="grid-form" aria-label={t('audit.filter')}>
				<label>
					{t('audit.actor')}
					<input type="search" name="actor" defaultValue={filter.actor ?? ''} maxLength={40} placeholder={t('audit.actorHint')} />
				</label>
				<LabelledSelect name="action" label={t('audit.action')} value={filter.action ?? ''} anyLabel={t('audit.any')} options={actions.map((a) => ({ value: a, label: t(`audit.actions.${a}`) }))} />
				<LabelledSelect name="entityType" label={t('audit.entity')} value={filter.entityType ?? ''} anyLabel={t('audit.any')} options={entities.filter((e) => e !== 'other').map((e) => ({ value: e, label: entityName(e) }))} />
				<label>
					{t('audit.entityId')}
					<input type="search" name="entityId" defaultValue={filter.entityId ?? ''} maxLength={36} />
				</label>
				<label>
					{t('audit.from')}
					<input type="date" name="from" defaultValue={filter.from ?? ''} />
				</label>
				<label>
					{t('audit.to')}
					<input type="date" name="to" defaultValue={filter.to ?? ''} />
				</label>
				<div className="actions">
					<button type="submit" className="button">
						{t('audit.apply')}
					</button>
					<Link to="/bureau/audit" className="button secondary">
						{t('audit.clear')}
					</Link>
					<a href={`/bureau/audit.csv${query ? `?${query}` : ''}`} className="button secondary" download>
						{t('audit.export')}
					</a>
				</div>
			</Form>
			<DataTable
				empty={t('audit.none')}
				columns={[
					{ header: t('audit.at'), cell: (e) => formatShanghai(new Date(e.at), i18n.language) },
					{ header: t('audit.actor'), cell: (e) => (e.actorName ? `${e.actorName}${e.actorRole ? ` · ${t(`roles.${e.actorRole}`)}` : ''}` : t('audit.system')) },
					{ header: t('audit.action'), cell: (e) => t(`audit.actions.${e.action}`, { defaultValue: t('audit.otherAction') }) },
					{
						header: t('audit.entity'),
						cell: (e) => (
							<>
								{entityName(e.entityType)}
								{e.objectLabel ? `：${e.objectLabel}` : ''}
								{e.entityId ? (
									<Link className="mono small" to={`?${auditQuery({ ...filter, entityType: e.entityType, entityId: e.entityId })}`} title={t('audit.sameObject')}>
										{' '}
										#{e.entityId.slice(0, 8)}
									</Link>
								) : null}
							</>
						),
					},
				]}
				rows={entries}
				rowKey={(e) => e.id}
				rowProps={(e) => ({ 'data-action': e.action })}
			/>
			<Pager page={page} hasMore={hasMore} href={(p) => `?page=${p}${query ? `&${query}` : ''}`} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
