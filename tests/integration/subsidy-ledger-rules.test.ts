// The ledger rules PostgreSQL enforces per statement (migrations 20261202040000_ledger_statement_checks
// and 20261205100000_ledger_two_legged_txn): each refuses a bad write on its own and inside a
// multi-row statement that mixes good and bad rows, and then nothing of that statement lands (no
// transaction, no entry, no balance moved).
import { describe, expect, it } from 'vitest'
import { grantBalance, grantMonthlyCredit, ledgerDiscrepancies, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { makeLedgerGrant } from '../factories/subsidies.ts'
import { refusal } from '../setup/refusal.ts'

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

/** A hold of `amountFen` from the grant's available to its held credit, as one statement. */
async function holdTxn(grant: { id: string; available: string; held: string }, amountFen: number) {
	const [row] = await sql.query<{ id: string }>(`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen", "fromAccountId", "toAccountId") VALUES ('hold', $1::uuid, $2, $3::bigint, $4::uuid, $5::uuid) RETURNING id`, [grant.id, `rules-${grant.id}-${seq++}`, amountFen, grant.available, grant.held])
	return row!.id
}

/** Two hold rows in ONE statement: (grant a, amount, from, to) and (grant b, amount, from, to). */
function twoHolds(a: [string, number, string, string], b: [string, number, string, string]) {
	return sql.query(
		`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen", "fromAccountId", "toAccountId")
		 VALUES ('hold', $1::uuid, $2, $3::bigint, $4::uuid, $5::uuid), ('hold', $6::uuid, $7, $8::bigint, $9::uuid, $10::uuid)`,
		[a[0], `rules-${a[0]}-${seq++}`, a[1], a[2], a[3], b[0], `rules-${b[0]}-${seq++}`, b[1], b[2], b[3]],
	)
}

async function holdsOf(...grantIds: string[]) {
	const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_txn WHERE kind = 'hold' AND "grantId" = ANY($1::uuid[])`, [grantIds])
	return row!.n
}

describe('ledger rules enforced per statement', () => {
	it('entries are the two legs of their transaction: they balance, name it, and are never written on their own', async () => {
		const a = await makeGrant()
		const hold = await holdTxn(a, 1_000)
		const entries = await sql.query<{ txnId: string; accountId: string; amountFen: string }>(`SELECT "txnId", "accountId", "amountFen"::text FROM ledger_entry WHERE "txnId" = $1 ORDER BY "amountFen"`, [hold])
		expect(entries).toEqual([
			{ txnId: hold, accountId: a.available, amountFen: '-1000' },
			{ txnId: hold, accountId: a.held, amountFen: '1000' },
		])
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 9_000, heldFen: 1_000 })
		// An entry alone (unbalanced, or naming no transaction) has no way in; nor can one be changed.
		const ghost = '00000000-0000-4000-8000-000000000001'
		for (const op of [
			`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ('${hold}', '${a.available}', 10)`,
			`INSERT INTO ledger_entry ("txnId", "accountId", "amountFen") VALUES ('${ghost}', '${a.available}', -10), ('${ghost}', '${a.held}', 10)`,
			`UPDATE ledger_entry SET "amountFen" = 1 WHERE "txnId" = '${hold}'`,
			`DELETE FROM ledger_entry WHERE "txnId" = '${hold}'`,
		]) {
			const { rule, message } = await refusal(sql.query(op))
			expect(rule, op).toBe('ledger_append_only')
			expect(message).toMatch(/append-only, violates rule "ledger_append_only"/)
		}
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 9_000, heldFen: 1_000 })
		expect(await ledgerDiscrepancies(sql)).toEqual([])
	})

	it('a transaction from an account to itself is refused, with the good rows of the same statement', async () => {
		const a = await makeGrant()
		const b = await makeGrant()
		const { rule } = await refusal(twoHolds([a.id, 1_000, a.available, a.held], [b.id, 1_000, b.available, b.available]))
		expect(rule).toBe('ledger_txn_two_accounts')
		expect(await holdsOf(a.id, b.id)).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
	})

	it('transactions naming an account that does not exist are refused, with the good rows of the same statement', async () => {
		const a = await makeGrant()
		const ghost = '00000000-0000-4000-8000-000000000002'
		for (const [from, to] of [
			[a.available, ghost],
			[ghost, a.held],
		] as const) {
			const { rule, message } = await refusal(twoHolds([a.id, 700, a.available, a.held], [a.id, 700, from, to]))
			expect(rule).toBe('ledger_entry_account_exists')
			expect(message).toMatch(/violates rule "ledger_entry_account_exists"/)
		}
		expect(await holdsOf(a.id)).toBe(0)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
	})

	it('no elder balance goes below zero, even when the overdraft is one row among good ones', async () => {
		const a = await makeGrant()
		const b = await makeGrant()
		const { rule } = await refusal(twoHolds([a.id, 10_000, a.available, a.held], [b.id, 10_001, b.available, b.held]))
		expect(rule).toBe('ledger_account_balance_nonnegative')
		expect(await holdsOf(a.id, b.id)).toBe(0)
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
		expect((await refusal(sql.query(`TRUNCATE ledger_txn CASCADE`))).rule).toBe('ledger_append_only')
		// ledger_entry is a view of the transactions: there is nothing of it to truncate.
		await expect(sql.query(`TRUNCATE ledger_entry`)).rejects.toThrow(/not a table/)
		expect(await grantBalance(sql, a.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		expect(await grantBalance(sql, b.id)).toEqual({ availableFen: 10_000, heldFen: 0 })
		expect(await ledgerDiscrepancies(sql)).toEqual([])
	})

	it('a capture among good rows that settles no hold refuses the whole statement', async () => {
		const a = await makeGrant()
		const hold = await holdTxn(a, 300)
		const [{ ref }] = (await sql.query<{ ref: string }>(`SELECT ref FROM ledger_txn WHERE id = $1`, [hold])) as [{ ref: string }]
		const { rule } = await refusal(
			sql.query(
				`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen", "fromAccountId", "toAccountId") VALUES ('release', $1::uuid, $2, 300, $3::uuid, $4::uuid), ('capture', $1::uuid, 'no-such-hold', 300, $3::uuid, $4::uuid)`,
				[a.id, ref, a.held, a.available],
			),
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
