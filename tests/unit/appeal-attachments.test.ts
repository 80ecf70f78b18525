// Appeal attachments are judged by their first bytes, never by name or declared type.
import { describe, expect, it } from 'vitest'
import { cleanFileName, sniffAttachment } from '~/modules/due-process/attachments.ts'

describe('appeal attachments', () => {
	it('knows JPEG, PNG and PDF by their magic bytes and nothing else', () => {
		expect(sniffAttachment(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, 0]))).toBe('image/jpeg')
		expect(sniffAttachment(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png')
		expect(sniffAttachment(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf')
		expect(sniffAttachment(new TextEncoder().encode('MZ\x90\x00'))).toBeNull()
		expect(sniffAttachment(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
		expect(sniffAttachment(new TextEncoder().encode('%PDF'))).toBeNull()
		expect(sniffAttachment(new Uint8Array())).toBeNull()
	})

	it('keeps a file name without its path, quotes or control characters', () => {
		expect(cleanFileName('C:\\Users\\a\\低保证.pdf')).toBe('低保证.pdf')
		expect(cleanFileName('../../etc/"pass"\n.png')).toBe('pass.png')
		expect(cleanFileName('   ')).toBe('attachment')
	})
})
