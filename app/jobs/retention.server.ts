import { z } from 'zod'
import { getQueue } from './queues.server.ts'

// Producer side of the daily retention sweep (processor: workers/processors/retention.ts;
// what it deletes: app/modules/accounts/retention.server.ts).
export const RETENTION_QUEUE = 'retention'
export const RETENTION_SCHEDULER_ID = 'daily-retention'
/** 03:30 every day, Shanghai time (after the night's runs, before the offices open). */
export const RETENTION_CRON = { pattern: '30 3 * * *', tz: 'Asia/Shanghai' } as const

export const retentionPayload = z.object({}).strict()
export type RetentionJob = z.infer<typeof retentionPayload>

export function retentionQueue() {
	return getQueue<RetentionJob>(RETENTION_QUEUE)
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureRetentionScheduler() {
	await retentionQueue().upsertJobScheduler(RETENTION_SCHEDULER_ID, RETENTION_CRON, {
		name: 'sweep',
		data: {},
		opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 },
	})
}
