// Per-number SMS limits in Redis (fixed windows of a minute, an hour and a day), shared by every
// worker process. One Lua script checks all windows and counts the send only if each has room, so
// two workers cannot both take the last place. A message over a limit is not a failed try: it waits
// until the window that is full ends.
import type { Redis } from 'ioredis'
import { getEnv } from '~/lib/env.server.ts'
import { redis as defaultRedis } from '~/lib/redis.server.ts'

// KEYS: one per window; ARGV: now ms, then per window its length in ms and its limit.
// Returns 0 (counted) or the ms until the first full window ends (nothing counted).
const SCRIPT = `
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local len = tonumber(ARGV[2 + (i - 1) * 2])
  local limit = tonumber(ARGV[3 + (i - 1) * 2])
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= limit then
    local rest = len - (now % len)
    if rest > wait then wait = rest end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local len = tonumber(ARGV[2 + (i - 1) * 2])
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, len)
end
return 0`

export function numberWindows(env = getEnv()) {
	return [
		{ name: 'm', ms: 60_000, limit: env.SMS_LIMIT_PER_MINUTE },
		{ name: 'h', ms: 3_600_000, limit: env.SMS_LIMIT_PER_HOUR },
		{ name: 'd', ms: 86_400_000, limit: env.SMS_LIMIT_PER_DAY },
	]
}

export type Quota = { wait: number; giveBack: () => Promise<void> }

/**
 * Counts one message to `phone`: `wait` is 0 when it may go now, else the ms to wait. A message the
 * provider then refused did not reach the phone: `giveBack` uncounts it.
 */
export async function takeNumberQuota(phone: string, client: Redis = defaultRedis, now = Date.now()): Promise<Quota> {
	const windows = numberWindows()
	const prefix = `${getEnv().QUEUE_PREFIX}:sms-rate:${phone}`
	const keys = windows.map((w) => `${prefix}:${w.name}:${Math.floor(now / w.ms)}`)
	const args = [now, ...windows.flatMap((w) => [w.ms, w.limit])]
	const wait = Number(await client.eval(SCRIPT, keys.length, ...keys, ...args))
	return {
		wait,
		giveBack: async () => {
			if (wait === 0) await Promise.all(keys.map((k) => client.decr(k))).catch(() => {})
		},
	}
}

/** Counts one request from a client address in a window; true when it is within `limit`. */
export async function withinAddressLimit(kind: string, ip: string, limit: number, windowMs: number, client: Redis = defaultRedis, now = Date.now()): Promise<boolean> {
	const key = `${getEnv().QUEUE_PREFIX}:${kind}:${ip}:${Math.floor(now / windowMs)}`
	const n = await client.incr(key)
	if (n === 1) await client.pexpire(key, windowMs)
	return n <= limit
}
