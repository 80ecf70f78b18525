import { randomBytes } from 'node:crypto'

// Random bytes from the CSPRNG, drawn 4 KB at a time and handed out once each: a randomBytes call
// per value (a nonce and a form token for a page, an IV per sealed value) cost more in the call
// than in the bytes (2.3% of a bare page's CPU; a tenth of a registry import's, for the IVs).
// Node's own crypto.randomUUID keeps a pool the same way.
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let at = 0

/** `n` fresh random bytes (a view of the pool: used once, never handed out again). */
export function randomChunk(n: number): Buffer {
	if (n > POOL_BYTES / 4) return randomBytes(n)
	if (at + n > pool.byteLength) {
		pool = randomBytes(POOL_BYTES)
		at = 0
	}
	at += n
	return pool.subarray(at - n, at)
}

/** `n` fresh random bytes as text (a nonce, a token). */
export function randomText(n: number, encoding: 'base64' | 'base64url' | 'hex'): string {
	return randomChunk(n).toString(encoding)
}
