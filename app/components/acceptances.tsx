import { useTranslation } from 'react-i18next'
import { DataTable } from './ui.tsx'

/** The acceptance inspections of an institution (issue 14 item 3), with links to their photos. */
export function Acceptances({ rows }: { rows: readonly { id: string; inspectedOn: string; inspector: string | null; note: string | null; beds: number; photoIds: string[] }[] }) {
	const { t } = useTranslation('beds')
	return (
		<>
			<h3>{t('construction.inspections')}</h3>
			<DataTable
				data-testid="acceptances"
				empty={t('construction.noInspections')}
				columns={[
					{ header: t('construction.inspectedOn'), cell: (a) => a.inspectedOn, rowHeader: true },
					{ header: t('construction.inspector'), cell: (a) => a.inspector ?? '' },
					{ header: t('construction.beds'), cell: (a) => a.beds, numeric: true },
					{ header: t('construction.note'), cell: (a) => a.note ?? '' },
					{
						header: t('construction.photos'),
						cell: (a) =>
							a.photoIds.map((id, i) => (
								<a key={id} href={`/construction/photos/${id}`} target="_blank" rel="noreferrer">
									{t('construction.photoN', { n: i + 1 })}{' '}
								</a>
							)),
					},
				]}
				rows={rows}
				rowKey={(a) => a.id}
			/>
		</>
	)
}
