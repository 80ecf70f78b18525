// The monthly run, set-based: a run job freezes the registry into a snapshot with one INSERT ...
// SELECT and splits it into chunks by snapshot sequence; each chunk job writes its payments with one
// INSERT ... SELECT ... ON CONFLICT DO NOTHING and marks itself done in the same transaction. The
// run is complete (awaiting approval) when the last chunk commits. Nothing here holds the registry
// in memory, and every step can be repeated or interrupted (kill -9) without paying twice.
import { transaction, type Tx } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { enqueueChunks, enqueueRun } from '~/jobs/allowance.server.ts'
import { isMonth, monthParams, settingsForMonth, type MonthParams, type SettingsVersion } from './rules.ts'

export class PermanentJobError extends Error {}

/** The snapshot and chunk transactions scan the registry: no short timeout (1,000,000 elders). */
const SET_BASED = { timeout: 10 * 60_000 }

export async function loadSettingsVersions(tx?: Tx): Promise<SettingsVersion[]> {
	return sql`SELECT "effectiveMonth", "tier80Fen", "tier90Fen", "tier100Fen", "livenessWindowMonths", "backPayAllowed" FROM allowance_setting ORDER BY "effectiveMonth"`.rows<SettingsVersion>(tx)
}

export type StartRunResult = { runId: string; created: boolean; status: string }

/**
 * Starts the run of a month, or returns the live run that already exists: the partial unique index
 * on (month) WHERE status <> 'rejected' turns two simultaneous starts into one run. The run row is
 * committed before the job is queued; if Redis is down the worker's reconciler queues it later.
 */
export async function startRun(month: string, actor: Pick<SessionUser, 'id' | 'role'> | null, opts: { ip?: string | null } = {}): Promise<StartRunResult> {
	if (!isMonth(month)) throw new PermanentJobError(`not a month: ${month}`)
	const result = await transaction(async (tx) => {
		const inserted = await sql`INSERT INTO allowance_run (id, month, status, "startedById") VALUES (gen_random_uuid(), ${month}, 'computing', ${actor?.id ?? null})
			 ON CONFLICT (month) WHERE status <> 'rejected' DO NOTHING RETURNING id`.first<{ id: string }>(tx)
		if (inserted) {
			await audit({ actor, action: 'allowance.run_start', entityType: 'allowance_run', entityId: inserted.id, details: { month, by: actor ? 'officer' : 'scheduler' }, ip: opts.ip ?? null }, tx)
			return { runId: inserted.id, created: true, status: 'computing' }
		}
		const existing = await sql`SELECT id, status FROM allowance_run WHERE month = ${month} AND status <> 'rejected'`.first<{ id: string; status: string }>(tx)
		return { runId: existing!.id, created: false, status: existing!.status }
	})
	if (result.status === 'computing') {
		await enqueueRun(result.runId).catch((error: unknown) => {
			// The run is recorded; the reconciler in the worker queues it once Redis answers.
			console.warn(`allowance run ${result.runId} not queued yet: ${error instanceof Error ? error.message : error}`)
		})
	}
	return result
}

type RunRow = { id: string; month: string; status: string; snapshotAt: Date | null; chunkCount: number; chunksDone: number }

