// `npm run setup`: prepares this machine for development after `npm ci`. Checks and starts the
// services (PostgreSQL, Redis; installs the pinned stripe-mock), installs Debian's Chromium for the
// browser tests when run as root (else prints the command), migrates the development database and
// seeds demo data when it is empty. Safe to run again.
import { ensureChromium } from './lib/chromium.ts'
import { runOrExit as run } from './lib/steps.ts'
import { ensureServices } from './services.ts'

try {
	const { stripeMock } = await ensureServices()
	// Only the check and the install matter here: `npm start` and `npm test` start their own.
	stripeMock?.kill()
} catch (error) {
	console.error(`✗ ${error instanceof Error ? error.message : error}`)
	process.exit(1)
}
try {
	ensureChromium()
} catch (error) {
	// Only the browser tests need it: say how to get it and go on.
	console.warn(`! ${error instanceof Error ? error.message : error}`)
}
run('migrate the database', 'npx', ['prisma', 'migrate', 'deploy'])
run('seed demo data (if empty)', process.execPath, ['--import', 'tsx', 'prisma/seed.ts', '--scale', 'demo', '--if-empty', '--demo-month'])
console.log('\n✓ Ready: `npm run dev` (development), `npm start` (production build with the worker), `npm test` (every test).')
