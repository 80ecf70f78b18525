import { availableParallelism } from 'node:os'
import { defineConfig, devices } from '@playwright/test'

// Several workers, each with an app of its own (tests/e2e/support/server.ts: web server and job
// worker on its own copy of the template database, its own port and queue prefix), so files run side
// by side and never see each other's rows. One worker per core (each brings a Chromium, a web server
// and a job worker); E2E_WORKERS overrides (1 runs them one after another, as before). Three workers
// on two cores timed out on a loaded machine where two still passed; on a quiet one, measure first.
const WORKERS = Number(process.env.E2E_WORKERS ?? Math.max(2, availableParallelism()))

// Debian's Chromium, never a downloaded browser (see README: Browser tests).
export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	globalSetup: './tests/e2e/support/global-setup.ts',
	fullyParallel: false,
	workers: WORKERS,
	// No retries: a flaky test is fixed at its root, never hidden by a second try.
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
	use: {
		// baseURL is the worker's own server (tests/e2e/fixtures.ts).
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		},
	},
	projects: [
		{ name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } },
		{ name: 'phone', use: { ...devices['Pixel 7'], channel: undefined }, grep: /@phone/ },
	],
})
