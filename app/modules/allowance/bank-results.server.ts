// What the bank says back. A returns file (流水号, 失败原因) marks those attempts returned and their
// payments re-issuable; a confirmation file (流水号) marks attempts paid; an attempt the bank has not
// returned within ALLOWANCE_CONFIRM_WORKING_DAYS working days (default 10) counts as paid. A file is
// judged whole before anything is written: one line naming a serial outside this run's files, or
// one already settled, refuses the file (4xx) and changes nothing; the same file twice is refused
// by allowance_bank_import's unique (run, kind, SHA-256).
import { z } from 'zod'
import { transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { sql, type Sql } from '~/lib/sql.server.ts'
import { fail, type Failure, type Outcome } from '~/lib/outcome.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { parseCsvUpload, type CsvFile, type LineReport } from './csv.server.ts'

export type BankResultKind = 'returns' | 'confirmations'

const COLUMNS: Record<BankResultKind, readonly string[]> = { returns: ['流水号', '失败原因'], confirmations: ['流水号'] }

/** A refused file, with each line's verdict so the finance office sees which lines to fix. */
export type RefusedFile = Failure & { lines: LineReport[] }

/**
 * For the statements that settle attempts and their payments together (`UPDATE allowance_payment
 * … FROM <the lines just updated> WHERE … p.status = 'sent'`): no nested loops in this transaction.
 * The payments' statistics are often older than the export that made them sent (analysed when the
 * month's payments were all pending: autovacuum analyses a table again only after 10% of it changed,
 * and a month is less than that of a year's payments), so the planner counts one sent payment and
 * scans the payments once per line: 5,000 returned lines against a month's 110,000 payments took 173 s
 * in the disbursement benchmark (EXPLAIN ANALYZE, lines analysed as autovacuum does after a file).
 * Hash joins cost the same whatever the statistics say; each side is also reached by its key
 * (`serial = ANY(…)`, `p.id = ANY(ARRAY(SELECT "paymentId" FROM a))`, a single index probe per row
 * rather than a scan of the month), 0.3–0.45 s there against 0.6–0.73 s by scans (load 5–7).
 */
async function noNestedLoops(tx: Tx) {
	await sql`SET LOCAL enable_nestloop = off`.run(tx)
}

export async function importBankResults(user: SessionUser, runId: string, kind: BankResultKind, file: File | CsvFile | null, ip: string | null): Promise<Outcome<{ lines: LineReport[]; marked: number }> | RefusedFile> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	if (!z.uuid().safeParse(runId).success) return fail('allowance:errors.run.notFound', 404)
	const run = await sql`SELECT status, month FROM allowance_run WHERE id = ${runId}`.first<{ status: string; month: string }>()
	if (!run) return fail('allowance:errors.run.notFound', 404)
	if (run.status !== 'disbursed') return fail('allowance:errors.returns.notDisbursed', 409)
	const parsed = await parseCsvUpload(file, COLUMNS[kind])
	if (!parsed.ok) return fail(parsed.error, 400)
	const sha256 = parsed.sha256
	const lines: LineReport[] = []
	const seen = new Set<number>()
	const candidates: { line: number; serial: number; reason: string }[] = []
	for (const row of parsed.rows) {
		const raw = (row.fields['流水号'] ?? '').trim()
		const reason = (row.fields['失败原因'] ?? '').trim()
		if (!/^\d{1,15}$/.test(raw)) lines.push({ line: row.line, outcome: 'rejected', reason: 'allowance:import.reason.badSerial' })
		else if (kind === 'returns' && !reason) lines.push({ line: row.line, outcome: 'rejected', reason: 'allowance:import.reason.missingReason' })
		else if (seen.has(Number(raw))) lines.push({ line: row.line, outcome: 'rejected', reason: 'allowance:import.reason.duplicateInFile' })
		else {
			seen.add(Number(raw))
			candidates.push({ line: row.line, serial: Number(raw), reason: reason.slice(0, 200) })
		}
	}
	if (candidates.length === 0 && lines.length === 0) return fail('allowance:import.errors.empty', 400)
	try {
		return await transaction<Outcome<{ lines: LineReport[]; marked: number }> | RefusedFile>(async (tx) => {
			// The run's row orders imports and exports of one run one after the other.
			await sql`SELECT 1 FROM allowance_run WHERE id = ${runId} FOR UPDATE`.run(tx)
			if (lines.length) return (await judge(tx, runId, candidates, lines))!
			const imported = await sql`INSERT INTO allowance_bank_import ("runId", kind, sha256, "lineCount", "importedById") VALUES (${runId}, ${kind}, ${sha256}, ${parsed.rows.length}, ${user.id}) RETURNING id`.first<{ id: string }>(tx)
			const serials = candidates.map((c) => c.serial)
			await noNestedLoops(tx)
			// One statement each: the lines' outcome and their payments' status together. A file is
			// applied whole or not at all: when not every line was this run's and still sent, the
			// transaction is rolled back and the file judged line by line (below).
			const { settled, marked } = (await (kind === 'returns'
				? settleAttempts(
						runId,
						sql`UPDATE allowance_disbursement a SET status = 'returned', "returnedAt" = now(), "returnReason" = r.reason, "importId" = ${imported!.id}
							FROM unnest(${serials}::bigint[], ${candidates.map((c) => c.reason)}::text[]) AS r(serial, reason)
							WHERE a."runId" = ${runId} AND a.serial = ANY(${serials}::bigint[]) AND a.serial = r.serial AND a.status = 'sent' RETURNING a."paymentId", a."returnReason"`,
						sql`status = 'returned', "failedAt" = now(), "failureReason" = a."returnReason"`,
					)
				: settleAttempts(
						runId,
						sql`UPDATE allowance_disbursement SET status = 'paid', "paidAt" = now(), "paidBy" = 'confirmation', "importId" = ${imported!.id}
							WHERE "runId" = ${runId} AND serial = ANY(${serials}::bigint[]) AND status = 'sent' RETURNING "paymentId", "paidAt"`,
						sql`status = 'paid', "paidAt" = a."paidAt"`,
					)
			).first<{ settled: number; marked: number }>(tx))!
			if (settled !== candidates.length) throw new Unsettled()
			await audit({ actor: user, action: kind === 'returns' ? 'allowance.returns_import' : 'allowance.confirmations_import', entityType: 'allowance_run', entityId: runId, details: { month: run.month, marked, lines: parsed.rows.length, sha256 }, ip }, tx)
			return { ok: true as const, value: { lines: candidates.map((c): LineReport => ({ line: c.line, outcome: 'matched' })), marked } }
		})
	} catch (error) {
		// Nothing was written. A line naming no line of this run or one already settled refuses the
		// file with each line's verdict, before any refusal of the database (the same file twice).
		const refused = await transaction(async (tx) => {
			await sql`SELECT 1 FROM allowance_run WHERE id = ${runId} FOR SHARE`.run(tx)
			return judge(tx, runId, candidates, lines)
		}).catch(() => null)
		if (refused) return refused
		if (error instanceof Unsettled) return fail('allowance:errors.returns.alreadySettled', 409)
		return failureOf(error)
	}
}

