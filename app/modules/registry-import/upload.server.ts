// The upload: the file is streamed from the request into registry_import_staged_line in batches, never held
// whole in memory and never written to local disk (web and worker are separate, stateless processes).
// CSV in UTF-8 (with or without BOM) or GBK/GB18030 (decoded with iconv-lite), or XLSX (exceljs's
// streaming WorkbookReader). A file that is not CSV/XLSX, too large or missing columns is refused whole.
import { Readable } from 'node:stream'
import { unstable_parseMultipartFormData } from '@remix-run/node'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { copyBinary, type CopyWriter } from '~/lib/copy.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { readTextPart } from '~/lib/multipart.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isRegistrar, townshipIdOf } from '~/modules/auth/access.server.ts'
import { validateCsrf } from '~/modules/auth/csrf.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { encryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { maskIdNumber } from '~/modules/identity/id-number.ts'
import { checkLine, MAX_IMPORT_BYTES, REQUIRED_COLUMNS, type ColumnIndex, type StagedLine } from './columns.ts'
import { csvRowBatches, type RawRow } from './csv.server.ts'

/** A file refused whole: the i18n key of the reason, the HTTP status, and what is missing if anything. */
export class ImportRefused extends Error {
	constructor(
		readonly key: string,
		readonly status: number,
		readonly detail?: string,
	) {
		super(key)
	}
}

export type Scope = { kind: 'city' | 'district' | 'township' | 'community'; id: string | null }

/** The area an officer imports into: lines outside it are rejected by the dry run. */
export async function importScope(user: SessionUser): Promise<Scope | null> {
	switch (user.role) {
		case 'bureau_city':
			return { kind: 'city', id: null }
		case 'bureau_district':
			return user.districtId ? { kind: 'district', id: user.districtId } : null
		case 'township_officer': {
			const t = await townshipIdOf(user)
			return t ? { kind: 'township', id: t } : null
		}
		case 'community_officer':
			if (user.communityId) return { kind: 'community', id: user.communityId }
			return user.districtId ? { kind: 'district', id: user.districtId } : null
		default:
			return null
	}
}

/** Counts bytes as they pass and refuses the file once it is over the limit. */
async function* limited(source: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Buffer> {
	let n = 0
	for await (const chunk of source) {
		n += chunk.byteLength
		if (n > max) throw new ImportRefused('registryImport.errors.tooLarge', 413)
		yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
	}
}

type Sniffed = { format: 'csv' | 'xlsx'; encoding: string; chunks: AsyncGenerator<Buffer> }

/** Looks at the first bytes: a ZIP is an XLSX; NUL bytes are not text; then UTF-8 or GB18030. */
async function sniff(fileName: string, source: AsyncGenerator<Buffer>): Promise<Sniffed> {
	const lower = fileName.toLowerCase()
	const head: Buffer[] = []
	let size = 0
	let done = false
	while (size < 64 * 1024) {
		const next = await source.next()
		if (next.done) {
			done = true
			break
		}
		head.push(next.value)
		size += next.value.byteLength
	}
	const first = Buffer.concat(head)
	if (!first.byteLength) throw new ImportRefused('registryImport.errors.empty', 400)
	const rest = async function* () {
		yield first
		if (!done) yield* source
	}
	const isZip = first.byteLength >= 4 && first.readUInt32LE(0) === 0x04034b50
	if (isZip) {
		if (!lower.endsWith('.xlsx')) throw new ImportRefused('registryImport.errors.notCsvOrXlsx', 415)
		return { format: 'xlsx', encoding: 'xlsx', chunks: rest() }
	}
	if (!(lower.endsWith('.csv') || lower.endsWith('.txt')) || first.includes(0)) throw new ImportRefused('registryImport.errors.notCsvOrXlsx', 415)
	if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) return { format: 'csv', encoding: 'utf-8', chunks: rest() }
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(first, { stream: true })
		return { format: 'csv', encoding: 'utf-8', chunks: rest() }
	} catch {
		return { format: 'csv', encoding: 'gb18030', chunks: rest() }
	}
}

