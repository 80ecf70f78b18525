import { useActionData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { OrphanReplyErrors } from './forms.tsx'
import { Pager } from './pager.tsx'

/**
 * A paged queue of items an officer decides one by one (disputes, flagged visits): each item a card
 * with its own decision form (`formId`), and the errors of a form whose item left the queue
 * meanwhile shown at the top.
 */
export function ReviewQueue<R extends { id: string }>({
	title,
	lead,
	rows,
	formId,
	empty,
	notice,
	page,
	hasMore,
	children,
}: {
	title: string
	lead: string
	rows: readonly R[]
	formId: (row: R) => string
	empty: string
	/** What the last decision did, shown above the queue. */
	notice?: ReactNode
	page: number
	hasMore: boolean
	children: (row: R) => ReactNode
}) {
	const reply = useActionData()
	return (
		<section>
			<h1>{title}</h1>
			<p>{lead}</p>
			<OrphanReplyErrors reply={reply} formIds={rows.map(formId)} />
			{notice}
			{rows.length === 0 ? <p className="empty">{empty}</p> : null}
			<ul className="cards">
				{rows.map((r) => (
					<li key={r.id} className="card">
						{children(r)}
					</li>
				))}
			</ul>
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}
