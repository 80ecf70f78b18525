// The registry-import queue (app/jobs/registry-import.server.ts): parse, then call the import module.
import { UnrecoverableError, type Job } from 'bullmq'
import { enqueueApply, enqueueClassify, ensureRegistryImportSweep, REGISTRY_IMPORT_QUEUE, registryImportJobSchema } from '~/jobs/registry-import.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { applyImport } from '~/modules/registry-import/apply.server.ts'
import { classifyImport } from '~/modules/registry-import/classify.server.ts'
import { sweepImports, unfinishedImports } from '~/modules/registry-import/read.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	if (job.name === 'sweep') return sweepImports()
	const { importId } = parsePayload(registryImportJobSchema, job)
	if (job.name === 'classify') return classifyImport(importId)
	if (job.name === 'apply') return applyImport(importId, (done, total) => job.updateProgress(total ? Math.round((100 * done) / total) : 100))
	throw new UnrecoverableError(`unknown job ${job.name}`)
}

/** Imports left mid-way when Redis lost its jobs: queued again (job ids dedupe what is still queued). */
async function reconcile() {
	const rows = await unfinishedImports()
	for (const r of rows) await (r.status === 'classifying' ? enqueueClassify(r.id) : enqueueApply(r.id))
	await ensureRegistryImportSweep()
}

export const registryImportWorker: WorkerDefinition = {
	queue: REGISTRY_IMPORT_QUEUE,
	process,
	options: { concurrency: 1 },
	onStart: reconcile,
}
