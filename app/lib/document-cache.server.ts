import { createHash, randomBytes } from 'node:crypto'
import type { EntryContext } from '@remix-run/node'
import { BoundedMap } from './bounded-map.server.ts'

// Rendered documents reused when every input of the render is the same. React's server render is a
// pure function of the route matches, the loaders' data and the nonce: a page whose route opts in
// (`export const handle = { documentCache: true }`) is rendered once per distinct input and then
// answered from the bytes, with this response's nonce put in. Loaders still run on every request
// (the session, the access checks, the data versions), so what a cached document shows is exactly
// what its loaders returned for this request: as fresh as the data, never shared between inputs
// (the signed-in user, the form token and the locale are in the root's data, hence in the key).
// On the dashboards and search, React's render was the largest part of a request's CPU.

/** What a route exports as `handle` to have its documents reused. */
export type DocumentCacheHandle = { documentCache?: boolean }

/**
 * The nonce a reusable render is made with, replaced by each response's own. Random per process:
 * no page data can contain it by chance (and base64url needs no escaping, as a real nonce needs none).
 */
export const NONCE_STAND_IN = randomBytes(18).toString('base64url')
const STAND_IN = Buffer.from(NONCE_STAND_IN)
const NONCE_SHAPE = /^[A-Za-z0-9+/=]{8,64}$/

/** Past this many bytes of documents, the least recently used are dropped (memory only). */
const MAX_BYTES = 8 * 1024 * 1024
/** A document larger than this is not kept (one page must not evict all the others). */
const MAX_DOCUMENT_BYTES = 512 * 1024

type Entry = { parts: Buffer[]; bytes: number }
const entries = new BoundedMap<string, Entry>({ maxEntries: Number.POSITIVE_INFINITY, maxWeight: MAX_BYTES, weigh: (e) => e.bytes })

/**
 * Keys rendered once and not kept. A document is kept the second time its key comes: a visitor
 * without cookies gets a new form token, hence a new key, on every request, and such one-off pages
 * must not push out the pages that are asked for again.
 */
const seenOnce = new BoundedMap<string, true>({ maxEntries: 4096 })

/** Tags that keep apart, in a fingerprint, values JSON would print alike (a Date and its ISO string, undefined and a missing key). */
const TAG = `\u0000${randomBytes(6).toString('base64url')}:`

class NotPlainData extends Error {}

function tagged(this: Record<string, unknown>, key: string, value: unknown): unknown {
	const raw = this[key]
	if (raw instanceof Date) return `${TAG}d${raw.getTime()}`
	switch (typeof value) {
		case 'string':
		case 'boolean':
			return value
		case 'number':
			return Number.isFinite(value) && !Object.is(value, -0) ? value : `${TAG}n${Object.is(value, -0) ? '-0' : String(value)}`
		case 'undefined':
			return `${TAG}u`
		case 'bigint':
			return `${TAG}b${value}`
		case 'object': {
			if (value === null || Array.isArray(value)) return value
			const proto = Object.getPrototypeOf(value)
			if (proto === Object.prototype || proto === null) return value
			throw new NotPlainData()
		}
		default:
			throw new NotPlainData()
	}
}

/**
 * The key of this render's inputs, or null when the document is not to be reused: the route did not
 * opt in, the request is not a plain GET answered 200, or the data holds anything but plain values
 * (a promise, a class instance) whose rendering a fingerprint cannot vouch for.
 */
export function documentKey(request: Request, status: number, context: EntryContext): string | null {
	const state = context.staticHandlerContext
	const leaf = state.matches.at(-1)
	if (request.method !== 'GET' || status !== 200 || state.actionData || state.errors || !leaf) return null
	const handle = context.routeModules[leaf.route.id]?.handle as DocumentCacheHandle | undefined
	if (!handle?.documentCache) return null
	let data: string
	try {
		data = JSON.stringify(state.loaderData, tagged)
	} catch (error) {
		if (error instanceof NotPlainData) return null
		throw error
	}
	return createHash('sha256')
		.update(`${context.manifest.version}\u0000${state.location.pathname}${state.location.search}\u0000${context.serverHandoffString ?? ''}\u0000`)
		.update(data)
		.digest('base64url')
}

function withNonce(parts: Buffer[], nonce: string): Buffer {
	if (parts.length === 1) return parts[0]!
	const n = Buffer.from(nonce)
	const pieces: Buffer[] = [parts[0]!]
	for (let i = 1; i < parts.length; i++) pieces.push(n, parts[i]!)
	return Buffer.concat(pieces)
}

/** Whether a document not kept yet should be kept now: the second time its key comes. */
export function admitDocument(key: string): boolean {
	if (seenOnce.delete(key)) return true
	seenOnce.set(key, true)
	return false
}

/** The document rendered earlier for this key, with this response's nonce; null when there is none. */
export function cachedDocument(key: string, nonce: string): Buffer | null {
	if (!NONCE_SHAPE.test(nonce)) return null
	const entry = entries.get(key)
	return entry ? withNonce(entry.parts, nonce) : null
}

/**
 * A document rendered with NONCE_STAND_IN, with this response's nonce; kept under key (null: a render
 * that reported an error, answered but not kept).
 */
export function keepDocument(key: string | null, html: Buffer, nonce: string): Buffer {
	const parts: Buffer[] = []
	let start = 0
	for (let at = html.indexOf(STAND_IN); at !== -1; at = html.indexOf(STAND_IN, start)) {
		parts.push(html.subarray(start, at))
		start = at + STAND_IN.length
	}
	parts.push(html.subarray(start))
	if (key && html.length <= MAX_DOCUMENT_BYTES && NONCE_SHAPE.test(nonce)) entries.set(key, { parts, bytes: html.length })
	return withNonce(parts, nonce)
}

/** For tests: how many documents are kept. */
export function documentCacheSize() {
	return entries.size
}
