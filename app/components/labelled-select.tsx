import type { ReactNode } from 'react'
import { SelectOptions } from './forms.tsx'

/**
 * A labelled select without an error slot, for choices the server does not answer field by field,
 * where FilterSelect (id = name, label above) does not fit: a select whose id is not its name (the
 * file to download, an item of a longer form), or one wrapped by its label (the compact filter rows
 * of the audit log and of a run's people). `anyLabel` adds a first, empty choice.
 */
export function LabelledSelect({
	id,
	name,
	label,
	value,
	anyLabel,
	options,
}: {
	id?: string
	name: string
	label: ReactNode
	/** The selected option (`''` selects the `anyLabel` choice). */
	value: string | number
	anyLabel?: string
	options: readonly { value: string | number; label: string }[]
}) {
	const select = (
		<select id={id} name={name} defaultValue={value}>
			<SelectOptions options={options} placeholder={anyLabel} />
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
