// The browser tests run in Debian's Chromium (never a browser Playwright downloads). A fresh machine
// of this kind has none: as root it is installed here (about a minute, first run only); otherwise
// the run stops at once with the one command that installs it.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_INSTALL = 'apt-get update && apt-get install -y chromium'

function isExecutable(file: string) {
	try {
		accessSync(file, constants.X_OK)
		return true
	} catch {
		return false
	}
}

/** Makes sure CHROMIUM_PATH exists, installing Debian's chromium as root; throws with the command otherwise. */
export function ensureChromium(log: (line: string) => void = console.log): void {
	if (isExecutable(CHROMIUM_PATH)) {
		log(`✓ Chromium ${CHROMIUM_PATH}`)
		return
	}
	const hint = `Chromium is missing at ${CHROMIUM_PATH} (the browser tests need it). Install it with: sudo sh -c '${CHROMIUM_INSTALL}'`
	if (process.env.CHROMIUM_PATH) throw new Error(`${hint} (or point CHROMIUM_PATH at an existing Chromium)`)
	if (process.getuid?.() !== 0) throw new Error(`${hint} (npm test installs it by itself only when run as root)`)
	log(`… installing Debian's Chromium (${CHROMIUM_INSTALL}; first run only, about a minute)`)
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
		const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] })
		if (result.status !== 0) throw new Error(`\`apt-get ${args.join(' ')}\` failed (${result.error?.message ?? `exit code ${result.status}`}). ${hint}`)
	}
	if (!isExecutable(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing. ${hint}`)
	log(`✓ Chromium ${CHROMIUM_PATH} (installed)`)
}
