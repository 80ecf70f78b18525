// The subsidy reports reconcile with the ledger: for random histories of grants, holds, captures,
// reversals (the bureau rejected the visit), releases and expiries, the reports' spent, reversed,
// issued and lapsed figures summed over every year equal the ledger's own balances, and "spent" is
// net of reversals (what was finally bought). Each report states its period, scope and time.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sql } from '~/lib/sql.server.ts'
import { captureHold, expireMonth, grantMonthlyCredit, holdCredit, LedgerError, pgSql, releaseHold, reverseCapture } from '~/modules/subsidies/ledger.server.ts'
import { budgetOverview, spendingReport } from '~/modules/subsidies/reports.server.ts'
import { makeUser } from '../factories/accounts.ts'
import { makeLedgerGrant } from '../factories/subsidies.ts'


const MONTHS = ['2032-01', '2032-02', '2032-03']

type Op =
	| { kind: 'grant'; month: number }
	| { kind: 'hold'; amount: number }
	| { kind: 'capture' | 'release' | 'reverse'; pick: number }
	| { kind: 'expire'; month: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('grant' as const), month: fc.nat(MONTHS.length - 1) }),
	fc.record({ kind: fc.constant('hold' as const), amount: fc.integer({ min: 1, max: 6_000 }) }),
	fc.record({ kind: fc.constantFrom('capture' as const, 'release' as const, 'reverse' as const), pick: fc.nat(30) }),
	fc.record({ kind: fc.constant('expire' as const), month: fc.nat(MONTHS.length - 1) }),
)

async function apply(grantId: string, ops: Op[], tag: string) {
	const db = pgSql()
	const open: string[] = []
	const captured: string[] = []
	let n = 0
	for (const op of ops) {
		try {
			if (op.kind === 'grant') await grantMonthlyCredit(db, MONTHS[op.month]!, { grantId })
			else if (op.kind === 'expire') await expireMonth(db, MONTHS[op.month]!, { grantId })
			else if (op.kind === 'hold') {
				const ref = `${tag}-${n++}`
				await holdCredit(db, { grantId, ref, amountFen: op.amount, category: 'meals' })
				open.push(ref)
			} else if (op.kind === 'reverse') {
				if (captured.length) await reverseCapture(db, captured[op.pick % captured.length]!)
			} else if (open.length) {
				const [ref] = open.splice(op.pick % open.length, 1)
				if (op.kind === 'capture') {
					await captureHold(db, ref!)
					captured.push(ref!)
				} else await releaseHold(db, ref!)
			}
		} catch (e) {
			// Not enough credit for a hold is a legitimate refusal of the history, nothing else is.
			if (!(e instanceof LedgerError && e.reason === 'insufficientCredit')) throw e
		}
	}
}

/** The ledger's own figures: account balances and the reversal transactions. */
async function ledgerFigures() {
	const [row] = await sql`SELECT
			coalesce(sum("balanceFen") FILTER (WHERE kind = 'spent'), 0)::bigint AS spent,
			coalesce(-sum("balanceFen") FILTER (WHERE kind = 'bureau_issued'), 0)::bigint AS issued,
			coalesce(sum("balanceFen") FILTER (WHERE kind = 'expired'), 0)::bigint AS expired,
			(SELECT coalesce(sum("amountFen"), 0) FROM ledger_txn WHERE kind = 'reversal')::bigint AS reversed
		FROM ledger_account`.rows<{ spent: string; issued: string; expired: string; reversed: string }>()
	return { spent: Number(row!.spent), issued: Number(row!.issued), expired: Number(row!.expired), reversed: Number(row!.reversed) }
}

async function reportFigures(user: Awaited<ReturnType<typeof makeUser>>) {
	const years = await sql`SELECT DISTINCT extract(year FROM ("createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'))::int AS year FROM ledger_txn`.rows<{ year: number }>()
	const sum = { spent: 0, issued: 0, expired: 0, reversed: 0, spendingSpent: 0, spendingReversed: 0 }
	for (const { year } of years) {
		const [budget, spending] = await Promise.all([budgetOverview(user, year), spendingReport(user, year)])
		for (const r of budget.rows) {
			sum.spent += r.spentFen
			sum.issued += r.issuedFen
			sum.expired += r.expiredFen
			sum.reversed += r.reversedFen
		}
		sum.spendingSpent += spending.totals.spentFen
		sum.spendingReversed += spending.totals.reversedFen
		expect(spending.byMonth.reduce((a, m) => a + m.spentFen, 0)).toBe(spending.totals.spentFen)
	}
	return sum
}

describe('subsidy reports against the ledger', () => {
	it('report totals equal the ledger for random histories, spent net of reversals', async () => {
		const city = await makeUser({ role: 'bureau_city' })
		let run = 0
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 2_000, max: 20_000 }), fc.array(opArb, { minLength: 1, maxLength: 30 }), async (credit, ops) => {
				const grant = await makeLedgerGrant({ monthlyCreditFen: credit, expires: true })
				await apply(grant.id, ops, `rep-${process.pid}-${run++}`)
				const ledger = await ledgerFigures()
				const report = await reportFigures(city)
				expect({ spent: report.spent, issued: report.issued, expired: report.expired, reversed: report.reversed }).toEqual(ledger)
				expect(report.spendingSpent).toBe(ledger.spent)
				expect(report.spendingReversed).toBe(ledger.reversed)
			}),
			{ numRuns: 12 },
		)
	})

	it('a reversed service leaves spent, counts as reversed, and every report states period, scope and time', async () => {
		const grant = await makeLedgerGrant({ monthlyCreditFen: 10_000, expires: true })
		const db = pgSql()
		await grantMonthlyCredit(db, MONTHS[0]!, { grantId: grant.id })
		const ref = `rev-${process.pid}-${Date.now()}`
		await holdCredit(db, { grantId: grant.id, ref, amountFen: 3_000, category: 'meals' })
		await captureHold(db, ref)
		const district = await makeUser({ role: 'bureau_district', districtId: grant.districtId })
		const year = new Date().getUTCFullYear()
		const before = await budgetOverview(district, year)
		const row = () => before.rows.find((r) => r.policyId === grant.policyId)!
		expect(row().spentFen).toBe(3_000)
		await reverseCapture(db, ref)
		const after = await budgetOverview(district, year)
		const mine = after.rows.find((r) => r.policyId === grant.policyId)!
		expect(mine.spentFen).toBe(0)
		expect(mine.reversedFen).toBe(3_000)
		expect(after.meta).toMatchObject({ period: String(year), districtId: grant.districtId })
		expect(Date.now() - Date.parse(after.meta.computedAt)).toBeLessThan(60_000)
		// A district officer's report covers only the district.
		expect(after.rows.every((r) => r.districtId === grant.districtId)).toBe(true)
		const spending = await spendingReport(district, year)
		expect(spending.meta.districtId).toBe(grant.districtId)
	})
})
