// Exactly once, against real PostgreSQL, a real (private) Redis and real worker processes:
// re-running a month adds nothing; two starts become one run; a worker killed with SIGKILL mid-run
// and a Redis restarted without its data mid-run still end with one payment per eligible elder and
// the exact total of the floor computed independently from the registry.
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, migrate } from '../../scripts/lib/database.ts'
import { floorTotals, insertDistricts, insertSyntheticElders } from '../setup/allowance-registry.ts'
import { freePortSync } from '../../scripts/lib/ports.ts'
import { startPrivateRedis, startWorker, waitFor, type Child } from '../setup/processes.ts'

// A free port, not a fixed one: two runs on one machine must not share their private Redis.
const REDIS_PORT = freePortSync()
const runId = process.env.TEST_RUN_ID!
const dbName = `${process.env.TEST_DATABASE_NAME}_eo`.toLowerCase()
const base = process.env.DATABASE_URL!
const prefix = `yy_eo_${runId}`
const ELDERS = 20_000

let url: string
let db: pg.Client
let redis: Child
const workers: Child[] = []
let engine: typeof import('~/modules/allowance/engine.server.ts')
let queues: typeof import('~/jobs/allowance.server.ts')

function workerEnv(extra: Record<string, string> = {}) {
	return {
		DATABASE_URL: url,
		REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
		QUEUE_PREFIX: prefix,
		DATABASE_POOL_SIZE: '3',
		ALLOWANCE_CHUNK_SIZE: '500',
		ALLOWANCE_LOCK_MS: '3000',
		ALLOWANCE_RECONCILE_MS: '1000',
		...extra,
	}
}

async function spawnWorker(extra: Record<string, string> = {}) {
	const w = await startWorker(workerEnv(extra))
	workers.push(w)
	return w
}

type RunRow = { id: string; status: string; chunkCount: number; chunksDone: number; paymentCount: number | null; totalFen: number | null; snapshotAt: Date | null }
async function runRow(id: string) {
	return (await db.query<RunRow>(`SELECT id, status, "chunkCount", "chunksDone", "paymentCount", "totalFen", "snapshotAt" FROM allowance_run WHERE id = $1`, [id])).rows[0]!
}

async function waitComputed(id: string, timeoutMs = 90_000) {
	return waitFor(async () => {
		const r = await runRow(id)
		return r.status === 'awaiting_approval' ? r : null
	}, { timeoutMs, what: `run ${id} to finish` })
}

async function monthPayments(month: string) {
	const { rows } = await db.query<{ n: number; elders: number; total: number }>(
		`SELECT count(*)::int AS n, count(DISTINCT "elderId")::int AS elders, COALESCE(sum("amountFen"), 0)::bigint AS total FROM allowance_payment WHERE month = $1`,
		[month],
	)
	return rows[0]!
}

