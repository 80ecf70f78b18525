// The registry import's CSV reader splits plain lines itself and leaves the rest of a file to
// csv-parse from the first line that is not plain. Whatever the text and however it arrives in
// pieces, its rows, line numbers and failures must be csv-parse's own with the options the upload
// has always used.
import { parse } from 'csv-parse'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvRowBatches, type RawRow } from '~/modules/registry-import/csv.server.ts'

type Result = { rows: RawRow[] } | { error: true }

async function reference(pieces: string[]): Promise<Result> {
	const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true, relax_quotes: true })
	const feeding = (async () => {
		for (const p of pieces) parser.write(p)
		parser.end()
	})()
	try {
		const rows: RawRow[] = []
		for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) rows.push({ line: r.info.lines, values: r.record })
		await feeding
		return { rows }
	} catch {
		return { error: true }
	}
}

async function ours(pieces: string[]): Promise<Result> {
	async function* texts() {
		for (const p of pieces) yield p
	}
	try {
		const rows: RawRow[] = []
		for await (const batch of csvRowBatches(texts())) rows.push(...batch)
		return { rows }
	} catch {
		return { error: true }
	}
}

/** Text cut into pieces at the given points (sorted, deduplicated). */
function cut(text: string, at: number[]) {
	const points = [...new Set(at.map((i) => i % (text.length + 1)))].sort((a, b) => a - b)
	const pieces: string[] = []
	let from = 0
	for (const p of points) {
		pieces.push(text.slice(from, p))
		from = p
	}
	pieces.push(text.slice(from))
	return pieces.filter((p) => p.length > 0)
}

const registryLine = fc.constantFrom('110101194001010012,王桂兰,420802001000,420802001001,13900000000,,,,', '张三,1,2', '', ',,', 'a,b', '\uFEFF身份证号,姓名')
const anyChar = fc.constantFrom('a', '张', ',', '"', '\r', '\n', '\r\n', '\uFEFF', ' ', '""')

describe('csvRowBatches (the upload CSV reader)', () => {
	it('gives what csv-parse gives for plain files with LF or CRLF, with and without a last line break', async () => {
		for (const eol of ['\n', '\r\n']) {
			for (const last of ['', eol]) {
				const text = ['身份证号,姓名,乡镇代码', '110101194001010012,王桂兰,420802001000', '', 'x,,', ',', 'y'].join(eol) + last
				const expected = await reference([text])
				expect(await ours([text])).toEqual(expected)
				expect(await ours(text.split(''))).toEqual(expected)
			}
		}
	})

	it('hands over to csv-parse at the first line with a quote or a stray carriage return, keeping line numbers', async () => {
		const text = 'a,b\nc,d\n"e\nf",g\nh,i\rj\nk,l\n'
		expect(await ours([text])).toEqual(await reference([text]))
		const crlf = 'a,b\r\nc\nd,e\r\n"f""g",h\r\ni,j\r\n'
		expect(await ours([crlf])).toEqual(await reference([crlf]))
		const unclosed = 'a,b\nc,"d\n'
		expect(await ours([unclosed])).toEqual({ error: true })
		expect(await reference([unclosed])).toEqual({ error: true })
	})

	it('agrees with csv-parse on any text, cut into any pieces', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(fc.oneof(registryLine.map((l) => `${l}\n`), registryLine.map((l) => `${l}\r\n`), anyChar), { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), async (parts, at) => {
				const text = parts.join('')
				expect(await ours(cut(text, at))).toEqual(await reference([text]))
			}),
			{ numRuns: 400 },
		)
	})
})
