import { defineConfig, devices } from '@playwright/test'
import { TEST_CHROMIUM } from './scripts/lib/chromium.ts'
import { freePortSync } from './scripts/lib/ports.ts'

// A free port unless E2E_PORT says otherwise, so parallel runs never clash. Chosen once: the
// config is evaluated again in each test worker, which inherits E2E_PORT from the runner.
process.env.E2E_PORT ??= String(freePortSync())
const PORT = Number(process.env.E2E_PORT)

// Debian's Chromium headless shell, never a downloaded browser (scripts/lib/chromium.ts says why).
export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 2,
	// No retries: a flaky test is fixed at its root, never hidden by a second try.
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		// Recording a trace (a DOM snapshot and screenshot at every step) costs about a third of the
		// browser tests' CPU; CI keeps only its log, so there a failure is told by its message and
		// screenshot. Locally a failed test keeps its trace.
		trace: process.env.CI ? 'off' : 'retain-on-failure',
		screenshot: 'only-on-failure',
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		launchOptions: {
			executablePath: TEST_CHROMIUM.path,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		},
	},
	projects: [
		{ name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } },
		// A Pixel 7's viewport, touch and user agent; drawn at one device pixel per CSS pixel (its own
		// 2.625 changes no layout, only makes the browser paint seven times the pixels of every frame).
		{ name: 'phone', use: { ...devices['Pixel 7'], deviceScaleFactor: 1, channel: undefined }, grep: /@phone/ },
	],
	webServer: {
		// node with tsx as a loader (not npx), so the stop signal reaches the script that cleans up.
		command: 'node --import tsx scripts/e2e-server.ts',
		gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
		url: `http://127.0.0.1:${PORT}/healthz`,
		env: { E2E_PORT: String(PORT) },
		timeout: 180_000,
		reuseExistingServer: false,
		stdout: 'pipe',
		stderr: 'pipe',
	},
})
