import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatFen } from '~/lib/money.ts'
import { formatMonth } from '~/lib/time.ts'

type Decision = { payable: true; tier: number; amountFen: number } | { payable: false; reason: string }
type Office = { nameZh: string; nameEn: string | null; openingHours: string } | null

/**
 * This month's allowance decision in one sentence, and what happens next and who to go to: the same
 * words on the family's list and on the elder's page (issue 11 item 4).
 */
export function AllowanceStatus({
	decision,
	month,
	firstEligibleMonth,
	office,
	cardMissing,
	cardLink,
}: {
	decision: Decision
	month: string
	firstEligibleMonth: string
	office?: Office
	cardMissing?: boolean
	/** Where the card is recorded (the elder's allowance page), when not already on it. */
	cardLink?: string
}) {
	const { t, i18n } = useTranslation('allowance')
	const lang = i18n.language
	const m = formatMonth(month, lang)
	let text: string
	if (decision.payable) text = t('family.payable', { month: m, amount: formatFen(decision.amountFen, lang), tier: t(`tiers.${decision.tier}`) })
	else if (decision.reason === 'under_age') text = t('family.underAge', { month: formatMonth(firstEligibleMonth, lang) })
	else text = t('family.stopped', { month: m, reason: t(`stop.${decision.reason}`) })
	const community = office ? (lang === 'zh-CN' ? office.nameZh : (office.nameEn ?? office.nameZh)) : null
	const where = community ? t('family.next.office', { community, hours: office!.openingHours }) : t('family.next.anyOffice')
	const next = !decision.payable && decision.reason !== 'under_age' ? t(`family.next.${decision.reason === 'no_liveness' ? 'no_liveness' : 'stopped'}`, { where }) : null
	// A payable allowance with no card is computed but held: say how to register the card.
	const card = cardMissing && decision.payable ? t('family.next.noCard', { where }) : null
	return (
		<div className="status-line" data-testid="allowance-status" data-payable={decision.payable ? 'yes' : 'no'}>
			<p>{text}</p>
			{next ? <p data-testid="allowance-next">{next}</p> : null}
			{card ? (
				<p data-testid="allowance-card-next">
					{card} {cardLink ? <Link to={cardLink}>{t('family.next.cardLink')}</Link> : null}
				</p>
			) : null}
		</div>
	)
}
