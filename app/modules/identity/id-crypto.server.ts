import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { getEnv } from '~/lib/env.server.ts'

// Identity numbers are personal information (PIPL): stored as AES-256-GCM ciphertext, looked up by
// an HMAC under a separate key, so a leaked lookup index cannot be decrypted and a leaked
// ciphertext cannot be searched.
const IV_BYTES = 12
const TAG_BYTES = 16

let keys: { enc: Buffer; mac: Buffer } | undefined
function getKeys() {
	if (!keys) {
		const env = getEnv()
		keys = { enc: Buffer.from(env.ID_ENCRYPTION_KEY, 'base64'), mac: Buffer.from(env.ID_HASH_KEY, 'base64') }
	}
	return keys
}

export function encryptIdNumber(value: string): Uint8Array<ArrayBuffer> {
	const iv = randomBytes(IV_BYTES)
	const cipher = createCipheriv('aes-256-gcm', getKeys().enc, iv)
	const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
	return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]))
}

export function decryptIdNumber(stored: Uint8Array): string {
	const buf = Buffer.from(stored)
	const decipher = createDecipheriv('aes-256-gcm', getKeys().enc, buf.subarray(0, IV_BYTES))
	decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
	return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
}

/** Keyed lookup hash of a normalised number. */
export function hashIdNumber(value: string): Uint8Array<ArrayBuffer> {
	return new Uint8Array(createHmac('sha256', getKeys().mac).update(value).digest())
}
