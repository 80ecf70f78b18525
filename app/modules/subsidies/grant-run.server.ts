// The monthly credit run, as the subsidy-grant queue drives it (app/jobs/subsidy-grant.server.ts):
// at the start of a month one job per district, each expiring the previous month's unused credit
// (for policies that say so) and granting this month's, each as one set-based statement. Both are
// idempotent, so a retried or repeated job adds nothing.
import { enqueueMonthlyGrant } from '~/jobs/subsidy-grant.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { expireMonth, grantMonthlyCredit, pgSql } from './ledger.server.ts'

/**
 * Every district, the one with the most active grants first. The jobs run in queue order on two
 * slots per worker, and the districts are very unequal (the largest holds a third of the city's
 * grants): largest first, the slots finish close together instead of the largest starting last.
 */
export async function districtsLargestFirst(): Promise<string[]> {
	const rows = await sql`
		SELECT d.id FROM district d LEFT JOIN subsidy_grant g ON g."districtId" = d.id AND g.status = 'active'
		GROUP BY d.id ORDER BY count(g.id) DESC, d.id`.rows<{ id: string }>()
	return rows.map((r) => r.id)
}

/** Queues this month's (Shanghai) credit for every district. */
export async function startMonthlyGrant(month = shanghaiMonth()) {
	const districts = await districtsLargestFirst()
	await enqueueMonthlyGrant(month, districts)
	return { month, districts: districts.length }
}

/** One district's month: expire the previous month's unused credit, then grant this month's. */
export async function runMonthlyGrant(month: string, districtId: string) {
	const sql = pgSql()
	const expired = await expireMonth(sql, addMonths(month, -1), { districtId })
	const granted = await grantMonthlyCredit(sql, month, { districtId })
	return { month, districtId, expired, granted }
}
