import { useNavigation } from '@remix-run/react'
import type { ComponentProps } from 'react'
import { DecisionForm, useReplyForm } from './forms.tsx'

/**
 * A DecisionForm with its own form state: fed by the action's reply to form `id`, locked while a post
 * is under way, and carrying `hidden` (the intent, the id of the item decided on) as hidden fields.
 */
export function ReplyDecisionForm({
	id,
	reply,
	hidden,
	children,
	...decision
}: { id: string; reply: unknown; hidden: Record<string, string> } & Omit<ComponentProps<typeof DecisionForm>, 'form' | 'fields' | 'disabled'>) {
	const navigation = useNavigation()
	const [form, fields] = useReplyForm<string>(id, reply)
	return (
		<DecisionForm form={form} fields={fields} disabled={navigation.state === 'submitting'} {...decision}>
			{Object.entries(hidden).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
			{children}
		</DecisionForm>
	)
}
