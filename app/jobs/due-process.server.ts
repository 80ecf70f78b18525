// Due process (processor: workers/processors/due-process.ts). A scheduler fires 'day-start' at 00:01
// (Shanghai) every day, before the monthly credit job (00:05 on the 1st): it queues one 'day' job for
// the day, which ends grants past their end date, stops grants whose elder no longer qualifies, and
// closes the public notices whose period ended (opening their grants). 'month-start' at 00:02 on the
// 1st queues the 'month' job listing grants due for re-review per community. Deterministic job ids
// (`due-day-YYYY-MM-DD`, `due-month-YYYY-MM`); the processor is idempotent anyway.
import { z } from 'zod'
import { shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { getQueue, MONTH, SCHEDULE_JOB_OPTS } from './queues.server.ts'

export const DUE_PROCESS_QUEUE = 'due-process'
export const DUE_DAY_SCHEDULER_ID = 'due-process-day-start'
export const DUE_MONTH_SCHEDULER_ID = 'due-process-month-start'
export const DUE_DAY_CRON = { pattern: '0 1 0 * * *', tz: 'Asia/Shanghai' } as const
export const DUE_MONTH_CRON = { pattern: '0 2 0 1 * *', tz: 'Asia/Shanghai' } as const

export const dueDaySchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })
export const dueMonthSchema = z.object({ month: z.string().regex(MONTH) })
export type DueDayJob = z.infer<typeof dueDaySchema>
export type DueMonthJob = z.infer<typeof dueMonthSchema>

export function dueProcessQueue() {
	return getQueue<DueDayJob | DueMonthJob | Record<string, never>>(DUE_PROCESS_QUEUE)
}

const retry = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const

export async function enqueueDueDay(day: string, opts: { unique?: string } = {}) {
	const id = `due-day-${day}`
	return dueProcessQueue().add('day', { day }, { jobId: opts.unique ? `${id}-${opts.unique}` : id, ...retry })
}

export async function enqueueDueMonth(month: string, opts: { unique?: string } = {}) {
	const id = `due-month-${month}`
	return dueProcessQueue().add('month', { month }, { jobId: opts.unique ? `${id}-${opts.unique}` : id, ...retry })
}

export async function enqueueToday() {
	const day = shanghaiDate()
	await enqueueDueDay(day)
	return day
}

export async function enqueueThisMonth() {
	const month = shanghaiMonth()
	await enqueueDueMonth(month)
	return month
}

/** Upserted by every worker at start: one scheduler each, whatever the number of worker processes. */
export async function ensureDueProcessSchedulers() {
	const opts = SCHEDULE_JOB_OPTS
	await dueProcessQueue().upsertJobScheduler(DUE_DAY_SCHEDULER_ID, DUE_DAY_CRON, { name: 'day-start', data: {}, opts })
	await dueProcessQueue().upsertJobScheduler(DUE_MONTH_SCHEDULER_ID, DUE_MONTH_CRON, { name: 'month-start', data: {}, opts })
}
