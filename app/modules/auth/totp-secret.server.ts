// TOTP secrets are stored sealed (AES-256-GCM), like identity numbers: a copy of the database alone
// does not give anyone the officers' second factor. The key is derived from ID_ENCRYPTION_KEY for
// this one purpose (HMAC-SHA256 with a label), so the two uses never share a key.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { getEnv } from '~/lib/env.server.ts'

const PREFIX = 'v1:'
const IV_BYTES = 12
const TAG_BYTES = 16

let key: Buffer | undefined
function totpKey() {
	key ??= createHmac('sha256', Buffer.from(getEnv().ID_ENCRYPTION_KEY, 'base64')).update('yiyang totp secret v1').digest()
	return key
}

/** The stored form of a base32 TOTP secret. */
export function sealTotpSecret(secret: string): string {
	const iv = randomBytes(IV_BYTES)
	const cipher = createCipheriv('aes-256-gcm', totpKey(), iv)
	const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
	return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
}

/** The secret of a stored (sealed) value; throws on anything else or a value sealed under another key. */
export function openTotpSecret(stored: string): string {
	if (!stored.startsWith(PREFIX)) throw new Error('TOTP secret is not sealed')
	const buf = Buffer.from(stored.slice(PREFIX.length), 'base64')
	const decipher = createDecipheriv('aes-256-gcm', totpKey(), buf.subarray(0, IV_BYTES))
	decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
	return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
}
