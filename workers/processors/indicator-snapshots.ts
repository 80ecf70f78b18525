// The indicator-snapshots queue (app/jobs/indicator-snapshots.server.ts): parse, then record the month.
import type { Job } from 'bullmq'
import { ensureSnapshotScheduler, INDICATOR_SNAPSHOT_QUEUE, snapshotPayload } from '~/jobs/indicator-snapshots.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { snapshotMonth, takeSnapshot } from '~/modules/beds/indicators.server.ts'
import type { WorkerDefinition } from './index.ts'

/** Records every district's indicators for the month; idempotent (UNIQUE(month, district), ON CONFLICT DO NOTHING). */
export async function processSnapshot(job: Pick<Job, 'queueName' | 'name' | 'data'>) {
	const month = parsePayload(snapshotPayload, { queueName: job.queueName, name: job.name, data: job.data ?? {} }).month ?? snapshotMonth()
	const written = await takeSnapshot(month)
	return { month, written }
}

export const indicatorSnapshots: WorkerDefinition = {
	queue: INDICATOR_SNAPSHOT_QUEUE,
	process: processSnapshot,
	onStart: ensureSnapshotScheduler,
}