/** Freezes the registry for a run once (idempotent). Returns the run as it stands. */
async function takeSnapshot(runId: string): Promise<{ status: string; chunkCount: number; snapshot: number }> {
	const chunkSize = getEnv().ALLOWANCE_CHUNK_SIZE
	return transaction(async (tx) => {
		const run = await sql`SELECT id, month, status, "snapshotAt", "chunkCount", "chunksDone" FROM allowance_run WHERE id = ${runId} FOR UPDATE`.first<RunRow>(tx)
		if (!run) throw new PermanentJobError(`no allowance run ${runId}`)
		if (run.status !== 'computing' || run.snapshotAt) return { status: run.status, chunkCount: run.chunkCount, snapshot: -1 }
		const p = monthParams(run.month, settingsForMonth(await loadSettingsVersions(tx), run.month))
		// The frozen registry: only elders old enough for this month can be paid this month or back-paid.
		// seq is numbered in scan order (no sort): it only has to be fixed once stored, for chunk ranges.
		const n = await sql`INSERT INTO allowance_snapshot ("runId", seq, "elderId", "districtId", "birthDate", "deathDate", cremated, resident, "movedOutOn", "lastLivenessAt", "bankCardRef")
			 SELECT ${runId}, row_number() OVER (), e.id, e."districtId", e."birthDate", LEAST(e."deathDate", c."deathDate"), c.id IS NOT NULL,
			        e."residencyStatus" = 'resident', e."movedOutOn", e."lastLivenessAt",
			        -- Only a card held in full can be paid to; a legacy mask alone holds the payment.
			        CASE WHEN e."bankCardCipher" IS NOT NULL THEN e."bankCardRef" END
			 FROM elder e LEFT JOIN cremation_record c ON c."elderId" = e.id
			 WHERE e."birthDate" <= ${p.t80}::date AND e."residenceStatus" = 'verified'
			   -- Who died or left the city before the month does not enter it at all (life events, issue 10 item 7).
			   AND (((LEAST(e."deathDate", c."deathDate") IS NULL OR LEAST(e."deathDate", c."deathDate") >= ${p.first}::date)
			     AND (e."residencyStatus" = 'resident' OR COALESCE(e."movedOutOn" >= ${p.first}::date, false)))
			     -- A stop overturned on appeal and not yet paid is back-paid by this run, whatever the registry now says.
			     OR EXISTS (SELECT 1 FROM allowance_stop st WHERE st."elderId" = e.id AND st."overturnAppealId" IS NOT NULL
			                AND NOT EXISTS (SELECT 1 FROM allowance_payment ap WHERE ap."elderId" = e.id AND ap.month = st.month)))`.run(tx)
		const chunks = Math.ceil(n / chunkSize)
		await sql`INSERT INTO allowance_run_chunk ("runId", no, "seqFrom", "seqTo")
			 SELECT ${runId}, g, (g - 1) * ${chunkSize}::int + 1, LEAST(g * ${chunkSize}::int, ${n}::int) FROM generate_series(1, ${chunks}::int) g`.run(tx)
		await sql`UPDATE allowance_run SET "snapshotAt" = now(), "snapshotCount" = ${n}, "chunkCount" = ${chunks} WHERE id = ${runId}`.run(tx)
		if (chunks === 0) await finishIfComplete(tx, runId)
		return { status: run.status, chunkCount: chunks, snapshot: n }
	}, SET_BASED)
}

async function pendingChunks(runId: string) {
	const rows = await sql`SELECT no FROM allowance_run_chunk WHERE "runId" = ${runId} AND NOT done ORDER BY no`.rows<{ no: number }>()
	return rows.map((r) => r.no)
}

/** Run job: take the snapshot once (in one transaction), then queue every chunk not yet done. */
export async function processRun(runId: string): Promise<{ chunks: number; snapshot: number }> {
	const state = await takeSnapshot(runId)
	if (state.status !== 'computing') return { chunks: 0, snapshot: 0 }
	await enqueueChunks(runId, await pendingChunks(runId))
	return { chunks: state.chunkCount, snapshot: state.snapshot }
}

/** The same run computed in this process without the queue: for the seed's demo history only. */
export async function computeRunInline(runId: string) {
	await takeSnapshot(runId)
	for (const no of await pendingChunks(runId)) await processChunk(runId, no)
}

async function finishIfComplete(tx: Tx, runId: string) {
	await sql`UPDATE allowance_run r SET status = 'awaiting_approval', "computedAt" = now(),
		        "paymentCount" = t.n, "totalFen" = t.total
		 FROM (SELECT count(*)::int AS n, COALESCE(sum("amountFen"), 0)::bigint AS total FROM allowance_payment WHERE "runId" = ${runId}) t
		 WHERE r.id = ${runId} AND r.status = 'computing' AND r."chunksDone" = r."chunkCount"`.run(tx)
}

