import { UnrecoverableError, type Job } from 'bullmq'
import { ensureSnapshotScheduler, INDICATOR_SNAPSHOT_QUEUE, type SnapshotJob } from '~/jobs/indicator-snapshots.server.ts'
import { snapshotMonth, takeSnapshot } from '~/modules/beds/indicators.server.ts'
import type { WorkerDefinition } from './definition.ts'

/** Records every district's indicators for the month; idempotent (UNIQUE(month, district), ON CONFLICT DO NOTHING). */
export async function processSnapshot(job: Job<SnapshotJob>) {
	const month = job.data?.month ?? snapshotMonth()
	if (typeof month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UnrecoverableError(`bad month in payload: ${String(month)}`)
	const written = await takeSnapshot(month)
	return { month, written }
}

export const indicatorSnapshots: WorkerDefinition = {
	queue: INDICATOR_SNAPSHOT_QUEUE,
	process: (job) => processSnapshot(job as Job<SnapshotJob>),
	onStart: ensureSnapshotScheduler,
}
