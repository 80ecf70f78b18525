// Monthly settlement claims. A scheduler fires 'month-start' at 04:00 on the 1st (Shanghai, after
// the credit job at 00:05); it queues one 'month' job for the month that just ended, which prepares
// each provider's claim of its verified, captured, not yet claimed visits (providers with nothing to
// claim get no empty claim). Running a month again adds nothing.
import { UnrecoverableError, type Job } from 'bullmq'
import { claimsMonthSchema, enqueueMonthlyClaims, SUBSIDY_CLAIMS_QUEUE } from '~/jobs/subsidy-claims.server.ts'
import { getQueue } from '~/jobs/queues.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { prepareMonthlyClaims } from '~/modules/subsidies/settlement.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	if (job.name === 'month-start') {
		const month = addMonths(shanghaiMonth(), -1)
		await enqueueMonthlyClaims(month)
		return { month }
	}
	if (job.name !== 'month') throw new UnrecoverableError(`unknown job ${job.name}`)
	const parsed = claimsMonthSchema.safeParse(job.data)
	if (!parsed.success) throw new UnrecoverableError('bad payload: expected { month: YYYY-MM }')
	const result = await prepareMonthlyClaims(parsed.data.month)
	return { month: parsed.data.month, ...result }
}

export const subsidyClaimsWorker: WorkerDefinition = {
	queue: SUBSIDY_CLAIMS_QUEUE,
	process,
	options: { concurrency: 1 },
	onStart: async () => {
		await getQueue(SUBSIDY_CLAIMS_QUEUE).upsertJobScheduler('subsidy-claims-month-start', { pattern: '0 0 4 1 * *', tz: 'Asia/Shanghai' }, { name: 'month-start', data: {} })
	},
}
