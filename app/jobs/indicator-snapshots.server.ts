import { z } from 'zod'
import { getQueue, MONTH } from './queues.server.ts'

// Producer side of the monthly indicator snapshot (processor: workers/processors/indicator-snapshots.ts).
export const INDICATOR_SNAPSHOT_QUEUE = 'indicator-snapshots'
export const SNAPSHOT_SCHEDULER_ID = 'monthly-indicator-snapshot'
/** 03:00 on the 1st of every month, Shanghai time. */
export const SNAPSHOT_CRON = { pattern: '0 3 1 * *', tz: 'Asia/Shanghai' } as const

/** No month: the scheduler's run, for the month snapshotMonth() picks. */
export const snapshotPayload = z.object({ month: z.string().regex(MONTH).optional() })
export type SnapshotJob = z.infer<typeof snapshotPayload>

export function snapshotQueue() {
	return getQueue<SnapshotJob>(INDICATOR_SNAPSHOT_QUEUE)
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureSnapshotScheduler() {
	await snapshotQueue().upsertJobScheduler(SNAPSHOT_SCHEDULER_ID, SNAPSHOT_CRON, {
		name: 'snapshot',
		data: {},
		opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 },
	})
}

/** A snapshot of one month on demand (deterministic job id: asking twice queues it once). */
export async function enqueueSnapshot(month: string) {
	return snapshotQueue().add('snapshot', { month }, { jobId: `snapshot-${month}`, attempts: 3, removeOnComplete: true, removeOnFail: 100 })
}
