import { fileURLToPath } from 'node:url'
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'

type ProjectTest = TestProjectInlineConfiguration['test']

// Each run gets its own database and queue prefix, so runs never share state; each integration test
// file then gets its own copy of that database and its own queue prefix (see tests/setup).
const runId = process.env.TEST_RUN_ID ?? `${Date.now()}_${process.pid}`
process.env.TEST_RUN_ID = runId
process.env.TEST_DATABASE_NAME ??= `yiyang_test_${runId}`
const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'
const testUrl = new URL(base)
testUrl.pathname = `/${process.env.TEST_DATABASE_NAME}`

const alias = { '~': fileURLToPath(new URL('./app', import.meta.url)) }
const env: Record<string, string> = {
	NODE_ENV: 'test',
	DATABASE_URL: testUrl.toString(),
	QUEUE_PREFIX: `yiyang_test_${runId}`,
	DATABASE_POOL_SIZE: '5',
}

// Integration files that need a process of their own: they load the production build (whose
// modules stay loaded for the life of the process), start servers or workers from it, mock a
// module, or set the environment before they import the app. Every other integration file shares
// a worker process with the files before it (see tests/setup/database-per-file.ts).
const OWN_PROCESS = [
	'access-matrix',
	'allowance-exactly-once',
	'allowance-held-card',
	'allowance-lifecycle',
	'auth',
	'beds',
	'bundle-weight',
	'compression',
	'healthz',
	'identity-exposure',
	'login-limit',
	'marketplace-booking',
	'marketplace-disputes',
	'marketplace-payments',
	'marketplace-provider-admin',
	'marketplace-visits',
	'page-cache',
	'plain-forms',
	'production-server',
	'route-matching-cache',
	'seed',
	'server-routes-cache',
	'subsidies',
].map((name) => `tests/integration/${name}.test.ts`)

const integration: NonNullable<ProjectTest> = {
	environment: 'node',
	env,
	globalSetup: ['tests/setup/global-setup.ts'],
	setupFiles: ['tests/setup/database-per-file.ts', 'tests/setup/queue-prefix.ts', 'tests/setup/fail-on-console-error.ts'],
	// A hung test's limit, not a wait: beside the browser tests on two cores a test takes 4–14 times its
	// quiet time (1 Dec, a slower machine: the booking race 37 s, the held card 34 s, a dispute 32 s;
	// route matching 61 s against 4.4 s alone, since made cheaper). Tests with more work set their own.
	testTimeout: 120_000,
	hookTimeout: 120_000,
	pool: 'forks',
	fileParallelism: true,
	sequence: { groupOrder: 1 },
}

export default defineConfig({
	resolve: { alias },
	test: {
		// Integration files spend much of their time waiting (on PostgreSQL, workers, timers): three at
		// a time keep two cores busy.
		maxWorkers: 3,
		projects: [
			{
				resolve: { alias },
				// Pure functions: one process runs file after file. The limit is a hang's, not a budget: beside
				// lint, typecheck and the browser tests on two cores a property test took 6.6 s that takes
				// 0.5 s alone (1 Dec), past Vitest's default of 5 s.
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'app/**/*.test.ts'], environment: 'node', env, isolate: false, sequence: { groupOrder: 0 }, testTimeout: 60_000 },
			},
			{
				resolve: { alias },
				test: { ...integration, name: 'integration', include: ['tests/integration/**/*.test.ts'], exclude: OWN_PROCESS, isolate: false },
			},
			{
				resolve: { alias },
				test: { ...integration, name: 'integration-own-process', include: OWN_PROCESS },
			},
		],
	},
})
