import writeXlsxFile from 'write-excel-file/node'

// The one writer of CSV and XLSX files for the whole product. A cell whose text starts with =, +,
// -, @, a tab or a carriage return is read by spreadsheet programs as a formula (CSV/formula
// injection: an elder's or provider's name could run a command on the finance office's machine);
// such text is prefixed with an apostrophe, which the programs show as plain text. Plain numbers
// ("-12.50") are left alone. Every export goes through here: a test fails if another module imports
// csv-stringify or write-excel-file.

export type CellValue = string | number | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/

/** Text a spreadsheet will not evaluate. */
export function safeCell(value: CellValue): string | number {
	if (value === null || value === undefined) return ''
	if (typeof value === 'number') return value
	return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value
}

/**
 * CSV text of rows, every cell neutralised. `bom` puts a byte-order mark first so spreadsheet
 * programs read Chinese as UTF-8 (leave it off for the later chunks of a streamed file).
 */
export function toCsv(rows: readonly (readonly CellValue[])[], { bom = true }: { bom?: boolean } = {}): string {
	let body = ''
	for (const row of rows) {
		for (let i = 0; i < row.length; i++) body += i ? `,${csvField(row[i])}` : csvField(row[i])
		body += '\n'
	}
	return bom ? `\uFEFF${body}` : body
}

const NEEDS_QUOTES = /[",\r\n]/

/**
 * One neutralised cell as csv-stringify writes it with its defaults (tests/unit/export.test.ts
 * compares the two): quoted when it holds a comma, a quote or a line break, quotes doubled. Written
 * here because csv-stringify's general machinery (options merged per field, a cast per cell) was a
 * third of a 110,000-line bank file's time.
 */
function csvField(value: CellValue): string {
	const cell = safeCell(value)
	const text = typeof cell === 'number' ? String(cell) : cell
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export type XlsxCell = { value: CellValue; type?: typeof Number | typeof String; format?: string; fontWeight?: 'bold' }

export type XlsxSheet = { sheet: string; rows: readonly (readonly XlsxCell[])[]; columns?: { width: number }[]; stickyRowsCount?: number }

/** An XLSX workbook of one sheet; string cells neutralised like the CSV's. */
export function toXlsx(rows: readonly (readonly XlsxCell[])[], options: Omit<XlsxSheet, 'rows'>): Promise<Uint8Array<ArrayBuffer>> {
	return toXlsxWorkbook([{ ...options, rows }])
}

/** An XLSX workbook of several sheets (fixed-layout statistical reports: one table per sheet). */
export async function toXlsxWorkbook(sheets: readonly XlsxSheet[]): Promise<Uint8Array<ArrayBuffer>> {
	const data = sheets.map(({ rows, ...options }) => ({
		...options,
		data: rows.map((row) =>
			row.map((cell) => {
				const value = safeCell(cell.value)
				return { ...cell, value, type: cell.type ?? (typeof value === 'number' ? Number : String) }
			}),
		),
	}))
	const write = writeXlsxFile as unknown as (sheets: typeof data) => { toBuffer(): Promise<Buffer> }
	const buffer = await write(data).toBuffer()
	return new Uint8Array(buffer)
}