/**
 * One statement: `attempts` (an UPDATE of lines returning "paymentId" and what `paymentSet` reads as
 * `a`) and the run's payments of those lines still sent, set by `paymentSet`; how many lines were
 * settled and how many payments marked.
 */
function settleAttempts(runId: string, attempts: Sql, paymentSet: Sql) {
	return sql`WITH a AS (${attempts}),
		p AS (
			UPDATE allowance_payment p SET ${paymentSet}
			FROM a WHERE a."paymentId" = p.id AND p.id = ANY(ARRAY(SELECT "paymentId" FROM a)) AND p."runId" = ${runId} AND p.status = 'sent' RETURNING 1)
		SELECT (SELECT count(*) FROM a)::int AS settled, (SELECT count(*) FROM p)::int AS marked`
}

/** Not every line of a file settled (a serial of no line of this run, or one already settled). */
class Unsettled extends Error {}

/**
 * A file's verdict line by line against the lines as they stand: the refusal with every line's
 * outcome (rejected lines of the file included), or null when every line can be applied.
 */
async function judge(tx: Tx, runId: string, candidates: readonly { line: number; serial: number }[], rejected: readonly LineReport[]): Promise<RefusedFile | null> {
	const found = await sql`SELECT serial, status FROM allowance_disbursement WHERE "runId" = ${runId} AND serial = ANY(${candidates.map((c) => c.serial)}::bigint[])`.rows<{ serial: number; status: string }>(tx)
	const bySerial = new Map(found.map((f) => [Number(f.serial), f.status]))
	const lines: LineReport[] = [...rejected]
	let refusal: { key: string; status: number } | null = rejected.length ? { key: 'allowance:errors.returns.badLines', status: 400 } : null
	for (const c of candidates) {
		const status = bySerial.get(c.serial)
		if (!status) {
			lines.push({ line: c.line, outcome: 'unmatched', reason: 'allowance:import.reason.unknownSerial' })
			refusal ??= { key: 'allowance:errors.returns.unknownSerial', status: 400 }
		} else if (status !== 'sent') {
			lines.push({ line: c.line, outcome: 'rejected', reason: status === 'returned' ? 'allowance:import.reason.alreadyReturned' : 'allowance:import.reason.alreadyPaid' })
			refusal ??= { key: 'allowance:errors.returns.alreadySettled', status: 409 }
		} else lines.push({ line: c.line, outcome: 'matched' })
	}
	lines.sort((a, b) => a.line - b.line)
	return refusal ? { ...fail(refusal.key, refusal.status), lines } : null
}

