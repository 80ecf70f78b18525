// `npm run bench -- http`: the app's own bare route /floor and its home page against an honest
// floor measured in the same run: a bare Remix app (bench/bare-remix: one route, no root loader,
// session, translations, security headers or layout) built by the same `remix build` with the same
// Remix, React and express from node_modules and served by the same kind of express server. Both
// with one web process and with two (WEB_CONCURRENCY=2, Node's cluster module), same concurrency.
import { spawn, spawnSync } from 'node:child_process'
import { benchDatabase, load, loadAverage, prepare, ratio, report, startServer, type LoadResult } from './lib.ts'

const BARE_DIR = 'bench/bare-remix'
/** The bare app on BENCH_PORT, the app on the next port (two people benchmarking pick different ones). */
const BARE_PORT = Number(process.env.BENCH_PORT ?? 3290)

function buildBare() {
	const r = spawnSync('npx', ['remix', 'build'], { cwd: BARE_DIR, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
	if (r.status !== 0) throw new Error('building bench/bare-remix failed')
}

async function startBare(port: number, processes: number) {
	const child = spawn(process.execPath, [`${BARE_DIR}/server.js`], { env: { ...process.env, NODE_ENV: 'production', PORT: String(port), WEB_CONCURRENCY: String(processes) }, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
	const url = `http://127.0.0.1:${port}`
	for (let i = 0; i < 360; i++) {
		if (await fetch(url).then((r) => r.ok).catch(() => false)) break
		await new Promise((r) => setTimeout(r, 250))
	}
	return {
		url,
		pid: child.pid!,
		stop: () =>
			new Promise<void>((resolve) => {
				child.once('exit', () => resolve())
				process.kill(-child.pid!, 'SIGTERM')
			}),
	}
}

const mean = (rs: LoadResult[], key: keyof LoadResult) => Math.round((rs.reduce((a, r) => a + (r[key] ?? 0), 0) / rs.length) * 10) / 10
/** Two alternating rounds averaged: the machine is shared and drifts. */
function combine(rs: LoadResult[]): LoadResult {
	return { cpuMsPerRequest: mean(rs, 'cpuMsPerRequest' as keyof LoadResult), requestsPerSecond: Math.round(mean(rs, 'requestsPerSecond')), p50: mean(rs, 'p50'), p95: mean(rs, 'p95'), p99: mean(rs, 'p99'), mean: mean(rs, 'mean'), errors: rs.reduce((a, r) => a + r.errors, 0), non2xx: rs.reduce((a, r) => a + r.non2xx, 0), requests: rs.reduce((a, r) => a + r.requests, 0) }
}

export default async function httpBench() {
	const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
	const duration = Number(process.env.BENCH_SECONDS ?? 10)
	const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
	const processCounts = (process.env.BENCH_WEB_PROCESSES ?? '1,2').split(',').map(Number)
	await prepare()
	buildBare()
	const url = await benchDatabase('demo')
	const results: Record<string, { bare: LoadResult; floor: LoadResult; home: LoadResult }> = {}
	for (const processes of processCounts) {
		const bare = await startBare(BARE_PORT, processes)
		const app = await startServer(url, BARE_PORT + 1, { WEB_CONCURRENCY: String(processes) })
		try {
			const runs = { bare: [] as LoadResult[], floor: [] as LoadResult[], home: [] as LoadResult[] }
			for (let i = 0; i < rounds; i++) {
				runs.bare.push(await load({ url: `${bare.url}/`, connections, duration, cpuOfGroup: bare.pid, warmupSeconds: i === 0 ? 5 : 2 }))
				runs.floor.push(await load({ url: `${app.url}/floor`, connections, duration, cpuOfGroup: app.child.pid, warmupSeconds: i === 0 ? 5 : 2 }))
				runs.home.push(await load({ url: `${app.url}/`, connections, duration, cpuOfGroup: app.child.pid }))
				console.log(`[${processes} process(es)] round ${i + 1}: bare ${runs.bare.at(-1)!.requestsPerSecond}/s (${runs.bare.at(-1)!.cpuMsPerRequest} ms CPU each), /floor ${runs.floor.at(-1)!.requestsPerSecond}/s (${runs.floor.at(-1)!.cpuMsPerRequest} ms), / ${runs.home.at(-1)!.requestsPerSecond}/s (${runs.home.at(-1)!.cpuMsPerRequest} ms); load ${loadAverage()[0]}`)
			}
			results[processes] = { bare: combine(runs.bare), floor: combine(runs.floor), home: combine(runs.home) }
			for (const [name, r] of Object.entries(results[processes]!)) if (r.errors || r.non2xx) throw new Error(`${name} with ${processes} process(es): ${r.errors} errors, ${r.non2xx} non-2xx`)
		} finally {
			await app.stop()
			await bare.stop()
		}
	}
	const ratios: Record<string, number> = {}
	for (const [n, r] of Object.entries(results)) {
		ratios[`${n} proc: rps /floor / bare`] = ratio(r.floor.requestsPerSecond, r.bare.requestsPerSecond)
		ratios[`${n} proc: rps home / bare`] = ratio(r.home.requestsPerSecond, r.bare.requestsPerSecond)
		ratios[`${n} proc: rps home / floor`] = ratio(r.home.requestsPerSecond, r.floor.requestsPerSecond)
		ratios[`${n} proc: p99 /floor / bare`] = ratio(r.floor.p99, r.bare.p99)
		// The same comparison by CPU time per request (bare / app: what requests/s would be on an idle machine).
		ratios[`${n} proc: CPU/request bare / /floor`] = ratio(r.bare.cpuMsPerRequest!, r.floor.cpuMsPerRequest!)
		ratios[`${n} proc: CPU/request bare / home`] = ratio(r.bare.cpuMsPerRequest!, r.home.cpuMsPerRequest!)
	}
	if (results[1] && results[2]) ratios['rps /floor 2 proc / 1 proc'] = ratio(results[2].floor.requestsPerSecond, results[1].floor.requestsPerSecond)
	report('http', {
		parameters: { connections, durationSeconds: duration, rounds, webProcesses: processCounts, build: 'production (remix build + build/node/server.js)', server: 'express + @remix-run/express, WEB_CONCURRENCY processes (cluster)', database: 'demo seed', loadGenerator: 'autocannon, same machine', floor: 'bench/bare-remix: one route, same Remix/React/express, same build' },
		floor: Object.fromEntries(Object.entries(results).map(([n, r]) => [`${n} proc: bare Remix /`, r.bare])),
		result: Object.fromEntries(Object.entries(results).flatMap(([n, r]) => [[`${n} proc: app /floor`, r.floor], [`${n} proc: app / (home)`, r.home]])),
		ratios,
		notes: ['goal: app /floor ≥ 0.67 of the bare app at the same concurrency and process count'],
	})
}
