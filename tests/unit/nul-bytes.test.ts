// entry.server's stripping of React's stray NUL bytes (react#31134) gives the bytes a byte-by-byte
// filter gives, for any buffer: none, leading, trailing, runs, all NUL.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { withoutNulBytes } from '~/lib/nul-bytes.ts'

describe('withoutNulBytes', () => {
	it('removes exactly the NUL bytes (property)', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }).map((a) => a.map((b) => (b % 4 === 0 ? 0 : b))), (bytes) => {
				const html = Buffer.from(bytes)
				expect(withoutNulBytes(html).equals(Buffer.from(html.filter((b) => b !== 0)))).toBe(true)
			}),
		)
	})

	it('hands back the same buffer when there is nothing to remove, and strips a padded Chinese page', () => {
		const page = Buffer.from('<p>高龄津贴</p>')
		expect(withoutNulBytes(page)).toBe(page)
		expect(withoutNulBytes(Buffer.concat([page.subarray(0, 5), Buffer.alloc(3), page.subarray(5), Buffer.alloc(2)])).toString()).toBe('<p>高龄津贴</p>')
		expect(withoutNulBytes(Buffer.alloc(4)).length).toBe(0)
	})
})
