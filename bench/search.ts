// Search requests per second and p95 at 32 connections over 500 providers and 5,000 offerings
// (plus the demo seed), against the bare Remix route /floor measured in the same server and run.
import { load, prepare, ratio, report, startServer } from './lib.ts'
import { addFamilies, addProviders, marketDatabase } from './market/setup.ts'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const PORT = Number(process.env.BENCH_PORT ?? 3212)

// A mix a family would type: Chinese text, filters, sorts, pages.
const QUERIES = [
	'q=%E5%8A%A9%E6%B5%B4&district=dongbao', // 助浴
	'district=zhongxiang&category=cleaning&sort=price_asc',
	'q=%E4%B8%8A%E9%97%A8%E6%8A%A4%E7%90%86&minGrade=3', // 上门护理
	'district=duodao&maxPrice=100&sort=rating',
	'q=%E5%BA%B7%E5%A4%8D%E8%AE%AD%E7%BB%83&district=jingshan&page=2', // 康复训练
	'category=meals&district=shayang&minRating=4',
	'q=%E5%B1%85%E5%AE%B6%E5%85%BB%E8%80%81&sort=grade', // 居家养老
	'district=dongbao&date=__DATE__',
]

export default async function searchBench() {
	await prepare()
	const url = await marketDatabase()
	await addProviders(url, 500, 10)
	const [family] = await addFamilies(url, 1)
	const date = new Date(Date.now() + 8 * 3_600_000 + 2 * 86_400_000).toISOString().slice(0, 10)
	const server = await startServer(url, PORT)
	try {
		const headers = { cookie: family!.cookie }
		const requests = QUERIES.map((q) => ({ method: 'GET' as const, path: `/services?${q.replace('__DATE__', date)}`, headers }))
		// Sanity: every query answers 200 with results.
		for (const r of requests) {
			const res = await fetch(server.url + r.path, { headers })
			if (res.status !== 200) throw new Error(`${r.path} answered ${res.status}`)
		}
		const floor = await load({ url: `${server.url}/floor`, connections: CONNECTIONS, duration: SECONDS })
		const search = await load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, requests })
		report('search', {
			parameters: { connections: CONNECTIONS, durationSeconds: SECONDS, providers: '500 + 36 demo', offerings: '5,000 + 125 demo', queries: requests.map((r) => r.path), build: 'production', loadGenerator: 'autocannon, same machine' },
			floor: { route: '/floor', ...floor },
			result: { route: '/services (8 query mix)', ...search },
			ratios: {
				'rps search / floor': ratio(search.requestsPerSecond, floor.requestsPerSecond),
				'p95 search / floor': ratio(search.p95, floor.p95),
				'p50 search / floor': ratio(search.p50, floor.p50),
			},
			notes: [`target p95 < 50 ms: ${search.p95} ms`],
		})
	} finally {
		await server.stop()
	}
}
