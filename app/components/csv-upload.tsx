import type { ReactNode } from 'react'
import { FormSubmit } from './form-submit.tsx'
import { ActionForm } from './forms.tsx'

/**
 * A form that uploads one CSV file (field `file`) for the action to read as it streams in
 * (readCsvForm): the file input `${name}-file`, described by the hint `${name}-hint` (given here, or
 * written by the page above the form), the form's errors and its button.
 */
export function CsvUploadForm({
	form,
	intent,
	name,
	label,
	hint,
	submit,
	className,
	disabled,
}: {
	form: Parameters<typeof ActionForm>[0]['form']
	intent?: string
	name: string
	label: ReactNode
	hint?: ReactNode
	submit: ReactNode
	className?: string
	disabled?: boolean
}) {
	return (
		<ActionForm form={form} intent={intent} encType="multipart/form-data" className="grid-form">
			<div className="field">
				<label htmlFor={`${name}-file`}>{label}</label>
				{hint ? (
					<p id={`${name}-hint`} className="hint">
						{hint}
					</p>
				) : null}
				<input id={`${name}-file`} type="file" name="file" accept=".csv,text/csv" aria-describedby={`${name}-hint`} />
			</div>
			<FormSubmit form={form} label={submit} className={className} disabled={disabled} />
		</ActionForm>
	)
}
