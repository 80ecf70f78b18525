// Budget and spending figures for the bureau, from the ledger itself (nothing kept twice).
import { sql } from '~/lib/sql.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

function districtFilter(user: SessionUser): string | null {
	return isCityWide(user) ? null : user.districtId ?? '-'
}

export type BudgetRow = { policyId: string; policyNameZh: string; policyNameEn: string; districtId: string; amountFen: number; committedFen: number; issuedFen: number; spentFen: number; expiredFen: number }

/** Per policy and district for a year: budget, committed by approvals, credit issued, spent and expired. */
export async function budgetOverview(user: SessionUser, year: number): Promise<BudgetRow[]> {
	const district = districtFilter(user)
	const rows = await sql`WITH moves AS (
			SELECT g."policyId", g."districtId",
				sum(t."amountFen") FILTER (WHERE t.kind = 'grant') AS issued,
				sum(t."amountFen") FILTER (WHERE t.kind = 'capture') AS spent,
				sum(t."amountFen") FILTER (WHERE t.kind = 'expiry') AS expired
			FROM ledger_txn t JOIN subsidy_grant g ON g.id = t."grantId"
			WHERE t.kind IN ('grant', 'capture', 'expiry') AND extract(year FROM (t."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')) = ${year}
			GROUP BY 1, 2
		),
		keys AS (
			SELECT "policyId", "districtId" FROM subsidy_budget WHERE year = ${year} UNION SELECT "policyId", "districtId" FROM moves
		)
		SELECT k."policyId", p."nameZh" AS "policyNameZh", p."nameEn" AS "policyNameEn", k."districtId",
			coalesce(b."amountFen", 0)::bigint AS "amountFen", coalesce(b."committedFen", 0)::bigint AS "committedFen",
			coalesce(m.issued, 0)::bigint AS "issuedFen", coalesce(m.spent, 0)::bigint AS "spentFen", coalesce(m.expired, 0)::bigint AS "expiredFen"
		FROM keys k JOIN subsidy_policy p ON p.id = k."policyId"
		LEFT JOIN subsidy_budget b ON b."policyId" = k."policyId" AND b."districtId" = k."districtId" AND b.year = ${year}
		LEFT JOIN moves m ON m."policyId" = k."policyId" AND m."districtId" = k."districtId"
		JOIN district d ON d.id = k."districtId"
		WHERE (${district}::text IS NULL OR k."districtId" = ${district})
		ORDER BY p."nameZh", d."sortOrder"`.rows<BudgetRow>()
	return rows.map((r) => ({ ...r, amountFen: Number(r.amountFen), committedFen: Number(r.committedFen), issuedFen: Number(r.issuedFen), spentFen: Number(r.spentFen), expiredFen: Number(r.expiredFen) }))
}

export type SpendingCell = { month: string; districtId: string; category: string; spentFen: number; services: number }

/** Spending (captured subsidy) by month, district and category, with elders served and services delivered. */
export async function spendingReport(user: SessionUser, year: number) {
	const district = districtFilter(user)
	const where = sql`t.kind = 'capture' AND extract(year FROM (t."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')) = ${year} AND (${district}::text IS NULL OR g."districtId" = ${district})`
	const [cells, totals] = await Promise.all([
		sql`SELECT to_char(t."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, g."districtId", coalesce(t.category, 'other') AS category,
				sum(t."amountFen")::bigint AS "spentFen", count(*)::int AS services
			 FROM ledger_txn t JOIN subsidy_grant g ON g.id = t."grantId" WHERE ${where}
			 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.rows<SpendingCell>(),
		sql`SELECT count(DISTINCT g."elderId")::int AS "eldersServed", count(*)::int AS services, coalesce(sum(t."amountFen"), 0)::bigint AS "spentFen"
			 FROM ledger_txn t JOIN subsidy_grant g ON g.id = t."grantId" WHERE ${where}`.rows<{ eldersServed: number; services: number; spentFen: number }>(),
	])
	const norm = cells.map((c) => ({ ...c, spentFen: Number(c.spentFen), services: Number(c.services) }))
	const sumBy = (key: 'month' | 'districtId' | 'category') => {
		const m = new Map<string, { spentFen: number; services: number }>()
		for (const c of norm) {
			const v = m.get(c[key]) ?? { spentFen: 0, services: 0 }
			v.spentFen += c.spentFen
			v.services += c.services
			m.set(c[key], v)
		}
		return [...m].map(([k, v]) => ({ key: k, ...v }))
	}
	const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
	const byMonth = new Map(sumBy('month').map((r) => [r.key, r]))
	return {
		year,
		totals: { eldersServed: Number(totals[0]?.eldersServed ?? 0), services: Number(totals[0]?.services ?? 0), spentFen: Number(totals[0]?.spentFen ?? 0) },
		byMonth: months.map((m) => ({ month: m, spentFen: byMonth.get(m)?.spentFen ?? 0, services: byMonth.get(m)?.services ?? 0 })),
		byDistrict: sumBy('districtId'),
		byCategory: sumBy('category'),
	}
}
