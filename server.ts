// Production and development HTTP server: express with Remix's request handler, security headers,
// static assets and the operations dashboard. Stateless: sessions and queues live in PostgreSQL/Redis,
// so several processes can serve one port: WEB_CONCURRENCY=n (default 1) forks n of them with Node's
// cluster module (the primary only hands out connections). Production runs the bundle `npm run build`
// makes (build/node/server.js), not this file through tsx, with `--max-old-space-size=160`: the
// live heap of a web process is about 55 MB (heap snapshots under mixed browsing), but V8 sizes its
// heap against the machine's memory and let garbage grow RSS from 300 MB to 900+ MB before
// collecting it; the cap makes it collect sooner (cluster workers inherit the flag).
// First: caches React Router's route matching before Remix loads it (see the file).
import './server/route-matching-cache.ts'
import cluster from 'node:cluster'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express, { type RequestHandler } from 'express'
import helmet from 'helmet'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy, cspWithNonce, NONCE_PLACEHOLDER, newNonce } from './app/lib/csp.server.ts'
import { getEnv, isSecureCookies } from './app/lib/env.server.ts'
import { listenWithLimits, requestGuard, trustProxySetting } from './app/lib/http.server.ts'
import { mountBullBoard } from './app/modules/operations/bull-board.server.ts'
import { precompressed } from './server/precompressed.ts'

const env = getEnv()
// Relative to the working directory (the project root), so the bundled server finds it too.
const buildPath = pathToFileURL(path.resolve('build/index.js')).href

async function loadBuild(): Promise<ServerBuild> {
	return (await import(`${buildPath}?t=${env.NODE_ENV === 'development' ? Date.now() : 0}`)) as ServerBuild
}

/**
 * Helmet's headers are the same for every response (no directive depends on the request), but its
 * eleven middlewares build them afresh each time (the CSP string included). This runs helmet once
 * and sets the very headers it set, in one step per request.
 */
function fixedHeaders(middleware: RequestHandler): RequestHandler {
	const headers: [string, string][] = []
	const removed: string[] = []
	const fake = {
		setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
		removeHeader: (name: string) => removed.push(name),
		getHeader: () => undefined,
		locals: {},
	}
	let ok = false
	middleware({ headers: {}, method: 'GET', url: '/' } as never, fake as never, (error?: unknown) => {
		if (error) throw error
		ok = true
	})
	if (!ok) return middleware
	return (_req, res, next) => {
		// The policy is the one header that differs per response: it names this response's nonce.
		const nonce = newNonce()
		res.locals.cspNonce = nonce
		for (const [name, value] of headers) res.setHeader(name, value.includes(NONCE_PLACEHOLDER) ? cspWithNonce(value, nonce) : value)
		for (const name of removed) res.removeHeader(name)
		next()
	}
}

export async function createApp() {
	// listen() with a larger header limit and a readable page for what Node refuses itself.
	const app = listenWithLimits(express())
	app.disable('x-powered-by')
	// X-Forwarded-* are believed only from the proxies TRUST_PROXY names (off by default).
	app.set('trust proxy', trustProxySetting(env.TRUST_PROXY))
	app.use(
		fixedHeaders(
			helmet({
				contentSecurityPolicy: {
					directives: contentSecurityPolicy(env),
				},
				crossOriginEmbedderPolicy: false,
				// Not no-referrer: with it browsers send `Origin: null` on same-origin form posts.
				referrerPolicy: { policy: 'same-origin' },
				strictTransportSecurity: isSecureCookies(env),
			}),
		),
	)
	// Brotli where the client accepts it, gzip otherwise (Node's zlib, through `compression`): bodies
	// under 1 KB and types compressible (mime-db) does not list as compressible (images, XLSX, zip)
	// pass as they are. Remix flushes after each chunk it writes, so streamed pages still stream.
	app.use(compression())
	// Hashed names (public/build is the Remix build's output): cached for a year, never revalidated.
	// The brotli/gzip copies the build made of its scripts and stylesheets (not in development: `remix dev`
	// rewrites the originals).
	if (env.NODE_ENV !== 'development') app.use('/build', precompressed('public/build'))
	app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
	// public/ holds only files with an extension (favicon.svg, robots.txt): pages skip the disk lookup.
	const publicFiles = express.static('public', { maxAge: '1h' })
	app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()))
	// Same-origin check, client address and request-target length, before Remix (app/lib/http.server.ts).
	app.use(requestGuard())
	mountBullBoard(app)
	const build = await loadBuild()
	app.all(
		'*',
		createRequestHandler({
			build: env.NODE_ENV === 'development' ? loadBuild : build,
			mode: env.NODE_ENV,
			getLoadContext: (_req, res) => ({ cspNonce: typeof res.locals.cspNonce === 'string' ? res.locals.cspNonce : undefined }),
		}),
	)
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
