import type { ReactNode } from 'react'
import { FormSubmit } from './form-submit.tsx'
import { ActionForm } from './forms.tsx'

/**
 * A form that uploads one CSV file (field `name`) for the action to read as it streams in
 * (readCsvForm): the file input `${id}-file`, described by the hint `${id}-hint` (given here, or
 * written by the page above the form), the form's errors and its button.
 */
export function CsvUploadForm({
	form,
	intent,
	id,
	name,
	label,
	hint,
	submit,
	className,
	disabled,
}: {
	form: Parameters<typeof ActionForm>[0]['form']
	intent?: string
	id: string
	/** The file's field, as the action reads it. */
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
				<label htmlFor={`${id}-file`}>{label}</label>
				{hint ? (
					<p id={`${id}-hint`} className="hint">
						{hint}
					</p>
				) : null}
				<input id={`${id}-file`} type="file" name={name} accept=".csv,text/csv" aria-describedby={`${id}-hint`} />
			</div>
			<FormSubmit form={form} label={submit} className={className} disabled={disabled} />
		</ActionForm>
	)
}
