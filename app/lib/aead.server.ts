import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

// AES-256-GCM for personal information at rest (identity numbers, subsidy card numbers): each kind
// has its own key, and every stored value is iv | tag | ciphertext, so a value sealed under one key
// cannot be opened (or silently mis-read) under another.
const IV_BYTES = 12
const TAG_BYTES = 16

// Fresh random IVs, drawn from the CSPRNG 1,024 at a time (one randomBytes call per value cost a
// tenth of a registry import's CPU); each IV is used once.
let ivPool = Buffer.alloc(0)
let ivAt = 0
function nextIv() {
	if (ivAt + IV_BYTES > ivPool.byteLength) {
		ivPool = randomBytes(IV_BYTES * 1024)
		ivAt = 0
	}
	ivAt += IV_BYTES
	return ivPool.subarray(ivAt - IV_BYTES, ivAt)
}

export function seal(key: Buffer, value: string): Uint8Array<ArrayBuffer> {
	const iv = nextIv()
	const cipher = createCipheriv('aes-256-gcm', key, iv)
	const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
	return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]))
}

export function unseal(key: Buffer, stored: Uint8Array): string {
	const buf = Buffer.from(stored)
	const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES))
	decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
	return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
}

// ---------------------------------------------------------------- many values at once
// A bank file opens two values per line, 220,000 for a month. `createDecipheriv` costs 10-20 µs a
// call (Node's stream object and OpenSSL 3's per-init cipher fetch; the AES itself is nanoseconds),
// 3-4 s of a file's 5 s. unsealMany opens a batch with the same AES-256-GCM arithmetic (NIST SP
// 800-38D) but one AES object per batch: the counter blocks of every value go through one
// AES-256-ECB `update` (OpenSSL, AES-NI), and each tag is checked with GHASH here, by a table of
// the key's hash subkey H (computed once per key). A value whose tag does not match throws, as
// `unseal` does: nothing unauthenticated is ever returned.

/** GHASH tables by key: T[j][b] = (byte b at position j) · H, four big-endian 32-bit words each. */
const ghashTables = new WeakMap<Buffer, Uint32Array>()

function ghashTable(key: Buffer): Uint32Array {
	const cached = ghashTables.get(key)
	if (cached) return cached
	const h = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(Buffer.alloc(16))
	const t = new Uint32Array(16 * 256 * 4)
	let v0 = h.readUInt32BE(0)
	let v1 = h.readUInt32BE(4)
	let v2 = h.readUInt32BE(8)
	let v3 = h.readUInt32BE(12)
	// Bit i of the block (bit 0 the first byte's high bit) stands for x^i: its entry is H·x^i.
	for (let i = 0; i < 128; i++) {
		const o = (((i >> 3) << 8) | (0x80 >> (i & 7))) << 2
		t[o] = v0
		t[o + 1] = v1
		t[o + 2] = v2
		t[o + 3] = v3
		// ·x in GCM's bit order: a right shift, reduced by x^128 = x^7 + x^2 + x + 1 (0xE1 in the top byte).
		const carry = v3 & 1
		v3 = (v3 >>> 1) | (v2 << 31)
		v2 = (v2 >>> 1) | (v1 << 31)
		v1 = (v1 >>> 1) | (v0 << 31)
		v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0)
	}
	// Every other byte value is the sum (XOR) of its bits' entries.
	for (let j = 0; j < 16; j++) {
		for (let b = 3; b < 256; b++) {
			const low = b & -b
			if (low === b) continue
			const o = ((j << 8) | b) << 2
			const p = ((j << 8) | (b ^ low)) << 2
			const q = ((j << 8) | low) << 2
			t[o] = t[p]! ^ t[q]!
			t[o + 1] = t[p + 1]! ^ t[q + 1]!
			t[o + 2] = t[p + 2]! ^ t[q + 2]!
			t[o + 3] = t[p + 3]! ^ t[q + 3]!
		}
	}
	ghashTables.set(key, t)
	return t
}