/** The Shanghai date `n` working days (Monday to Friday) before `today`. */
export function workingDaysBefore(today: string, n: number): string {
	const d = new Date(`${today}T00:00:00Z`)
	let left = n
	while (left > 0) {
		d.setUTCDate(d.getUTCDate() - 1)
		const day = d.getUTCDay()
		if (day !== 0 && day !== 6) left--
	}
	return d.toISOString().slice(0, 10)
}

/**
 * Attempts sent on or before the date `n` working days ago that the bank has not returned count as
 * paid, with their payments. Set-based and idempotent: the worker's reconciler calls it, and the
 * run page before it reads the figures. A file's lines are all sent when the file is made, so they
 * are found by file (no index of lines by their sending time: one fewer index entry for each of a
 * month's 110,000 lines): the files older than the window not yet found settled, their lines by
 * ("fileId", line); a file with no line still sent is marked and never looked at again.
 */
export async function confirmUnreturned(today = shanghaiDate(), workingDays = getEnv().ALLOWANCE_CONFIRM_WORKING_DAYS): Promise<number> {
	const cutoff = workingDaysBefore(today, workingDays)
	return transaction(async (tx) => {
		// Sent before the start (Shanghai) of the day after the cutoff.
		const before = sql`(${cutoff}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`
		const files = (await sql`SELECT id FROM allowance_bank_file WHERE "unreturnedSettledAt" IS NULL AND "createdAt" < ${before}`.rows<{ id: string }>(tx)).map((f) => f.id)
		if (files.length === 0) return 0
		await noNestedLoops(tx)
		const paid = await sql`WITH a AS (
				UPDATE allowance_disbursement SET status = 'paid', "paidAt" = now(), "paidBy" = 'no_return'
				WHERE "fileId" = ANY(${files}::uuid[]) AND status = 'sent' AND "sentAt" < ${before} RETURNING "paymentId")
			UPDATE allowance_payment p SET status = 'paid', "paidAt" = now() FROM a WHERE p.id = a."paymentId" AND p.id = ANY(ARRAY(SELECT "paymentId" FROM a)) AND p.status = 'sent'`.run(tx)
		await sql`UPDATE allowance_bank_file f SET "unreturnedSettledAt" = now()
			 WHERE f.id = ANY(${files}::uuid[]) AND NOT EXISTS (SELECT 1 FROM allowance_disbursement d WHERE d."fileId" = f.id AND d.status = 'sent')`.run(tx)
		return paid
	})
}
