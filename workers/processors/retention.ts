// The retention queue (app/jobs/retention.server.ts): parse, then delete what is past its keeping.
import type { Job } from 'bullmq'
import { ensureRetentionScheduler, RETENTION_QUEUE, retentionPayload } from '~/jobs/retention.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { applyRetention } from '~/modules/accounts/retention.server.ts'
import type { WorkerDefinition } from './definition.ts'

export async function processRetention(job: Pick<Job, 'queueName' | 'name' | 'data'>) {
	parsePayload(retentionPayload, { queueName: job.queueName, name: job.name, data: job.data ?? {} })
	return applyRetention()
}

export const retentionWorker: WorkerDefinition = {
	queue: RETENTION_QUEUE,
	process: processRetention,
	onStart: ensureRetentionScheduler,
}
