// Bulk loading with PostgreSQL's COPY ... FROM STDIN in its binary format, for rows that arrive as a
// stream (an uploaded file): one statement for the whole stream, so nothing is visible until all of
// it is in and a failure part-way leaves nothing behind. Rows are encoded straight into 256 KB
// buffers (no per-value strings, no hex for bytes, no escaping) and written with back-pressure, so
// memory stays flat however many there are. Values are encoded here, never spliced into SQL; the
// table and column names are trusted identifiers given by the caller.
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import { pool } from './db.server.ts'

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
const BUFFER_BYTES = 1 << 18
/** 2000-01-01, PostgreSQL's day 0, in milliseconds since 1970. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1)
const DAY_MS = 86_400_000

/**
 * One COPY's rows in PostgreSQL's binary format. A row is `row(n)` and then exactly n fields in the
 * table's column order, each by the writer of its column's type: `text` (text, varchar and enum
 * labels), `bytes` (bytea), `int4`, `date` ('YYYY-MM-DD'), `uuid`; null for NULL.
 */
export class CopyWriter {
	private buf = Buffer.allocUnsafe(BUFFER_BYTES)
	private at = 0
	private blocked = false
	private lastUuid: { text: string; bytes: Buffer } | null = null
	private readonly days = new Map<string, number>()

	constructor(private readonly sink: (chunk: Buffer) => boolean) {
		this.bytesRaw(SIGNATURE)
		this.int32(0) // flags
		this.int32(0) // header extension length
	}

	/** Room for n more bytes: a full buffer goes to the sink and a fresh one is started. */
	private room(n: number) {
		if (this.at + n <= this.buf.byteLength) return
		this.flush()
		if (n > this.buf.byteLength) this.buf = Buffer.allocUnsafe(n)
	}

	private int32(n: number) {
		this.room(4)
		this.buf.writeInt32BE(n, this.at)
		this.at += 4
	}

	private bytesRaw(b: Uint8Array) {
		this.room(b.byteLength)
		this.buf.set(b, this.at)
		this.at += b.byteLength
	}

	/** The start of a row of `fields` values. */
	row(fields: number) {
		this.room(2)
		this.buf.writeInt16BE(fields, this.at)
		this.at += 2
	}

	null() {
		this.int32(-1)
	}

	text(value: string | null | undefined) {
		if (value == null) return this.int32(-1)
		// UTF-8 takes at most 3 bytes per UTF-16 code unit.
		this.room(4 + value.length * 3)
		const n = this.buf.write(value, this.at + 4, 'utf8')
		this.buf.writeInt32BE(n, this.at)
		this.at += 4 + n
	}

	bytes(value: Uint8Array | null | undefined) {
		if (value == null) return this.int32(-1)
		this.int32(value.byteLength)
		this.bytesRaw(value)
	}

	int4(value: number | null | undefined) {
		if (value == null) return this.int32(-1)
		if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RangeError(`not an int4: ${value}`)
		this.int32(4)
		this.int32(value)
	}

	/** A calendar date written 'YYYY-MM-DD' (its binary form: days since 2000-01-01). */
	date(value: string | null | undefined) {
		if (value == null) return this.int32(-1)
		let days = this.days.get(value)
		if (days === undefined) {
			const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(value) : Number.NaN
			// Date.parse takes 02-30 as 03-02: only a date that reads back the same is one.
			if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) throw new RangeError(`not a date: ${value}`)
			days = (ms - PG_EPOCH_MS) / DAY_MS
			// Dates repeat (birth dates of a registry): remembered, a bounded number of them.
			if (this.days.size >= 100_000) this.days.clear()
			this.days.set(value, days)
		}
		this.int32(4)
		this.int32(days)
	}

	uuid(value: string | null | undefined) {
		if (value == null) return this.int32(-1)
		if (this.lastUuid?.text !== value) {
			if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value)) throw new RangeError(`not a uuid: ${value}`)
			this.lastUuid = { text: value, bytes: Buffer.from(value.replaceAll('-', ''), 'hex') }
		}
		this.int32(16)
		this.bytesRaw(this.lastUuid.bytes)
	}

	/** Hands what is buffered to the sink; remembers whether the sink asked to wait. */
	flush() {
		if (!this.at) return
		if (!this.sink(this.buf.subarray(0, this.at))) this.blocked = true
		this.buf = Buffer.allocUnsafe(BUFFER_BYTES)
		this.at = 0
	}

	/** The end of the data: the trailer, and everything to the sink. */
	end() {
		this.room(2)
		this.buf.writeInt16BE(-1, this.at)
		this.at += 2
		this.flush()
	}

	/** True once since the sink last asked to wait (the caller then waits for it to drain). */
	takeBlocked() {
		const b = this.blocked
		this.blocked = false
		return b
	}
}

/**
 * COPYs into `table (columns)`, binary, on a pool connection of its own: `write` writes the rows
 * through the writer and awaits `ready()` now and then (at least every few thousand rows), which is
 * where back-pressure waits. Throws what `write` throws (the COPY is abandoned: nothing is written)
 * or the database's error.
 */
export async function copyBinary(table: string, columns: readonly string[], write: (out: CopyWriter, ready: () => Promise<void>) => Promise<void>): Promise<void> {
	const client = await pool.connect()
	let broken = false
	try {
		const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN WITH (FORMAT binary)`))
		const done = finished(stream)
		// A database error while we are still writing surfaces through `done`; keep it handled meanwhile.
		done.catch(() => {})
		const out = new CopyWriter((chunk) => stream.write(chunk))
		const ready = async () => {
			if (out.takeBlocked()) await Promise.race([once(stream, 'drain'), done])
		}
		try {
			await write(out, ready)
			out.end()
		} catch (error) {
			// Sends CopyFail: the server discards everything this COPY wrote.
			stream.destroy(error instanceof Error ? error : new Error(String(error)))
			await done.catch(() => {})
			throw error
		}
		stream.end()
		await done
	} catch (error) {
		broken = true
		throw error
	} finally {
		// A connection that saw a failed COPY is not given back to the pool.
		client.release(broken)
	}
}
