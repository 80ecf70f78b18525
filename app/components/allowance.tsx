import { useTranslation } from 'react-i18next'
import { formatFen } from '~/lib/money.ts'
import type { LineReport } from '~/modules/allowance/csv.server.ts'

/** Fen as yuan in the reader's locale. */
export function Money({ fen }: { fen: number | null | undefined }) {
	const { i18n } = useTranslation()
	return <span className="money">{fen === null || fen === undefined ? '—' : formatFen(fen, i18n.language)}</span>
}

/** The per-line report of a CSV import: what matched, what did not, and why. */
export function ImportReport({ lines, summary }: { lines: LineReport[]; summary: string }) {
	const { t } = useTranslation('allowance')
	return (
		<div role="status">
			<p className="notice">{summary}</p>
			<div className="table-wrap">
				<table data-testid="import-report">
					<thead>
						<tr>
							<th scope="col">{t('import.line')}</th>
							<th scope="col">{t('import.result')}</th>
							<th scope="col">{t('import.why')}</th>
						</tr>
					</thead>
					<tbody>
						{lines.map((l) => (
							<tr key={`${l.line}-${l.outcome}`} data-outcome={l.outcome}>
								<td>{l.line}</td>
								<td>{t(`import.outcome.${l.outcome}`)}</td>
								<td>{l.reason ? t(l.reason) : ''}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</div>
	)
}
