import { Redis, type RedisOptions } from 'ioredis'
import { getEnv } from './env.server.ts'
import { singleton } from './singleton.server.ts'

/**
 * Web-side Redis: fail fast, so a request never hangs on a Redis outage (BullMQ's advice for
 * producers). Workers create their own connections with maxRetriesPerRequest: null.
 */
export const redis = singleton('redis', () => createWebRedis())

/**
 * A fail-fast client whose first commands wait for its first connection. Without an offline queue
 * a process that has just started answered its first requests as if Redis were down (the sign-in
 * limiter counted those attempts in the process's memory, and later ones in Redis, so a burst of
 * guesses at start-up was forgotten). Once connected, commands fail at once while the connection
 * is lost (and retry once), as before. So do they when the first connection already fails: a
 * process started during an outage would otherwise queue every command behind reconnection
 * attempts (a sign-in took 26 s) before its in-process stand-ins took over.
 */
export function createWebRedis(url = getEnv().REDIS_URL) {
	const client = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: true }, url)
	const stopQueueing = () => {
		client.options.enableOfflineQueue = false
	}
	client.once('ready', stopQueueing)
	client.once('error', stopQueueing)
	return client
}

export function createRedis(options: RedisOptions = {}, url = getEnv().REDIS_URL) {
	const client = new Redis(url, { lazyConnect: false, connectTimeout: 2000, ...options })
	client.on('error', () => {
		// ioredis reconnects by itself; errors surface on the commands that fail.
	})
	return client
}

/** Waits until a client is connected (e.g. a health check that must not queue behind a connection being made). */
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
