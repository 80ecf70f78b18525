// The registry import queue (processor: workers/processors/registry-import.ts). Two jobs per import,
// each with a deterministic id so asking twice queues once: 'classify' (the dry run, after the upload
// is staged) and 'apply' (after the officer confirms). Only the import's id travels; the processor
// is idempotent (classification runs once, chunks carry their done mark). A scheduler fires 'sweep'
// every night (sweepImports in modules/registry-import/read.server.ts).
import { z } from 'zod'
import { getQueue } from './queues.server.ts'

export const REGISTRY_IMPORT_QUEUE = 'registry-import'

export const registryImportJobSchema = z.object({ importId: z.uuid() })
export type RegistryImportJob = z.infer<typeof registryImportJobSchema>

export function registryImportQueue() {
	return getQueue<RegistryImportJob | Record<string, never>>(REGISTRY_IMPORT_QUEUE)
}

const OPTS = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const

export async function enqueueClassify(importId: string) {
	return registryImportQueue().add('classify', { importId }, { ...OPTS, jobId: `classify-${importId}` })
}

export async function enqueueApply(importId: string) {
	return registryImportQueue().add('apply', { importId }, { ...OPTS, jobId: `apply-${importId}` })
}

export const REGISTRY_IMPORT_SWEEP_SCHEDULER_ID = 'registry-import-sweep'
/** 03:10 every night, Shanghai time. */
export const REGISTRY_IMPORT_SWEEP_CRON = { pattern: '0 10 3 * * *', tz: 'Asia/Shanghai' } as const

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureRegistryImportSweep() {
	await registryImportQueue().upsertJobScheduler(REGISTRY_IMPORT_SWEEP_SCHEDULER_ID, REGISTRY_IMPORT_SWEEP_CRON, { name: 'sweep', data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 } })
}
