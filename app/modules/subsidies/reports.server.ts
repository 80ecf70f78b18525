// Budget and spending figures for the bureau, from the ledger itself (nothing kept twice).
//
// "Spent" is what was finally bought: a capture minus its reversal (the bureau rejected the visit and
// the credit went back to the elder). A reversal counts against the month and year of the service it
// undoes, so a month's figure is what that month's services finally cost, and the sum over all years
// equals the balance of the ledger's `spent` accounts (tests/integration/subsidy-reports.test.ts).
// Every report says what it covers and when it was computed.
import { sql } from '~/lib/sql.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

function districtFilter(user: SessionUser): string | null {
	return isCityWide(user) ? null : user.districtId ?? '-'
}

/** Period, scope and time of computation, shown with every report. */
export type ReportMeta = { period: string; districtId: string | null; computedAt: string }

function metaOf(user: SessionUser, period: string): ReportMeta {
	return { period, districtId: districtFilter(user), computedAt: new Date().toISOString() }
}

const LOCAL_YEAR = (column: string) => sql.raw(`extract(year FROM (${column} AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'))::int`)

/** Every capture with what was reversed of it (0 if nothing), dated by the service. */
const SERVICES = sql`
	SELECT c."grantId", coalesce(c.category, 'other') AS category, c."createdAt" AS at, c."amountFen" AS captured, coalesce(r."amountFen", 0) AS reversed
	FROM ledger_txn c LEFT JOIN ledger_txn r ON r.ref = c.ref AND r.kind = 'reversal'
	WHERE c.kind = 'capture'`

export type BudgetRow = { policyId: string; policyNameZh: string; policyNameEn: string; districtId: string; amountFen: number; committedFen: number; issuedFen: number; spentFen: number; reversedFen: number; expiredFen: number }

/** Per policy and district for a year: budget, committed by approvals, credit issued, spent (net of reversals), reversed and expired. */
export async function budgetOverview(user: SessionUser, year: number): Promise<{ meta: ReportMeta; rows: BudgetRow[] }> {
	const district = districtFilter(user)
	const rows = await sql`WITH moves AS (
			SELECT g."policyId", g."districtId",
				sum(t."amountFen") FILTER (WHERE t.kind = 'grant') AS issued,
				sum(t."amountFen") FILTER (WHERE t.kind = 'expiry') AS expired
			FROM ledger_txn t JOIN subsidy_grant g ON g.id = t."grantId"
			WHERE t.kind IN ('grant', 'expiry') AND ${LOCAL_YEAR('t."createdAt"')} = ${year}
			GROUP BY 1, 2
		),
		served AS (
			SELECT g."policyId", g."districtId", sum(s.captured - s.reversed) AS spent, sum(s.reversed) AS reversed
			FROM (${SERVICES}) s JOIN subsidy_grant g ON g.id = s."grantId"
			WHERE ${LOCAL_YEAR('s.at')} = ${year}
			GROUP BY 1, 2
		),
		keys AS (
			SELECT "policyId", "districtId" FROM subsidy_budget WHERE year = ${year} UNION SELECT "policyId", "districtId" FROM moves UNION SELECT "policyId", "districtId" FROM served
		)
		SELECT k."policyId", p."nameZh" AS "policyNameZh", p."nameEn" AS "policyNameEn", k."districtId",
			coalesce(b."amountFen", 0)::bigint AS "amountFen", coalesce(b."committedFen", 0)::bigint AS "committedFen",
			coalesce(m.issued, 0)::bigint AS "issuedFen", coalesce(s.spent, 0)::bigint AS "spentFen", coalesce(s.reversed, 0)::bigint AS "reversedFen",
			coalesce(m.expired, 0)::bigint AS "expiredFen"
		FROM keys k JOIN subsidy_policy p ON p.id = k."policyId"
		LEFT JOIN subsidy_budget b ON b."policyId" = k."policyId" AND b."districtId" = k."districtId" AND b.year = ${year}
		LEFT JOIN moves m ON m."policyId" = k."policyId" AND m."districtId" = k."districtId"
		LEFT JOIN served s ON s."policyId" = k."policyId" AND s."districtId" = k."districtId"
		JOIN district d ON d.id = k."districtId"
		WHERE (${district}::text IS NULL OR k."districtId" = ${district})
		ORDER BY p."nameZh", d."sortOrder"`.rows<BudgetRow>()
	return {
		meta: metaOf(user, String(year)),
		rows: rows.map((r) => ({
			...r,
			amountFen: Number(r.amountFen),
			committedFen: Number(r.committedFen),
			issuedFen: Number(r.issuedFen),
			spentFen: Number(r.spentFen),
			reversedFen: Number(r.reversedFen),
			expiredFen: Number(r.expiredFen),
		})),
	}
}

