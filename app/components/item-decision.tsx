import { useActionData, useNavigation } from '@remix-run/react'
import type { ComponentProps } from 'react'
import { DecisionForm, useReplyForm } from './forms.tsx'

/**
 * A decision on one item of a list of public-money decisions (a construction application, a
 * grading, an inspection finding): its own form `id`, fed by the action's reply to it, with `hidden`
 * naming the item. Unlike ReplyDecisionForm, its buttons stay locked until the page has reloaded
 * after a post, so an officer never decides again on the list as it was before the decision.
 */
export function ItemDecisionForm({ id, hidden, decision = 'decision', ...props }: { id: string; hidden: Record<string, string>; decision?: string } & Pick<ComponentProps<typeof DecisionForm>, 'reason' | 'choices'>) {
	const reply = useActionData()
	const busy = useNavigation().state !== 'idle'
	const [form, fields] = useReplyForm<string>(id, reply)
	return (
		<DecisionForm form={form} fields={fields} decision={decision} disabled={busy} {...props}>
			{Object.entries(hidden).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
		</DecisionForm>
	)
}
