// Requests per second and latency of the home page against a bare Remix route (the floor),
// same server, same run, same concurrency.
import { benchDatabase, load, prepare, ratio, report, startServer } from './lib.ts'

export default async function httpBench() {
	const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
	const duration = Number(process.env.BENCH_SECONDS ?? 10)
	await prepare()
	const server = await startServer(await benchDatabase('demo'))
	try {
		const floor = await load({ url: `${server.url}/floor`, connections, duration })
		const home = await load({ url: `${server.url}/`, connections, duration })
		report('http', {
			parameters: { connections, durationSeconds: duration, build: 'production', server: 'express + @remix-run/express', loadGenerator: 'autocannon, same machine' },
			floor: { route: '/floor', ...floor },
			result: { route: '/', ...home },
			ratios: {
				'rps home / floor': ratio(home.requestsPerSecond, floor.requestsPerSecond),
				'p50 home / floor': ratio(home.p50, floor.p50),
				'p99 home / floor': ratio(home.p99, floor.p99),
			},
		})
	} finally {
		await server.stop()
	}
}
