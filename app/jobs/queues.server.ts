import { Queue, type ConnectionOptions, type QueueOptions } from 'bullmq'
import { Redis } from 'ioredis'
import { getEnv } from '~/lib/env.server.ts'
import { singleton } from '~/lib/singleton.server.ts'

// BullMQ's production habits: producers fail fast (a web request must not hang on a Redis outage),
// workers wait forever (maxRetriesPerRequest: null) and reconnect. Every key carries QUEUE_PREFIX.

/** Connection for producers (web processes, scripts): fails fast when Redis is down. */
export function producerConnection(): ConnectionOptions {
	return singleton('bullmq-producer-connection', () => new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 }))
}

/** A fresh connection for a worker: never gives up on a command, so a Redis restart only delays work. */
export function workerConnection(): Redis {
	return new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: null })
}

export function queuePrefix() {
	return getEnv().QUEUE_PREFIX
}

/** One Queue instance per name and process. */
export function getQueue<Data = unknown>(name: string, options: Partial<QueueOptions> = {}): Queue<Data> {
	return singleton(`queue:${queuePrefix()}:${name}`, () => new Queue<Data>(name, { connection: producerConnection(), prefix: queuePrefix(), ...options }))
}
