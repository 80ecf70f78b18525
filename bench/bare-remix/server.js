/* global process, URL, setTimeout */
// The bare app's server: express with Remix's request handler and the static build, as a minimal
// production Remix app is served. WEB_CONCURRENCY=n runs n processes behind one port (cluster).
import cluster from 'node:cluster'
import { createRequestHandler } from '@remix-run/express'
import express from 'express'

const workers = Number(process.env.WEB_CONCURRENCY ?? 1)
if (cluster.isPrimary && workers > 1) {
	for (let i = 0; i < workers; i++) cluster.fork()
	const stop = () => {
		for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM')
		setTimeout(() => process.exit(0), 200)
	}
	process.on('SIGTERM', stop)
	process.on('SIGINT', stop)
} else {
	const build = await import(new URL('./build/index.js', import.meta.url).href)
	const app = express()
	app.disable('x-powered-by')
	app.use('/build', express.static(new URL('./public/build', import.meta.url).pathname, { immutable: true, maxAge: '1y' }))
	app.all('*', createRequestHandler({ build, mode: 'production' }))
	const server = app.listen(Number(process.env.PORT ?? 3290))
	const shutdown = () => server.close(() => process.exit(0))
	process.on('SIGTERM', shutdown)
	process.on('SIGINT', shutdown)
}
