import { getEnv } from '~/lib/env.server.ts'
import { redis } from '~/lib/redis.server.ts'
import { singleton } from '~/lib/singleton.server.ts'

// Sign-in throttling by progressive delay, never a hard lock a stranger can set off:
// - per phone and client address: a few free attempts, then a delay that doubles with every further
//   attempt up to LOGIN_LOCKOUT_SECONDS. This is what stops a guesser; it only slows the guesser's
//   own address, so someone elsewhere cannot lock an officer out.
// - per phone from anywhere: many more free attempts, then a delay capped at ACCOUNT_DELAY_CAP_S,
//   against guessing spread over many addresses; the owner waits at most that long.
// - per client address over all phones: against one address trying many accounts.
// - per known browser (a device cookie, app/modules/auth/device-cookie.server.ts): an attempt from a
//   browser holding a valid device cookie for the phone is counted on the cookie's nonce and the
//   address instead of the two phone keys, so the guesses of strangers that slow the phone-wide key
//   do not slow its owner. Such an attempt is never delayed, but a nonce that has reached
//   LOGIN_MAX_FAILURES counted attempts without a success is locked out (no longer trusted) for the
//   window; its attempts then count as any other browser's.
// An attempt is counted when it starts, before the password is checked, in one atomic Redis script
// over all its keys: concurrent requests cannot all slip past the count. A successful sign-in
// clears its phone's (or its device's) counts. The counts live in Redis so every web process sees
// them; an in-process copy of the same logic stands in if Redis is unreachable.

export const ACCOUNT_DELAY_CAP_S = 60

type Policy = { free: number; baseMs: number; capMs: number }

const policies = singleton('login-limit-policies', () => {
	const env = getEnv()
	const cap = env.LOGIN_LOCKOUT_SECONDS * 1000
	return {
		pair: { free: env.LOGIN_MAX_FAILURES - 1, baseMs: Math.min(30_000, cap), capMs: cap },
		account: { free: env.LOGIN_MAX_FAILURES * 4, baseMs: Math.min(5_000, cap), capMs: Math.min(ACCOUNT_DELAY_CAP_S * 1000, cap) },
		ip: { free: env.LOGIN_MAX_FAILURES * 10, baseMs: Math.min(30_000, cap), capMs: cap },
		// Counted, never delayed: the gate below stops trusting the device instead.
		device: { free: env.LOGIN_MAX_FAILURES, baseMs: 0, capMs: 0 },
		/** Counted attempts without a success after which a device cookie's nonce is locked out for the window. */
		deviceLimit: env.LOGIN_MAX_FAILURES,
		windowMs: cap,
		prefix: `${env.QUEUE_PREFIX}:login`,
	}
})

/** Delay after the n-th counted attempt: none while free, then base, 2×base, 4×base… up to the cap. */
export function delayAfter(n: number, p: Policy): number {
	if (n <= p.free) return 0
	return Math.min(p.baseMs * 2 ** Math.min(n - p.free - 1, 30), p.capMs)
}

// KEYS: the keys; ARGV: now, window, gate, then per key free, base, cap. Each key is a hash {n, until}.
// Returns 0 and counts the attempt on every key, or the ms to wait (counting nothing), or -1 when a
// gate is given (> 0) and the first key's count has reached it (a locked-out device: nothing counted).
const ATTEMPT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local gate = tonumber(ARGV[3])
if gate > 0 and tonumber(redis.call('HGET', KEYS[1], 'n') or '0') >= gate then return -1 end
local wait = 0
for i, key in ipairs(KEYS) do
  local untilMs = tonumber(redis.call('HGET', key, 'until') or '0')
  if untilMs - now > wait then wait = untilMs - now end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[4 + (i - 1) * 3])
  local base = tonumber(ARGV[5 + (i - 1) * 3])
  local cap = tonumber(ARGV[6 + (i - 1) * 3])
  local n = redis.call('HINCRBY', key, 'n', 1)
  local delay = 0
  if n > free then
    local e = n - free - 1
    if e > 30 then e = 30 end
    delay = math.min(base * (2 ^ e), cap)
  end
  redis.call('HSET', key, 'until', now + delay)
  redis.call('PEXPIRE', key, window + delay)