/** The month parameters the chunk SQL reads: this month, and earlier run months for back-pay. */
async function chunkMonthParams(tx: Tx, month: string): Promise<{ params: MonthParams[]; backPay: boolean }> {
	const versions = await loadSettingsVersions(tx)
	const current = settingsForMonth(versions, month)
	const params = [monthParams(month, current)]
	// Earlier run months: back-pay of liveness stops (when the bureau allows it) and of stops overturned
	// on appeal (always: a reviewer's decision is not the bureau's setting to withhold). Back-pay reaches
	// back at most ten years: older months belong to another system's books.
	const rows = await sql`SELECT DISTINCT month FROM allowance_run WHERE status <> 'rejected' AND month < ${month} AND month >= ${addMonths(month, -120)}`.rows<{ month: string }>(tx)
	for (const r of rows) params.push(monthParams(r.month, settingsForMonth(versions, r.month)))
	return { params, backPay: current.backPayAllowed }
}

const PAYABLE = sql.raw(`c."birthDate" <= c.t80
	AND (c."deathDate" IS NULL OR c."deathDate" >= c.first)
	AND (c.resident OR COALESCE(c."movedOutOn" >= c.first, false))
	AND COALESCE(c."lastLivenessAt" >= c.live_from, false)`)

/** The month parameters as a table, one row per month (this one and the back-pay months). */
function monthsCte(params: MonthParams[]) {
	const cols = (k: keyof MonthParams) => params.map((p) => p[k])
	return sql`mp AS (
	SELECT * FROM unnest(${cols('month')}::text[], ${cols('t80')}::date[], ${cols('t90')}::date[], ${cols('t100')}::date[], ${cols('first')}::date[], ${cols('livenessFrom')}::date[], ${cols('a80')}::int[], ${cols('a90')}::int[], ${cols('a100')}::int[])
	AS t(month, t80, t90, t100, first, live_from, a80, a90, a100))`
}

/**
 * Chunk job: one transaction that locks the chunk, inserts its payments (this month's and back-pay)
 * with one set-based statement, records why the others were not paid, and marks the chunk done.
 * A repeat (retry, stalled job, second worker) finds the chunk done and does nothing.
 */
