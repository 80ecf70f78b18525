import { Redis, type RedisOptions } from 'ioredis'
import { getEnv } from './env.server.ts'
import { singleton } from './singleton.server.ts'

/**
 * Web-side Redis: fail fast, so a request never hangs on a Redis outage (BullMQ's advice for
 * producers). Workers create their own connections with maxRetriesPerRequest: null.
 */
export const redis = singleton('redis', () => createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false }))

export function createRedis(options: RedisOptions = {}) {
	const client = new Redis(getEnv().REDIS_URL, { lazyConnect: false, connectTimeout: 2000, ...options })
	client.on('error', () => {
		// ioredis reconnects by itself; errors surface on the commands that fail.
	})
	return client
}

/** Waits until a client is connected (commands fail at once while it connects: no offline queue). */
export async function redisReady(client = redis, timeoutMs = 2000) {
	if (client.status === 'ready') return
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			client.off('ready', onReady)
			reject(new Error(`Redis not ready (${client.status}) after ${timeoutMs} ms`))
		}, timeoutMs)
		const onReady = () => {
			clearTimeout(timer)
			resolve()
		}
		client.once('ready', onReady)
	})
}
