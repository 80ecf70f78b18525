// Production and development HTTP server: express with Remix's request handler, security headers,
// static assets and the operations dashboard. Stateless: sessions and queues live in PostgreSQL/Redis.
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import express from 'express'
import helmet from 'helmet'
import { contentSecurityPolicy } from './app/lib/csp.server.ts'
import { getEnv, isSecureCookies } from './app/lib/env.server.ts'
import { listenWithLimits, requestGuard, trustProxySetting } from './app/lib/http.server.ts'
import { mountBullBoard } from './app/modules/operations/bull-board.server.ts'

const env = getEnv()
const buildPath = new URL('./build/index.js', import.meta.url).href

async function loadBuild(): Promise<ServerBuild> {
	return (await import(`${buildPath}?t=${env.NODE_ENV === 'development' ? Date.now() : 0}`)) as ServerBuild
}

export async function createApp() {
	// listen() with a larger header limit and a readable page for what Node refuses itself.
	const app = listenWithLimits(express())
	app.disable('x-powered-by')
	// X-Forwarded-* are believed only from the proxies TRUST_PROXY names (off by default).
	app.set('trust proxy', trustProxySetting(env.TRUST_PROXY))
	app.use(
		helmet({
			contentSecurityPolicy: {
				directives: contentSecurityPolicy(env),
			},
			crossOriginEmbedderPolicy: false,
			// Not no-referrer: with it browsers send `Origin: null` on same-origin form posts.
			referrerPolicy: { policy: 'same-origin' },
			strictTransportSecurity: isSecureCookies(env),
		}),
	)
	app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
	app.use(express.static('public', { maxAge: '1h' }))
	// Same-origin check, client address and request-target length, before Remix (app/lib/http.server.ts).
	app.use(requestGuard())
	mountBullBoard(app)
	const build = await loadBuild()
	app.all('*', createRequestHandler({ build: env.NODE_ENV === 'development' ? loadBuild : build, mode: env.NODE_ENV }))
	return app
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('server.ts')) {
	const app = await createApp()
	const server = app.listen(env.PORT, () => console.log(`Yiyang web listening on http://127.0.0.1:${env.PORT}`))
	const shutdown = () => server.close(() => process.exit(0))
	process.on('SIGTERM', shutdown)
	process.on('SIGINT', shutdown)
}
