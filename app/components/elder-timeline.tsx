// The statuses and assessments lines of the elder's page (issue 10 item 9): what, when, who.
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatShanghai } from '~/lib/time.ts'

type Item = { key: string; at: string | Date; kind: 'statusRecorded' | 'statusEnded' | 'assessed' | 'requested'; who: string | null; params: Record<string, string | number | null> }

export function StatusTimeline({ elderId, items, officer }: { elderId: string; items: Item[]; officer: boolean }) {
	const { t, i18n } = useTranslation('statuses')
	const line = (item: Item) => {
		const p = item.params
		if (item.kind === 'statusRecorded') return t('timeline.statusRecorded', { kind: t(`kinds.${p.kind}`), from: p.from, until: p.until ? t('timeline.until', { date: p.until }) : '' })
		if (item.kind === 'statusEnded') return t('timeline.statusEnded', { kind: t(`kinds.${p.kind}`), until: p.until })
		if (item.kind === 'assessed') return t('timeline.assessed', { level: t(`levels.${p.level}`), total: p.total === null ? '' : `（${t('assessment.total')} ${p.total}）`, until: p.until })
		return t('timeline.requested')
	}
	return (
		<section className="card" data-testid="status-timeline">
			<div className="title-row">
				<h2>{t('timeline.title')}</h2>
				{officer ? (
					<Link to={`/elders/${elderId}/statuses`} className="button secondary">
						{t('timeline.manage')}
					</Link>
				) : null}
				<Link to={`/elders/${elderId}/assessment`} className="button secondary">
					{t('timeline.assess')}
				</Link>
			</div>
			{items.length === 0 ? <p className="empty">{t('timeline.empty')}</p> : null}
			<ol className="timeline">
				{items.map((item) => (
					<li key={item.key} data-kind={item.kind}>
						<time dateTime={new Date(item.at).toISOString()}>{formatShanghai(new Date(item.at), i18n.language)}</time> {line(item)}
						{item.who ? <span className="muted"> · {item.who}</span> : null}
						{item.params.source ? <span className="muted"> · {item.params.source}</span> : null}
					</li>
				))}
			</ol>
		</section>
	)
}
