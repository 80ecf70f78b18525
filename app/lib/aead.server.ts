import { createCipheriv, createDecipheriv, randomBytes, type CipherKey } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

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

export function seal(key: CipherKey, value: string): Uint8Array<ArrayBuffer> {
	const iv = nextIv()
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
 * Opens `count` values packed end to end in `packed` (value i ends at ends[i]); throws if any was
 * not sealed under `key` or was altered. Self-contained (it uses only its parameters and globals):
 * the same function runs here for small batches and, as its source text, on the opening threads.
 */
function openPacked(decipher: typeof createDecipheriv, key: CipherKey, packed: Uint8Array, ends: Int32Array): string[] {
	const out: string[] = new Array(ends.length)
	let start = 0
	for (let i = 0; i < ends.length; i++) {
		const end = ends[i]!
		// IV (12) and a whole tag (16), always: OpenSSL would otherwise accept a shortened tag.
		if (end - start < 28) throw new Error('unable to authenticate data: the sealed value is too short')
		const d = decipher('aes-256-gcm', key, packed.subarray(start, start + 12), { authTagLength: 16 })
		d.setAuthTag(packed.subarray(start + 12, start + 28))
		out[i] = Buffer.concat([d.update(packed.subarray(start + 28, end)), d.final()]).toString('utf8')
		start = end
	}
	return out
}

function pack(stored: readonly Uint8Array[]) {
	const ends = new Int32Array(stored.length)
	let size = 0
	stored.forEach((value, i) => (ends[i] = size += value.byteLength))
	const packed = new Uint8Array(size)
	stored.forEach((value, i) => packed.set(value, i === 0 ? 0 : ends[i - 1]!))
	return { packed, ends }
}

// Opening threads: a bank file opens 220,000 values a month, one OpenSSL decipher each (10–20 µs:
// Node's cipher object and OpenSSL 3's fetch per init, not the AES). On threads, a file's pages are
// opened beside the web process's event loop (which stays free for other requests) and beside each
// other (the identity numbers and the cards of a page at once).
const THREAD_SOURCE = `const { parentPort } = require('node:worker_threads')
const { createDecipheriv } = require('node:crypto')
const openPacked = ${openPacked.toString()}
parentPort.on('message', ({ id, key, packed, ends }) => {
	try {
		parentPort.postMessage({ id, values: openPacked(createDecipheriv, key, packed, ends) })
	} catch (error) {
		parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
	}
})`
const THREADS = Math.min(2, Math.max(1, availableParallelism()))
const SMALL_BATCH = 64

type Pending = { resolve: (values: string[]) => void; reject: (error: Error) => void }
type OpeningThread = { worker: Worker; pending: Map<number, Pending> }
const threads: OpeningThread[] = []
let nextThread = 0
let nextId = 0

function openingThread(): OpeningThread {
	if (threads.length < THREADS) {
		const thread: OpeningThread = { worker: new Worker(THREAD_SOURCE, { eval: true }), pending: new Map() }
		// Idle threads never keep a process (a script, a worker's job) alive.
		thread.worker.unref()
		thread.worker.on('message', ({ id, values, error }: { id: number; values?: string[]; error?: string }) => {
			const waiting = thread.pending.get(id)
			thread.pending.delete(id)
			if (error !== undefined) waiting?.reject(new Error(error))
			else waiting?.resolve(values!)
		})
		const fail = (error: Error) => {
			threads.splice(threads.indexOf(thread), 1)
			for (const waiting of thread.pending.values()) waiting.reject(error)
			thread.pending.clear()
		}
		thread.worker.on('error', fail)
		thread.worker.on('exit', (code) => fail(new Error(`opening thread exited (${code})`)))
		threads.push(thread)
		return thread
	}
	return threads[nextThread++ % threads.length]!
}

/**
 * Values sealed by `seal` under `key`, opened; rejects if any of them was not sealed under it or was
 * altered. One OpenSSL decipher per value (not AES-GCM written by hand: it was tried, and 1.5 s of
 * CPU on a 110,000-line file did not justify our own GHASH in the path of every personal number);
 * batches beyond a few values are opened on a thread.
 */
export function unsealMany(key: CipherKey, stored: readonly Uint8Array[]): Promise<string[]> {
	const { packed, ends } = pack(stored)
	if (stored.length <= SMALL_BATCH) {
		try {
			return Promise.resolve(openPacked(createDecipheriv, key, packed, ends))
		} catch (error) {
			return Promise.reject(error instanceof Error ? error : new Error(String(error)))
		}
	}
	const thread = openingThread()
	const id = nextId++
	return new Promise((resolve, reject) => {
		thread.pending.set(id, { resolve, reject })
		// The packed bytes move to the thread (no copy); the key (a Buffer or a KeyObject) is cloned for this batch.
		thread.worker.postMessage({ id, key, packed, ends }, [packed.buffer, ends.buffer])
	})
}
