import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { FindingRow } from '~/modules/institutions/inspections.server.ts'
import { DataTable, Facts } from './ui.tsx'

// The rows the inspections module reads, as the page receives them; the card needs no ids of places.
type Finding = Omit<FindingRow, 'inspectionId' | 'providerId' | 'districtId'>

const photoLinks = (ids: string[], label: (n: number) => string) =>
	ids.map((id, i) => (
		<a key={id} href={`/inspections/photos/${id}`} target="_blank" rel="noreferrer">
			{label(i + 1)}{' '}
		</a>
	))

/** Findings of inspections (issue 14 item 7) as cards, with the viewer's action on each (answer, close or reopen). */
export function Findings({ rows, empty, showProvider, render }: { rows: readonly Finding[]; empty: string; showProvider?: boolean; render?: (f: Finding) => ReactNode }) {
	const { t } = useTranslation('beds')
	if (!rows.length) return <p className="empty">{empty}</p>
	return (
		<ul className="cards">
			{rows.map((f) => (
				<li key={f.id} className="card" data-testid="finding" data-status={f.status}>
					<h3>
						{showProvider ? `${f.providerName} · ` : ''}
						{t(`inspections.kinds.${f.category}`)} · {t(`inspections.severities.${f.severity}`)}
						{f.overdue ? <> <span className="badge badge-declined">{t('inspections.overdueBadge')}</span></> : null}
						{f.blocking ? <> <span className="badge badge-declined">{t('inspections.blockingBadge')}</span></> : null}
					</h3>
					<Facts
						items={[
							[t('inspections.description'), f.description],
							[t('inspections.deadline'), f.overdue ? `${f.deadline} · ${t('inspections.overdueDays', { days: f.daysOverdue })}` : f.deadline],
							[t('inspections.status'), t(`inspections.statuses.${f.status}`), { 'data-testid': 'finding-status' }],
							f.rectification ? [t('inspections.rectification'), `${f.rectification}${f.answeredOn ? ` · ${f.answeredOn}` : ''}`] : null,
							f.photoIds.length ? [t('inspections.photos'), photoLinks(f.photoIds, (n) => t('inspections.photo', { n }))] : null,
							f.reopenReason ? [t('inspections.reopenReason'), f.reopenReason] : null,
						]}
					/>
					{render ? render(f) : null}
				</li>
			))}
		</ul>
	)
}

/** The inspections of an institution, with links to their photos. */
export function InspectionList({ rows }: { rows: readonly { id: string; inspectedOn: string; kinds: string[]; note: string | null; inspector: string | null; photoIds: string[] }[] }) {
	const { t } = useTranslation('beds')
	return (
		<DataTable
			data-testid="inspections"
			empty={t('inspections.noInspections')}
			columns={[
				{ header: t('inspections.inspectedOn'), cell: (i) => i.inspectedOn, rowHeader: true },
				{ header: t('inspections.kindsLegend'), cell: (i) => i.kinds.map((k) => t(`inspections.kinds.${k}`)).join('、') },
				{ header: t('inspections.inspector'), cell: (i) => i.inspector ?? '' },
				{ header: t('inspections.note'), cell: (i) => i.note ?? '' },
				{ header: t('inspections.photos'), cell: (i) => photoLinks(i.photoIds, (n) => t('inspections.photo', { n })) },
			]}
			rows={rows}
			rowKey={(i) => i.id}
		/>
	)
}
