import type { ReactNode } from 'react'
import { FormErrors, type ListOfErrors } from './forms.tsx'

/**
 * The end of a form: its error slot right above its submit button, so a refusal shows where the
 * user just pressed. `errors` adds those of hidden fields (as in FormErrors).
 */
export function FormSubmit({
	form,
	errors,
	label,
	className = 'button big',
	disabled,
}: {
	form: Parameters<typeof FormErrors>[0]['form']
	errors?: ListOfErrors
	label: ReactNode
	className?: string
	disabled?: boolean
}) {
	return (
		<>
			<FormErrors form={form} errors={errors} />
			<button type="submit" className={className} disabled={disabled}>
				{label}
			</button>
		</>
	)
}
