import { getEnv } from '~/lib/env.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { redis, redisReady } from '~/lib/redis.server.ts'
import { stripe } from '~/modules/payments/stripe.server.ts'

type Check = { ok: boolean; ms: number; error?: string }

/**
 * The check's outcome, or a failure after timeoutMs. When the process was too busy to run its timer
 * on time, the answer may already be waiting on its socket: the timeout is declared only after one
 * more turn of I/O (setImmediate runs after the poll phase), so a late timer never beats an answer
 * that had arrived (a loaded machine reported a reachable database as down).
 */
async function timed(fn: () => Promise<unknown>, timeoutMs = getEnv().HEALTH_CHECK_TIMEOUT_MS): Promise<Check> {
	const started = performance.now()
	let timer: NodeJS.Timeout | undefined
	try {
		await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => setImmediate(() => reject(new Error(`timed out after ${timeoutMs} ms`))), timeoutMs)))])
		return { ok: true, ms: Math.round(performance.now() - started) }
	} catch (error) {
		return { ok: false, ms: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) }
	} finally {
		clearTimeout(timer)
	}
}

// Stripe is asked at most once a minute: /healthz is public, and each call to Stripe's API costs a
// request against the account's rate limit (anyone polling /healthz could otherwise exhaust it).
const STRIPE_CHECK_TTL_MS = 60_000
let stripeCached: { at: number; check: Promise<Check> } | null = null
function stripeCheckCached(): Promise<Check> {
	if (!stripeCached || Date.now() - stripeCached.at > STRIPE_CHECK_TTL_MS) {
		stripeCached = { at: Date.now(), check: timed(() => stripe.balance.retrieve({}, { maxNetworkRetries: 0, timeout: getEnv().HEALTH_CHECK_TIMEOUT_MS })) }
	}
	return stripeCached.check
}

/** Reachability of every service the app depends on (Stripe's from a check at most a minute old). */
export async function checkHealth() {
	const [database, redisCheck, stripeCheck] = await Promise.all([
		timed(() => sql`SELECT 1`.run()),
		timed(async () => {
			// A client not connected within 1.5 s is down, however long the budget: it is retrying a
			// refused connection, and an answer will not come.
			await redisReady(redis, 1500)
			return redis.ping()
		}),
		stripeCheckCached(),
	])
	const checks = { database, redis: redisCheck, stripe: stripeCheck }
	return { ok: Object.values(checks).every((c) => c.ok), checks }
}
