// Shared benchmark plumbing: a seeded database per scale, the production server in its own
// process, autocannon load, and results written to bench/results/<name>.json.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import autocannon from 'autocannon'
import pg from 'pg'
import { databaseUrlWithName, migrate } from '../scripts/lib/database.ts'
import { ensureServices } from '../scripts/services.ts'

export const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'

/**
 * Every bench database is named `<BENCH_DB_PREFIX>_<what>` (default prefix `yiyang_bench`): two
 * people benchmarking on one PostgreSQL give themselves different prefixes and never share, drop
 * or copy each other's databases. `npm run bench -- --fresh ...` drops this prefix's databases
 * first, as on a fresh machine.
 */
export const BENCH_DB_PREFIX = process.env.BENCH_DB_PREFIX ?? 'yiyang_bench'
if (!/^[a-z0-9_]+$/.test(BENCH_DB_PREFIX)) throw new Error(`unsafe BENCH_DB_PREFIX: ${BENCH_DB_PREFIX}`)
export function benchDbName(what: string) {
	return `${BENCH_DB_PREFIX}_${what}`
}

/**
 * Points the app's environment in this process at a benchmark's own database (and queue prefix),
 * and checks the app reads them: getEnv() caches the environment on first use, and queues, pools
 * and Redis clients are per-process singletons. If anything touched the app earlier in this process
 * it would keep the earlier values (a month queued under another prefix is never run): fail loudly.
 * bench/run.ts runs each benchmark in its own process for this reason.
 */
export async function useAppEnvironment(env: { DATABASE_URL: string; QUEUE_PREFIX?: string }) {
	Object.assign(process.env, env)
	const { getEnv } = await import('../app/lib/env.server.ts')
	const app = getEnv()
	if (app.DATABASE_URL !== env.DATABASE_URL || (env.QUEUE_PREFIX && app.QUEUE_PREFIX !== env.QUEUE_PREFIX))
		throw new Error(`the app's environment was read earlier in this process (DATABASE_URL ${app.DATABASE_URL}, QUEUE_PREFIX ${app.QUEUE_PREFIX}): run this benchmark in its own process (npm run bench -- <name>)`)
}

/** The load average (1, 5, 15 min) now: each result states it at the start of its benchmark. */
export function loadAverage(): number[] {
	try {
		return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
	} catch {
		return os.loadavg().map((x) => Math.round(x * 100) / 100)
	}
}
let loadAtStart = loadAverage()
/** Called by bench/run.ts before each benchmark. */
export function markBenchStart() {
	loadAtStart = loadAverage()
}

export function machine() {
	return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version, loadAverageAtStart: loadAtStart }
}

