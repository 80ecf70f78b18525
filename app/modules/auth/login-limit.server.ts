import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { getEnv } from '~/lib/env.server.ts'
import { redis } from '~/lib/redis.server.ts'
import { singleton } from '~/lib/singleton.server.ts'

// Failed sign-ins are counted in Redis so every web process sees the same count; a phone that
// fails too often is locked for a while. An in-memory limiter stands in if Redis is unreachable.
const limiters = singleton('login-limiters', () => {
	const env = getEnv()
	const byPhone = new RateLimiterRedis({
		storeClient: redis,
		keyPrefix: `${env.QUEUE_PREFIX}:login-fail-phone`,
		points: env.LOGIN_MAX_FAILURES,
		duration: env.LOGIN_LOCKOUT_SECONDS,
		blockDuration: env.LOGIN_LOCKOUT_SECONDS,
		insuranceLimiter: new RateLimiterMemory({ points: env.LOGIN_MAX_FAILURES, duration: env.LOGIN_LOCKOUT_SECONDS }),
	})
	const byIp = new RateLimiterRedis({
		storeClient: redis,
		keyPrefix: `${env.QUEUE_PREFIX}:login-fail-ip`,
		points: env.LOGIN_MAX_FAILURES * 10,
		duration: env.LOGIN_LOCKOUT_SECONDS,
		blockDuration: env.LOGIN_LOCKOUT_SECONDS,
		insuranceLimiter: new RateLimiterMemory({ points: env.LOGIN_MAX_FAILURES * 10, duration: env.LOGIN_LOCKOUT_SECONDS }),
	})
	return { byPhone, byIp }
})

/** Seconds until the phone or address may try again, or 0. */
export async function lockedForSeconds(phone: string, ip: string | null): Promise<number> {
	const [p, i] = await Promise.all([limiters.byPhone.get(phone), ip ? limiters.byIp.get(ip) : null])
	const blocked = [p, i].filter((r): r is RateLimiterRes => !!r && r.remainingPoints <= 0)
	return blocked.length ? Math.max(...blocked.map((r) => Math.ceil(r.msBeforeNext / 1000))) : 0
}

export async function recordFailure(phone: string, ip: string | null) {
	await Promise.all([
		limiters.byPhone.consume(phone).catch(() => {}),
		ip ? limiters.byIp.consume(ip).catch(() => {}) : null,
	])
}

export async function clearFailures(phone: string) {
	await limiters.byPhone.delete(phone).catch(() => {})
}
