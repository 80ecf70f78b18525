import { databaseUrlWithName, dropDatabase, dropDatabasesWithPrefix, prepareTemplate, TEMPLATE_READY_ENV } from '../../scripts/lib/database.ts'
import { choosePrivateStripeMock } from '../../scripts/lib/ports.ts'
import { ensureServices } from '../../scripts/services.ts'

// The run's template database, migrated and demo-seeded once: each test file copies it
// (tests/setup/database-per-file.ts). Under `npm test` it is already prepared (TEST_TEMPLATE_READY)
// and shared with the browser tests, and npm test drops it; a bare `npx vitest run` prepares and
// drops its own. The databases the test files made (named after it) are dropped here either way,
// never while the run goes on: each DROP DATABASE waits for a checkpoint.
//
// Both integration projects name this file; it runs once per Vitest process (the first project to
// start does the work, the other waits for it), and tears down when the last of them ends.
type Shared = { ready: Promise<() => Promise<void>>; users: number }
const state = globalThis as typeof globalThis & { __yiyangGlobalSetup?: Shared }

async function prepare(): Promise<() => Promise<void>> {
	const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'
	const name = process.env.TEST_DATABASE_NAME!
	const prepared = process.env[TEMPLATE_READY_ENV] === '1'
	// The forked test workers inherit STRIPE_API_BASE.
	await choosePrivateStripeMock()
	const { stripeMock } = await ensureServices({ quiet: true })
	const testUrl = prepared ? databaseUrlWithName(base, name) : await prepareTemplate(base, name, { quiet: true })
	return async () => {
		if (process.env.KEEP_TEST_DB !== 'true') {
			// Every database the run's test files made (their copies, and the few made by hand).
			await dropDatabasesWithPrefix(testUrl, `${name}_`)
			if (!prepared) await dropDatabase(testUrl, name)
		}
		stripeMock?.kill()
	}
}

export default async function setup() {
	state.__yiyangGlobalSetup ??= { ready: prepare(), users: 0 }
	const shared = state.__yiyangGlobalSetup
	shared.users++
	const teardown = await shared.ready
	return async () => {
		if (--shared.users === 0) await teardown()
	}
}
