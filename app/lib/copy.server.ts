// Bulk loading with PostgreSQL's COPY ... FROM STDIN (text format), for rows that arrive as a stream
// (an uploaded file): one statement for the whole stream, so nothing is visible until all of it is
// in and a failure part-way leaves nothing behind. Rows are written with back-pressure, so memory
// stays flat however many there are. Values are encoded here, never spliced into SQL; the table and
// column names are trusted identifiers given by the caller.
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import { pool } from './db.server.ts'

export type CopyValue = string | number | Uint8Array | null | undefined

const SPECIAL = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** One value in COPY's text format: \N for null, \\x… for bytes, text with its specials escaped. */
export function copyText(value: CopyValue): string {
	if (value === null || value === undefined) return '\\N'
	if (typeof value === 'number') return String(value)
	if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`
	return value.replace(SPECIAL, (c) => ESCAPES[c]!)
}

/**
 * COPYs every row of `rows` into `table (columns)` on a pool connection of its own. Throws what the
 * iteration throws (the COPY is abandoned: nothing is written) or the database's error.
 */
export async function copyRows(table: string, columns: readonly string[], rows: AsyncIterable<readonly CopyValue[]>): Promise<number> {
	const client = await pool.connect()
	let broken = false
	try {
		const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`))
		const done = finished(stream)
		// A database error while we are still writing surfaces through `done`; keep it handled meanwhile.
		done.catch(() => {})
		let part = ''
		let n = 0
		try {
			for await (const row of rows) {
				part += `${row.map(copyText).join('\t')}\n`
				n++
				if (part.length >= 1 << 16) {
					const more = stream.write(part)
					part = ''
					if (!more) await Promise.race([once(stream, 'drain'), done])
				}
			}
		} catch (error) {
			// Sends CopyFail: the server discards everything this COPY wrote.
			stream.destroy(error instanceof Error ? error : new Error(String(error)))
			await done.catch(() => {})
			throw error
		}
		stream.end(part)
		await done
		return n
	} catch (error) {
		broken = true
		throw error
	} finally {
		// A connection that saw a failed COPY is not given back to the pool.
		client.release(broken)
	}
}
