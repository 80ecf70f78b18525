import { Queue, UnrecoverableError, type ConnectionOptions, type Job, type QueueOptions } from 'bullmq'
import { Redis } from 'ioredis'
import { z } from 'zod'
import { getEnv } from '~/lib/env.server.ts'
import { singleton } from '~/lib/singleton.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'

// BullMQ's production habits: producers fail fast (a web request must not hang on a Redis outage),
// workers wait forever (maxRetriesPerRequest: null) and reconnect. Every key carries QUEUE_PREFIX.
// Each queue has one file beside this one, app/jobs/<queue>.server.ts, holding its name, payload
// schemas, producers (deterministic job ids, ids only in payloads) and schedules; its processor is
// workers/processors/<queue>.ts, which parses the payload with parsePayload and calls a module.

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
	return singleton(`queue:${queuePrefix()}:${name}`, () => {
		const queue = new Queue<Data>(name, { connection: producerConnection(), prefix: queuePrefix(), ...options })
		// A Redis outage surfaces on the calls that fail (producers fail fast); the connection's own
		// reconnect errors are not news, and an 'error' event without a listener would crash the process.
		queue.on('error', () => {})
		return queue
	})
}

/** A job's payload checked against its schema; a malformed one fails at once (never retried). */
export function parsePayload<T>(schema: z.ZodType<T>, job: Pick<Job, 'queueName' | 'name' | 'data'>): T {
	const parsed = schema.safeParse(job.data)
	if (!parsed.success) throw new UnrecoverableError(`bad payload for a ${job.name} job on ${job.queueName}: ${z.prettifyError(parsed.error)}`)
	return parsed.data
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/**
 * The options of a schedule's own job (it only queues the real work): retried for minutes when Redis
 * or the database blinks at the scheduled hour, a short history kept.
 */
export const SCHEDULE_JOB_OPTS = { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 } as const

/** What a monthly schedule's 'month-start' job does: queue the month that just ended (Shanghai), returned as the job's result. */
export async function enqueueLastMonth(enqueue: (month: string) => Promise<unknown>): Promise<string> {
	const month = addMonths(shanghaiMonth(), -1)
	await enqueue(month)
	return month
}
