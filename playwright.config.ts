import { execFileSync } from 'node:child_process'
import { defineConfig, devices } from '@playwright/test'

// Two workers, each with a server of its own (scripts/e2e-server.ts: the production build, its own
// copy of the database, its own worker process and queue prefix): worker i uses server i
// (tests/e2e/fixtures.ts), so tests run side by side exactly as they run one after another against
// one server, with nothing shared. `E2E_WORKERS` sets the count.
const WORKERS = Number(process.env.E2E_WORKERS ?? 2)

// Free ports unless E2E_PORT says otherwise (it pins the first; the next ones follow it), so parallel
// runs never clash. Chosen once: the config is evaluated again in each test worker, which inherits
// E2E_PORTS from the runner.
const freePort = () => execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"], { encoding: 'utf8' })
process.env.E2E_PORTS ??= Array.from({ length: WORKERS }, (_, i) => (process.env.E2E_PORT ? String(Number(process.env.E2E_PORT) + i) : freePort())).join(',')
const PORTS = process.env.E2E_PORTS.split(',').map(Number)

// Debian's Chromium, never a downloaded browser (see README: Browser tests).
export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: PORTS.length,
	// No retries: a flaky test is fixed at its root, never hidden by a second try.
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
	use: {
		// baseURL: the worker's own server (tests/e2e/fixtures.ts).
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
	webServer: PORTS.map((port) => ({
		// node with tsx as a loader (not npx), so the stop signal reaches the script that cleans up.
		command: 'node --import tsx scripts/e2e-server.ts',
		gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
		url: `http://127.0.0.1:${port}/healthz`,
		env: { E2E_PORT: String(port) },
		timeout: 180_000,
		reuseExistingServer: false,
		stdout: 'pipe' as const,
		stderr: 'pipe' as const,
	})),
})
