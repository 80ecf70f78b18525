import { useTranslation } from 'react-i18next'
import type { LineReport } from '~/modules/allowance/csv.server.ts'
import { DataTable } from './ui.tsx'

/** The one Money of the UI kit (app/components/ui.tsx). */
export { Money } from './ui.tsx'

/** The per-line report of a CSV import: what matched, what did not, and why. */
export function ImportReport({ lines, summary }: { lines: LineReport[]; summary: string }) {
	const { t } = useTranslation('allowance')
	return (
		<div role="status">
			<p className="notice">{summary}</p>
			<DataTable
				data-testid="import-report"
				columns={[
					{ header: t('import.line'), cell: (l) => l.line },
					{ header: t('import.result'), cell: (l) => t(`import.outcome.${l.outcome}`) },
					{ header: t('import.why'), cell: (l) => (l.reason ? t(l.reason) : '') },
				]}
				rows={lines}
				rowKey={(l) => `${l.line}-${l.outcome}`}
				rowProps={(l) => ({ 'data-outcome': l.outcome })}
			/>
		</div>
	)
}