async function* decodeText(chunks: AsyncIterable<Buffer>, encoding: string): AsyncGenerator<string> {
	if (encoding === 'utf-8') {
		const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
		try {
			for await (const c of chunks) yield decoder.decode(c, { stream: true })
			yield decoder.decode()
		} catch (error) {
			if (error instanceof ImportRefused) throw error
			throw new ImportRefused('registryImport.errors.encoding', 400)
		}
		return
	}
	const decoder = iconv.getDecoder(encoding)
	for await (const c of chunks) yield decoder.write(c)
	const tail = decoder.end()
	if (tail) yield tail
}

/** The file's rows, a batch at a time; a file csv-parse cannot read is refused as malformed. */
async function* csvRows(chunks: AsyncIterable<Buffer>, encoding: string): AsyncGenerator<RawRow[]> {
	try {
		yield* csvRowBatches(decodeText(chunks, encoding))
	} catch (error) {
		if (error instanceof ImportRefused) throw error
		throw new ImportRefused('registryImport.errors.malformed', 400)
	}
}

function cellText(v: ExcelJS.CellValue): string {
	if (v == null) return ''
	if (v instanceof Date) return toDateString(v)
	if (typeof v === 'object') {
		if ('richText' in v) return v.richText.map((r) => r.text).join('')
		if ('text' in v) return String(v.text)
		if ('result' in v) return v.result == null ? '' : cellText(v.result as ExcelJS.CellValue)
		return ''
	}
	return String(v)
}

async function* xlsxRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawRow[]> {
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(chunks), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' })
	let rows: RawRow[] = []
	try {
		for await (const sheet of reader) {
			for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
				const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText)
				if (values.some((x) => x.trim())) rows.push({ line: row.number, values })
				if (rows.length >= 1000) {
					yield rows
					rows = []
				}
			}
			break // the first worksheet only
		}
	} catch (error) {
		if (error instanceof ImportRefused) throw error
		throw new ImportRefused('registryImport.errors.malformed', 400)
	}
	if (rows.length) yield rows
}

const LINE_COLUMNS = ['importId', 'line', 'idHash', 'idCipher', 'idMasked', 'gender', 'birthDate', 'name', 'townshipCode', 'communityCode', 'phone', 'emergencyContactName', 'emergencyContactPhone', 'eventKind', 'eventOn', 'outcome', 'reason'] as const

/** Lines checked and hashed this many at a time, with one lookup of which numbers are registered. */
const LOOKUP_BATCH = 4000
const HASH_BYTES = 32

/**
 * A batch of checked lines with their numbers' keyed hashes, 32 bytes each: first those of unrejected
 * lines (the ones looked up), then those of rejected lines, each group in line order; `hashAt[i]` is
 * line i's slot, -1 for a line without a number. `known` has one character per looked-up slot.
 */
type Batch = { lines: StagedLine[]; hashes: Buffer; hashAt: Int32Array; known: Promise<string> }

/**
 * Which of a batch's numbers are registered: one query for the batch, its hashes sent as one value and
 * the answer one character per hash ('1' registered). Only unrejected lines' numbers are asked: a
 * rejected line is staged without ciphertext whatever the answer.
 */
async function registered(hashes: Buffer, asked: number): Promise<string> {
	if (!asked) return ''
	// EXISTS on the hash alone: an index-only probe where the visibility map allows.
	const row = await sql`SELECT string_agg(CASE WHEN EXISTS (SELECT 1 FROM elder e WHERE e."idNumberHash" = substring(${hashes}::bytea FROM i * ${HASH_BYTES} + 1 FOR ${HASH_BYTES})) THEN '1' ELSE '0' END, '' ORDER BY i) AS known
		 FROM generate_series(0, ${asked}::int - 1) i`.first<{ known: string }>()
	return row!.known
}

