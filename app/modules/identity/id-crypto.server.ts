import { createHmac, createSecretKey, type KeyObject } from 'node:crypto'
import { seal, unseal, unsealMany } from '~/lib/aead.server.ts'
import { getEnv } from '~/lib/env.server.ts'

// Identity numbers are personal information (PIPL): stored as AES-256-GCM ciphertext, looked up by
// an HMAC under a separate key, so a leaked lookup index cannot be decrypted and a leaked
// ciphertext cannot be searched.
// The keys as OpenSSL key objects, made once: HMAC and cipher set-up from a raw Buffer key repeated
// that preparation for every number (a city registry file hashes half a million).
let keys: { enc: KeyObject; mac: KeyObject } | undefined
function getKeys() {
	if (!keys) {
		const env = getEnv()
		keys = { enc: createSecretKey(Buffer.from(env.ID_ENCRYPTION_KEY, 'base64')), mac: createSecretKey(Buffer.from(env.ID_HASH_KEY, 'base64')) }
	}
	return keys
}

export function encryptIdNumber(value: string): Uint8Array<ArrayBuffer> {
	return seal(getKeys().enc, value)
}

export function decryptIdNumber(stored: Uint8Array): string {
	return unseal(getKeys().enc, stored)
}

/** Many numbers at once (a bank file's page): one AES object for the batch, not one per number. */
export function decryptIdNumbers(stored: readonly Uint8Array[]): string[] {
	return unsealMany(getKeys().enc, stored)
}

/** Keyed lookup hash of a normalised number. */
export function hashIdNumber(value: string): Uint8Array<ArrayBuffer> {
	return new Uint8Array(createHmac('sha256', getKeys().mac).update(value).digest())
}
