import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'

/**
 * A plain POST form with its CSRF token and `hidden` fields (the intent, the id of the row acted on),
 * for the small forms of a row or a button that need no reply state of their own.
 */
export function PostForm({ hidden, className, children }: { hidden: Record<string, string>; className?: string; children: ReactNode }) {
	return (
		<Form method="post" className={className}>
			<AuthenticityTokenInput name="csrf" />
			{Object.entries(hidden).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
			{children}
		</Form>
	)
}

/** A form that is one button: posts its `hidden` fields (an intent and the row's id) and nothing else. */
export function PostButton({ hidden, className, label }: { hidden: Record<string, string>; className?: string; label: ReactNode }) {
	return (
		<PostForm hidden={hidden} className={className}>
			<button type="submit" className="button secondary">
				{label}
			</button>
		</PostForm>
	)
}
