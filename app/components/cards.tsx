import type { LiHTMLAttributes, ReactNode } from 'react'

/**
 * A list of cards with its empty state: the card counterpart of DataTable, for items that say more
 * than a row. `children` renders the inside of one card (an <li className="card">).
 */
export function Cards<R>({
	items,
	empty,
	itemKey,
	itemProps,
	children,
}: {
	items: readonly R[]
	empty: ReactNode
	itemKey: (item: R) => string
	/** Attributes of one card (its test id, a data attribute naming it). */
	itemProps?: (item: R) => LiHTMLAttributes<HTMLLIElement> & Record<`data-${string}`, string | undefined>
	children: (item: R) => ReactNode
}) {
	return (
		<>
			{items.length === 0 ? <p className="empty">{empty}</p> : null}
			<ul className="cards">
				{items.map((item) => (
					<li key={itemKey(item)} className="card" {...itemProps?.(item)}>
						{children(item)}
					</li>
				))}
			</ul>
		</>
	)
}
