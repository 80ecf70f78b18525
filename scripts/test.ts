// `npm test`: every test, against real services, on a fresh machine of this kind with nothing
// installed by hand (it brings stripe-mock and, as root, Debian's Chromium).
//   - typecheck, lint and the import-cycle check, beside
//   - the test chain: the production build and the run's template database (migrated and
//     demo-seeded once) side by side, then, side by side again, unit and integration tests (Vitest:
//     each integration file works in its own copy of the template and its own queue prefix) and
//     browser tests (Playwright + Debian's Chromium) against the production build and another copy.
// typecheck, lint and build print their output as one block when they end; the tests stream theirs.
import { dropDatabase, dropDatabasesWithPrefix, dropStaleDatabases, prepareTemplate, TEMPLATE_READY_ENV } from './lib/database.ts'
import { ensureChromium } from './lib/chromium.ts'
import { choosePrivateStripeMock } from './lib/ports.ts'
import { runStep, runTask, type StepResult } from './lib/steps.ts'
import { ensureServices } from './services.ts'

const started = Date.now()
const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'

// Everything the run needs first, so a missing piece stops it at once with the command to fix it.
try {
	ensureChromium()
	// One stripe-mock of this run's own on free ports; vitest and the browser-test server inherit
	// STRIPE_API_BASE and use it instead of starting their own.
	await choosePrivateStripeMock()
} catch (e) {
	console.error(`✗ ${e instanceof Error ? e.message : String(e)}`)
	process.exit(1)
}
let stripeMock: Awaited<ReturnType<typeof ensureServices>>['stripeMock']
try {
	;({ stripeMock } = await ensureServices())
} catch (e) {
	console.error(`✗ ${e instanceof Error ? e.message : String(e)}`)
	process.exit(1)
}

// The run's template database; vitest.config.ts and scripts/e2e-server.ts read these.
const runId = `${Date.now()}_${process.pid}`
process.env.TEST_RUN_ID = runId
process.env.TEST_DATABASE_NAME = `yiyang_test_${runId}`

const results: StepResult[] = []
try {
	await dropStaleDatabases(base, 'yiyang_test_').catch(() => {})
	await dropStaleDatabases(base, 'yiyang_e2e_').catch(() => {})
	// typecheck and lint need nothing else: they run beside the test chain, which needs the build
	// (browser tests, and the integration tests that go through HTTP) and the template database.
	const checks = Promise.all([
		runStep('typecheck', 'npm', ['run', '--silent', 'typecheck'], { buffer: true }),
		runStep('lint', 'npx', ['eslint', '.'], { buffer: true }),
		runStep('import cycles (madge)', 'npm', ['run', '--silent', 'check:cycles'], { buffer: true }),
	])
	const chain = (async () => {
		const [build, template] = await Promise.all([
			// The production build: the browser build with its brotli/gzip copies, and the server and worker bundles.
			runStep('build', 'npm', ['run', '--silent', 'build'], { buffer: true }),
			runTask('template database (migrate + demo seed, once)', async () => {
				await prepareTemplate(base, process.env.TEST_DATABASE_NAME!, { quiet: true })
				process.env[TEMPLATE_READY_ENV] = '1'
			}),
		])
		const out: StepResult[] = [build, template]
		if (!template.ok) return out
		if (!build.ok) {
			out.push(await runStep('unit tests only, the build failed (vitest)', 'npx', ['vitest', 'run', '--project', 'unit'], { buffer: true }))
			return out
		}
		// Side by side: both spend much of their time waiting (on the browser, the server, workers and
		// timers), so together they take far less than one after the other. Vitest's output is printed
		// as one block when it ends; the browser tests' streams.
		out.push(
			...(await Promise.all([
				runStep('unit + integration tests (vitest)', 'npx', ['vitest', 'run'], { buffer: true }),
				runStep('browser tests (playwright)', 'npx', ['playwright', 'test']),
			])),
		)
		return out
	})()
	results.push(...(await checks), ...(await chain))
} finally {
	stripeMock?.kill()
	if (process.env.KEEP_TEST_DB !== 'true') {
		await dropDatabasesWithPrefix(base, `${process.env.TEST_DATABASE_NAME}_`).catch(() => {})
		await dropDatabase(base, process.env.TEST_DATABASE_NAME!).catch(() => {})
	}
}
const ok = results.every((r) => r.ok) && results.some((r) => r.label.startsWith('browser'))
console.log('\nSteps:')
for (const r of results) console.log(`  ${r.ok ? '✓' : '✗'} ${r.label.padEnd(52)} ${String(r.seconds).padStart(6)} s`)
console.log(`\n${ok ? 'All tests passed' : 'Some tests failed'} in ${Math.round((Date.now() - started) / 1000)} s`)
process.exit(ok ? 0 : 1)
