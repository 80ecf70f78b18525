import { useActionData, useNavigation } from '@remix-run/react'
import type { ComponentProps } from 'react'
import { DecisionForm, useReplyForm } from './forms.tsx'

/**
 * A decision on one item of a list (an application, a finding, a dispute…): its own form, so the
 * action's reply comes back to it alone, with the item's id in a hidden field. The buttons are
 * disabled while the page submits or reloads, or while `busyOnlySubmitting` only while it submits.
 */
export function ItemDecisionForm({
	formId,
	item,
	busyOnlySubmitting,
	decision = 'decision',
	...props
}: {
	formId: string
	/** The hidden field naming the item decided on. */
	item: [name: string, id: string]
	busyOnlySubmitting?: boolean
	decision?: string
} & Pick<ComponentProps<typeof DecisionForm>, 'reason' | 'choices'>) {
	const reply = useActionData()
	const state = useNavigation().state
	const [form, fields] = useReplyForm<string>(formId, reply)
	return (
		<DecisionForm form={form} fields={fields} decision={decision} disabled={busyOnlySubmitting ? state === 'submitting' : state !== 'idle'} {...props}>
			<input type="hidden" name={item[0]} value={item[1]} />
		</DecisionForm>
	)
}
