// COPY's text format as app/lib/copy.server.ts writes it: specials escaped, null as \N, bytes as hex.
import { describe, expect, it } from 'vitest'
import { copyText } from '~/lib/copy.server.ts'

describe('copyText', () => {
	it('escapes the characters COPY treats specially and writes null and bytes its way', () => {
		expect(copyText('张\t桂兰\n\r\\x')).toBe('张\\t桂兰\\n\\r\\\\x')
		expect(copyText(null)).toBe('\\N')
		expect(copyText(undefined)).toBe('\\N')
		expect(copyText('\\N')).toBe('\\\\N')
		expect(copyText(42)).toBe('42')
		expect(copyText(new Uint8Array([0, 171, 255]))).toBe('\\\\x00abff')
	})
})
