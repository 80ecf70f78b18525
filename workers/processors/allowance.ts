// The allowance queue: 'monthly' (from the job scheduler) starts the month's run, 'run' freezes the
// snapshot and queues the chunks, 'chunk' pays a slice of the snapshot. Any number of worker
// processes share the chunks. A timer re-queues unfinished runs from the database, so a Redis that
// restarts without its data only delays a run.
import { UnrecoverableError, type Job } from 'bullmq'
import { z } from 'zod'
import { getEnv } from '~/lib/env.server.ts'
import { PermanentJobError, processChunk, processMonthly, processRun, reconcileRuns } from '~/modules/allowance/engine.server.ts'
import { ALLOWANCE_QUEUE, upsertMonthlyScheduler } from '~/modules/allowance/queue.server.ts'
import type { WorkerDefinition } from './definition.ts'

const runData = z.object({ runId: z.uuid() })
const chunkData = z.object({ runId: z.uuid(), chunkNo: z.number().int().min(1) })

function parse<T>(schema: z.ZodType<T>, job: Job): T {
	const parsed = schema.safeParse(job.data)
	if (!parsed.success) throw new UnrecoverableError(`bad ${job.name} payload: ${parsed.error.message}`)
	return parsed.data
}

async function processAllowance(job: Job) {
	try {
		switch (job.name) {
			case 'monthly':
				return await processMonthly(job.timestamp + (job.opts.delay ?? 0))
			case 'run': {
				const { runId } = parse(runData, job)
				return await processRun(runId)
			}
			case 'chunk': {
				const { runId, chunkNo } = parse(chunkData, job)
				return await processChunk(runId, chunkNo)
			}
			default:
				throw new UnrecoverableError(`unknown allowance job ${job.name}`)
		}
	} catch (error) {
		if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message)
		throw error
	}
}

let reconcileTimer: NodeJS.Timeout | undefined

export const allowanceWorker: WorkerDefinition = {
	queue: ALLOWANCE_QUEUE,
	process: processAllowance,
	options: {
		concurrency: 1,
		lockDuration: getEnv().ALLOWANCE_LOCK_MS,
		stalledInterval: Math.max(1000, Math.floor(getEnv().ALLOWANCE_LOCK_MS / 2)),
		maxStalledCount: 10,
	},
	onStart: async () => {
		const reconcile = async () => {
			try {
				await upsertMonthlyScheduler()
				await reconcileRuns()
			} catch {
				// Redis or PostgreSQL unreachable: try again on the next tick.
			}
		}
		await reconcile()
		reconcileTimer = setInterval(() => void reconcile(), getEnv().ALLOWANCE_RECONCILE_MS)
		reconcileTimer.unref()
	},
}
