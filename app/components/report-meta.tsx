import { useTranslation } from 'react-i18next'
import { formatShanghai } from '~/lib/time.ts'

/** The period, scope and time of computation every report states (beside its figures and in exports). */
export function ReportMeta({ period, scope, computedAt }: { period: string; scope: string; computedAt: string }) {
	const { t, i18n } = useTranslation()
	return (
		<p className="report-meta" data-testid="report-meta">
			{t('reportMeta.line', { period, scope, computedAt: formatShanghai(new Date(computedAt), i18n.language) })}
		</p>
	)
}
