import type { Job, WorkerOptions } from 'bullmq'
import { allowanceWorker } from './allowance.ts'
import { indicatorSnapshots } from './indicator-snapshots.ts'
import { marketplaceWorker } from './marketplace.ts'
import { subsidyClaimsWorker } from './subsidy-claims.ts'
import { subsidyGrantWorker } from './subsidy-grant.ts'

/**
 * One entry per queue. Each capability adds its processor file beside this one and one line below.
 * A processor parses its payload (throwing UnrecoverableError for a malformed one) and calls modules/.
 */
export type WorkerDefinition = {
	queue: string
	process: (job: Job) => Promise<unknown>
	options?: Omit<WorkerOptions, 'connection' | 'prefix'>
	/** Runs once when the worker process starts, e.g. to upsert job schedulers. */
	onStart?: () => Promise<void>
}

export const WORKERS: WorkerDefinition[] = [allowanceWorker, indicatorSnapshots, marketplaceWorker, subsidyGrantWorker, subsidyClaimsWorker]
