// `npm test`: every test, against real services. Unit and integration tests (Vitest, each run in
// its own fresh database and queue prefix), then the browser tests (Playwright + Debian's Chromium)
// against the production build.
import { spawnSync } from 'node:child_process'
import { dropStaleDatabases } from './lib/database.ts'
import { choosePrivateStripeMock } from './lib/ports.ts'
import { ensureServices } from './services.ts'

const started = Date.now()
function step(label: string, command: string, args: string[]) {
	const t0 = Date.now()
	console.log(`\n▶ ${label}`)
	const result = spawnSync(command, args, { stdio: 'inherit', env: process.env })
	console.log(`${result.status === 0 ? '✓' : '✗'} ${label} (${Math.round((Date.now() - t0) / 1000)} s)`)
	return result.status === 0
}

// One stripe-mock of this run's own on free ports; vitest and the browser-test server inherit
// STRIPE_API_BASE and use it instead of starting their own.
await choosePrivateStripeMock()
const { stripeMock } = await ensureServices()
let ok = true
try {
	await dropStaleDatabases(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang', 'yiyang_test_').catch(() => {})
	ok = step('typecheck', 'npx', ['tsc', '--noEmit']) && ok
	ok = step('lint', 'npx', ['eslint', '.']) && ok
	ok = step('build', 'npx', ['remix', 'build']) && ok
	ok = step('unit + integration tests (vitest)', 'npx', ['vitest', 'run']) && ok
	ok = step('browser tests (playwright)', 'npx', ['playwright', 'test']) && ok
} finally {
	stripeMock?.kill()
}
console.log(`\n${ok ? 'All tests passed' : 'Some tests failed'} in ${Math.round((Date.now() - started) / 1000)} s`)
process.exit(ok ? 0 : 1)
