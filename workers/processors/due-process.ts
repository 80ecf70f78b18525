// The due-process queue (app/jobs/due-process.server.ts): parse, then call the due-process module.
import { UnrecoverableError, type Job } from 'bullmq'
import { DUE_PROCESS_QUEUE, dueDaySchema, dueMonthSchema, enqueueThisMonth, enqueueToday, ensureDueProcessSchedulers } from '~/jobs/due-process.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { runDueDay, runDueMonth } from '~/modules/due-process/run.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	if (job.name === 'day-start') return { day: await enqueueToday() }
	if (job.name === 'month-start') return { month: await enqueueThisMonth() }
	if (job.name === 'day') return runDueDay(parsePayload(dueDaySchema, job).day)
	if (job.name === 'month') return runDueMonth(parsePayload(dueMonthSchema, job).month)
	throw new UnrecoverableError(`unknown job ${job.name}`)
}

export const dueProcessWorker: WorkerDefinition = {
	queue: DUE_PROCESS_QUEUE,
	process,
	options: { concurrency: 1 },
	onStart: ensureDueProcessSchedulers,
}
