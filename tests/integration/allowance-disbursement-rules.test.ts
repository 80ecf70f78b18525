// The bank file's references, enforced by PostgreSQL per statement (migration
// 20261203000000_disbursement_statement_checks, 20261204000000_disbursement_export_hot): a line names
// an existing payment of its own run and an existing file, refused
// for a whole multi-row statement when one row does not; a payment with a line, a file and the
// lines are kept; and a payment cannot be deleted while an uncommitted line names it.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { sql } from '~/lib/sql.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { makeCardNumber } from '~/modules/allowance/card.ts'
import { exportBankFile } from '~/modules/allowance/disbursement.server.ts'
import { computeRunInline } from '~/modules/allowance/engine.server.ts'
import { approveRun } from '~/modules/allowance/runs.server.ts'
import { makeUser } from '../factories/accounts.ts'
import { makeAllowanceElder } from '../factories/allowance.ts'
import { waitFor } from '../setup/processes.ts'
import { refusal } from '../setup/refusal.ts'

const FAMILY = '13800000001'
const card = () => makeCardNumber('621799', 19, (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join(''))

/** A statement written out (the test builds SQL around other rows' values). */
const db = (text: string) => sql.raw(text).run()

/** An approved run of `month` with two paid-to elders, exported: one file, its lines. */
async function exportedRun(month: string) {
	await makeAllowanceElder({ month, age: 88, familyPhone: FAMILY, bankCardNumber: card() })
	await makeAllowanceElder({ month, age: 92, familyPhone: FAMILY, bankCardNumber: card() })
	const maker = await makeUser({ role: 'bureau_city' })
	const checker = await makeUser({ role: 'bureau_city' })
	const run = await sql`INSERT INTO allowance_run (id, month, status, "startedById") VALUES (gen_random_uuid(), ${month}, 'computing', ${maker.id}) RETURNING id`.first<{ id: string }>()
	await computeRunInline(run!.id)
	expect((await approveRun(checker, run!.id, null)).ok).toBe(true)
	const file = await exportBankFile(checker, run!.id, null, null)
	if (!file.ok) throw new Error('export refused')
	const lines = await sql`SELECT serial, "paymentId", "fileId" FROM allowance_disbursement WHERE "fileId" = ${file.value.id} ORDER BY serial`.rows<{ serial: number; paymentId: string; fileId: string }>()
	expect(lines.length).toBeGreaterThanOrEqual(2)
	return { runId: run!.id, fileId: file.value.id, lines }
}

/** A copy of line `serial` with other references (`paymentId`, `fileId`) and a new line number. */
const copyOf = (serial: number, paymentId: string, fileId: string, line: number) =>
	`SELECT '${paymentId}'::uuid, "runId", '${fileId}'::uuid, ${line}, "districtId", "amountFen", "holderName", "bankName", "cardMasked", "cardCipher", "idNumberCipher", remark FROM allowance_disbursement WHERE serial = ${serial}`
const INSERT = `INSERT INTO allowance_disbursement ("paymentId", "runId", "fileId", line, "districtId", "amountFen", "holderName", "bankName", "cardMasked", "cardCipher", "idNumberCipher", remark)`

/** Another payment of the same run and elder, for `month` (no line names it yet). */
async function extraPayment(likePaymentId: string, month: string) {
	const row = await sql`INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, "districtId", "amountFen", tier, status)
		SELECT gen_random_uuid(), "runId", "elderId", ${month}, kind, "districtId", "amountFen", tier, 'pending' FROM allowance_payment WHERE id = ${likePaymentId} RETURNING id`.first<{ id: string }>()
	return row!.id
}

/**
 * `write` in a transaction left open on its own connection; then `deleteSql` on another connection,
 * which must wait for that transaction; once it commits, the delete's refusal.
 */
async function deleteAfterUncommittedWrite(write: (writer: pg.Client) => Promise<unknown>, deleteSql: string, values: unknown[], what: string) {
	const writer = new pg.Client({ connectionString: process.env.DATABASE_URL })
	const deleter = new pg.Client({ connectionString: process.env.DATABASE_URL })
	await writer.connect()
	await deleter.connect()
	try {
		await writer.query('BEGIN')
		await write(writer)
		// The delete waits for the writer's transaction ...
		const pid = (await deleter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
		const deleting = deleter.query(deleteSql, values)
		deleting.catch(() => {})
		await waitFor(async () => (await sql`SELECT 1 AS waiting FROM pg_stat_activity WHERE pid = ${pid} AND wait_event_type = 'Lock'`.first()) ?? null, { timeoutMs: 60_000, what })
		await writer.query('COMMIT')
		// ... and, once that is committed, is refused.
		return await refusal(deleting)
	} finally {
		await writer.end()
		await deleter.end()
	}
}

describe('bank file references, checked per statement', () => {
	it('refuses a line naming no payment or no file, with the good lines of the same statement', async () => {
		const { fileId, lines } = await exportedRun(addMonths(shanghaiMonth(), -6))
		const before = await sql`SELECT count(*)::int AS n FROM allowance_disbursement`.first<{ n: number }>()
		// A payment of this run with no line yet: a good row on its own.
		const free = await extraPayment(lines[0]!.paymentId, '2011-01')
		const ghost = '00000000-0000-4000-8000-0000000000a1'
		const noPayment = await refusal(db(`${INSERT} ${copyOf(lines[0]!.serial, free, fileId, 9001)} UNION ALL ${copyOf(lines[1]!.serial, ghost, fileId, 9002)}`))
		expect(noPayment.rule).toBe('allowance_disbursement_payment_exists')
		expect(noPayment.message).toMatch(/violates rule "allowance_disbursement_payment_exists"/)
		const noFile = await refusal(db(`${INSERT} ${copyOf(lines[1]!.serial, await extraPayment(lines[1]!.paymentId, '2011-02'), ghost, 9003)}`))
		expect(noFile.rule).toBe('allowance_disbursement_file_exists')
		expect((await sql`SELECT count(*)::int AS n FROM allowance_disbursement`.first<{ n: number }>())!.n).toBe(before!.n)
	})

	it('refuses a line naming a payment of another run', async () => {
		const mine = await exportedRun(addMonths(shanghaiMonth(), -10))
		const theirs = await exportedRun(addMonths(shanghaiMonth(), -11))
		const otherRunsPayment = await extraPayment(theirs.lines[0]!.paymentId, '2013-01')
		// The copy keeps its own run (mine) while naming the other run's payment.
		const refused = await refusal(db(`${INSERT} ${copyOf(mine.lines[0]!.serial, otherRunsPayment, mine.fileId, 9201)}`))
		expect(refused.rule).toBe('allowance_disbursement_payment_exists')
	})

	it('keeps payments with lines, files and lines; payments never in a file are still deleted', async () => {
		const { runId, fileId, lines } = await exportedRun(addMonths(shanghaiMonth(), -7))
		for (const op of [`DELETE FROM allowance_payment WHERE "runId" = '${runId}'`, `DELETE FROM allowance_payment WHERE id = '${lines[0]!.paymentId}'`]) {
			expect((await refusal(db(op))).rule, op).toBe('allowance_payment_kept_with_lines')
		}
		for (const op of [`DELETE FROM allowance_bank_file WHERE id = '${fileId}'`, `UPDATE allowance_bank_file SET id = gen_random_uuid() WHERE id = '${fileId}'`, 'TRUNCATE allowance_bank_file CASCADE', 'TRUNCATE allowance_disbursement', 'TRUNCATE allowance_payment CASCADE', `UPDATE allowance_payment SET id = gen_random_uuid() WHERE id = '${lines[0]!.paymentId}'`]) {
			const kept = await refusal(db(op))
			expect(kept.rule, op).toBe('allowance_bank_file_kept')
			expect(kept.message).toMatch(/violates rule "allowance_bank_file_kept"/)
		}
		expect((await sql`SELECT count(*)::int AS n FROM allowance_disbursement WHERE "fileId" = ${fileId}`.first<{ n: number }>())!.n).toBe(lines.length)
		// A payment with no line goes (as a rejected run's payments do for their recomputation).
		const held = await sql`SELECT p.id FROM allowance_payment p WHERE p."runId" = ${runId} AND NOT EXISTS (SELECT 1 FROM allowance_disbursement d WHERE d."paymentId" = p.id) LIMIT 1`.first<{ id: string }>()
		if (held) expect(await sql`DELETE FROM allowance_payment WHERE id = ${held.id}`.run()).toBe(1)
	})

	// Two ways a line comes: on its own (the payment is locked FOR KEY SHARE by the check), or as the
	// export makes it, after marking the payment sent in the same transaction (its own row version: the
	// check skips the lock, the update's lock holds the delete).
	for (const [way, markFirst, month, line] of [['on its own', false, '2012-01', 9100], ['after the transaction marked the payment sent', true, '2012-02', 9101]] as const) {
		it(`a payment cannot be deleted while an uncommitted line names it (${way})`, async () => {
			const { fileId, lines } = await exportedRun(addMonths(shanghaiMonth(), markFirst ? -9 : -8))
			// A payment of the run the file does not carry yet.
			const payment = await extraPayment(lines[0]!.paymentId, month)
			const refused = await deleteAfterUncommittedWrite(
				async (writer) => {
					if (markFirst) await writer.query(`UPDATE allowance_payment SET status = 'sent' WHERE id = $1`, [payment])
					await writer.query(`${INSERT} ${copyOf(lines[0]!.serial, payment, fileId, line)}`)
				},
				'DELETE FROM allowance_payment WHERE id = $1',
				[payment],
				'the delete to wait for the line',
			)
			expect(refused.rule).toBe('allowance_payment_kept_with_lines')
			expect((await sql`SELECT count(*)::int AS n FROM allowance_payment WHERE id = ${payment}`.first<{ n: number }>())!.n).toBe(1)
		})
	}
})

// The payments' run, checked per statement (migration 20261204010000_allowance_payment_run_checked).
describe('a payment’s run, checked per statement', () => {
	it('refuses a payment naming no run (a whole multi-row statement), moving a payment to another run, and a run with payments going', async () => {
		const { runId, lines } = await exportedRun(addMonths(shanghaiMonth(), -12))
		const before = await sql`SELECT count(*)::int AS n FROM allowance_payment`.first<{ n: number }>()
		const ghost = '00000000-0000-4000-8000-0000000000b1'
		const copy = (run: string, month: string) =>
			`SELECT gen_random_uuid(), '${run}'::uuid, "elderId", '${month}', kind, "districtId", "amountFen", tier, 'pending'::"AllowancePaymentStatus" FROM allowance_payment WHERE id = '${lines[0]!.paymentId}'`
		const insert = `INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, "districtId", "amountFen", tier, status)`
		const noRun = await refusal(db(`${insert} ${copy(runId, '2014-01')} UNION ALL ${copy(ghost, '2014-02')}`))
		expect(noRun.rule).toBe('allowance_payment_run_exists')
		expect(noRun.message).toMatch(/violates rule "allowance_payment_run_exists"/)
		expect((await sql`SELECT count(*)::int AS n FROM allowance_payment`.first<{ n: number }>())!.n).toBe(before!.n)
		// A good statement still goes in.
		expect(await db(`${insert} ${copy(runId, '2014-03')}`)).toBe(1)

		const other = await sql`INSERT INTO allowance_run (id, month, status) VALUES (gen_random_uuid(), '2014-04', 'computing') RETURNING id`.first<{ id: string }>()
		expect((await refusal(db(`UPDATE allowance_payment SET "runId" = '${other!.id}' WHERE id = '${lines[0]!.paymentId}'`))).rule).toBe('allowance_payment_run_kept')
		// A run with payments and nothing else (no bank file, whose own foreign key would answer first).
		const computing = await sql`INSERT INTO allowance_run (id, month, status) VALUES (gen_random_uuid(), '2014-06', 'computing') RETURNING id`.first<{ id: string }>()
		expect(await db(`${insert} ${copy(computing!.id, '2014-06')}`)).toBe(1)
		for (const op of [`DELETE FROM allowance_run WHERE id = '${computing!.id}'`, `UPDATE allowance_run SET id = gen_random_uuid() WHERE id = '${computing!.id}'`]) {
			expect((await refusal(db(op))).rule, op).toBe('allowance_run_kept_with_payments')
		}
		// Truncating the runs reaches the bank files too; whichever rule answers first, nothing goes.
		expect(['allowance_run_kept_with_payments', 'allowance_bank_file_kept']).toContain((await refusal(db('TRUNCATE allowance_run CASCADE'))).rule)
		// A run without payments goes (a rejected run, once its payments are deleted for recomputation).
		expect(await db(`DELETE FROM allowance_run WHERE id = '${other!.id}'`)).toBe(1)
	})

	it('a run cannot be deleted while an uncommitted payment names it', async () => {
		const run = await sql`INSERT INTO allowance_run (id, month, status) VALUES (gen_random_uuid(), '2014-05', 'computing') RETURNING id`.first<{ id: string }>()
		const { lines } = await exportedRun(addMonths(shanghaiMonth(), -13))
		const refused = await deleteAfterUncommittedWrite(
			(writer) =>
				writer.query(
					`INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, "districtId", "amountFen", tier, status)
					 SELECT gen_random_uuid(), $1, "elderId", '2014-05', kind, "districtId", "amountFen", tier, 'pending' FROM allowance_payment WHERE id = $2`,
					[run!.id, lines[0]!.paymentId],
				),
			'DELETE FROM allowance_run WHERE id = $1',
			[run!.id],
			'the delete to wait for the payment',
		)
		expect(refused.rule).toBe('allowance_run_kept_with_payments')
	})
})
