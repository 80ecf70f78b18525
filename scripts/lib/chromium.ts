// Browsers are Debian's Chromium packages, never a browser Playwright downloads. A fresh machine of
// this kind has none: as root they are installed here (first run only); otherwise the run stops at
// once with the one command that installs them.
//   - The browser tests run Debian's `chromium-headless-shell` (Chromium's old headless shell, the
//     build Playwright itself uses for headless runs): the full browser in headless mode also runs its
//     window's UI (top-chrome WebUI renderers, a GPU process) for every page, and over the suite took
//     twice the CPU (408 against 208 CPU-s; 311 against 203 s for the browser tests alone).
//   - Lighthouse measures pages in the full browser (`chromium`), as a family's phone would draw them.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'

/** `chosen`: the path was given by the environment (then it is never installed over). */
export type Browser = { path: string; chosen: boolean; debianPackage: string; usedBy: string }

/** The browser tests' Chromium (playwright.config.ts); CHROMIUM_PATH points at another. */
export const TEST_CHROMIUM: Browser = { path: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium-headless-shell', chosen: Boolean(process.env.CHROMIUM_PATH), debianPackage: 'chromium-headless-shell', usedBy: 'the browser tests' }
/** The full browser, for Lighthouse (scripts/lighthouse.ts); LIGHTHOUSE_CHROMIUM_PATH points at another. */
export const FULL_CHROMIUM: Browser = { path: process.env.LIGHTHOUSE_CHROMIUM_PATH ?? '/usr/bin/chromium', chosen: Boolean(process.env.LIGHTHOUSE_CHROMIUM_PATH), debianPackage: 'chromium', usedBy: 'Lighthouse' }

function isExecutable(file: string) {
	try {
		accessSync(file, constants.X_OK)
		return true
	} catch {
		return false
	}
}

/** Makes sure the browser exists, installing its Debian package as root; throws with the command otherwise. */
export function ensureChromium(browser: Browser = TEST_CHROMIUM, log: (line: string) => void = console.log): void {
	if (isExecutable(browser.path)) {
		log(`✓ Chromium ${browser.path}`)
		return
	}
	const install = `apt-get update && apt-get install -y ${browser.debianPackage}`
	const hint = `Chromium is missing at ${browser.path} (${browser.usedBy} need it). Install it with: sudo sh -c '${install}'`
	if (browser.chosen) throw new Error(`${hint} (or point the variable at an existing Chromium)`)
	if (process.getuid?.() !== 0) throw new Error(`${hint} (it is installed by itself only when run as root)`)
	log(`… installing Debian's ${browser.debianPackage} (${install}; first run only, about a minute)`)
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', browser.debianPackage]]) {
		const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] })
		if (result.status !== 0) throw new Error(`\`apt-get ${args.join(' ')}\` failed (${result.error?.message ?? `exit code ${result.status}`}). ${hint}`)
	}
	if (!isExecutable(browser.path)) throw new Error(`apt-get installed ${browser.debianPackage} but ${browser.path} is still missing. ${hint}`)
	log(`✓ Chromium ${browser.path} (installed)`)
}
