// What each processor file exports: its own file, so that processors need not import the index
// that lists them (an import cycle).
import type { Job, WorkerOptions } from 'bullmq'

/**
 * One entry per queue. Each capability adds its processor file and one line in index.ts.
 * A processor parses its payload (throwing UnrecoverableError for a malformed one) and calls modules/.
 */
export type WorkerDefinition = {
	queue: string
	process: (job: Job) => Promise<unknown>
	options?: Omit<WorkerOptions, 'connection' | 'prefix'>
	/** Runs once when the worker process starts, e.g. to upsert job schedulers. */
	onStart?: () => Promise<void>
}