beforeAll(async () => {
	url = await createDatabase(base, dbName)
	migrate(url)
	db = new pg.Client({ connectionString: url })
	await db.connect()
	await insertDistricts(db)
	await insertSyntheticElders(db, { n: ELDERS, salt: 'eo', bornFrom: '1919-06-01', bornTo: '1947-12-31' })
	// This test process talks to the same private Redis and database as its workers.
	process.env.DATABASE_URL = url
	process.env.REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`
	process.env.QUEUE_PREFIX = prefix
	process.env.ALLOWANCE_CHUNK_SIZE = '500'
	redis = await startPrivateRedis(REDIS_PORT)
	engine = await import('~/modules/allowance/engine.server.ts')
	queues = await import('~/jobs/allowance.server.ts')
}, 120_000)

afterAll(async () => {
	await Promise.allSettled(workers.map((w) => w.kill9()))
	await redis?.kill9()
	const { disconnectDb } = await import('~/lib/db.server.ts')
	await disconnectDb().catch(() => {})
	await db?.end().catch(() => {})
	// The database is dropped with the run's others when Vitest ends (tests/setup/global-setup.ts):
	// DROP DATABASE waits for a checkpoint, which in the middle of a run syncs every file of every
	// database copied so far (57,555 files, 112 s of fsync, on 1 Dec), longer than any hook's budget.
}, 60_000)

describe('allowance exactly once', () => {
	it('pays every eligible elder once, with the floor’s count and total; running the month again adds nothing', async () => {
		const month = '2026-03'
		const floor = await floorTotals(db, month)
		expect(floor.count).toBeGreaterThan(15_000)
		const w = await spawnWorker()
		const started = await engine.startRun(month, null)
		expect(started.created).toBe(true)
		const run = await waitComputed(started.runId)
		expect(run.chunkCount).toBeGreaterThan(30)
		expect(run.chunksDone).toBe(run.chunkCount)
		expect({ count: run.paymentCount, totalFen: Number(run.totalFen) }).toEqual(floor)
		const first = await monthPayments(month)
		expect(first).toEqual({ n: floor.count, elders: floor.count, total: floor.totalFen })

		// Again: the same run comes back; its jobs re-queued by hand change nothing.
		const again = await engine.startRun(month, null)
		expect(again).toMatchObject({ runId: started.runId, created: false })
		await queues.enqueueRun(started.runId)
		await queues.enqueueChunks(started.runId, Array.from({ length: run.chunkCount }, (_, i) => i + 1))
		await waitFor(async () => {
			// The scheduler's next monthly job stays delayed until the 1st: only run and chunk jobs count.
			const jobs = await queues.allowanceQueue().getJobs(['waiting', 'active', 'delayed', 'prioritized'])
			return jobs.every((j) => j.name === 'monthly')
		}, { timeoutMs: 30_000, what: 'the queue to drain' })
		expect(await monthPayments(month)).toEqual(first)
		expect((await db.query(`SELECT count(*)::int AS n FROM allowance_run WHERE month = $1`, [month])).rows[0].n).toBe(1)
		await w.stop()
	}, 180_000)

	it('turns two runs started at the same moment into one run', async () => {
		const month = '2026-04'
		const floor = await floorTotals(db, month)
		const w = await spawnWorker()
		const results = await Promise.all([engine.startRun(month, null), engine.startRun(month, null), engine.startRun(month, null)])
		expect(new Set(results.map((r) => r.runId)).size).toBe(1)
		expect(results.filter((r) => r.created)).toHaveLength(1)
		const run = await waitComputed(results[0]!.runId)
		expect({ count: run.paymentCount, totalFen: Number(run.totalFen) }).toEqual(floor)
		expect(await monthPayments(month)).toEqual({ n: floor.count, elders: floor.count, total: floor.totalFen })
		// The database refuses a second live run for the month outright.
		await expect(db.query(`INSERT INTO allowance_run (id, month) VALUES (gen_random_uuid(), $1)`, [month])).rejects.toThrow(/allowance_run_month_live_key/)
		// And a second payment for an elder and month.
		await expect(
			db.query(`INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, tier, "amountFen", "districtId") SELECT gen_random_uuid(), "runId", "elderId", month, kind, tier, "amountFen", "districtId" FROM allowance_payment WHERE month = $1 LIMIT 1`, [month]),
		).rejects.toThrow(/allowance_payment_elderId_month_key/)
		await w.stop()
	}, 180_000)

	it('finishes exactly after a worker is killed with SIGKILL mid-run, from the snapshot taken at the start', async () => {
		const month = '2026-05'
		const floor = await floorTotals(db, month)
		// Slow chunks (each holds its transaction 150 ms) so the kill lands inside one.
		const victim = await spawnWorker({ ALLOWANCE_CHUNK_DELAY_MS: '150' })
		const { runId } = await engine.startRun(month, null)
		await waitFor(async () => ((await runRow(runId)).chunksDone >= 4 ? true : null), { timeoutMs: 60_000, what: 'four chunks' })
		// Registry edits after the snapshot do not change this run.
		const edited = await db.query(`UPDATE elder SET "deathDate" = date '2020-01-01' WHERE id IN (SELECT id FROM elder WHERE "deathDate" IS NULL ORDER BY id DESC LIMIT 300)`)
		expect(edited.rowCount).toBe(300)
		await victim.kill9()
		const midway = await runRow(runId)
		expect(midway.status).toBe('computing')
		expect(midway.chunksDone).toBeLessThan(midway.chunkCount)
		await spawnWorker()
		const run = await waitComputed(runId)
		expect(run.chunksDone).toBe(run.chunkCount)
		expect({ count: run.paymentCount, totalFen: Number(run.totalFen) }).toEqual(floor)
		expect(await monthPayments(month)).toEqual({ n: floor.count, elders: floor.count, total: floor.totalFen })
		// Without the snapshot those 300 would have been left out.
		expect((await floorTotals(db, month)).count).toBeLessThan(floor.count)
		await Promise.all(workers.map((w) => w.stop()))
	}, 180_000)

	it('survives a Redis restart that loses every queued job: delayed, not lost or duplicated', async () => {
		const month = '2026-06'
		const floor = await floorTotals(db, month)
		await spawnWorker({ ALLOWANCE_CHUNK_DELAY_MS: '100' })
		const { runId } = await engine.startRun(month, null)
		await waitFor(async () => ((await runRow(runId)).chunksDone >= 3 ? true : null), { timeoutMs: 60_000, what: 'three chunks' })
		await redis.kill9()
		await sleep(1500)
		const during = await runRow(runId)
		expect(during.status).toBe('computing')
		// Restarted empty (no persistence): the queued chunk jobs are gone; the reconciler re-queues them.
		redis = await startPrivateRedis(REDIS_PORT)
		const run = await waitComputed(runId, 120_000)
		expect(run.chunksDone).toBe(run.chunkCount)
		expect({ count: run.paymentCount, totalFen: Number(run.totalFen) }).toEqual(floor)
		expect(await monthPayments(month)).toEqual({ n: floor.count, elders: floor.count, total: floor.totalFen })
	}, 180_000)

	it('starts the month from the scheduler’s job (no officer): the run belongs to the scheduler and pays exactly', async () => {
		const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
		const floor = await floorTotals(db, month)
		await spawnWorker()
		// What the job scheduler adds at 02:00 on the 1st (its template: name 'monthly', no payload).
		await queues.allowanceQueue().add('monthly', {}, { jobId: `monthly_test_${Date.now()}` })
		const run = await waitFor(async () => (await db.query<RunRow & { startedById: string | null }>(`SELECT id, status, "startedById", "paymentCount", "totalFen" FROM allowance_run WHERE month = $1 AND status = 'awaiting_approval'`, [month])).rows[0], {
			timeoutMs: 60_000,
			what: 'the scheduled run',
		})
		expect(run.startedById).toBeNull()
		expect({ count: run.paymentCount, totalFen: Number(run.totalFen) }).toEqual(floor)
		const scheduler = await queues.allowanceQueue().getJobScheduler(queues.MONTHLY_SCHEDULER_ID)
		expect(scheduler).toMatchObject({ pattern: '0 2 1 * *', tz: 'Asia/Shanghai' })
	}, 120_000)
})
