import type { ReactNode } from 'react'
import { SelectOptions } from './forms.tsx'

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
				<SelectOptions options={options} placeholder={anyLabel} />
			</select>
		</div>
	)
}
