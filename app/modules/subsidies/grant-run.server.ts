// The monthly credit run, as the subsidy-grant queue drives it (app/jobs/subsidy-grant.server.ts):
// at the start of a month one job per district, each expiring the previous month's unused credit
// (for policies that say so) and granting this month's, each as one set-based statement. Both are
// idempotent, so a retried or repeated job adds nothing.
import { enqueueMonthlyGrant } from '~/jobs/subsidy-grant.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { expireMonth, grantMonthlyCredit, pgSql } from './ledger.server.ts'

/** Queues this month's (Shanghai) credit for every district. */
export async function startMonthlyGrant(month = shanghaiMonth()) {
	const districts = await prisma.district.findMany({ select: { id: true } })
	await enqueueMonthlyGrant(month, districts.map((d) => d.id))
	return { month, districts: districts.length }
}

/** One district's month: expire the previous month's unused credit, then grant this month's. */
export async function runMonthlyGrant(month: string, districtId: string) {
	const sql = pgSql()
	const expired = await expireMonth(sql, addMonths(month, -1), { districtId })
	const granted = await grantMonthlyCredit(sql, month, { districtId })
	return { month, districtId, expired, granted }
}
