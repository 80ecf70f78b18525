import type { ReactNode } from 'react'
import { ActionForm, FormErrors, useReplyForm } from './forms.tsx'

type Fields = ReturnType<typeof useReplyForm<string>>[1]

/**
 * One action on one item, on a line (rename, merge, retire…): its own form `formId`, so the reply
 * comes back to it alone, the item's id in a hidden field, at most one control and one button.
 */
export function InlineActionForm({
	formId,
	intent,
	item,
	reply,
	submit,
	tone = 'secondary',
	children,
}: {
	formId: string
	intent: string
	item: [name: string, id: string]
	reply: unknown
	/** The button's label. */
	submit: string
	tone?: 'secondary' | 'danger'
	/** The control, given the form's fields for its errors. */
	children?: (fields: Fields) => ReactNode
}) {
	const [form, fields] = useReplyForm<string>(formId, reply)
	return (
		<ActionForm form={form} intent={intent} className="inline-form">
			<input type="hidden" name={item[0]} value={item[1]} />
			{children?.(fields)}
			<FormErrors form={form} />
			<button type="submit" className={`button ${tone}`}>
				{submit}
			</button>
		</ActionForm>
	)
}
