// Reading uploaded CSV files: UTF-8 only (a GBK file from Excel is named as such, not garbled),
// a header row with the expected columns, and line numbers as the person sees them in the file.
// The file is parsed as it streams in (csv-parse on the upload stream, as the registry import does):
// the byte limit and the line limit are enforced while reading, and the raw file is never held whole.
import { createHash } from 'node:crypto'
import { unstable_parseMultipartFormData } from '@remix-run/node'
import { parse } from 'csv-parse'
import { readTextPart } from '~/lib/multipart.server.ts'
import { readProtectedForm, validateCsrf } from '~/modules/auth/csrf.server.ts'

export type LineReport = { line: number; outcome: 'matched' | 'unmatched' | 'rejected'; reason?: string; detail?: string }

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024
export const MAX_UPLOAD_LINES = 50_000

type Row = { line: number; fields: Record<string, string> }
type Parsed = { ok: true; rows: Row[]; sha256: string } | { ok: false; error: string }

/** A CSV file read from its stream: header and raw rows (columns not checked yet), or why it was refused. */
export type CsvFile = { ok: true; header: string[]; records: { line: number; values: string[] }[]; sha256: string } | { ok: false; error: string }

class Refused extends Error {
	constructor(readonly key: string) {
		super(key)
	}
}

/** UTF-8 decoding as the bytes pass; a chunk that is not UTF-8 but reads as GB18030 is named as GBK. */
async function* utf8Text(chunks: AsyncIterable<Uint8Array>, maxBytes: number, hash: ReturnType<typeof createHash>): AsyncGenerator<string> {
	const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
	let n = 0
	for await (const chunk of chunks) {
		n += chunk.byteLength
		if (n > maxBytes) throw new Refused('allowance:import.errors.tooLarge')
		hash.update(chunk)
		try {
			yield decoder.decode(chunk, { stream: true })
		} catch {
			let gbk = true
			try {
				new TextDecoder('gb18030', { fatal: true }).decode(chunk, { stream: true })
			} catch {
				gbk = false
			}
			throw new Refused(gbk ? 'allowance:import.errors.encodingGbk' : 'allowance:import.errors.encoding')
		}
	}
	if (n === 0) throw new Refused('allowance:import.errors.noFile')
	try {
		yield decoder.decode()
	} catch {
		throw new Refused('allowance:import.errors.encoding')
	}
}

/** Parses a CSV upload from its byte stream. */
export async function readCsv(source: AsyncIterable<Uint8Array>, maxBytes = MAX_UPLOAD_BYTES): Promise<CsvFile> {
	const hash = createHash('sha256')
	const parser = parse({ relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true })
	let refused: Refused | null = null
	// Waits for room in the parser, or for its end (a reader that stopped early destroys it).
	const room = () =>
		new Promise<void>((resolve) => {
			const done = () => {
				parser.off('drain', done)
				parser.off('close', done)
				resolve()
			}
			parser.on('drain', done)
			parser.on('close', done)
		})
	const feeding = (async () => {
		for await (const text of utf8Text(source, maxBytes, hash)) {
			if (parser.destroyed) return
			if (!parser.write(text)) await room()
		}
		if (!parser.destroyed) parser.end()
	})().catch((error: unknown) => {
		if (error instanceof Refused) refused = error
		parser.destroy(error instanceof Error ? error : new Error(String(error)))
	})
	const records: { line: number; values: string[] }[] = []
	let header: string[] | null = null
	try {
		for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
			if (!header) header = r.record.map((h) => h.trim())
			else if (records.length >= MAX_UPLOAD_LINES) throw new Refused('allowance:import.errors.tooLarge')
			else records.push({ line: r.info.lines, values: r.record })
		}
	} catch (error) {
		await feeding
		if (error instanceof Refused) return { ok: false, error: error.key }
		if (refused) return { ok: false, error: (refused as Refused).key }
		return { ok: false, error: 'allowance:import.errors.malformed' }
	}
	await feeding
	if (refused) return { ok: false, error: (refused as Refused).key }
	if (!header) return { ok: false, error: 'allowance:import.errors.empty' }
	return { ok: true, header, records, sha256: hash.digest('hex') }
}

/** The rows of an upload (a File, or a CsvFile already read from the request's stream) with the required columns. */
export async function parseCsvUpload(file: File | CsvFile | null, requiredColumns: readonly string[]): Promise<Parsed> {
	if (!file || typeof file === 'string') return { ok: false, error: 'allowance:import.errors.noFile' }
	if (file instanceof File) {
		if (file.size === 0) return { ok: false, error: 'allowance:import.errors.noFile' }
		if (file.size > MAX_UPLOAD_BYTES) return { ok: false, error: 'allowance:import.errors.tooLarge' }
	}
	const csv = file instanceof File ? await readCsv(file.stream() as unknown as AsyncIterable<Uint8Array>) : file
	if (!csv.ok) return csv
	if (!requiredColumns.every((c) => csv.header.includes(c))) return { ok: false, error: 'allowance:import.errors.header' }
	return { ok: true, sha256: csv.sha256, rows: csv.records.map((r) => ({ line: r.line, fields: Object.fromEntries(csv.header.map((h, i) => [h, r.values[i] ?? ''])) })) }
}

/**
 * Reads an action's form whose `file` field is a CSV upload, without holding the body in memory: a
 * multipart body is parsed part by part, the CSRF token (which the form puts first) is checked
 * before the file is read, and the file is parsed as it streams (readCsv). Any other body is an
 * ordinary form (readProtectedForm), without a file. `csv` is null when no file was sent.
 */
export async function readCsvForm(request: Request, maxBytes = MAX_UPLOAD_BYTES): Promise<{ fields: FormData; csv: CsvFile | null }> {
	if (!/^multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '')) return { fields: await readProtectedForm(request), csv: null }
	const fields = new FormData()
	const declared = Number(request.headers.get('content-length') ?? 0)
	if (declared > maxBytes + 64 * 1024) {
		request.body?.cancel().catch(() => {})
		return { fields, csv: { ok: false, error: 'allowance:import.errors.tooLarge' } }
	}
	let csv: CsvFile | null = null
	let csrfChecked = false
	try {
		await unstable_parseMultipartFormData(request, async ({ name, filename, data }) => {
			if (name !== 'file' || filename === undefined) {
				fields.append(name, await readTextPart(data, 4096, () => new Refused('allowance:import.errors.malformed')))
				return undefined
			}
			if (!csrfChecked) {
				await validateCsrf(fields, request)
				csrfChecked = true
			}
			if (csv) throw new Refused('allowance:import.errors.malformed')
			if (!filename) {
				for await (const c of data) if (c.byteLength) throw new Refused('allowance:import.errors.noFile')
				return undefined
			}
			csv = await readCsv(data, maxBytes)
			// A refused file stops the reading of the body here.
			if (!csv.ok) throw new Refused(csv.error)
			return undefined
		})
	} catch (error) {
		if (error instanceof Refused) return { fields, csv: csv ?? { ok: false, error: error.key } }
		// A multipart body the parser cannot read (no boundary, cut short) is the sender's fault.
		if (error instanceof TypeError) return { fields, csv: { ok: false, error: 'allowance:import.errors.malformed' } }
		throw error
	}
	if (!csrfChecked) await validateCsrf(fields, request)
	return { fields, csv }
}
