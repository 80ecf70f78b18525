// The monthly run, set-based: a run job freezes the registry into a snapshot with one INSERT ...
// SELECT and splits it into chunks by snapshot sequence; each chunk job writes its payments with one
// INSERT ... SELECT ... ON CONFLICT DO NOTHING and marks itself done in the same transaction. The
// run is complete (awaiting approval) when the last chunk commits. Nothing here holds the registry
// in memory, and every step can be repeated or interrupted (kill -9) without paying twice.
import type pg from 'pg'
import { pool, withPgTransaction } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { enqueueChunks, enqueueRun } from '~/jobs/allowance.server.ts'
import { isMonth, monthParams, settingsForMonth, type MonthParams, type SettingsVersion } from './rules.ts'

export class PermanentJobError extends Error {}

type Queryable = Pick<pg.PoolClient, 'query'>

export async function loadSettingsVersions(db: Queryable = pool): Promise<SettingsVersion[]> {
	const { rows } = await db.query<SettingsVersion>(
		`SELECT "effectiveMonth", "tier80Fen", "tier90Fen", "tier100Fen", "livenessWindowMonths", "backPayAllowed" FROM allowance_setting ORDER BY "effectiveMonth"`,
	)
	return rows
}

export type StartRunResult = { runId: string; created: boolean; status: string }

/**
 * Starts the run of a month, or returns the live run that already exists: the partial unique index
 * on (month) WHERE status <> 'rejected' turns two simultaneous starts into one run. The run row is
 * committed before the job is queued; if Redis is down the worker's reconciler queues it later.
 */
