import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { seal, unseal, unsealMany } from '~/lib/aead.server.ts'

// A bank file opens its numbers a page at a time (unsealMany). Whatever that batch opening does, it
// must open exactly what OpenSSL's AES-256-GCM seals, and refuse exactly what OpenSSL refuses.

const key = randomBytes(32)

/** Text of every length from 0 to 70 bytes and more, ASCII and Chinese, across block boundaries. */
function samples() {
	const out: string[] = []
	for (let n = 0; n <= 70; n++) out.push('6217990123456789012345678901234567890123456789012345678901234567890123'.slice(0, n))
	for (let n = 1; n <= 40; n++) out.push('王秀英'.repeat(n).slice(0, n) + String(n))
	out.push('420802194701010012', '6217991234567890123', 'x'.repeat(1000))
	return out
}

describe('unsealMany (batched AES-256-GCM opening)', () => {
	it('opens what seal (OpenSSL) sealed, every length, in one batch and one at a time', () => {
		const values = samples()
		const sealed = values.map((v) => seal(key, v))
		expect(unsealMany(key, sealed)).toEqual(values)
		for (const s of sealed) expect(unsealMany(key, [s])).toEqual([unseal(key, s)])
		expect(unsealMany(key, [])).toEqual([])
	})

	it('opens a standard GCM ciphertext made directly by OpenSSL with a chosen IV', () => {
		const iv = Buffer.from('cafebabefacedbaddecaf888', 'hex')
		const cipher = createCipheriv('aes-256-gcm', key, iv)
		const body = Buffer.concat([cipher.update('一卡通 6217991234567890123', 'utf8'), cipher.final()])
		expect(unsealMany(key, [Buffer.concat([iv, cipher.getAuthTag(), body])])).toEqual(['一卡通 6217991234567890123'])
	})

	it('refuses any altered bit (IV, tag or body), a value cut short, and another key, as unseal does', () => {
		const sealed = ['420802194701010012', '6217991234567890123', ''].map((v) => seal(key, v))
		for (const s of sealed) {
			for (let byte = 0; byte < s.byteLength; byte++) {
				for (const bit of [0, 3, 7]) {
					const altered = new Uint8Array(s)
					altered[byte]! ^= 1 << bit
					expect(() => unseal(key, altered)).toThrow()
					// In a batch with good values too: the whole batch is refused.
					expect(() => unsealMany(key, [sealed[0]!, altered])).toThrow('unable to authenticate data')
				}
			}
			expect(() => unsealMany(key, [s.subarray(0, s.byteLength - 1)])).toThrow()
			expect(() => unsealMany(randomBytes(32), [s])).toThrow('unable to authenticate data')
		}
		expect(() => unsealMany(key, [new Uint8Array(27)])).toThrow('unable to authenticate data')
	})

	it('opens values whose bytes sit inside a larger buffer (as node-postgres hands them)', () => {
		const a = seal(key, '420802194701010012')
		const b = seal(key, '6217991234567890123')
		const both = Buffer.concat([Buffer.from([1, 2, 3]), a, b])
		expect(unsealMany(key, [both.subarray(3, 3 + a.byteLength), both.subarray(3 + a.byteLength)])).toEqual(['420802194701010012', '6217991234567890123'])
	})
})