/** Hashes a batch of checked lines and starts the lookup of their numbers (awaited when the batch is written). */
function hashBatch(lines: StagedLine[]): Batch {
	const hashAt = new Int32Array(lines.length).fill(-1)
	const hashes = Buffer.allocUnsafe(lines.length * HASH_BYTES)
	// Hashes of unrejected lines first (the ones asked about), then the rejected ones' (staged, never sealed).
	let n = 0
	for (let pass = 0; pass < 2; pass++)
		for (let i = 0; i < lines.length; i++) {
			const l = lines[i]!
			if (!l.id || Boolean(l.reason) !== (pass === 1)) continue
			hashes.set(hashIdNumber(l.id.value), n * HASH_BYTES)
			hashAt[i] = n++
		}
	const asked = lines.reduce((k, l) => (l.id && !l.reason ? k + 1 : k), 0)
	const known = registered(hashes.subarray(0, asked * HASH_BYTES), asked)
	// Awaited later; a failure meanwhile must not be an unhandled rejection.
	known.catch(() => {})
	return { lines, hashes, hashAt, known }
}

/**
 * A batch's lines as registry_import_staged_line's rows (columns as LINE_COLUMNS): the number's keyed
 * hash, its ciphertext and its mask, never the number. The ciphertext is only needed to create the
 * elder (apply inserts it for a new line only), so it is sealed for valid lines whose number is not
 * registered yet; a number the registry already has can never classify as new (elders are never
 * deleted), and sealing half a million known numbers again was a third of a re-import's upload.
 */
async function writeBatch(out: CopyWriter, importId: string, batch: Batch) {
	const known = await batch.known
	const { lines, hashes, hashAt } = batch
	for (let i = 0; i < lines.length; i++) {
		const l = lines[i]!
		const h = hashAt[i]!
		out.row(LINE_COLUMNS.length)
		out.uuid(importId)
		out.int4(l.line)
		out.bytes(h < 0 ? null : hashes.subarray(h * HASH_BYTES, (h + 1) * HASH_BYTES))
		out.bytes(l.id && !l.reason && known.charCodeAt(h) !== 49 ? encryptIdNumber(l.id.value) : null)
		out.text(l.id ? maskIdNumber(l.id.value) : null)
		out.text(l.id?.gender)
		out.date(l.id?.birthDate)
		out.text(l.name)
		out.text(l.townshipCode)
		out.text(l.communityCode)
		out.text(l.phone)
		out.text(l.emergencyContactName)
		out.text(l.emergencyContactPhone)
		out.text(l.eventKind)
		out.date(l.eventOn)
		out.text(l.reason ? 'rejected' : null)
		out.text(l.reason)
	}
}

/**
 * Streams one file's rows into the import's staged lines with one COPY (nothing is visible until the
 * whole file is in; a file refused part-way leaves no line); checks the header first. Returns the line
 * count. Pipelined by batches of LOOKUP_BATCH lines: while the database looks up which numbers of one
 * batch are registered, the next is read, checked and hashed (the lookups waited for each other were a
 * third of a re-import's upload).
 */
export async function stageFile(importId: string, fileName: string, data: AsyncIterable<Uint8Array>, opts: { maxBytes?: number; today?: string } = {}): Promise<{ lines: number; format: string; encoding: string }> {
	const sniffed = await sniff(fileName, limited(data, opts.maxBytes ?? MAX_IMPORT_BYTES))
	const rows = sniffed.format === 'xlsx' ? xlsxRows(sniffed.chunks) : csvRows(sniffed.chunks, sniffed.encoding)
	const today = opts.today ?? shanghaiDate()
	let header: string[] | null = null
	let lines = 0
	await copyBinary('registry_import_staged_line', LINE_COLUMNS, async (out, ready) => {
		let columns: ColumnIndex = {}
		let checked: StagedLine[] = []
		let inFlight: Batch | null = null
		const next = async () => {
			const batch = checked.length ? hashBatch(checked) : null
			checked = []
			if (inFlight) {
				await writeBatch(out, importId, inFlight)
				await ready()
			}
			inFlight = batch
		}
		for await (const batch of rows) {
			for (const row of batch) {
				if (!header) {
					header = row.values.map((h) => h.replace(/^\uFEFF/, '').trim())
					const missing = REQUIRED_COLUMNS.filter((c) => !header!.includes(c))
					if (missing.length) throw new ImportRefused('registryImport.errors.missingColumns', 400, missing.join('、'))
					columns = Object.fromEntries(header.map((h, i) => [h, i]))
					continue
				}
				checked.push(checkLine(row.line, row.values, columns, today))
				lines++
				if (checked.length >= LOOKUP_BATCH) await next()
			}
		}
		await next()
		await next()
	})
	if (!header) throw new ImportRefused('registryImport.errors.empty', 400)
	return { lines, format: sniffed.format, encoding: sniffed.encoding }
}

