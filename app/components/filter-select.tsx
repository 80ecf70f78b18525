import type { ReactNode } from 'react'

/**
 * A choice of a search form (sent with GET): a labelled select whose first option, `anyLabel`,
 * sends nothing (no filter). Its id is its name.
 */
export function FilterSelect({
	name,
	label,
	anyLabel,
	value,
	options,
}: {
	name: string
	label: ReactNode
	anyLabel?: string
	value: string | number | undefined
	options: readonly { value: string | number; label: ReactNode }[]
}) {
	return (
		<div className="field">
			<label htmlFor={name}>{label}</label>
			<select id={name} name={name} defaultValue={value}>
				{anyLabel !== undefined ? <option value="">{anyLabel}</option> : null}
				{options.map((o) => (
					<option key={o.value} value={o.value}>
						{o.label}
					</option>
				))}
			</select>
		</div>
	)
}
