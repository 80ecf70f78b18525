import type { HTMLAttributes } from 'react'

/** A short confirmation (saved, sent, recorded…) announced politely to screen readers. */
export function Notice(props: HTMLAttributes<HTMLParagraphElement> & Record<`data-${string}`, string | undefined>) {
	return <p className="notice" role="status" {...props} />
}