/**
 * The upload action: reads the multipart body part by part. The CSRF token must come before the
 * file (the form puts it first), so nothing is staged for a forged request. The file part is staged
 * as it streams; a refused file leaves nothing behind. Then the dry run is queued.
 */
export type UploadResult = { outcome: Outcome<{ importId: string }>; fields: FormData; missing?: string }

export async function receiveUpload(user: SessionUser, request: Request, ip: string | null, enqueue: (importId: string) => Promise<unknown>): Promise<UploadResult> {
	const fields = new FormData()
	if (!isRegistrar(user)) return { outcome: fail('registryImport.errors.officersOnly', 403), fields }
	const scope = await importScope(user)
	if (!scope) return { outcome: fail('registryImport.errors.noArea', 403), fields }
	const declared = Number(request.headers.get('content-length') ?? 0)
	if (declared > MAX_IMPORT_BYTES + 64 * 1024) return { outcome: fail('registryImport.errors.tooLarge', 413), fields }
	// A body that is not multipart (a hand-made urlencoded post) cannot carry a file: refused before
	// the multipart parser, which would throw on it (a 500 the fuzz suite found).
	if (!/^multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '')) return { outcome: fieldFail('file', 'registryImport.errors.malformedForm', 400), fields }
	let importId: string | null = null
	let staged: { lines: number; format: string; encoding: string } | null = null
	try {
		await unstable_parseMultipartFormData(request, async ({ name, filename, data }) => {
			if (name !== 'file' || filename === undefined) {
				fields.append(name, await readTextPart(data, 4096, () => new ImportRefused('registryImport.errors.malformedForm', 400)))
				return undefined
			}
			if (staged || importId) throw new ImportRefused('registryImport.errors.oneFile', 400)
			await validateCsrf(fields, request)
			if (!filename) throw new ImportRefused('registryImport.errors.noFile', 400)
			const row = await sql`INSERT INTO registry_import ("createdById", "scopeKind", "scopeId", "fileName", format, encoding) VALUES (${user.id}::uuid, ${scope.kind}, ${scope.id}, ${filename.slice(0, 200)}, '', '') RETURNING id`.first<{ id: string }>()
			importId = row!.id
			staged = await stageFile(importId, filename, data)
			return undefined
		})
	} catch (error) {
		if (importId) await sql`DELETE FROM registry_import WHERE id = ${importId}::uuid`.run()
		if (error instanceof ImportRefused) return { outcome: fieldFail('file', error.key, error.status), fields, missing: error.detail }
		// A multipart body the parser cannot read (no boundary, cut short) is the sender's fault.
		if (error instanceof TypeError && /FormData|multipart|boundary/i.test(error.message)) return { outcome: fieldFail('file', 'registryImport.errors.malformedForm', 400), fields }
		throw error
	}
	if (!importId || !staged) {
		await validateCsrf(fields, request)
		return { outcome: fieldFail('file', 'registryImport.errors.noFile', 400), fields }
	}
	const s = staged as { lines: number; format: string; encoding: string }
	await sql`UPDATE registry_import SET status = 'classifying', "lineCount" = ${s.lines}, format = ${s.format}, encoding = ${s.encoding} WHERE id = ${importId}::uuid`.run()
	await audit({ actor: user, action: 'registry_import.upload', entityType: 'registry_import', entityId: importId, districtId: user.districtId ?? null, ip, details: { lines: s.lines, format: s.format, encoding: s.encoding } })
	await enqueue(importId).catch((error: unknown) => console.warn(`registry import ${importId} not queued yet: ${error instanceof Error ? error.message : error}`))
	return { outcome: ok({ importId }), fields }
}
