import type { ReactNode } from 'react'
import { SelectOptions } from './forms.tsx'

/**
 * A labelled select without an error slot, for choices the server does not answer field by field,
 * where FilterSelect (id = name, label above) does not fit: a select whose id is not its name (the
 * file to download, an item of a longer form), or one wrapped by its label (the compact filter rows
 * of the audit log and of a run's people). `any` adds a first, empty choice.
 */
export function LabelledSelect({
	id,
	name,
	label,
	value,
	any,
	options,
}: {
	id?: string
	name: string
	label: ReactNode
	/** The selected option (`''` selects the `any` choice). */
	value: string | number
	any?: string
	options: readonly { value: string | number; label: string }[]
}) {
	const select = (
		<select id={id} name={name} defaultValue={value}>
			<SelectOptions options={options} placeholder={any} />
		</select>
	)
	if (!id)
		return (
			<label>
				{label}
				{select}
			</label>
		)
	return (
		<div className="field">
			<label htmlFor={id}>{label}</label>
			{select}
		</div>
	)
}