end
return 0`

// Fallback when Redis is unreachable: the same rules in this process.
const memory = singleton('login-limit-memory', () => new Map<string, { n: number; until: number; expires: number }>())

type Counted = { key: string; policy: Policy }

function attemptInMemory(keys: Counted[], now: number, windowMs: number, gate: number): number {
	for (const [k, v] of memory) if (v.expires <= now) memory.delete(k)
	if (gate > 0 && (memory.get(keys[0]!.key)?.n ?? 0) >= gate) return -1
	const wait = Math.max(0, ...keys.map(({ key }) => (memory.get(key)?.until ?? 0) - now))
	if (wait > 0) return wait
	for (const { key, policy } of keys) {
		const n = (memory.get(key)?.n ?? 0) + 1
		const delay = delayAfter(n, policy)
		memory.set(key, { n, until: now + delay, expires: now + windowMs + delay })
	}
	return 0
}

/**
 * The keys an attempt counts on: with a device nonce, the device's and the address's; without, the
 * (phone, address), phone-wide and address keys. The address key is last in both.
 */
function keysFor(phone: string, ip: string | null, device: string | null = null): Counted[] {
	const p = policies
	const keys = device
		? [{ key: `${p.prefix}:device:${device}`, policy: p.device }]
		: [
				{ key: `${p.prefix}:pair:${phone}|${ip ?? '-'}`, policy: p.pair },
				{ key: `${p.prefix}:account:${phone}`, policy: p.account },
			]
	if (ip) keys.push({ key: `${p.prefix}:ip:${ip}`, policy: p.ip })
	return keys
}

/** Counts an attempt on the keys (Redis, or this process when Redis is unreachable): 0, ms to wait, or -1 (gate shut). */
async function count(keys: Counted[], gate: number): Promise<number> {
	const now = Date.now()
	try {
		const args = [now, policies.windowMs, gate, ...keys.flatMap(({ policy }) => [policy.free, policy.baseMs, policy.capMs])]
		return Number(await redis.eval(ATTEMPT_SCRIPT, keys.length, ...keys.map((k) => k.key), ...args))
	} catch {
		return attemptInMemory(keys, now, policies.windowMs, gate)
	}
}

/**
 * Counts a sign-in attempt before the password is checked. Returns 0 when the attempt may go on,
 * or the seconds to wait (the attempt is then not counted and the password must not be checked).
 */
export async function beginAttempt(phone: string, ip: string | null): Promise<number> {
	const waitMs = await count(keysFor(phone, ip), 0)
	return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0
}

/**
 * Counts an attempt from a browser whose device cookie fits the account, on the device's nonce and
 * the address (before the password is checked). Returns 0 when the attempt may go on, the seconds to
 * wait (the address is slowed), or null when the device is locked out: nothing was counted, and the
 * caller counts the attempt with beginAttempt as for any other browser.
 */
export async function beginDeviceAttempt(device: string, ip: string | null): Promise<number | null> {
	const waitMs = await count(keysFor('', ip, device), policies.deviceLimit)
	if (waitMs < 0) return null
	return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0
}

/** Seconds the same phone and address (or device and address) must wait before the next attempt (after a failed one), or 0. */
export async function waitAfterFailure(phone: string, ip: string | null, device: string | null = null): Promise<number> {
	const keys = keysFor(phone, ip, device)
	const now = Date.now()
	let untils: number[]
	try {
		untils = await Promise.all(keys.map(async ({ key }) => Number((await redis.hget(key, 'until')) ?? 0)))
	} catch {
		untils = keys.map(({ key }) => memory.get(key)?.until ?? 0)
	}
	const wait = Math.max(0, ...untils.map((u) => u - now))
	return wait > 0 ? Math.ceil(wait / 1000) : 0
}

/**
 * A successful sign-in: the phone's counts are cleared (with a device, the device's count only: the
 * phone-wide count is the strangers', and clearing it whenever the owner signs in would hand them a
 * fresh set of free guesses); the address keeps its count less this attempt.
 */
export async function attemptSucceeded(phone: string, ip: string | null, device: string | null = null) {
	const keys = keysFor(phone, ip, device)
	const byIp = ip ? keys.pop() : undefined
	try {
		await redis.del(...keys.map((k) => k.key))
		if (byIp) await redis.hincrby(byIp.key, 'n', -1)
	} catch {
		for (const { key } of keys) memory.delete(key)
	}
}
