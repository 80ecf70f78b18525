// `npm start`: the whole app on this machine with demo data. Checks and starts the services
// (PostgreSQL, Redis, stripe-mock), migrates, seeds demo data when the database is empty, builds,
// then runs the web server (port 3000) and the BullMQ worker until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { runOrExit as run } from './lib/steps.ts'
import { ensureServices } from './services.ts'
import { startStripeWalletStandin } from './lib/stripe-wallet-standin.ts'

process.env.NODE_ENV = 'production'
// The demo runs with the development keys unless real ones are set (never in a deployment).
process.env.ALLOW_DEV_SECRETS ??= 'true'

let services: Awaited<ReturnType<typeof ensureServices>>
try {
	services = await ensureServices()
} catch (error) {
	console.error(error instanceof Error ? error.message : error)
	process.exit(1)
}
// The demo pays with WeChat Pay and Alipay against stripe-mock: the wallet stand-in in front of it
// gives confirmed intents the QR code and redirect Stripe would (never when a real Stripe is set).
const stripeBase = process.env.STRIPE_API_BASE || (process.env.STRIPE_SECRET_KEY ? '' : 'http://127.0.0.1:12111')
const standin = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(stripeBase) ? await startStripeWalletStandin({ upstream: stripeBase }) : null
if (standin) process.env.STRIPE_API_BASE = standin.url
run('migrate the database', 'npx', ['prisma', 'migrate', 'deploy'])
run('seed demo data (if empty)', 'npx', ['tsx', 'prisma/seed.ts', '--scale', process.env.SEED_SCALE ?? 'demo', '--if-empty', '--demo-month'])
if (process.env.SKIP_BUILD !== 'true' || !existsSync('build/node/server.js')) run('build', 'npm', ['run', 'build'])

// The compiled bundles (npm run build), not the TypeScript sources through tsx.
// The web server's heap is capped (see server.ts): its live data is ~55 MB, and without a cap V8
// lets garbage pile up towards its default limit (RSS 900+ MB under load).
const children: ChildProcess[] = [spawn(process.execPath, ['--max-old-space-size=160', 'build/node/server.js'], { stdio: 'inherit', env: process.env })]
children.push(spawn(process.execPath, ['build/node/worker.js'], { stdio: 'inherit', env: process.env }))

let stopping = false
function stop(code = 0) {
	if (stopping) return
	stopping = true
	for (const child of children) child.kill('SIGTERM')
	services.stripeMock?.kill()
	void standin?.close()
	setTimeout(() => process.exit(code), 2000).unref()
}
for (const child of children) child.on('exit', (code) => !stopping && stop(code ?? 1))
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
