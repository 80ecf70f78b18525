// The web processes' Redis client (app/lib/redis.server.ts): the commands a process sends while its
// first connection is being made wait for it instead of failing as if Redis were down (the sign-in
// limiter then counted a start-up burst of guesses in memory and forgot it); once connected, a lost
// connection fails commands at once.
import { describe, expect, it } from 'vitest'
import { createWebRedis } from '~/lib/redis.server.ts'

describe('the web Redis client', () => {
	it('runs the commands sent before its first connection, then stops queueing', async () => {
		const client = createWebRedis()
		try {
			expect(client.status).not.toBe('ready')
			const key = `redis-first-commands:${process.pid}:${Date.now()}`
			// Sent at once, as a request arriving right after start-up would.
			const [set, n] = await Promise.all([client.set(key, '1', 'PX', 10_000), client.eval("return redis.call('INCR', KEYS[1])", 1, key)])
			expect(set).toBe('OK')
			expect(n).toBe(2)
			expect(client.options.enableOfflineQueue).toBe(false)
		} finally {
			client.disconnect()
		}
	})

	it('fails commands at once when Redis cannot be reached from the start', async () => {
		// Nothing listens on port 1: the first connection is refused.
		const client = createWebRedis('redis://127.0.0.1:1')
		try {
			await expect(client.get('anything')).rejects.toThrow()
			// At once, not after a wait: refused because nothing is queued while the connection is down
			// (ioredis's own answer), which no clock on a busy machine can blur (a 100 ms bound once read 103).
			await expect(client.get('anything')).rejects.toThrow(/enableOfflineQueue/)
		} finally {
			client.disconnect()
		}
	})

	it('fails a command at once while its connection is lost, rather than queueing it', async () => {
		const client = createWebRedis()
		try {
			await client.ping()
			// Reconnecting to a local Redis takes milliseconds: a queued command would succeed.
			client.disconnect(true)
			await expect(client.get('anything')).rejects.toThrow()
		} finally {
			client.disconnect()
		}
	})
})
