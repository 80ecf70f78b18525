// `npm run bench -- soak`: mixed browsing by several roles at once (a family, a city officer, a
// district officer, provider staff), 8 connections for BENCH_SOAK_SECONDS (default 600), against
// the production build (build/node/server.js) and a worker process (build/node/worker.js). Reports
// requests, errors, p50/p99 and the RSS of the web and worker processes sampled over time.
// Goal: web RSS < 300 MB throughout, no growth over the last half, no errors.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { HttpClient } from '../tests/setup/http.ts'
import { benchDatabase, BENCH_DB_PREFIX, percentile, prepare, report, startServer } from './lib.ts'

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600)
const SAMPLE_MS = Number(process.env.BENCH_SOAK_SAMPLE_MS ?? 5000)
const PORT = Number(process.env.BENCH_PORT ?? 3241)
const PASSWORD = 'Yiyang2026!'

const SEARCH_TERMS = ['助浴', '助餐', '上门护理', '康复训练', '居家养老', '保洁', '理发', '陪诊', '夕阳红', '福康']
const DISTRICTS = ['dongbao', 'duodao', 'jingshan', 'shayang', 'zhongxiang', 'qujialing']
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!

/** Each role's pages; a function gives a varied page (queries differ as real people's do). */
const ROLES: { name: string; phone: string; connections: number; pages: (string | (() => string))[] }[] = [
	{
		name: 'family',
		phone: '13800000001',
		connections: 3,
		pages: [
			'/',
			'/elders',
			'/bookings',
			'/allowance',
			'/subsidies',
			'/notifications',
			() => `/services?q=${encodeURIComponent(pick(SEARCH_TERMS))}&district=${pick(DISTRICTS)}`,
			() => `/services?district=${pick(DISTRICTS)}&sort=${pick(['price_asc', 'rating', 'grade'])}&page=${1 + Math.floor(Math.random() * 3)}`,
		],
	},
	{
		name: 'city officer',
		phone: '13800000041',
		connections: 3,
		pages: ['/bureau/beds', () => `/bureau/beds?district=${pick(DISTRICTS)}&year=${2015 + Math.floor(Math.random() * 11)}`, '/bureau/allowance', '/bureau/providers', '/bureau/population', '/bureau/visits', '/subsidies/reports', '/bureau/audit'],
	},
	{ name: 'district officer', phone: '13800000031', connections: 1, pages: ['/bureau/beds?district=dongbao', '/subsidies/approvals', '/bureau/providers', '/'] },
	{ name: 'provider staff', phone: '13800000011', connections: 1, pages: ['/provider', '/bookings', '/'] },
]

function rssMb(pid: number): number {
	try {
		const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
		return Math.round(kb / 1024)
	} catch {
		return 0
	}
}

const path = (p: string | (() => string)) => (typeof p === 'function' ? p() : p)

export default async function soakBench() {
	await prepare()
	const url = await benchDatabase('demo')
	const queuePrefix = `${BENCH_DB_PREFIX}_soak_${Date.now()}`
	const server = await startServer(url, PORT, { QUEUE_PREFIX: queuePrefix })
	const worker = spawn(process.execPath, ['build/node/worker.js'], { env: { ...process.env, NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true', DATABASE_URL: url, QUEUE_PREFIX: queuePrefix }, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
	const samples: { s: number; webMb: number; workerMb: number }[] = []
	try {
		// Sign each role in and check every page answers 200 before the clock starts.
		const cookies: string[] = []
		for (const role of ROLES) {
			const client = new HttpClient(server.url, url)
			await client.login(role.phone, PASSWORD)
			const cookie = client.cookieHeader()
			cookies.push(cookie)
			for (const p of role.pages) {
				const target = path(p)
				const res = await fetch(server.url + target, { headers: { cookie }, redirect: 'manual' })
				await res.arrayBuffer()
				if (res.status !== 200) throw new Error(`${role.name}: ${target} answered ${res.status}`)
			}
		}
		const t0 = Date.now()
		const sample = () => samples.push({ s: Math.round((Date.now() - t0) / 1000), webMb: rssMb(server.child.pid!), workerMb: rssMb(worker.pid!) })
		sample()
		const timer = setInterval(sample, SAMPLE_MS)
		const times: number[] = []
		const perRole: Record<string, { requests: number; errors: number; non2xx: number }> = {}
		const runs = ROLES.map((role, i) => {
			const instance = autocannon({
				url: server.url,
				connections: role.connections,
				duration: SECONDS,
				requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(pick(role.pages)), headers: { ...req.headers, cookie: cookies[i]! } }) }],
			}) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>
			instance.on('response', (_c: unknown, _s: number, _b: number, ms: number) => times.push(ms))
			return instance.then((r) => (perRole[role.name] = { requests: r.requests.total, errors: r.errors + r.timeouts, non2xx: r.non2xx }))
		})
		await Promise.all(runs)
		clearInterval(timer)
		sample()
		const requests = Object.values(perRole).reduce((a, r) => a + r.requests, 0)
		const errors = Object.values(perRole).reduce((a, r) => a + r.errors + r.non2xx, 0)
		const web = samples.map((x) => x.webMb)
		const secondHalf = samples.filter((x) => x.s >= SECONDS / 2)
		// Growth over the last half: the mean of its last quarter minus the mean of its first quarter.
		const q = Math.max(1, Math.floor(secondHalf.length / 4))
		const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length))
		const growth = avg(secondHalf.slice(-q).map((x) => x.webMb)) - avg(secondHalf.slice(0, q).map((x) => x.webMb))
		report('soak', {
			parameters: { seconds: SECONDS, connections: ROLES.reduce((a, r) => a + r.connections, 0), roles: ROLES.map((r) => `${r.name} (${r.connections})`), database: 'demo seed', build: 'production (build/node/server.js, build/node/worker.js)', sampleEveryMs: SAMPLE_MS },
			floor: { goal: 'web RSS < 300 MB throughout, no growth over the last half, no errors' },
			result: { requests, requestsPerSecond: Math.round(requests / SECONDS), errors, p50: percentile(times, 50), p99: percentile(times, 99), webRssMb: { start: web[0], max: Math.max(...web), end: web.at(-1) }, webRssGrowthLastHalfMb: growth, workerRssMb: { start: samples[0]!.workerMb, max: Math.max(...samples.map((x) => x.workerMb)), end: samples.at(-1)!.workerMb }, perRole },
			ratios: { 'web RSS max / 300 MB': Math.round((Math.max(...web) / 300) * 1000) / 1000 },
			notes: [`RSS samples (s: web/worker MB): ${samples.map((x) => `${x.s}:${x.webMb}/${x.workerMb}`).join(' ')}`],
		})
	} finally {
		try {
			process.kill(-worker.pid!, 'SIGTERM')
		} catch {
			// already gone
		}
		await server.stop()
	}
}
