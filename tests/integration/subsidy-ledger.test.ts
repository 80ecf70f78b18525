// Property-based tests of the credit ledger's invariants against the real database: random
// sequences of grants, holds, captures, releases and expiries, then the same operations fired
// concurrently on separate connections. After every step: each account's balance equals the sum of
// its entries, no elder balance is below zero, every transaction sums to zero, and the balances
// match a simple model.
import fc from 'fast-check'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { captureHold, expireMonth, grantBalance, grantMonthlyCredit, holdCredit, LedgerError, ledgerDiscrepancies, pgSql, releaseHold, type Sql } from '~/modules/subsidies/ledger.server.ts'
import { makeLedgerGrant } from '../factories/subsidies.ts'


async function expectInvariants() {
	expect(await ledgerDiscrepancies(pgSql())).toEqual([])
}

const MONTHS = ['2031-01', '2031-02', '2031-03', '2031-04']

type Op =
	| { kind: 'grant'; month: number }
	| { kind: 'hold'; amount: number }
	| { kind: 'capture'; pick: number }
	| { kind: 'release'; pick: number }
	| { kind: 'expire'; month: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('grant' as const), month: fc.nat(MONTHS.length - 1) }),
	fc.record({ kind: fc.constant('hold' as const), amount: fc.integer({ min: 1, max: 9_000 }) }),
	fc.record({ kind: fc.constant('capture' as const), pick: fc.nat(50) }),
	fc.record({ kind: fc.constant('release' as const), pick: fc.nat(50) }),
	fc.record({ kind: fc.constant('expire' as const), month: fc.nat(MONTHS.length - 1) }),
)

/** What the balances must be: a plain in-memory model of the same rules. */
class Model {
	available = 0
	held = 0
	granted = new Set<number>()
	expired = new Set<number>()
	holds: { ref: string; amount: number; open: boolean }[] = []
	constructor(
		readonly credit: number,
		readonly expires: boolean,
	) {}
}

async function applyOp(sql: Sql, grantId: string, model: Model, op: Op, refBase: string) {
	switch (op.kind) {
		case 'grant': {
			const run = await grantMonthlyCredit(sql, MONTHS[op.month]!, { grantId })
			const expected = model.granted.has(op.month) ? 0 : 1
			expect(run.granted).toBe(expected)
			if (expected) {
				model.granted.add(op.month)
				model.available += model.credit
			}
			return
		}
		case 'hold': {
			const ref = `${refBase}-${model.holds.length}`
			if (op.amount <= model.available) {
				await holdCredit(sql, { grantId, ref, amountFen: op.amount })
				model.available -= op.amount
				model.held += op.amount
				model.holds.push({ ref, amount: op.amount, open: true })
			} else {
				await expect(holdCredit(sql, { grantId, ref, amountFen: op.amount })).rejects.toEqual(new LedgerError('insufficientCredit'))
			}
			return
		}
		case 'capture':
		case 'release': {
			if (model.holds.length === 0) {
				await expect((op.kind === 'capture' ? captureHold : releaseHold)(sql, `${refBase}-none`)).rejects.toEqual(new LedgerError('noHold'))
				return
			}
			const hold = model.holds[op.pick % model.holds.length]!
			const settle = op.kind === 'capture' ? captureHold : releaseHold
			if (!hold.open) {
				await expect(settle(sql, hold.ref)).rejects.toEqual(new LedgerError('alreadySettled'))
				return
			}
			const done = await settle(sql, hold.ref)
			expect(done.amountFen).toBe(hold.amount)
			hold.open = false
			model.held -= hold.amount
			if (op.kind === 'release') model.available += hold.amount
			return
		}
		case 'expire': {
			const run = await expireMonth(sql, MONTHS[op.month]!, { grantId })
			const later = [...model.granted].filter((m) => m > op.month).length * model.credit
			const amount = !model.expires || model.expired.has(op.month) ? 0 : Math.max(0, model.available - later)
			expect(run.totalFen).toBe(amount)
			if (amount > 0) {
				model.expired.add(op.month)
				model.available -= amount
			}
			return
		}
	}
}

