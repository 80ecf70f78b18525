import type { ReactNode } from 'react'
import { ActionForm, FormErrors, useReplyForm } from './forms.tsx'

type Fields = ReturnType<typeof useReplyForm<string>>[1]

/**
 * One action on one item, on a line (rename, merge, retire…): its own form `id`, so the reply
 * comes back to it alone, `hidden` fields naming the item, at most one control and one button.
 */
export function InlineActionForm({
	id,
	intent,
	hidden,
	reply,
	submit,
	tone = 'secondary',
	children,
}: {
	id: string
	intent: string
	hidden: Record<string, string>
	reply: unknown
	/** The button's label. */
	submit: string
	tone?: 'secondary' | 'danger'
	/** The control, given the form's fields for its errors. */
	children?: (fields: Fields) => ReactNode
}) {
	const [form, fields] = useReplyForm<string>(id, reply)
	return (
		<ActionForm form={form} intent={intent} className="inline-form">
			{Object.entries(hidden).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
			{children?.(fields)}
			<FormErrors form={form} />
			<button type="submit" className={`button ${tone}`}>
				{submit}
			</button>
		</ActionForm>
	)
}
