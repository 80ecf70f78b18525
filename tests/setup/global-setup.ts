import { createDatabase, dropDatabase, dropDatabasesWithPrefix, migrate } from '../../scripts/lib/database.ts'
import { choosePrivateStripeMock } from '../../scripts/lib/ports.ts'
import { ensureServices } from '../../scripts/services.ts'

// A fresh, migrated and demo-seeded database for this run: the template each test file copies
// (tests/setup/database-per-file.ts). It and its copies are dropped afterwards.
export default async function setup() {
	const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang')
	const name = process.env.TEST_DATABASE_NAME!
	// The forked test workers inherit STRIPE_API_BASE.
	await choosePrivateStripeMock()
	const { stripeMock } = await ensureServices({ quiet: true })
	const testUrl = await createDatabase(url.toString(), name)
	migrate(testUrl)
	process.env.DATABASE_URL = testUrl
	const { seed } = await import('../../prisma/seed.ts')
	await seed({ scale: 'demo', ifEmpty: true, quiet: true })
	const { disconnectDb } = await import('../../app/lib/db.server.ts')
	await disconnectDb()
	return async () => {
		if (process.env.KEEP_TEST_DB !== 'true') {
			await dropDatabasesWithPrefix(testUrl, `${name}_f`)
			await dropDatabase(testUrl, name)
		}
		stripeMock?.kill()
	}
}

