import { BoundedMap, deepFreeze } from './bounded-map.server.ts'
import { getEnv } from './env.server.ts'
import { redis } from './redis.server.ts'

// Read-through cache for results that are expensive to compute and keyed by a version the database
// bumps on every change of their inputs (never by time): an entry is exactly as fresh as the version
// it is stored under. Two levels: this process's memory (no round trip, nothing to parse), then
// Redis (shared by the web processes, which stay stateless: each asks the database for the current
// version on every request and only reuses what was stored under that same version). Redis being
// down only means the result is computed.

/** How long an entry of an old version lingers in Redis before it is dropped (memory only, not freshness). */
const LINGER_SECONDS = 24 * 60 * 60

/** Entries kept in this process, the least recently used dropped first (memory only). */
const local = new BoundedMap<string, unknown>({ maxEntries: 64 })

/**
 * The value stored under (name, version), computing and storing it when there is none. Every caller
 * gets the value as JSON gives it back (dates as strings), whichever level answered, deeply frozen.
 */
export async function cachedByVersion<T>(name: string, version: string, compute: () => Promise<T>): Promise<T> {
	const key = `${getEnv().QUEUE_PREFIX}:cache:${name}:${version}`
	const mine = local.get(key)
	if (mine !== undefined) return mine as T
	let json: string | null = null
	try {
		json = await redis.get(key)
	} catch {
		// Redis unavailable: compute.
	}
	if (json === null) {
		json = JSON.stringify(await compute())
		try {
			await redis.set(key, json, 'EX', LINGER_SECONDS)
		} catch {
			// Not shared this time.
		}
	}
	const value = deepFreeze(JSON.parse(json) as T)
	local.set(key, value)
	return value
}