export async function startRun(month: string, actor: Pick<SessionUser, 'id' | 'role'> | null, opts: { ip?: string | null } = {}): Promise<StartRunResult> {
	if (!isMonth(month)) throw new PermanentJobError(`not a month: ${month}`)
	const result = await withPgTransaction(async (client) => {
		const inserted = await client.query<{ id: string }>(
			`INSERT INTO allowance_run (id, month, status, "startedById") VALUES (gen_random_uuid(), $1, 'computing', $2)
			 ON CONFLICT (month) WHERE status <> 'rejected' DO NOTHING RETURNING id`,
			[month, actor?.id ?? null],
		)
		if (inserted.rows[0]) {
			await client.query(
				`INSERT INTO audit_log (at, "actorId", "actorRole", action, "entityType", "entityId", details, ip) VALUES (now(), $1, $2, 'allowance.run_start', 'allowance_run', $3, $4, $5)`,
				[actor?.id ?? null, actor?.role ?? null, inserted.rows[0].id, JSON.stringify({ month, by: actor ? 'officer' : 'scheduler' }), opts.ip ?? null],
			)
			return { runId: inserted.rows[0].id, created: true, status: 'computing' }
		}
		const existing = await client.query<{ id: string; status: string }>(`SELECT id, status FROM allowance_run WHERE month = $1 AND status <> 'rejected'`, [month])
		return { runId: existing.rows[0]!.id, created: false, status: existing.rows[0]!.status }
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
	return withPgTransaction(async (client) => {
		const { rows } = await client.query<RunRow>(`SELECT id, month, status, "snapshotAt", "chunkCount", "chunksDone" FROM allowance_run WHERE id = $1 FOR UPDATE`, [runId])
		const run = rows[0]
		if (!run) throw new PermanentJobError(`no allowance run ${runId}`)
		if (run.status !== 'computing' || run.snapshotAt) return { status: run.status, chunkCount: run.chunkCount, snapshot: -1 }
		const p = monthParams(run.month, settingsForMonth(await loadSettingsVersions(client), run.month))
		// The frozen registry: only elders old enough for this month can be paid this month or back-paid.
		// seq is numbered in scan order (no sort): it only has to be fixed once stored, for chunk ranges.
		const snap = await client.query(
			`INSERT INTO allowance_snapshot ("runId", seq, "elderId", "districtId", "birthDate", "deathDate", cremated, resident, "movedOutOn", "lastLivenessAt", "bankCardRef")
			 SELECT $1, row_number() OVER (), e.id, e."districtId", e."birthDate", LEAST(e."deathDate", c."deathDate"), c.id IS NOT NULL,
			        e."residencyStatus" = 'resident', e."movedOutOn", e."lastLivenessAt", e."bankCardRef"
			 FROM elder e LEFT JOIN cremation_record c ON c."elderId" = e.id
			 WHERE e."birthDate" <= $2::date`,
			[runId, p.t80],
		)
		const n = snap.rowCount ?? 0
		const chunks = Math.ceil(n / chunkSize)
		await client.query(
			`INSERT INTO allowance_run_chunk ("runId", no, "seqFrom", "seqTo") SELECT $1, g, (g - 1) * $2 + 1, LEAST(g * $2, $3) FROM generate_series(1, $4::int) g`,
			[runId, chunkSize, n, chunks],
		)
		await client.query(`UPDATE allowance_run SET "snapshotAt" = now(), "snapshotCount" = $2, "chunkCount" = $3 WHERE id = $1`, [runId, n, chunks])
		if (chunks === 0) await finishIfComplete(client, runId)
		return { status: run.status, chunkCount: chunks, snapshot: n }
	})
}

async function pendingChunks(runId: string) {
	const { rows } = await pool.query<{ no: number }>(`SELECT no FROM allowance_run_chunk WHERE "runId" = $1 AND NOT done ORDER BY no`, [runId])
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

async function finishIfComplete(client: Queryable, runId: string) {
	await client.query(
		`UPDATE allowance_run r SET status = 'awaiting_approval', "computedAt" = now(),
		        "paymentCount" = t.n, "totalFen" = t.total
		 FROM (SELECT count(*)::int AS n, COALESCE(sum("amountFen"), 0)::bigint AS total FROM allowance_payment WHERE "runId" = $1) t
		 WHERE r.id = $1 AND r.status = 'computing' AND r."chunksDone" = r."chunkCount"`,
		[runId],
	)
}

/** The month parameters the chunk SQL reads: this month, and earlier run months for back-pay. */
async function chunkMonthParams(client: Queryable, month: string): Promise<{ params: MonthParams[]; backPay: boolean }> {
	const versions = await loadSettingsVersions(client)
	const current = settingsForMonth(versions, month)
	const params = [monthParams(month, current)]
	if (current.backPayAllowed) {
		const { rows } = await client.query<{ month: string }>(`SELECT DISTINCT month FROM allowance_run WHERE status <> 'rejected' AND month < $1 AND month >= $2`, [
			month,
			// Back-pay reaches back at most ten years: older months belong to another system's books.
			addMonths(month, -120),
		])
		for (const r of rows) params.push(monthParams(r.month, settingsForMonth(versions, r.month)))
	}
	return { params, backPay: current.backPayAllowed }
}

const PAYABLE = `c."birthDate" <= c.t80
	AND (c."deathDate" IS NULL OR c."deathDate" >= c.first)
	AND (c.resident OR COALESCE(c."movedOutOn" >= c.first, false))
	AND COALESCE(c."lastLivenessAt" >= c.live_from, false)`

const MONTHS_CTE = `mp AS (
	SELECT * FROM unnest($4::text[], $5::date[], $6::date[], $7::date[], $8::date[], $9::date[], $10::int[], $11::int[], $12::int[])
	AS t(month, t80, t90, t100, first, live_from, a80, a90, a100))`

/**
 * Chunk job: one transaction that locks the chunk, inserts its payments (this month's and back-pay)
 * with one set-based statement, records why the others were not paid, and marks the chunk done.
 * A repeat (retry, stalled job, second worker) finds the chunk done and does nothing.
 */
export async function processChunk(runId: string, chunkNo: number): Promise<{ payments: number; skipped: boolean }> {
	const delay = getEnv().ALLOWANCE_CHUNK_DELAY_MS
	return withPgTransaction(async (client) => {
		const { rows } = await client.query<{ done: boolean; seqFrom: number; seqTo: number; status: string; month: string }>(
			`SELECT c.done, c."seqFrom", c."seqTo", r.status, r.month FROM allowance_run_chunk c JOIN allowance_run r ON r.id = c."runId"
			 WHERE c."runId" = $1 AND c.no = $2 FOR UPDATE OF c`,
			[runId, chunkNo],
		)
		const chunk = rows[0]
		if (!chunk) throw new PermanentJobError(`no chunk ${chunkNo} of run ${runId}`)
		if (chunk.done || chunk.status !== 'computing') return { payments: 0, skipped: true }
		const { params, backPay } = await chunkMonthParams(client, chunk.month)
		const cols = (k: keyof MonthParams) => params.map((p) => p[k])
		const args = [runId, chunk.seqFrom, chunk.seqTo, cols('month'), cols('t80'), cols('t90'), cols('t100'), cols('first'), cols('livenessFrom'), cols('a80'), cols('a90'), cols('a100'), chunk.month, backPay]
		const inserted = await client.query(
			`WITH ${MONTHS_CTE},
			cand AS (
				SELECT s.*, mp.* FROM allowance_snapshot s JOIN mp ON mp.month = $13
				WHERE s."runId" = $1 AND s.seq BETWEEN $2 AND $3
				${
					// Back-pay months exist only when earlier runs do (and the bureau allows it).
					backPay && params.length > 1
						? `UNION ALL
				SELECT s.*, mp.* FROM allowance_snapshot s
				JOIN allowance_stop st ON st."elderId" = s."elderId" AND st.reason = 'no_liveness'
				JOIN allowance_run r ON r.id = st."runId" AND r.status <> 'rejected'
				JOIN mp ON mp.month = st.month AND mp.month < $13
				WHERE $14 AND s."runId" = $1 AND s.seq BETWEEN $2 AND $3`
						: 'AND $14::boolean IS NOT NULL'
				}
			)
			INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, tier, "amountFen", "districtId", "bankCardRef", status)
			SELECT gen_random_uuid(), $1, c."elderId", c.month,
			       (CASE WHEN c.month = $13 THEN 'regular' ELSE 'back_pay' END)::"AllowancePaymentKind",
			       CASE WHEN c."birthDate" <= c.t100 THEN 100 WHEN c."birthDate" <= c.t90 THEN 90 ELSE 80 END,
			       CASE WHEN c."birthDate" <= c.t100 THEN c.a100 WHEN c."birthDate" <= c.t90 THEN c.a90 ELSE c.a80 END,
			       c."districtId", c."bankCardRef",
			       -- No card reference: the money has nowhere to go, so it waits out of the bank file.
			       (CASE WHEN c."bankCardRef" IS NULL THEN 'held_no_account' ELSE 'pending' END)::"AllowancePaymentStatus"
			FROM cand c WHERE ${PAYABLE}
			ON CONFLICT ("elderId", month) DO NOTHING`,
			args,
		)
		const p = params[0]!
		await client.query(
			`INSERT INTO allowance_stop ("runId", "elderId", month, reason, "districtId")
			 SELECT $1, s."elderId", $4,
			        (CASE WHEN s."deathDate" < $5::date THEN (CASE WHEN s.cremated THEN 'cremation' ELSE 'death' END)
			              WHEN NOT s.resident AND NOT COALESCE(s."movedOutOn" >= $5::date, false) THEN 'moved_out'
			              ELSE 'no_liveness' END)::"AllowanceStopReason",
			        s."districtId"
			 FROM allowance_snapshot s
			 WHERE s."runId" = $1 AND s.seq BETWEEN $2 AND $3
			   AND NOT ((s."deathDate" IS NULL OR s."deathDate" >= $5::date)
			        AND (s.resident OR COALESCE(s."movedOutOn" >= $5::date, false))
			        AND COALESCE(s."lastLivenessAt" >= $6::date, false))
			 ON CONFLICT DO NOTHING`,
			[runId, chunk.seqFrom, chunk.seqTo, chunk.month, p.first, p.livenessFrom],
		)
		if (delay > 0) await client.query('SELECT pg_sleep($1)', [delay / 1000])
		await client.query(`UPDATE allowance_run_chunk SET done = true, "doneAt" = now() WHERE "runId" = $1 AND no = $2`, [runId, chunkNo])
		await client.query(`UPDATE allowance_run SET "chunksDone" = "chunksDone" + 1 WHERE id = $1`, [runId])
		await finishIfComplete(client, runId)
		return { payments: inserted.rowCount ?? 0, skipped: false }
	})
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
	const { rows } = await pool.query<{ id: string }>(`SELECT id FROM allowance_run WHERE status = 'computing'`)
	for (const r of rows) await enqueueRun(r.id)
	return rows.length
}

