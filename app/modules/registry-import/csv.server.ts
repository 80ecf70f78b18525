// Reading an import's CSV text into rows, in batches. csv-parse (relax_quotes, relax_column_count,
// skip_empty_lines, BOM) decides what a file means; most lines of a registry file are plain (no quote,
// no carriage return but a CRLF's), and for those its result is the line split at commas, so they are
// split here directly: csv-parse's per-byte loop, its per-record info objects and the re-encoding of
// every text chunk to bytes were a quarter of a city file's upload. At the first line that is not
// plain, the rest of the text goes to csv-parse, told the record delimiter already seen (it would
// have kept the one it found first) and numbering its lines after ours, so every row, line number
// and error is what csv-parse alone gives (tests/unit/registry-import-csv.test.ts compares them).
import { once } from 'node:events'
import { parse, type Options } from 'csv-parse'

export type RawRow = { line: number; values: string[] }

/** A line longer than this with no line break yet is left to csv-parse (plain files have short lines). */
const MAX_PLAIN_PENDING = 1 << 20

/**
 * Rows of CSV text arriving in pieces, a batch per piece. Errors of csv-parse are thrown as they are
 * (the caller turns them into its refusal); errors of `texts` pass through.
 */
export async function* csvRowBatches(texts: AsyncIterable<string>): AsyncGenerator<RawRow[]> {
	const source = texts[Symbol.asyncIterator]()
	let pending = ''
	let line = 0 // lines read so far (the number of the last one)
	let delimiter: '\n' | '\r\n' | null = null
	let ended = false
	plain: for (;;) {
		const next = await source.next()
		if (next.done) ended = true
		else pending += next.value
		const rows: RawRow[] = []
		let at = 0
		for (;;) {
			const nl = pending.indexOf('\n', at)
			if (nl < 0) break
			// The first line decides the delimiter, as csv-parse's discovery would (CRLF before LF);
			// after it, a line is plain only if it ends the same way.
			const crlf = nl > at && pending.charCodeAt(nl - 1) === 13
			if (delimiter === '\r\n' ? !crlf : delimiter === '\n' && crlf) break
			const text = pending.slice(at, crlf ? nl - 1 : nl)
			if (text.includes('"') || text.includes('\r')) break
			delimiter ??= crlf ? '\r\n' : '\n'
			// csv-parse's `bom`: a byte order mark at the very start is not text.
			const values = line === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
			line++
			at = nl + 1
			if (values.length) rows.push({ line, values: values.split(',') })
		}
		pending = pending.slice(at)
		if (ended) {
			// The last line, without a line break: plain if it has neither quote nor carriage return.
			if (pending && !pending.includes('"') && !pending.includes('\r') && !(line === 0 && pending.charCodeAt(0) === 0xfeff)) {
				rows.push({ line: line + 1, values: pending.split(',') })
				pending = ''
			}
			if (rows.length) yield rows
			if (!pending) return
			break plain
		}
		if (rows.length) yield rows
		// Not plain: a quote or a carriage return in the next line, a line break csv-parse would not
		// take as one, or a line too long to wait for.
		const nl = pending.indexOf('\n')
		const head = nl < 0 ? pending : pending.slice(0, nl)
		if (nl >= 0 || head.includes('"') || head.slice(0, -1).includes('\r') || head.length > MAX_PLAIN_PENDING) break
	}
	yield* parsed(
		line,
		{ relax_column_count: true, skip_empty_lines: true, info: true, bom: line === 0, relax_quotes: true, ...(delimiter ? { record_delimiter: delimiter } : {}) },
		pending,
		ended ? null : source,
	)
}

/** The rest of the text through csv-parse: its lines numbered after the `offset` lines already read. */
async function* parsed(offset: number, options: Options, first: string, rest: AsyncIterator<string> | null): AsyncGenerator<RawRow[]> {
	const parser = parse(options)
	const feeding = (async () => {
		if (first && !parser.write(first)) await once(parser, 'drain')
		if (rest)
			for (;;) {
				const next = await rest.next()
				if (next.done) break
				if (!parser.write(next.value)) await once(parser, 'drain')
			}
		parser.end()
	})().catch((error: unknown) => parser.destroy(error instanceof Error ? error : new Error(String(error))))
	let rows: RawRow[] = []
	for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
		rows.push({ line: offset + r.info.lines, values: r.record })
		if (rows.length >= 1000) {
			yield rows
			rows = []
		}
	}
	if (rows.length) yield rows
	await feeding
}
