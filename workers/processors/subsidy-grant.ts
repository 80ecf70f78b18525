// The monthly subsidy credit. A scheduler fires 'month-start' at 00:05 on the 1st (Shanghai); it
// fans out one 'month' job per district, which expires the previous month's unused credit (for
// policies that say so) and grants this month's, each as one set-based statement.
import { UnrecoverableError, type Job } from 'bullmq'
import { enqueueMonthlyGrant, monthJobSchema, SUBSIDY_QUEUE } from '~/jobs/subsidy.server.ts'
import { getQueue } from '~/jobs/queues.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { expireMonth, grantMonthlyCredit, pgSql } from '~/modules/subsidies/ledger.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	if (job.name === 'month-start') {
		const districts = await prisma.district.findMany({ select: { id: true } })
		await enqueueMonthlyGrant(shanghaiMonth(), districts.map((d) => d.id))
		return { districts: districts.length }
	}
	if (job.name !== 'month') throw new UnrecoverableError(`unknown job ${job.name}`)
	const parsed = monthJobSchema.safeParse(job.data)
	if (!parsed.success) throw new UnrecoverableError('bad payload: expected { month: YYYY-MM, districtId }')
	const { month, districtId } = parsed.data
	const sql = pgSql()
	const expired = await expireMonth(sql, addMonths(month, -1), { districtId })
	const granted = await grantMonthlyCredit(sql, month, { districtId })
	return { month, districtId, expired, granted }
}

export const subsidyGrantWorker: WorkerDefinition = {
	queue: SUBSIDY_QUEUE,
	process,
	options: { concurrency: 2 },
	onStart: async () => {
		await getQueue(SUBSIDY_QUEUE).upsertJobScheduler('subsidy-month-start', { pattern: '0 5 0 1 * *', tz: 'Asia/Shanghai' }, { name: 'month-start', data: {} })
	},
}
