// The one path to PostgreSQL (see the design note on `transaction` below):
// - row work: Prisma (`prisma` or the `tx` of a transaction) with an explicit `select`;
// - set-based work: the `sql` tagged template of ./sql.server.ts, run with `.rows(tx)`, `.first(tx)`
//   or `.run(tx)`; without `tx` it runs on the pool;
// - a transaction: `transaction(async (tx) => ...)`, which both kinds of work share.
import { AsyncLocalStorage } from 'node:async_hooks'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient, type Prisma } from '~/generated/prisma/client.ts'
import { pgErrorOf } from './db-errors.server.ts'
import { getEnv } from './env.server.ts'
import { singleton } from './singleton.server.ts'

// DATE columns come back as plain 'YYYY-MM-DD' strings from raw SQL rather than local-midnight Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v)
// BIGINT sums of fen stay exact: parse to number when safe, else fail loudly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => {
	const n = Number(v)
	if (!Number.isSafeInteger(n)) throw new RangeError(`bigint out of range: ${v}`)
	return n
})

/** One pool per process, shared by Prisma and the set-based SQL of bulk operations. */
export const pool = singleton('pg-pool', () => {
	const env = getEnv()
	const p = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE })
	p.on('error', (err) => console.error('idle PostgreSQL client error', err))
	return p
})

/**
 * The connection a Prisma transaction is starting on, caught for the `transaction()` that opened it.
 * A singleton like the client itself: a second copy of this module (the test runner beside the
 * server build, a dev rebuild) must find the same scope and map as the Prisma client it reuses.
 */
const opening = singleton('pg-tx-opening', () => new AsyncLocalStorage<{ client?: pg.PoolClient }>())

/**
 * Prisma's pg adapter, noting which pool connection each interactive transaction runs on. The
 * adapter keeps that connection as `client` on its transaction object (checked below and by
 * tests/integration/db-sql.test.ts, so a Prisma upgrade that moves it fails loudly).
 */
function adapterNotingConnections() {
	const factory = new PrismaPg(pool)
	const connect = factory.connect.bind(factory)
	factory.connect = async () => {
		const adapter = await connect()
		const start = adapter.startTransaction.bind(adapter)
		adapter.startTransaction = async (isolationLevel) => {
			const started = await start(isolationLevel)
			const slot = opening.getStore()
			if (slot && !slot.client) {
				const client = (started as unknown as { client?: pg.PoolClient }).client
				if (typeof client?.query !== 'function') throw new Error('@prisma/adapter-pg no longer exposes the connection of a transaction')
				slot.client = client
			}
			return started
		}
		return adapter
	}
	return factory
}

export const prisma = singleton('prisma', () => new PrismaClient({ adapter: adapterNotingConnections() }))

export type Db = typeof prisma
export type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0]

/** Each open transaction's pool connection, for the `sql` run in it. */
const connections = singleton('pg-tx-connections', () => new WeakMap<object, pg.PoolClient>())

/** The pool connection of a transaction opened by `transaction()`; undefined for any other client. */
export function connectionOf(tx: Tx): pg.PoolClient | undefined {
	return connections.get(tx)
}

export type TransactionOptions = {
	isolationLevel?: Prisma.TransactionIsolationLevel
	/** Milliseconds the whole callback may take (Prisma's default, 5 s, is short for set-based work). */
	timeout?: number
	/** Milliseconds to wait for a pool connection before giving up (10 s by default). */
	maxWait?: number
	/** How many times to run fn in all when PostgreSQL aborts it for a deadlock or a serialization failure. */
	attempts?: number
}

/** Deadlock (40P01) and serialization failure (40001): nothing was written, the work can run again. */
function isRetryable(error: unknown) {
	const code = pgErrorOf(error)?.code
	return code === '40P01' || code === '40001' || (error as { code?: unknown })?.code === 'P2034'
}

/**
 * The one way to open a transaction: `await transaction(async (tx) => ...)`.
 *
 * Design: a transaction IS a Prisma interactive transaction (`Tx`), so row work (`tx.bed.update`,
 * `audit(entry, tx)`) and set-based work (`sql`...`.rows(tx)`) share it. `sql` on a `tx` opened here
 * does not go through `tx.$queryRawUnsafe`: it runs on the transaction's own pool connection with
 * node-postgres, exactly as it runs on the pool. So results have one shape everywhere (DATE as
 * 'YYYY-MM-DD', BIGINT as number, see the parsers above; Prisma's raw queries would give Date and
 * BigInt), and the hot read paths keep pg's cost (Prisma's raw path cost about 2 ms more CPU per
 * call under the search benchmark). The connection is caught by the adapter above while
 * `prisma.$transaction` starts, inside an AsyncLocalStorage scope that only this function opens: the
 * transaction is always passed explicitly, and nothing ever asks whether it runs inside one.
 *
 * A deadlock or serialization failure (40P01, 40001, Prisma's P2034) runs fn again, up to
 * `attempts` (3) times in all: keep side effects outside the database (queues, Stripe, mail) out
 * of fn, or make them idempotent.
 */
export async function transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
	const { attempts = 3, timeout = 60_000, maxWait = 10_000, isolationLevel } = options
	for (let attempt = 1; ; attempt++) {
		const slot: { client?: pg.PoolClient } = {}
		try {
			return await opening.run(slot, () =>
				prisma.$transaction(
					async (tx) => {
						if (!slot.client) throw new Error('transaction(): the connection of the Prisma transaction was not caught')
						connections.set(tx, slot.client)
						return fn(tx)
					},
					{ timeout, maxWait, ...(isolationLevel ? { isolationLevel } : {}) },
				),
			)
		} catch (error) {
			if (attempt >= attempts || !isRetryable(error)) throw error
		}
	}
}

/**
 * @deprecated Use `transaction()`, whose `tx` serves Prisma and `sql` alike. Kept for callers
 * outside app/modules until they move; the lead removes it after merging.
 */
export async function withPgTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
	const client = await pool.connect()
	try {
		await client.query('BEGIN')
		const result = await fn(client)
		await client.query('COMMIT')
		return result
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {})
		throw error
	} finally {
		client.release()
	}
}

export async function disconnectDb() {
	await prisma.$disconnect()
	await pool.end()
}
