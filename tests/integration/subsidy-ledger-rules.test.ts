// The ledger rules PostgreSQL enforces per statement (migration 20261202040000_ledger_statement_checks):
// each refuses a bad write on its own and inside a multi-row statement that mixes good and bad rows,
// and then nothing of that statement lands (no entry, no transaction, no balance moved).
import { afterAll, describe, expect, it } from 'vitest'
import { disconnectDb } from '~/lib/db.server.ts'
import { grantBalance, grantMonthlyCredit, ledgerDiscrepancies, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { makeLedgerGrant } from '../factories/subsidies.ts'
import { refusal } from '../setup/refusal.ts'

afterAll(async () => {
	await disconnectDb()
})

const sql = pgSql()
let seq = 0

/** An approved grant of a fresh policy with its accounts and one month of credit (10,000 fen). */
async function makeGrant() {
	const grant = await makeLedgerGrant({ monthlyCreditFen: 10_000, expires: false })
	await grantMonthlyCredit(sql, '2033-01', { grantId: grant.id })
	const accounts = await sql.query<{ id: string; kind: string }>(`SELECT id, kind::text FROM ledger_account WHERE "grantId" = $1::uuid`, [grant.id])
	const account = (kind: string) => accounts.find((a) => a.kind === kind)!.id
	return { ...grant, available: account('elder_available'), held: account('elder_held') }
}

/** A hold transaction row with no entries yet (its entries come in the statement under test). */
async function holdTxn(grantId: string, amountFen: number) {
	const [row] = await sql.query<{ id: string }>(`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen") VALUES ('hold', $1::uuid, $2, $3) RETURNING id`, [grantId, `rules-${grantId}-${seq++}`, amountFen])
	return row!.id
}

async function entriesOf(...txnIds: string[]) {
	const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entry WHERE "txnId" = ANY($1::uuid[])`, [txnIds])
	return row!.n
}

describe('ledger rules enforced per statement', () => {
	it('a statement whose entries do not balance is refused whole, even beside balanced ones', async () => {
		const a = await makeGrant()
		const b = await makeGrant()
		const good = await holdTxn(a.id, 1_000)
		const bad = await holdTxn(b.id, 1_000)
		const { rule, message } = await refusal(
			sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, -1000), ($1, $3, 1000), ($4, $5, -1000), ($4, $6, 999)`, [good, a.available, a.held, bad, b.available, b.held]),
		)
		expect(rule).toBe('ledger_txn_balanced')
		expect(message).toMatch(/do not sum to zero \(violates rule "ledger_txn_balanced"\)/)
		expect(await entriesOf(good, bad)).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		expect(await grantBalance(sql, b.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		// The good half alone is accepted: the rule refuses what is wrong, not the statement's shape.
		await sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, -1000), ($1, $3, 1000)`, [good, a.available, a.held])
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 9_000, heldFen: 1_000 })
		expect(await ledgerDiscrepancies(sql)).toEqual([])
	})

	it('entries naming a transaction that does not exist are refused, with the good entries of the same statement', async () => {
		const a = await makeGrant()
		const good = await holdTxn(a.id, 500)
		const ghost = '00000000-0000-4000-8000-000000000001'
		const { rule, message } = await refusal(
			sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, -500), ($1, $3, 500), ($4, $2, -500), ($4, $3, 500)`, [good, a.available, a.held, ghost]),
		)
		expect(rule).toBe('ledger_entry_txn_exists')
		expect(message).toMatch(/violates rule "ledger_entry_txn_exists"/)
		expect(await entriesOf(good, ghost)).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
	})

	it('entries naming an account that does not exist are refused, with the good entries of the same statement', async () => {
		const a = await makeGrant()
		const good = await holdTxn(a.id, 700)
		const other = await holdTxn(a.id, 700)
		const ghost = '00000000-0000-4000-8000-000000000002'
		const { rule, message } = await refusal(
			sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, -700), ($1, $3, 700), ($4, $2, -700), ($4, $5, 700)`, [good, a.available, a.held, other, ghost]),
		)
		expect(rule).toBe('ledger_entry_account_exists')
		expect(message).toMatch(/violates rule "ledger_entry_account_exists"/)
		expect(await entriesOf(good, other)).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
	})

	it('no elder balance goes below zero, even when the overdraft is one row among good ones', async () => {
		const a = await makeGrant()
		const b = await makeGrant()
		const fits = await holdTxn(a.id, 10_000)
		const overdraws = await holdTxn(b.id, 10_001)
		const { rule } = await refusal(
			sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, -10000), ($1, $3, 10000), ($4, $5, -10001), ($4, $6, 10001)`, [fits, a.available, a.held, overdraws, b.available, b.held]),
		)
		expect(rule).toBe('ledger_account_balance_nonnegative')
		expect(await entriesOf(fits, overdraws)).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
	})

	it('a balance is never set directly, whichever rows the UPDATE touches, and accounts are kept', async () => {
		const a = await makeGrant()
		const b = await makeGrant()
		// Several rows at once, one of them set to the value it already has.
		const edit = await refusal(sql.query(`UPDATE ledger_account SET "balanceFen" = CASE WHEN id = $1 THEN "balanceFen" ELSE 999999 END WHERE "grantId" IN ($2::uuid, $3::uuid)`, [a.available, a.id, b.id]))
		expect(edit.rule).toBe('ledger_append_only')
		expect(edit.message).toMatch(/append-only, violates rule "ledger_append_only"/)
		for (const op of [`DELETE FROM ledger_account WHERE "grantId" IN ('${a.id}', '${b.id}')`, `UPDATE ledger_account SET id = gen_random_uuid() WHERE id = '${a.held}'`, 'TRUNCATE ledger_account CASCADE']) {
			const kept = await refusal(sql.query(op))
			expect(kept.rule, op).toBe('ledger_account_kept')
			expect(kept.message).toMatch(/violates rule "ledger_account_kept"/)
		}
		for (const table of ['ledger_txn', 'ledger_entry']) expect((await refusal(sql.query(`TRUNCATE ${table} CASCADE`))).rule).toBe('ledger_append_only')
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		expect(await grantBalance(sql, b.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		expect(await ledgerDiscrepancies(sql)).toEqual([])
	})

	it('a capture among good rows that settles no hold refuses the whole statement', async () => {
		const a = await makeGrant()
		const hold = await holdTxn(a.id, 300)
		await sql.query(`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ($1, $2, -300), ($1, $3, 300)`, [hold, a.available, a.held])
		const [{ ref }] = (await sql.query<{ ref: string }>(`SELECT ref FROM ledger_txn WHERE id = $1`, [hold])) as [{ ref: string }]
		const { rule } = await refusal(
			sql.query(`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen") VALUES ('release', $1::uuid, $2, 300), ('capture', $1::uuid, 'no-such-hold', 300)`, [a.id, ref]),
		)
		expect(rule).toBe('ledger_txn_settles_hold')
		expect(await sql.query(`SELECT 1 FROM ledger_txn WHERE ref IN ($1, 'no-such-hold') AND kind <> 'hold'`, [ref])).toEqual([])
	})

	it('the monthly grant still credits once and balances at every scope', async () => {
		const a = await makeGrant()
		expect((await grantMonthlyCredit(sql, '2033-02', { grantId: a.id })).granted).toBe(1)
		expect((await grantMonthlyCredit(sql, '2033-02', { grantId: a.id })).granted).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 20_000, heldFen: 0 })
		expect(await ledgerDiscrepancies(sql)).toEqual([])
	})
})
