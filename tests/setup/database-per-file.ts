import { randomUUID } from 'node:crypto'
import { beforeAll, vi } from 'vitest'
import { copyDatabase } from '../../scripts/lib/database.ts'

// Test files run in parallel. Each gets its own copy of the run's migrated, demo-seeded database
// (tests/setup/global-setup.ts keeps it as the template), so no file sees another's writes.
// global-setup's teardown drops the copies.
//
// In the `integration` project a worker process runs file after file (isolate: false): the
// libraries stay loaded, which is most of what starting a file cost, but the app's own modules are
// evaluated afresh for each file (vi.resetModules), after the previous file's clients (the
// process-wide singletons: PostgreSQL pool, Prisma, Redis, queues) are closed and forgotten. So each
// file still starts with its own database, its own queue prefix and empty in-process caches.
const state = globalThis as typeof globalThis & {
	__yiyangTestFile?: { baseUrl: string; database?: string }
	__yiyangSingletons?: Map<string, unknown>
}
const template = process.env.TEST_DATABASE_NAME!
state.__yiyangTestFile ??= { baseUrl: process.env.DATABASE_URL! }
const previous = state.__yiyangTestFile.database
if (previous) {
	await closeSingletons()
	vi.resetModules()
}
const name = `${template}_f${randomUUID().slice(0, 8)}`
const url = await copyDatabase(state.__yiyangTestFile.baseUrl, template, name)
process.env.DATABASE_URL = url
state.__yiyangTestFile.database = name

// Something of the previous file still running could have created a client after they were closed:
// this file must find none but its own.
beforeAll(() => {
	const pool = state.__yiyangSingletons?.get('pg-pool') as { options?: { connectionString?: string } } | undefined
	if (pool && pool.options?.connectionString !== url) throw new Error(`this file's PostgreSQL pool points at ${pool.options?.connectionString}, not at its own database ${url}`)
})

type Closable = { $disconnect?: () => Promise<void>; close?: () => Promise<void>; quit?: () => Promise<unknown>; end?: () => Promise<void>; disconnect?: () => void }

/** Closes every process-wide client the previous file created (Prisma before the pool it uses). */
async function closeSingletons() {
	const store = state.__yiyangSingletons
	if (!store) return
	const values = [...store.values()] as Closable[]
	store.clear()
	const attempt = async (fn: () => Promise<unknown>) => {
		try {
			await fn()
		} catch {
			// Already closed by the file itself (disconnectDb), or the connection is gone.
		}
	}
	for (const v of values) if (typeof v?.$disconnect === 'function') await attempt(() => v.$disconnect!())
	// Queues before the Redis connection they share.
	for (const v of values) if (typeof v?.close === 'function' && typeof v?.$disconnect !== 'function' && typeof v?.quit !== 'function') await attempt(() => v.close!())
	for (const v of values) if (typeof v?.quit === 'function') await attempt(() => v.quit!())
	for (const v of values) if (typeof v?.end === 'function' && typeof v?.quit !== 'function') await attempt(() => v.end!())
}
