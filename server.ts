// Production and development HTTP server: express with Remix's request handler, security headers,
// static assets and the operations dashboard. Stateless: sessions and queues live in PostgreSQL/Redis,
// so several processes can serve one port: WEB_CONCURRENCY=n (default 1) forks n of them with Node's
// cluster module (the primary only hands out connections). Production runs the bundle `npm run build`
// makes (build/node/server.js), not this file through tsx.
import cluster from 'node:cluster'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import express from 'express'
import helmet from 'helmet'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy } from './app/lib/csp.server.ts'
import { getEnv } from './app/lib/env.server.ts'
import { mountBullBoard } from './app/modules/operations/bull-board.server.ts'

const env = getEnv()
// Relative to the working directory (the project root), so the bundled server finds it too.
const buildPath = pathToFileURL(path.resolve('build/index.js')).href

async function loadBuild(): Promise<ServerBuild> {
	return (await import(`${buildPath}?t=${env.NODE_ENV === 'development' ? Date.now() : 0}`)) as ServerBuild
}

export async function createApp() {
	const app = express()
	app.disable('x-powered-by')
	app.set('trust proxy', 'loopback')
	app.use(
		helmet({
			contentSecurityPolicy: {
				directives: contentSecurityPolicy(env),
			},
			crossOriginEmbedderPolicy: false,
			strictTransportSecurity: env.COOKIE_SECURE === 'true',
		}),
	)
	app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
	app.use(express.static('public', { maxAge: '1h' }))
	mountBullBoard(app)
	const build = await loadBuild()
	app.all('*', createRequestHandler({ build: env.NODE_ENV === 'development' ? loadBuild : build, mode: env.NODE_ENV }))
	return app
}

function listen() {
	return createApp().then((app) => {
		const server = app.listen(env.PORT, () => console.log(`Yiyang web ${process.pid} listening on http://127.0.0.1:${env.PORT}`))
		const shutdown = () => server.close(() => process.exit(0))
		process.on('SIGTERM', shutdown)
		process.on('SIGINT', shutdown)
	})
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || /(^|\/)(server\.ts|build\/node\/server\.js)$/.test(process.argv[1] ?? '')
if (isEntry) {
	const processes = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1) || 1)
	if (cluster.isPrimary && processes > 1 && env.NODE_ENV !== 'development') {
		console.log(`Yiyang web: ${processes} processes on port ${env.PORT}`)
		const startedAt = new Map<number, number>()
		const fork = () => startedAt.set(cluster.fork().id, Date.now())
		for (let i = 0; i < processes; i++) fork()
		let stopping = false
		cluster.on('exit', (worker, code, signal) => {
			if (stopping) return
			// One that dies while starting would die again: stop instead of looping.
			if (Date.now() - (startedAt.get(worker.id) ?? 0) < 10_000) {
				console.error(`Yiyang web process ${worker.process.pid} failed while starting (${signal ?? code}); stopping`)
				stop(1)
				return
			}
			console.error(`Yiyang web process ${worker.process.pid} ended (${signal ?? code}); starting another`)
			fork()
		})
		function stop(code = 0) {
			if (stopping && code === 0) return
			stopping = true
			process.exitCode = code
			for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
			setInterval(() => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(), 50)
			setTimeout(() => process.exit(), 10_000).unref()
		}
		process.on('SIGTERM', () => stop())
		process.on('SIGINT', () => stop())
	} else {
		await listen()
	}
}
