import type { ReactNode } from 'react'

/** A card of a page: its heading, an optional hint under it, then its content. */
export function CardSection({ title, hint, children }: { title: ReactNode; hint?: ReactNode; children: ReactNode }) {
	return (
		<section className="card">
			<h2>{title}</h2>
			{hint ? <p className="hint">{hint}</p> : null}
			{children}
		</section>
	)
}
