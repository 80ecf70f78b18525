// The allowance queue (processor: workers/processors/allowance.ts): 'monthly' (from the job
// scheduler) starts the month's run, 'run' freezes the snapshot and queues the chunks, 'chunk' pays
// a slice of the snapshot. Job ids are deterministic so a job added twice is one job while it waits
// or runs; the database (chunk `done` flags, UNIQUE(elder, month)) makes any later repeat harmless.
// Payloads carry ids only.
import type { JobsOptions, Queue } from 'bullmq'
import { z } from 'zod'
import { getQueue } from './queues.server.ts'

export const ALLOWANCE_QUEUE = 'allowance'
export const MONTHLY_SCHEDULER_ID = 'allowance-monthly'
/** 02:00 on the 1st of every month, Shanghai time. */
export const MONTHLY_PATTERN = '0 2 1 * *'
export const MONTHLY_TZ = 'Asia/Shanghai'

export const runPayload = z.object({ runId: z.uuid() })
export const chunkPayload = z.object({ runId: z.uuid(), chunkNo: z.number().int().min(1) })
export type AllowanceJob = { name: 'run'; data: z.infer<typeof runPayload> } | { name: 'chunk'; data: z.infer<typeof chunkPayload> } | { name: 'monthly'; data: Record<string, never> }

const COMMON: JobsOptions = {
	attempts: 10,
	backoff: { type: 'exponential', delay: 1000 },
	// Completed jobs are dropped: the database is the record, and a later re-enqueue must not be
	// swallowed by an old completed job with the same id.
	removeOnComplete: true,
	removeOnFail: 1000,
}

export function allowanceQueue(): Queue {
	return getQueue(ALLOWANCE_QUEUE)
}

export const runJobId = (runId: string) => `run_${runId}`
export const chunkJobId = (runId: string, chunkNo: number) => `chunk_${runId}_${chunkNo}`

/**
 * A job id that is kept in the failed set would make add() a no-op forever (e.g. after the database
 * was down through every attempt): such a job is retried instead, since the run still needs it.
 */
async function retryFailed(queue: Queue, ids: string[]) {
	// One round trip in the usual case (nothing failed), not one per job id.
	if ((await queue.getFailedCount()) === 0) return
	for (const id of ids) {
		const job = await queue.getJob(id)
		if (job && (await job.isFailed())) await job.retry('failed')
	}
}

export async function enqueueRun(runId: string, queue: Queue = allowanceQueue()) {
	await retryFailed(queue, [runJobId(runId)])
	await queue.add('run', { runId }, { ...COMMON, jobId: runJobId(runId) })
}

export async function enqueueChunks(runId: string, chunkNos: number[], queue: Queue = allowanceQueue()) {
	if (chunkNos.length === 0) return
	await retryFailed(queue, chunkNos.map((n) => chunkJobId(runId, n)))
	await queue.addBulk(chunkNos.map((chunkNo) => ({ name: 'chunk', data: { runId, chunkNo }, opts: { ...COMMON, jobId: chunkJobId(runId, chunkNo) } })))
}

/** The monthly scheduler (idempotent: upserting the same id replaces it). */
export async function upsertMonthlyScheduler(queue: Queue = allowanceQueue()) {
	await queue.upsertJobScheduler(MONTHLY_SCHEDULER_ID, { pattern: MONTHLY_PATTERN, tz: MONTHLY_TZ }, { name: 'monthly', data: {}, opts: { attempts: 10, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 100 } })
}
