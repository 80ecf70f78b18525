import type { ReactNode } from 'react'
import { SelectOptions } from './forms.tsx'

/**
 * A labelled select without an error slot, for choices the server does not answer field by field (a
 * filter, the file to download, a row of a longer form): its options with `value` selected and first,
 * when `any` is given, an empty choice labelled `any`. With an `id` it is a `.field` with its label
 * above; without, its label wraps it.
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
