// Brings up the app for the browser tests: a fresh demo-seeded database, the production build's web
// server and the worker process. Playwright starts this and stops it with SIGTERM. Under `npm test`
// the database is a copy of the run's template (migrated and seeded once for vitest and this);
// alone (`npx playwright test`) it migrates and seeds its own.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { copyDatabase, dropDatabase, prepareTemplate, TEMPLATE_READY_ENV } from './lib/database.ts'
import { choosePrivateStripeMock } from './lib/ports.ts'
import { ensureServices } from './services.ts'
import { startStripeWalletStandin } from './lib/stripe-wallet-standin.ts'

const port = process.env.E2E_PORT
if (!port) throw new Error('E2E_PORT is not set: playwright.config.ts chooses it')
const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'
const runId = `${Date.now()}_${process.pid}`
const name = `yiyang_e2e_${runId}`

if (!existsSync('build/index.js') || !existsSync('build/node/server.js')) throw new Error('No production build: run `npm run build` first (npm test does).')
await choosePrivateStripeMock()
const { stripeMock } = await ensureServices({ quiet: true })
const template = process.env[TEMPLATE_READY_ENV] === '1' ? process.env.TEST_DATABASE_NAME : undefined
const url = template ? await copyDatabase(base, template, name) : await prepareTemplate(base, name)
// WeChat Pay and Alipay: stripe-mock behind the wallet stand-in (its next actions as Stripe documents them).
const standin = await startStripeWalletStandin({ upstream: process.env.STRIPE_API_BASE! })
mkdirSync('.cache', { recursive: true })
process.env.STRIPE_API_BASE = standin.url
// Due process (tests/e2e/support/due-process.ts): where a browser test may end a public notice early.
writeFileSync(`.cache/e2e-due-process-${port}`, JSON.stringify({ databaseUrl: url, queuePrefix: `yiyang_e2e_${runId}`, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }))
const env = { ...process.env, DATABASE_URL: url, QUEUE_PREFIX: `yiyang_e2e_${runId}`, PORT: port, NODE_ENV: 'production' as const, ALLOW_DEV_SECRETS: 'true', STRIPE_PUBLISHABLE_KEY: 'pk_test_yiyang_e2e' }

// What production runs (`npm run start:web`, `npm run start:worker`): the compiled entries, with the
// patches only the production entry applies (server/main.ts), not the TypeScript sources through tsx.
const children: ChildProcess[] = [
	spawn(process.execPath, ['--max-old-space-size=160', 'build/node/server.js'], { env, stdio: 'inherit' }),
	spawn(process.execPath, ['build/node/worker.js'], { env, stdio: 'inherit' }),
]

let stopping = false
async function stop() {
	if (stopping) return
	stopping = true
	for (const child of children) child.kill('SIGTERM')
	await new Promise((r) => setTimeout(r, 1500))
	stripeMock?.kill()
	await standin.close().catch(() => {})
	await dropDatabase(base, name).catch(() => {})
	process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
for (const child of children) child.on('exit', (code) => { if (!stopping && code) { console.error(`e2e child exited with ${code}`); void stop() } })
