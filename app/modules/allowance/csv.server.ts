// Reading uploaded CSV files: UTF-8 only (a GBK file from Excel is named as such, not garbled),
// a header row with the expected columns, and line numbers as the person sees them in the file.
import { parse } from 'csv-parse/sync'

export type LineReport = { line: number; outcome: 'matched' | 'unmatched' | 'rejected'; reason?: string; detail?: string }

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024

type Parsed = { ok: true; rows: { line: number; fields: Record<string, string> }[] } | { ok: false; error: string }

/** Heuristic for the usual culprit: bytes that decode as GB18030 where UTF-8 fails. */
function looksLikeGbk(bytes: Uint8Array) {
	try {
		new TextDecoder('gb18030', { fatal: true }).decode(bytes)
		return true
	} catch {
		return false
	}
}

export async function parseCsvUpload(file: File | null, requiredColumns: readonly string[]): Promise<Parsed> {
	if (!file || typeof file === 'string' || file.size === 0) return { ok: false, error: 'allowance:import.errors.noFile' }
	if (file.size > MAX_UPLOAD_BYTES) return { ok: false, error: 'allowance:import.errors.tooLarge' }
	const bytes = new Uint8Array(await file.arrayBuffer())
	let text: string
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
	} catch {
		return { ok: false, error: looksLikeGbk(bytes) ? 'allowance:import.errors.encodingGbk' : 'allowance:import.errors.encoding' }
	}
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
	let records: { record: string[]; info: { lines: number } }[]
	try {
		records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[]
	} catch {
		return { ok: false, error: 'allowance:import.errors.malformed' }
	}
	const [head, ...body] = records
	if (!head) return { ok: false, error: 'allowance:import.errors.empty' }
	const header = head.record.map((h) => h.trim())
	if (!requiredColumns.every((c) => header.includes(c))) return { ok: false, error: 'allowance:import.errors.header' }
	if (body.length > 50_000) return { ok: false, error: 'allowance:import.errors.tooLarge' }
	return {
		ok: true,
		rows: body.map((r) => ({ line: r.info.lines, fields: Object.fromEntries(header.map((h, i) => [h, r.record[i] ?? ''])) })),
	}
}
