import type { ComponentProps } from 'react'
import { DataTable } from '~/components/ui.tsx'

/**
 * A section's table under its own heading: the heading names the table, so the caption repeats it
 * for screen readers and tests only (hidden on screen).
 */
export function TitledTable<R>({ title, ...table }: { title: string } & Omit<ComponentProps<typeof DataTable<R>>, 'caption' | 'captionHidden'>) {
	return (
		<>
			<h2>{title}</h2>
			<DataTable<R> caption={title} captionHidden {...table} />
		</>
	)
}