export type SpendingCell = { month: string; districtId: string; category: string; spentFen: number; services: number; reversedFen: number; reversals: number }

/**
 * Spending by month, district and category for a year: net of reversals, with elders served,
 * services finally delivered, what was reversed, and how much of it providers' approved claims have
 * settled (the rest awaits a claim or the bureau's review).
 */
export async function spendingReport(user: SessionUser, year: number) {
	const district = districtFilter(user)
	const served = sql`SELECT s.*, g."districtId", g."elderId" FROM (${SERVICES}) s JOIN subsidy_grant g ON g.id = s."grantId"
		WHERE ${LOCAL_YEAR('s.at')} = ${year} AND (${district}::text IS NULL OR g."districtId" = ${district})`
	const [cells, totals, settled] = await Promise.all([
		sql`SELECT to_char(at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, "districtId", category,
				sum(captured - reversed)::bigint AS "spentFen", count(*) FILTER (WHERE reversed < captured)::int AS services,
				sum(reversed)::bigint AS "reversedFen", count(*) FILTER (WHERE reversed > 0)::int AS reversals
			 FROM (${served}) x GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.rows<SpendingCell>(),
		sql`SELECT count(DISTINCT "elderId") FILTER (WHERE reversed < captured)::int AS "eldersServed", count(*) FILTER (WHERE reversed < captured)::int AS services,
				coalesce(sum(captured - reversed), 0)::bigint AS "spentFen", coalesce(sum(reversed), 0)::bigint AS "reversedFen"
			 FROM (${served}) x`.rows<{ eldersServed: number; services: number; spentFen: number; reversedFen: number }>(),
		sql`SELECT coalesce(sum(l."amountFen"), 0)::bigint AS "settledFen"
			 FROM subsidy_claim_line l JOIN subsidy_claim c ON c.id = l."claimId"
			 WHERE c.status = 'approved' AND l.active AND extract(year FROM l."serviceDate")::int = ${year}
			   AND (${district}::text IS NULL OR c."districtId" = ${district})`.rows<{ settledFen: number }>(),
	])
	const norm = cells.map((c) => ({ ...c, spentFen: Number(c.spentFen), services: Number(c.services), reversedFen: Number(c.reversedFen), reversals: Number(c.reversals) }))
	const sumBy = (key: 'month' | 'districtId' | 'category') => {
		const m = new Map<string, { spentFen: number; services: number; reversedFen: number }>()
		for (const c of norm) {
			const v = m.get(c[key]) ?? { spentFen: 0, services: 0, reversedFen: 0 }
			v.spentFen += c.spentFen
			v.services += c.services
			v.reversedFen += c.reversedFen
			m.set(c[key], v)
		}
		return [...m].map(([k, v]) => ({ key: k, ...v }))
	}
	const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
	const byMonth = new Map(sumBy('month').map((r) => [r.key, r]))
	const spentFen = Number(totals[0]?.spentFen ?? 0)
	const settledFen = Number(settled[0]?.settledFen ?? 0)
	return {
		year,
		meta: metaOf(user, String(year)),
		totals: {
			eldersServed: Number(totals[0]?.eldersServed ?? 0),
			services: Number(totals[0]?.services ?? 0),
			spentFen,
			reversedFen: Number(totals[0]?.reversedFen ?? 0),
			settledFen,
			awaitingSettlementFen: Math.max(0, spentFen - settledFen),
		},
		byMonth: months.map((m) => ({ month: m, spentFen: byMonth.get(m)?.spentFen ?? 0, services: byMonth.get(m)?.services ?? 0, reversedFen: byMonth.get(m)?.reversedFen ?? 0 })),
		byDistrict: sumBy('districtId'),
		byCategory: sumBy('category'),
	}
}
