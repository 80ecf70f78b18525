import { useTranslation } from 'react-i18next'
import type { LineReport } from '~/modules/allowance/csv.server.ts'
import type { PaymentRecovery } from '~/modules/allowance/rules.ts'
import { DataTable, Money } from './ui.tsx'

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

/** Where a payment after the elder's death stands: still to return, part returned (with what remains), returned, or written off. */
export function PaymentRecoveryState({ recovery, remainingFen }: { recovery: PaymentRecovery; remainingFen: number | null }) {
	const { t } = useTranslation('allowance')
	return recovery === 'partial' ? (
		<span data-testid="payment-recovery">
			{t('family.recovery.partial')} <Money fen={remainingFen} />
		</span>
	) : (
		<span data-testid="payment-recovery">{t(`family.recovery.${recovery}`)}</span>
	)
}
