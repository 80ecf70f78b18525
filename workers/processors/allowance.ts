// The allowance queue (app/jobs/allowance.server.ts): parse, then call the allowance engine. Any
// number of worker processes share the chunks. A timer re-queues unfinished runs from the database,
// so a Redis that restarts without its data only delays a run.
import { UnrecoverableError, type Job } from 'bullmq'
import { ALLOWANCE_QUEUE, chunkPayload, runPayload, upsertMonthlyScheduler } from '~/jobs/allowance.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { confirmUnreturned } from '~/modules/allowance/bank-results.server.ts'
import { PermanentJobError, processChunk, processMonthly, processRun, reconcileRuns } from '~/modules/allowance/engine.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function processAllowance(job: Job) {
	try {
		switch (job.name) {
			case 'monthly':
				return await processMonthly(job.timestamp + (job.opts.delay ?? 0))
			case 'run': {
				const { runId } = parsePayload(runPayload, job)
				return await processRun(runId)
			}
			case 'chunk': {
				const { runId, chunkNo } = parsePayload(chunkPayload, job)
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
		concurrency: getEnv().ALLOWANCE_CONCURRENCY,
		lockDuration: getEnv().ALLOWANCE_LOCK_MS,
		stalledInterval: Math.max(1000, Math.floor(getEnv().ALLOWANCE_LOCK_MS / 2)),
		maxStalledCount: 10,
	},
	onStart: async () => {
		const reconcile = async () => {
			try {
				await upsertMonthlyScheduler()
				await reconcileRuns()
				// Bank-file lines not returned within the working days allowed count as paid.
				await confirmUnreturned()
			} catch {
				// Redis or PostgreSQL unreachable: try again on the next tick.
			}
		}
		await reconcile()
		reconcileTimer = setInterval(() => void reconcile(), getEnv().ALLOWANCE_RECONCILE_MS)
		reconcileTimer.unref()
	},
}
