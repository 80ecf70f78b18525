import { createCipheriv, createDecipheriv, type CipherKey } from 'node:crypto'
import { randomChunk } from './random.server.ts'

// AES-256-GCM for personal information at rest (identity numbers, subsidy card numbers): each kind
// has its own key, and every stored value is iv | tag | ciphertext, so a value sealed under one key
// cannot be opened (or silently mis-read) under another.
const IV_BYTES = 12
const TAG_BYTES = 16

export function seal(key: CipherKey, value: string): Uint8Array<ArrayBuffer> {
	// A fresh IV from the pooled CSPRNG, used once.
	const iv = randomChunk(IV_BYTES)
	const cipher = createCipheriv('aes-256-gcm', key, iv)
	const body = cipher.update(value, 'utf8')
	const tail = cipher.final() // empty for GCM
	// iv | tag | ciphertext written once into the result (no intermediate concatenations).
	const out = new Uint8Array(IV_BYTES + TAG_BYTES + body.byteLength + tail.byteLength)
	out.set(iv, 0)
	out.set(cipher.getAuthTag(), IV_BYTES)
	out.set(body, IV_BYTES + TAG_BYTES)
	out.set(tail, IV_BYTES + TAG_BYTES + body.byteLength)
	return out
}

export function unseal(key: CipherKey, stored: Uint8Array): string {
	const buf = Buffer.from(stored)
	// A whole tag, always: OpenSSL would otherwise accept a shortened one (a value cut short).
	if (buf.byteLength < IV_BYTES + TAG_BYTES) throw new Error('unable to authenticate data: the sealed value is too short')
	const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
	decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
	return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
}

/**
 * Values sealed by `seal` under `key`, opened; throws if any of them was not sealed under it or was
 * altered. One OpenSSL decipher per value: a batch API in the hot loops of bank files, so a faster
 * opening can land here alone, but not AES-GCM written by hand (it was tried: 1.5 s of CPU saved on
 * a 110,000-line file did not justify our own GHASH in the path of every personal number).
 */
export function unsealMany(key: CipherKey, stored: readonly Uint8Array[]): string[] {
	return stored.map((value) => unseal(key, value))
}