/** y := y · H, y being four 32-bit words. */
function mulH(t: Uint32Array, y: Int32Array) {
	let r0 = 0
	let r1 = 0
	let r2 = 0
	let r3 = 0
	for (let w = 0; w < 4; w++) {
		const word = y[w]!
		for (let s = 24, j = w << 2; s >= 0; s -= 8, j++) {
			const o = ((j << 8) | ((word >>> s) & 0xff)) << 2
			r0 ^= t[o]!
			r1 ^= t[o + 1]!
			r2 ^= t[o + 2]!
			r3 ^= t[o + 3]!
		}
	}
	y[0] = r0
	y[1] = r1
	y[2] = r2
	y[3] = r3
}

/** The big-endian 32-bit word at `at` of `buf` up to `end`, zero past `end` (a last, partial block). */
function wordAt(buf: Uint8Array, at: number, end: number) {
	if (at + 4 <= end) return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!
	let w = 0
	for (let k = 0; k < 4; k++) w = (w << 8) | (at + k < end ? buf[at + k]! : 0)
	return w
}

/** Values sealed by `seal` under `key`, opened; throws if any of them was not sealed under it or was altered. */
export function unsealMany(key: Buffer, stored: readonly Uint8Array[]): string[] {
	if (stored.length === 0) return []
	const t = ghashTable(key)
	const start = IV_BYTES + TAG_BYTES
	// The counter blocks: for each value J0 = IV || 1 (its tag's mask), then IV || 2, 3, ... (its keystream).
	let blocks = 0
	let plainBytes = 0
	for (const s of stored) {
		if (s.byteLength < start) throw new Error('unable to authenticate data')
		blocks += 1 + Math.ceil((s.byteLength - start) / 16)
		plainBytes += s.byteLength - start
	}
	const counters = Buffer.allocUnsafe(blocks * 16)
	let at = 0
	for (const s of stored) {
		const n = 1 + Math.ceil((s.byteLength - start) / 16)
		for (let k = 1; k <= n; k++, at += 16) {
			counters.set(s.subarray(0, IV_BYTES), at)
			counters.writeUInt32BE(k >>> 0, at + IV_BYTES)
		}
	}
	const stream = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(counters)
	const plain = Buffer.allocUnsafe(plainBytes)
	const ends = new Array<number>(stored.length)
	const y = new Int32Array(4)
	at = 0
	let p = 0
	for (let i = 0; i < stored.length; i++) {
		const buf = stored[i]!
		const end = buf.byteLength
		const length = end - start
		// GHASH over the ciphertext (no associated data), then the lengths block.
		y.fill(0)
		for (let c = start; c < end; c += 16) {
			y[0] = y[0]! ^ wordAt(buf, c, end)
			y[1] = y[1]! ^ wordAt(buf, c + 4, end)
			y[2] = y[2]! ^ wordAt(buf, c + 8, end)
			y[3] = y[3]! ^ wordAt(buf, c + 12, end)
			mulH(t, y)
		}
		y[2] = y[2]! ^ Math.floor(length / 0x20000000)
		y[3] = y[3]! ^ ((length * 8) | 0)
		mulH(t, y)
		// The tag is E(J0) xor GHASH; compared whole, without an early exit.
		const diff =
			(y[0]! ^ wordAt(stream, at, at + 4) ^ wordAt(buf, IV_BYTES, start)) |
			(y[1]! ^ wordAt(stream, at + 4, at + 8) ^ wordAt(buf, IV_BYTES + 4, start)) |
			(y[2]! ^ wordAt(stream, at + 8, at + 12) ^ wordAt(buf, IV_BYTES + 8, start)) |
			(y[3]! ^ wordAt(stream, at + 12, at + 16) ^ wordAt(buf, IV_BYTES + 12, start))
		if (diff !== 0) throw new Error('unable to authenticate data')
		for (let k = 0; k < length; k++) plain[p + k] = buf[start + k]! ^ stream[at + 16 + k]!
		p += length
		ends[i] = p
		at += 16 * (1 + Math.ceil(length / 16))
	}
	const out = new Array<string>(stored.length)
	for (let i = 0, from = 0; i < stored.length; from = ends[i]!, i++) out[i] = plain.toString('utf8', from, ends[i])
	return out
}
