import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { seal, unseal, unsealMany } from '~/lib/aead.server.ts'

// A bank file opens its numbers a page at a time (unsealMany: small batches here, larger ones on an
// opening thread). Either way it must open exactly what OpenSSL's AES-256-GCM seals, and refuse
// exactly what OpenSSL refuses.

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
	it('opens what seal (OpenSSL) sealed, every length, in one batch (on a thread) and one at a time', async () => {
		const values = samples()
		const sealed = values.map((v) => seal(key, v))
		expect(sealed.length).toBeGreaterThan(64)
		expect(await unsealMany(key, sealed)).toEqual(values)
		for (const s of sealed) expect(await unsealMany(key, [s])).toEqual([unseal(key, s)])
		expect(await unsealMany(key, [])).toEqual([])
		// Under an OpenSSL key object too (how identity numbers are keyed), and many batches at once.
		const keyObject = createSecretKey(key)
		const batches = await Promise.all([1, 2, 3, 4].map(() => unsealMany(keyObject, sealed)))
		for (const b of batches) expect(b).toEqual(values)
	})

	it('opens a standard GCM ciphertext made directly by OpenSSL with a chosen IV', async () => {
		const iv = Buffer.from('cafebabefacedbaddecaf888', 'hex')
		const cipher = createCipheriv('aes-256-gcm', key, iv)
		const body = Buffer.concat([cipher.update('一卡通 6217991234567890123', 'utf8'), cipher.final()])
		expect(await unsealMany(key, [Buffer.concat([iv, cipher.getAuthTag(), body])])).toEqual(['一卡通 6217991234567890123'])
	})

	it('refuses any altered bit (IV, tag or body), a value cut short, and another key, as unseal does; on a thread too', async () => {
		const sealed = ['420802194701010012', '6217991234567890123', ''].map((v) => seal(key, v))
		const many = samples().map((v) => seal(key, v))
		for (const s of sealed) {
			for (let byte = 0; byte < s.byteLength; byte++) {
				for (const bit of [0, 3, 7]) {
					const altered = new Uint8Array(s)
					altered[byte]! ^= 1 << bit
					expect(() => unseal(key, altered)).toThrow()
					// In a batch with good values too: the whole batch is refused.
					await expect(unsealMany(key, [sealed[0]!, altered])).rejects.toThrow('unable to authenticate data')
				}
			}
			await expect(unsealMany(key, [s.subarray(0, s.byteLength - 1)])).rejects.toThrow()
			await expect(unsealMany(randomBytes(32), [s])).rejects.toThrow('unable to authenticate data')
			// A batch opened on a thread: refused whole, and the thread goes on opening good batches.
			const altered = new Uint8Array(s)
			altered[altered.byteLength - 1]! ^= 1
			await expect(unsealMany(key, [...many, altered])).rejects.toThrow('unable to authenticate data')
			await expect(unsealMany(key, [...many, new Uint8Array(27)])).rejects.toThrow('too short')
			expect(await unsealMany(key, many)).toHaveLength(many.length)
		}
		await expect(unsealMany(key, [new Uint8Array(27)])).rejects.toThrow('unable to authenticate data')
	})

	it('opens values whose bytes sit inside a larger buffer (as node-postgres hands them)', async () => {
		const a = seal(key, '420802194701010012')
		const b = seal(key, '6217991234567890123')
		const both = Buffer.concat([Buffer.from([1, 2, 3]), a, b])
		expect(await unsealMany(key, [both.subarray(3, 3 + a.byteLength), both.subarray(3 + a.byteLength)])).toEqual(['420802194701010012', '6217991234567890123'])
		// On a thread: the values are packed, so the buffer they sit in is neither sent nor changed.
		const many = Array.from({ length: 100 }, (_, i) => (i % 2 ? both.subarray(3 + a.byteLength) : both.subarray(3, 3 + a.byteLength)))
		expect(await unsealMany(key, many)).toEqual(many.map((_, i) => (i % 2 ? '6217991234567890123' : '420802194701010012')))
		expect(both.byteLength).toBe(3 + a.byteLength + b.byteLength)
	})
})
