// The bureau's bed dashboards at city scale (515,700 elders, 80 institutions, 15,472 beds): requests
// per second and latency of the city and a district dashboard, at 16 connections, against the bare
// Remix route /floor measured in the same server and run.
//
// Database: <BENCH_DB_PREFIX>_beds, a copy of <BENCH_DB_PREFIX>_city (which predates the beds
// tables) with the beds migration applied and the bed seed run on it (`prisma/seed.ts --only beds`).
import { spawnSync } from 'node:child_process'
import pg from 'pg'
import { HttpClient } from '../tests/setup/http.ts'
import { benchDatabase, benchDbName, copyOfTemplate, load, prepare, ratio, report, startServer } from './lib.ts'

const NAME = benchDbName('beds')

async function bedsDatabase(): Promise<{ url: string; beds: string; per1000: string }> {
	await benchDatabase('city')
	const url = await copyOfTemplate(benchDbName('city'), NAME)
	const c = new pg.Client({ connectionString: url })
	await c.connect()
	const beds = (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM bed')).rows[0]!.n
	if (beds === 0) {
		const seed = spawnSync('npx', ['tsx', 'prisma/seed.ts', '--scale', 'city', '--only', 'beds'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' })
		if (seed.status !== 0) throw new Error('seeding beds failed')
		await c.query('ANALYZE')
	}
	// What the indicators count: beds in service at approved institutions.
	const check = (
		await c.query<{ beds: number; counted: number; pop: number }>(
			`SELECT (SELECT count(*)::int FROM bed) AS beds,
			        (SELECT count(*)::int FROM bed b JOIN provider p ON p.id = b."providerId" AND p.status = 'approved' WHERE b.status <> 'out_of_service') AS counted,
			        (SELECT sum("aged60Plus")::int FROM population_stat WHERE year = 2015) AS pop`,
		)
	).rows[0]!
	await c.end()
	const per1000 = ((check.counted * 1000) / check.pop).toFixed(1)
	console.log(`${NAME}: ${check.beds.toLocaleString('en')} beds, ${check.counted.toLocaleString('en')} in service at approved institutions; 2015 population ${check.pop.toLocaleString('en')}: ${per1000} per 1,000`)
	return { url, beds: check.counted.toLocaleString('en'), per1000 }
}

export default async function dashboardBench() {
	const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
	const duration = Number(process.env.BENCH_SECONDS ?? 10)
	await prepare()
	const { url, beds: expectedBeds, per1000: expectedPer1000 } = await bedsDatabase()
	const server = await startServer(url, Number(process.env.BENCH_PORT ?? 3231), { DATABASE_POOL_SIZE: '16' })
	try {
		const officer = new HttpClient(server.url, url)
		await officer.login('13800000041', 'Yiyang2026!')
		const cookie = officer.cookieHeader()
		const page = await (await officer.get('/bureau/beds?year=2015')).text()
		const per1000 = /data-testid="city-per1000"[^>]*>([^<]*)</.exec(page)?.[1]
		const beds = /data-testid="city-beds"[^>]*>([^<]*)</.exec(page)?.[1]
		if (per1000 !== expectedPer1000 || beds !== expectedBeds) throw new Error(`the 2015 city dashboard shows ${beds} beds, ${per1000} per 1,000 (expected ${expectedBeds} and ${expectedPer1000})`)
		const headers = { cookie }
		const floor = await load({ url: `${server.url}/floor`, connections, duration })
		const city = await load({ url: `${server.url}/bureau/beds`, connections, duration, headers })
		const district = await load({ url: `${server.url}/bureau/beds?district=zhongxiang&year=2015`, connections, duration, headers })
		for (const [name, r] of [['city', city], ['district', district]] as const) {
			if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`)
		}
		report('dashboard', {
			parameters: { connections, durationSeconds: duration, database: `${NAME} (515,700 elders, 80 institutions, 15,472 beds of which ${expectedBeds} counted)`, build: 'production', user: 'city bureau officer (13800000041)', loadGenerator: 'autocannon, same machine' },
			floor: { route: '/floor', ...floor },
			result: { city: { route: '/bureau/beds', ...city }, district: { route: '/bureau/beds?district=zhongxiang&year=2015', ...district } },
			ratios: {
				'rps city / floor': ratio(city.requestsPerSecond, floor.requestsPerSecond),
				'p95 city / floor': ratio(city.p95, floor.p95),
				'rps district / floor': ratio(district.requestsPerSecond, floor.requestsPerSecond),
				'p95 district / floor': ratio(district.p95, floor.p95),
			},
			notes: [`2015 city dashboard checked: ${beds} beds, ${per1000} beds per 1,000 elders`],
		})
	} finally {
		await server.stop()
	}
}