export async function processChunk(runId: string, chunkNo: number): Promise<{ payments: number; skipped: boolean }> {
	const delay = getEnv().ALLOWANCE_CHUNK_DELAY_MS
	return transaction(async (tx) => {
		const chunk = await sql`SELECT c.done, c."seqFrom", c."seqTo", r.status, r.month FROM allowance_run_chunk c JOIN allowance_run r ON r.id = c."runId"
			 WHERE c."runId" = ${runId} AND c.no = ${chunkNo} FOR UPDATE OF c`.first<{ done: boolean; seqFrom: number; seqTo: number; status: string; month: string }>(tx)
		if (!chunk) throw new PermanentJobError(`no chunk ${chunkNo} of run ${runId}`)
		if (chunk.done || chunk.status !== 'computing') return { payments: 0, skipped: true }
		const { params, backPay } = await chunkMonthParams(tx, chunk.month)
		const inChunk = sql`s."runId" = ${runId} AND s.seq BETWEEN ${chunk.seqFrom} AND ${chunk.seqTo}`
		const inserted = await sql`WITH ${monthsCte(params)},
			cand AS (
				SELECT s.*, mp.*, false AS overturned FROM allowance_snapshot s JOIN mp ON mp.month = ${chunk.month}
				WHERE ${inChunk}
				${
					// Back-pay months exist only when earlier runs do: stops for want of liveness (if the bureau
					// allows back-pay) and stops overturned on appeal (due-process/subjects.server.ts), which are
					// paid on the reviewer's decision whatever the registry says, if the elder was of age.
					params.length > 1
						? sql`UNION ALL
				SELECT s.*, mp.*, st."overturnAppealId" IS NOT NULL AS overturned FROM allowance_snapshot s
				JOIN allowance_stop st ON st."elderId" = s."elderId" AND (${backPay ? sql`st.reason = 'no_liveness' OR ` : sql.empty}st."overturnAppealId" IS NOT NULL)
				JOIN allowance_run r ON r.id = st."runId" AND r.status <> 'rejected'
				JOIN mp ON mp.month = st.month AND mp.month < ${chunk.month}
				WHERE ${inChunk}`
						: sql.empty
				}
			)
			INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, tier, "amountFen", "districtId", "bankCardRef", status)
			SELECT gen_random_uuid(), ${runId}, c."elderId", c.month,
			       (CASE WHEN c.month = ${chunk.month} THEN 'regular' ELSE 'back_pay' END)::"AllowancePaymentKind",
			       CASE WHEN c."birthDate" <= c.t100 THEN 100 WHEN c."birthDate" <= c.t90 THEN 90 ELSE 80 END,
			       CASE WHEN c."birthDate" <= c.t100 THEN c.a100 WHEN c."birthDate" <= c.t90 THEN c.a90 ELSE c.a80 END,
			       c."districtId", c."bankCardRef",
			       -- No card reference: the money has nowhere to go, so it waits out of the bank file.
			       (CASE WHEN c."bankCardRef" IS NULL THEN 'held_no_account' ELSE 'pending' END)::"AllowancePaymentStatus"
			FROM cand c WHERE (${PAYABLE}) OR (c.overturned AND c."birthDate" <= c.t80)
			ON CONFLICT ("elderId", month) DO NOTHING`.run(tx)
		const p = params[0]!
		await sql`INSERT INTO allowance_stop ("runId", "elderId", month, reason, "districtId")
			 SELECT ${runId}, s."elderId", ${chunk.month},
			        (CASE WHEN s."deathDate" < ${p.first}::date THEN (CASE WHEN s.cremated THEN 'cremation' ELSE 'death' END)
			              WHEN NOT s.resident AND NOT COALESCE(s."movedOutOn" >= ${p.first}::date, false) THEN 'moved_out'
			              ELSE 'no_liveness' END)::"AllowanceStopReason",
			        s."districtId"
			 FROM allowance_snapshot s
			 WHERE ${inChunk}
			   AND NOT ((s."deathDate" IS NULL OR s."deathDate" >= ${p.first}::date)
			        AND (s.resident OR COALESCE(s."movedOutOn" >= ${p.first}::date, false))
			        AND COALESCE(s."lastLivenessAt" >= ${p.livenessFrom}::date, false))
			 ON CONFLICT DO NOTHING`.run(tx)
		if (delay > 0) await sql`SELECT pg_sleep(${delay / 1000})`.run(tx)
		const counted = await sql`WITH done AS (UPDATE allowance_run_chunk SET done = true, "doneAt" = now() WHERE "runId" = ${runId} AND no = ${chunkNo})
			UPDATE allowance_run SET "chunksDone" = "chunksDone" + 1 WHERE id = ${runId} RETURNING "chunksDone" = "chunkCount" AS last`.first<{ last: boolean }>(tx)
		// Only the chunk that completes the run counts its payments.
		if (counted?.last) await finishIfComplete(tx, runId)
		return { payments: inserted, skipped: false }
	}, SET_BASED)
}

/** Scheduler job: the month that starts at the scheduled time (02:00 on the 1st, Shanghai). */
export async function processMonthly(scheduledAt: number) {
	return startRun(shanghaiMonth(new Date(scheduledAt)), null)
}

/**
 * Re-queues every run still computing. Job ids dedupe what is already queued; after a Redis that
 * lost its data (restart without persistence) this is what brings the run back.
 */
export async function reconcileRuns(): Promise<number> {
	const rows = await sql`SELECT id FROM allowance_run WHERE status = 'computing'`.rows<{ id: string }>()
	for (const r of rows) await enqueueRun(r.id)
	return rows.length
}