async function databaseExists(name: string) {
	const admin = new pg.Client({ connectionString: databaseUrlWithName(BASE_DATABASE_URL, 'postgres') })
	await admin.connect()
	try {
		return Boolean((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount)
	} finally {
		await admin.end()
	}
}

/**
 * name as a copy of the template database, made once and kept. A template cannot be copied while
 * anyone is connected to it (another benchmark copying it too): retry for a while.
 */
export async function copyOfTemplate(template: string, name: string): Promise<string> {
	if (!(await databaseExists(name))) {
		const admin = new pg.Client({ connectionString: databaseUrlWithName(BASE_DATABASE_URL, 'postgres') })
		await admin.connect()
		try {
			for (let attempt = 1; ; attempt++) {
				try {
					await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`)
					break
				} catch (error) {
					if (attempt >= 90 || (error as { code?: string }).code !== '55006') throw error
					if (attempt === 1) console.log(`${template} is in use; retrying the copy every 2 s`)
					await new Promise((r) => setTimeout(r, 2000))
				}
			}
		} finally {
			await admin.end()
		}
	}
	const url = databaseUrlWithName(BASE_DATABASE_URL, name)
	migrate(url)
	return url
}

/** A database seeded at the given scale, kept between runs (seeding a city takes minutes). */
export async function benchDatabase(scale: 'demo' | 'city'): Promise<string> {
	const name = benchDbName(scale)
	const admin = new pg.Client({ connectionString: databaseUrlWithName(BASE_DATABASE_URL, 'postgres') })
	await admin.connect()
	const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount
	if (!exists) await admin.query(`CREATE DATABASE "${name}"`)
	await admin.end()
	const url = databaseUrlWithName(BASE_DATABASE_URL, name)
	migrate(url)
	const t0 = Date.now()
	const seed = spawnSync('npx', ['tsx', 'prisma/seed.ts', '--scale', scale, '--if-empty'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' })
	if (seed.status !== 0) throw new Error('seeding the bench database failed')
	if (Date.now() - t0 > 5000) console.log(`seeded ${name} in ${Math.round((Date.now() - t0) / 1000)} s`)
	return url
}

export async function prepare() {
	await ensureServices({ quiet: true })
	if (!existsSync('build/node/server.js') || process.env.BENCH_BUILD !== 'false') {
		// The production build: Remix's bundle plus the compiled server and worker (build/node/).
		const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
		if (build.status !== 0) throw new Error('build failed')
	}
}

/**
 * Starts the production web server (the compiled build/node/server.js, as `npm run start:web`) in
 * its own process and waits until it answers. extraEnv.WEB_CONCURRENCY runs several processes.
 */
export async function startServer(databaseUrl: string, port = 3200, extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
	// As `npm run start:web` runs it: compiled, with its heap capped.
	const child = spawn(process.execPath, ['--max-old-space-size=160', ...(process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []), 'build/node/server.js'], {
		env: { ...process.env, NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true', DATABASE_URL: databaseUrl, PORT: String(port), QUEUE_PREFIX: 'yiyang_bench', BENCH_FLOOR: 'true', ...extraEnv },
		stdio: ['ignore', 'ignore', 'inherit'],
		// Its own process group, so stop() reaches every web process of a cluster too.
		detached: true,
	})
	const url = `http://127.0.0.1:${port}`
	for (let i = 0; i < 360; i++) {
		const ok = await fetch(`${url}/floor`).then((r) => r.ok).catch(() => false)
		if (ok) break
		await new Promise((r) => setTimeout(r, 250))
	}
	return {
		url,
		child,
		stop: () =>
			new Promise((resolve) => {
				// A server that has already exited (killed from outside) emits no second 'exit'.
				if (child.exitCode !== null || child.signalCode !== null) return resolve()
				child.once('exit', () => resolve())
				try {
					process.kill(-child.pid!, 'SIGTERM')
				} catch {
					child.kill('SIGTERM')
				}
			}),
	}
}

export type LoadResult = { requestsPerSecond: number; p50: number; p95: number; p99: number; mean: number; errors: number; non2xx: number; requests: number; cpuMsPerRequest?: number }

/**
 * CPU time (user + system, ms) used so far by every process of a process group (a server started
 * detached: its cluster workers are in its group). On a shared machine requests/s depends on what
 * else runs; the server's own CPU time per request does much less, so results state both.
 */
export function groupCpuMs(pgid: number): number {
	let ticks = 0
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
			// fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
			if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12])
		} catch {
			// gone
		}
	}
	return ticks * 10
}

/** Runs autocannon against one URL: a short warm-up, then the measured run. */
export async function load(opts: autocannon.Options & { warmupSeconds?: number; cpuOfGroup?: number }): Promise<LoadResult> {
	const { warmupSeconds = 2, cpuOfGroup, ...rest } = opts
	if (warmupSeconds > 0) await autocannon({ ...rest, duration: warmupSeconds })
	const cpu0 = cpuOfGroup ? groupCpuMs(cpuOfGroup) : 0
	// autocannon's histogram has no p95; keep every response time and take exact percentiles.
	const times: number[] = []
	// Without a callback autocannon returns its instance, an event emitter that is also a promise.
	const instance = autocannon(rest) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>
	instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime))
	const r = await instance
	const cpu = cpuOfGroup ? { cpuMsPerRequest: Math.round(((groupCpuMs(cpuOfGroup) - cpu0) / Math.max(1, r.requests.total)) * 100) / 100 } : {}
	return {
		...cpu,
		requestsPerSecond: Math.round(r.requests.average),
		p50: percentile(times, 50),
		p95: percentile(times, 95),
		p99: percentile(times, 99),
		mean: Math.round(r.latency.mean * 10) / 10,
		errors: r.errors + r.timeouts,
		non2xx: r.non2xx,
		requests: r.requests.total,
	}
}

/** Nearest-rank percentile in milliseconds, one decimal. */
export function percentile(values: number[], p: number) {
	if (!values.length) return 0
	const sorted = [...values].sort((a, b) => a - b)
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
	return Math.round(sorted[rank]! * 10) / 10
}

export function ratio(value: number, floor: number) {
	return Math.round((value / floor) * 1000) / 1000
}

/** Prints a table and writes bench/results/<name>.json with parameters, floor, result and ratios. */
export function report(name: string, data: { parameters: Record<string, unknown>; floor: unknown; result: unknown; ratios: Record<string, number>; notes?: string[] }) {
	mkdirSync('bench/results', { recursive: true })
	const out = {
		name,
		at: new Date().toISOString(),
		machine: machine(),
		...data,
	}
	writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(out, null, 2)}\n`)
	console.log(`\n== ${name} ==`)
	console.log('machine:', JSON.stringify(out.machine))
	console.log('parameters:', JSON.stringify(data.parameters))
	// Load results (possibly keyed by case) as one row each; anything else as it comes.
	const rows: Record<string, unknown> = {}
	for (const [side, value] of [['floor', data.floor], ['result', data.result]] as const) {
		const v = value as Record<string, unknown>
		if (v && typeof v === 'object' && !('requestsPerSecond' in v) && Object.values(v).every((x) => x && typeof x === 'object' && 'requestsPerSecond' in (x as object))) {
			for (const [k, x] of Object.entries(v)) rows[`${side}: ${k}`] = x
		} else rows[side] = value
	}
	console.table(rows)
	console.table(data.ratios)
	for (const note of data.notes ?? []) console.log(`note: ${note}`)
	console.log(`written bench/results/${name}.json`)
}

/** Every database the benchmarks make, by suffix (`--fresh` drops exactly these for the prefix). */
export const BENCH_DATABASES = ['demo', 'city', 'beds', 'market', 'allowance_city', 'allowance_1m', 'subsidy', 'disbursement_1m', 'operating', 'registry_import', 'registry_import_floor'] as const

export async function dropBenchDatabases() {
	const admin = new pg.Client({ connectionString: databaseUrlWithName(BASE_DATABASE_URL, 'postgres') })
	await admin.connect()
	try {
		for (const what of BENCH_DATABASES) await admin.query(`DROP DATABASE IF EXISTS "${benchDbName(what)}" WITH (FORCE)`)
	} finally {
		await admin.end()
	}
	console.log(`dropped the ${BENCH_DB_PREFIX}_* bench databases (${BENCH_DATABASES.join(', ')})`)
}
