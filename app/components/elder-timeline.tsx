// The elder's one timeline (issue 10 item 9): every line with its day, what happened, and who did it
// as far as the viewer may know (app/modules/elders/timeline.server.ts decides that). Dates and money
// in the reader's language; codes only through the catalogues.
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDay, formatMonth } from '~/lib/time.ts'
import type { ElderTimeline as Timeline, TimelineLine } from '~/modules/elders/timeline.server.ts'

const moneyFormats = new Map<string, Intl.NumberFormat>()
function money(fen: number, locale: string) {
	let f = moneyFormats.get(locale)
	if (!f) moneyFormats.set(locale, (f = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' })))
	return f.format(fen / 100)
}

export function ElderTimeline({ elderId, timeline, officer }: { elderId: string; timeline: Timeline; officer: boolean }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const zh = lang === 'zh-CN'
	const str = (v: unknown) => (v === null || v === undefined ? '' : String(v))
	const line = (l: TimelineLine) => {
		const p = l.params
		switch (l.kind) {
			case 'registered':
				return t('timeline.registered')
			case 'verified':
				return t('timeline.verified')
			case 'lifeEvent':
				return [
					t('timeline.lifeEvent', { kind: t(`lifeEvents.kind.${p.event}`), status: t(`lifeEvents.status.${p.status}`) }),
					t('timeline.source', { source: t(`lifeEvents.source.${p.source}`) }) + (p.reference ? `（${p.reference}）` : ''),
					p.decidedBy ? t('timeline.decided', { name: p.decidedBy }) + (p.decisionNote ? `：${p.decisionNote}` : '') : null,
				]
					.filter(Boolean)
					.join(' · ')
			case 'imported':
				return p.created ? t('timeline.importedNew') : t('timeline.imported', { fields: ((p.fields as string[]) ?? []).map((f) => t(`registryImport.field.${f}`)).join('、') })
			case 'statusRecorded':
				return t('statuses:timeline.statusRecorded', { kind: t(`statuses:kinds.${p.kind}`), from: formatDay(str(p.from), lang), until: p.until ? t('statuses:timeline.until', { date: formatDay(str(p.until), lang) }) : '' }) + (p.source ? ` · ${p.source}` : '')
			case 'statusEnded':
				return t('statuses:timeline.statusEnded', { kind: t(`statuses:kinds.${p.kind}`), until: p.until ? formatDay(str(p.until), lang) : '' })
			case 'assessed':
				return t('statuses:timeline.assessed', { level: t(`statuses:levels.${p.level}`), total: p.total === null || p.total === undefined ? '' : `（${t('statuses:assessment.total')} ${p.total}）`, until: formatDay(str(p.until), lang) })
			case 'requested':
				return t('statuses:timeline.requested')
			case 'allowance':
				return (
					t('timeline.allowance', { month: formatMonth(str(p.month), lang), amount: money(Number(p.amountFen), lang), state: t(`timeline.allowanceState.${p.state}`) }) +
					(p.backPay ? t('timeline.allowanceBackPay') : '') +
					(p.held ? t('timeline.allowanceHeld') : '')
				)
			case 'grantStarted':
				return t('timeline.grantStarted', { policy: zh ? p.policyZh : p.policyEn, from: formatMonth(str(p.from), lang) })
			case 'grantEnded':
				return t('timeline.grantEnded', { policy: zh ? p.policyZh : p.policyEn })
			case 'grantStopped':
				return t('timeline.grantStopped', { policy: zh ? p.policyZh : p.policyEn, reason: t(`subsidies:errors.ineligible.${p.reason}`, { defaultValue: t('common.none') }) })
			case 'booking':
				return t('timeline.booking', { title: p.title, status: t(`marketplace:status.${p.status}`) })
			case 'visit':
				return t('timeline.visit', { title: p.title, state: t(p.verified ? 'timeline.visitVerified' : p.done ? 'timeline.visitDone' : 'timeline.visitOpen') })
			case 'admitted':
				return t('timeline.admitted')
			case 'discharged':
				return t('timeline.discharged', { reason: p.reason ? t(`beds:endReasons.${p.reason}`, { defaultValue: t('common.none') }) : t('common.none') })
		}
	}
	return (
		<section className="card" data-testid="timeline">
			<div className="title-row">
				<h2>{t('timeline.title')}</h2>
				<div data-testid="status-timeline" className="inline-form">
					{officer ? (
						<Link to={`/elders/${elderId}/statuses`} className="button secondary">
							{t('statuses:timeline.manage')}
						</Link>
					) : null}
					<Link to={`/elders/${elderId}/assessment`} className="button secondary">
						{t('statuses:timeline.assess')}
					</Link>
				</div>
			</div>
			<p className="muted">{t('timeline.lead')}</p>
			{timeline.lines.length === 0 ? <p className="empty">{t('timeline.empty')}</p> : null}
			<ol className="timeline">
				{timeline.lines.map((l) => (
					<li key={l.key} data-kind={l.kind}>
						<time dateTime={l.on}>{formatDay(l.on, lang)}</time> <span className="muted">{t(`timeline.kinds.${l.kind}`)}</span> {line(l)}
						{l.who ? <span className="muted"> · {t('timeline.by', { name: l.who })}</span> : null}
					</li>
				))}
			</ol>
			{timeline.more ? (
				<p>
					<Link to={`?timeline=${timeline.limit * 2}`} preventScrollReset data-testid="timeline-more">
						{t('timeline.more')}
					</Link>
				</p>
			) : null}
		</section>
	)
}
