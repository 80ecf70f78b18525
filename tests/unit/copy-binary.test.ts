// COPY's binary format as app/lib/copy.server.ts writes it: the signature and header, each row's field
// count, each field's length and bytes (-1 for NULL), the trailer; rows split across buffers whole.
import { describe, expect, it } from 'vitest'
import { CopyWriter } from '~/lib/copy.server.ts'

function written(write: (out: CopyWriter) => void) {
	const chunks: Buffer[] = []
	const out = new CopyWriter((c) => (chunks.push(Buffer.from(c)), true))
	write(out)
	out.end()
	return Buffer.concat(chunks)
}

const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)])
const int32 = (n: number) => {
	const b = Buffer.alloc(4)
	b.writeInt32BE(n)
	return b
}
const field = (bytes: Buffer) => Buffer.concat([int32(bytes.byteLength), bytes])

describe('CopyWriter (COPY binary)', () => {
	it('writes text as UTF-8 with its byte length, bytes as they are, int4 and dates, uuids, and NULL as -1', () => {
		const data = written((out) => {
			out.row(8)
			out.text('张\t桂兰\n\\N')
			out.text(null)
			out.bytes(new Uint8Array([0, 171, 255]))
			out.int4(-2)
			out.date('2000-01-02')
			out.date('1945-03-15')
			out.uuid('0193cc70-0000-4000-8000-00000000abcd')
			out.null()
		})
		const days1945 = (Date.UTC(1945, 2, 15) - Date.UTC(2000, 0, 1)) / 86_400_000
		expect(data).toEqual(
			Buffer.concat([
				header,
				Buffer.from([0, 8]),
				field(Buffer.from('张\t桂兰\n\\N', 'utf8')),
				int32(-1),
				field(Buffer.from([0, 171, 255])),
				field(int32(-2)),
				field(int32(1)),
				field(int32(days1945)),
				field(Buffer.from('0193cc70000040008000' + '00000000abcd', 'hex')),
				int32(-1),
				Buffer.from([0xff, 0xff]),
			]),
		)
	})

	it('refuses values its column type cannot hold instead of writing them', () => {
		expect(() => written((out) => out.date('2026-02-30'))).toThrow(RangeError)
		expect(() => written((out) => out.date('2026-2-3'))).toThrow(RangeError)
		expect(() => written((out) => out.int4(2 ** 31))).toThrow(RangeError)
		expect(() => written((out) => out.uuid('not-a-uuid'))).toThrow(RangeError)
	})

	it('keeps every byte across buffer boundaries (a long run of rows)', () => {
		const rows = 20_000
		const data = written((out) => {
			for (let i = 0; i < rows; i++) {
				out.row(2)
				out.int4(i)
				out.text(`第${i}行`.repeat(i % 7))
			}
		})
		// Read back by hand and compared once (an expect per field made this test slow).
		let at = header.byteLength
		const wrong: number[] = []
		for (let i = 0; i < rows; i++) {
			const n = data.readInt32BE(at + 10)
			const ok = data.readInt16BE(at) === 2 && data.readInt32BE(at + 2) === 4 && data.readInt32BE(at + 6) === i && data.toString('utf8', at + 14, at + 14 + n) === `第${i}行`.repeat(i % 7)
			if (!ok) wrong.push(i)
			at += 14 + n
		}
		expect(wrong).toEqual([])
		expect(data.readInt16BE(at)).toBe(-1)
		expect(at + 2).toBe(data.byteLength)
	})
})
