import { Fragment, type HTMLAttributes, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDay, formatMonth } from '~/lib/time.ts'

// The small UI kit every page uses: one table, one list of facts, one way to show money.

export type Column<R> = {
	/** The column's header; also the label before each value when a row becomes a card on a phone. */
	header: string
	cell: (row: R) => ReactNode
	/** A cell that names its row (rendered as <th scope="row">). */
	rowHeader?: boolean
	numeric?: boolean
	className?: string
	/** data-testid of the column's cells. */
	testId?: string
	/** Attributes of one cell (a per-row test id). */
	cellProps?: (row: R) => HTMLAttributes<HTMLElement> & Record<`data-${string}`, string | undefined>
}

/**
 * A table with a caption, a header row and an empty state. On narrow screens each row becomes a
 * stacked card with the column's label before each value (CSS in app/styles: `.data-table`).
 */
export function DataTable<R>({
	columns,
	rows,
	rowKey,
	caption,
	captionHidden,
	empty,
	footer,
	rowProps,
	...tableProps
}: {
	columns: (Column<R> | false | null | undefined)[]
	rows: readonly R[]
	rowKey: (row: R, index: number) => string
	caption?: ReactNode
	/** The caption stays for screen readers and tests but is not shown (the heading above says it). */
	captionHidden?: boolean
	/** Shown instead of the table when there are no rows; without it, an empty table is shown. */
	empty?: ReactNode
	footer?: ReactNode
	rowProps?: (row: R) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | undefined>
} & Omit<HTMLAttributes<HTMLTableElement>, 'children'> & Record<`data-${string}`, string | undefined>) {
	const cols = columns.filter((c): c is Column<R> => Boolean(c))
	if (rows.length === 0 && empty !== undefined) return <p className="empty">{empty}</p>
	return (
		<div className="table-wrap">
			<table {...tableProps} className={`data-table${tableProps.className ? ` ${tableProps.className}` : ''}`}>
				{caption ? <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption> : null}
				<thead>
					<tr>
						{cols.map((c) => (
							<th key={c.header} scope="col" className={c.numeric ? 'num' : c.className}>
								{c.header}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{rows.map((row, i) => (
						<tr key={rowKey(row, i)} {...rowProps?.(row)}>
							{cols.map((c) =>
								c.rowHeader ? (
									<th key={c.header} scope="row" data-label={c.header} className={c.className} data-testid={c.testId} {...c.cellProps?.(row)}>
										{c.cell(row)}
									</th>
								) : (
									<td key={c.header} data-label={c.header} className={c.numeric ? 'num' : c.className} data-testid={c.testId} {...c.cellProps?.(row)}>
										{c.cell(row)}
									</td>
								),
							)}
						</tr>
					))}
				</tbody>
				{footer ? <tfoot>{footer}</tfoot> : null}
			</table>
		</div>
	)
}

type FactItem = [label: ReactNode, value: ReactNode, ddProps?: HTMLAttributes<HTMLElement> & Record<`data-${string}`, string | undefined>]

/** A list of label → value facts (a <dl>); entries that are false or null are left out. */
export function Facts({ items, className, ...props }: { items: (FactItem | false | null | undefined)[] } & HTMLAttributes<HTMLDListElement>) {
	return (
		<dl className={`facts${className ? ` ${className}` : ''}`} {...props}>
			{items
				.filter((x): x is FactItem => Boolean(x))
				.map(([label, value, ddProps], i) => (
					<Fragment key={i}>
						<dt>{label}</dt>
						<dd {...ddProps}>{value}</dd>
					</Fragment>
				))}
		</dl>
	)
}

// Intl formatters are costly to build and a page formats dozens of amounts: one per locale.
const moneyFormats = new Map<string, Intl.NumberFormat>()

/** Fen (integer 1/100 yuan) as yuan in the reader's locale; "—" when there is no amount. */
export function Money({ fen }: { fen: number | null | undefined }) {
	const { i18n } = useTranslation()
	if (fen === null || fen === undefined) return <span className="money">—</span>
	let f = moneyFormats.get(i18n.language)
	if (!f) moneyFormats.set(i18n.language, (f = new Intl.NumberFormat(i18n.language, { style: 'currency', currency: 'CNY' })))
	return <span className="money">{f.format(fen / 100)}</span>
}

/** A calendar date (YYYY-MM-DD) in the reader's language, machine-readable in `dateTime`. */
export function Day({ on }: { on: string }) {
	const { i18n } = useTranslation()
	return <time dateTime={on}>{formatDay(on, i18n.language)}</time>
}

/** A month (YYYY-MM) in the reader's language, machine-readable in `dateTime`. */
export function Month({ month }: { month: string }) {
	const { i18n } = useTranslation()
	return <time dateTime={month}>{formatMonth(month, i18n.language)}</time>
}
