import { useTranslation } from 'react-i18next'
import { formatFen } from '~/lib/money.ts'

type Decision = { payable: true; tier: number; amountFen: number } | { payable: false; reason: string }

/** This month's allowance decision in one sentence. */
export function AllowanceStatus({ decision, month, firstEligibleMonth }: { decision: Decision; month: string; firstEligibleMonth: string }) {
	const { t, i18n } = useTranslation('allowance')
	let text: string
	if (decision.payable) text = t('family.payable', { month, amount: formatFen(decision.amountFen, i18n.language), tier: t(`tiers.${decision.tier}`) })
	else if (decision.reason === 'under_age') text = t('family.underAge', { month: firstEligibleMonth })
	else text = t('family.stopped', { month, reason: t(`stop.${decision.reason}`) })
	return (
		<p className="status-line" data-testid="allowance-status" data-payable={decision.payable ? 'yes' : 'no'}>
			{text}
		</p>
	)
}