describe('credit ledger invariants', () => {
	it('random sequences of grant, hold, capture, release and expiry keep balance = sum(entries) >= 0 and match the model', async () => {
		let run = 0
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 1_000, max: 20_000 }), fc.boolean(), fc.array(opArb, { minLength: 1, maxLength: 25 }), async (credit, expires, ops) => {
				const grant = await makeLedgerGrant({ monthlyCreditFen: credit, expires })
				const model = new Model(credit, expires)
				const sql = pgSql()
				const refBase = `seq-${grant.id}-${run++}`
				for (const op of ops) {
					await applyOp(sql, grant.id, model, op, refBase)
					const balance = await grantBalance(sql, grant.id)
					expect(balance).toEqual({ availableFen: model.available, heldFen: model.held })
					expect(balance.availableFen).toBeGreaterThanOrEqual(0)
				}
				await expectInvariants()
			}),
			{ numRuns: 25 },
		)
	})

	it('concurrent holds, captures, releases, grants and expiries on separate connections never overdraw and stay balanced', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1_000, max: 10_000 }),
				fc.array(fc.integer({ min: 100, max: 6_000 }), { minLength: 2, maxLength: 12 }),
				fc.array(fc.oneof(fc.constant('capture' as const), fc.constant('release' as const)), { minLength: 0, maxLength: 12 }),
				async (credit, amounts, settles) => {
					const grant = await makeLedgerGrant({ monthlyCreditFen: credit, expires: true })
					const clients = await Promise.all(
						Array.from({ length: amounts.length + 2 }, async () => {
							const c = new pg.Client({ connectionString: process.env.DATABASE_URL })
							await c.connect()
							return c
						}),
					)
					try {
						// The same month granted twice at the same moment: credited once.
						const grants = await Promise.all([grantMonthlyCredit(pgSql(clients[0]!), MONTHS[0]!, { grantId: grant.id }), grantMonthlyCredit(pgSql(clients[1]!), MONTHS[0]!, { grantId: grant.id })])
						expect(grants.map((g) => g.granted).sort()).toEqual([0, 1])

						// Holds race for the credit: the database lets through only what fits.
						const refs = amounts.map((_, i) => `conc-${grant.id}-${i}`)
						const results = await Promise.allSettled(amounts.map((amountFen, i) => holdCredit(pgSql(clients[i + 2]!), { grantId: grant.id, ref: refs[i]!, amountFen })))
						const heldOk = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ ref: refs[i]!, amount: amounts[i]! }] : []))
						for (const r of results) if (r.status === 'rejected') expect(r.reason).toEqual(new LedgerError('insufficientCredit'))
						const heldTotal = heldOk.reduce((a, h) => a + h.amount, 0)
						expect(heldTotal).toBeLessThanOrEqual(credit)
						expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: credit - heldTotal, heldFen: heldTotal })
						await expectInvariants()

						// Settle holds concurrently, each twice (capture vs release racing on the same hold): exactly one wins.
						const targets = heldOk.slice(0, settles.length)
						const outcomes = await Promise.allSettled(
							targets.flatMap((h, i) => [
								(settles[i] === 'capture' ? captureHold : releaseHold)(pgSql(clients[(2 * i) % clients.length]!), h.ref),
								(settles[i] === 'capture' ? releaseHold : captureHold)(pgSql(clients[(2 * i + 1) % clients.length]!), h.ref),
							]),
						)
						let released = 0
						let captured = 0
						targets.forEach((h, i) => {
							const pair = [outcomes[2 * i]!, outcomes[2 * i + 1]!]
							expect(pair.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
							for (const o of pair) if (o.status === 'rejected') expect(o.reason).toEqual(new LedgerError('alreadySettled'))
							const winner = pair[0]!.status === 'fulfilled' ? settles[i] : settles[i] === 'capture' ? 'release' : 'capture'
							if (winner === 'release') released += h.amount
							else captured += h.amount
						})
						// Expiry races with a late hold: whichever commits first, nothing goes below zero.
						const [expiry] = await Promise.allSettled([expireMonth(pgSql(clients[0]!), MONTHS[0]!, { grantId: grant.id }), holdCredit(pgSql(clients[1]!), { grantId: grant.id, ref: `late-${grant.id}`, amountFen: 1 })])
						expect(expiry!.status).toBe('fulfilled')
						const after = await grantBalance(pgSql(), grant.id)
						expect(after.availableFen).toBeGreaterThanOrEqual(0)
						expect(after.heldFen).toBeGreaterThanOrEqual(0)
						const lateHeld = (await pgSql().query(`SELECT 1 FROM ledger_txn WHERE ref = $1`, [`late-${grant.id}`])).length
						expect(after.heldFen).toBe(heldTotal - released - captured + lateHeld)
						await expectInvariants()
					} finally {
						await Promise.all(clients.map((c) => c.end()))
					}
				},
			),
			{ numRuns: 15 },
		)
	})

	it('the database itself refuses a direct balance edit, an unbalanced transaction and a rewrite of history', async () => {
		const grant = await makeLedgerGrant({ monthlyCreditFen: 5_000, expires: false })
		const sql = pgSql()
		await grantMonthlyCredit(sql, MONTHS[0]!, { grantId: grant.id })
		await expect(sql.query(`UPDATE ledger_account SET "balanceFen" = 999999 WHERE "grantId" = $1`, [grant.id])).rejects.toThrow(/append-only/)
		const [acc] = await sql.query<{ id: string }>(`SELECT id FROM ledger_account WHERE "grantId" = $1 AND kind = 'elder_available'`, [grant.id])
		// An entry is a leg of its transaction (the view ledger_entry): one alone, unbalanced, has no way in.
		const [txn] = await sql.query<{ id: string }>(`SELECT id FROM ledger_txn WHERE "grantId" = $1 AND kind = 'grant'`, [grant.id])
		await expect(sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, 10)`, [txn!.id, acc!.id])).rejects.toThrow(/append-only/)
		await expect(sql.query(`DELETE FROM ledger_entry WHERE "accountId" = $1`, [acc!.id])).rejects.toThrow(/append-only/)
		await expect(sql.query(`UPDATE ledger_txn SET "amountFen" = 1 WHERE id = $1`, [txn!.id])).rejects.toThrow(/append-only/)
		await expect(holdCredit(sql, { grantId: grant.id, ref: `big-${grant.id}`, amountFen: 5_001 })).rejects.toEqual(new LedgerError('insufficientCredit'))
		expect(await grantBalance(sql, grant.id)).toEqual({ availableFen: 5_000, heldFen: 0 })
		await expectInvariants()
	})
})
