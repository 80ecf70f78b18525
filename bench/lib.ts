// Shared benchmark plumbing: a seeded database per scale, the production server in its own
// process, autocannon load, and results written to bench/results/<name>.json.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import autocannon from 'autocannon'
import pg from 'pg'
import { databaseUrlWithName, migrate } from '../scripts/lib/database.ts'
import { spawnNode } from '../scripts/lib/node-process.ts'
import { ensureServices } from '../scripts/services.ts'

export const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'

/** A database seeded at the given scale, kept between runs (seeding a city takes minutes). */
export async function benchDatabase(scale: 'demo' | 'city'): Promise<string> {
	const name = `yiyang_bench_${scale}`
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
	if (!existsSync('build/index.js') || process.env.BENCH_BUILD !== 'false') {
		const build = spawnSync('npx', ['remix', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
		if (build.status !== 0) throw new Error('build failed')
	}
}

/** Starts the production web server in its own process and waits until it answers. */
export async function startServer(databaseUrl: string, port = 3200, extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
	const child = spawnNode('server.ts', [], {
		env: { ...process.env, NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true', DATABASE_URL: databaseUrl, PORT: String(port), QUEUE_PREFIX: 'yiyang_bench', BENCH_FLOOR: 'true', ...extraEnv },
		stdio: ['ignore', 'ignore', 'inherit'],
		// Its own process group, so stop() reaches the node process behind npx and tsx too.
		detached: true,
	})
	const url = `http://127.0.0.1:${port}`
	for (let i = 0; i < 120; i++) {
		const ok = await fetch(`${url}/floor`).then((r) => r.ok).catch(() => false)
		if (ok) break
		await new Promise((r) => setTimeout(r, 250))
	}
	return {
		url,
		child,
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', () => resolve())
				try {
					process.kill(-child.pid!, 'SIGTERM')
				} catch {
					child.kill('SIGTERM')
				}
			}),
	}
}

export type LoadResult = { requestsPerSecond: number; p50: number; p95: number; p99: number; mean: number; errors: number; non2xx: number; requests: number }

/** Runs autocannon against one URL: a short warm-up, then the measured run. */
export async function load(opts: autocannon.Options & { warmupSeconds?: number }): Promise<LoadResult> {
	const { warmupSeconds = 2, ...rest } = opts
	if (warmupSeconds > 0) await autocannon({ ...rest, duration: warmupSeconds })
	// autocannon's histogram has no p95; keep every response time and take exact percentiles.
	const times: number[] = []
	// Without a callback autocannon returns its instance, an event emitter that is also a promise.
	const instance = autocannon(rest) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>
	instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime))
	const r = await instance
	return {
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
		machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
		...data,
	}
	writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(out, null, 2)}\n`)
	console.log(`\n== ${name} ==`)
	console.log('parameters:', JSON.stringify(data.parameters))
	console.table({ floor: data.floor, result: data.result } as Record<string, unknown>)
	console.table(data.ratios)
	for (const note of data.notes ?? []) console.log(`note: ${note}`)
	console.log(`written bench/results/${name}.json`)
}
