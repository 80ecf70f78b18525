import { getEnv } from './env.server.ts'
import { redis } from './redis.server.ts'

// Read-through cache in Redis for results that are expensive to compute and keyed by a version the
// database bumps on every change of their inputs (never by time): an entry is exactly as fresh as
// the version it is stored under. Web processes stay stateless; Redis being down only means the
// result is computed.

/** How long an entry of an old version lingers before Redis drops it (memory only, not freshness). */
const LINGER_SECONDS = 24 * 60 * 60

export async function cachedByVersion<T>(name: string, version: string, compute: () => Promise<T>): Promise<T> {
	const key = `${getEnv().QUEUE_PREFIX}:cache:${name}:${version}`
	try {
		const hit = await redis.get(key)
		if (hit !== null) return JSON.parse(hit) as T
	} catch {
		// Redis unavailable: compute.
	}
	const value = await compute()
	try {
		await redis.set(key, JSON.stringify(value), 'EX', LINGER_SECONDS)
	} catch {
		// Not cached this time.
	}
	return value
}
