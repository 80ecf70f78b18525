// The one path to the database: `sql` gives the same rows on the pool and inside `transaction()`,
// row work (Prisma) and set-based work (`sql`) share one transaction, and a deadlock runs it again.
import { describe, expect, it } from 'vitest'
import { prisma, transaction } from '~/lib/db.server.ts'
import { isUniqueViolation, pgErrorOf } from '~/lib/db-errors.server.ts'
import { sql } from '~/lib/sql.server.ts'

const shapeQuery = () =>
	sql`SELECT DATE '2026-11-30' AS day, 12345678901::bigint AS big, 7::int AS small, TIMESTAMPTZ '2026-11-30 08:00:00+08' AS at,
	       ${'x'}::text AS text, ${[1, 2]}::int[] AS list, '{"a": 1}'::jsonb AS doc, 1.50::numeric AS dec, NULL::date AS none`

describe('sql', () => {
	it('builds bound parameters, nests fragments, joins lists and splices only raw text', () => {
		const where = sql`AND a = ${1} AND b = ${'two'}`
		const q = sql`SELECT ${sql.raw('"x"')} FROM t WHERE c IN (${sql.join([3, 4])}) ${where} ${sql.empty}LIMIT ${5}`
		expect(q.text).toBe('SELECT "x" FROM t WHERE c IN ($1, $2) AND a = $3 AND b = $4 LIMIT $5')
		expect(q.values).toEqual([3, 4, 1, 'two', 5])
		expect(sql.join([]).text).toBe('')
	})

	it('returns rows of one shape on the pool and inside a transaction', async () => {
		const onPool = await shapeQuery().first()
		const inTx = await transaction((tx) => shapeQuery().first(tx))
		expect(onPool).toEqual({ day: '2026-11-30', big: 12345678901, small: 7, at: new Date('2026-11-30T00:00:00Z'), text: 'x', list: [1, 2], doc: { a: 1 }, dec: '1.50', none: null })
		expect(inTx).toEqual(onPool)
	})

	it('shares the transaction with Prisma: one connection, one commit or one rollback', async () => {
		const districtId = (await prisma.district.findFirstOrThrow({ select: { id: true } })).id
		const same = await transaction(async (tx) => {
			const [viaPrisma] = await tx.$queryRaw<{ pid: number; xid: string }[]>`SELECT pg_backend_pid() AS pid, txid_current()::text AS xid`
			const viaSql = await sql`SELECT pg_backend_pid() AS pid, txid_current()::text AS xid`.first<{ pid: number; xid: string }>(tx)
			return viaPrisma!.pid === viaSql!.pid && viaPrisma!.xid === viaSql!.xid
		})
		expect(same).toBe(true)

		const action = `test.sql.${Date.now()}`
		await expect(
			transaction(async (tx) => {
				await tx.auditLog.create({ data: { action, entityType: 'test', details: {} } })
				await sql`INSERT INTO audit_log (action, "entityType", "districtId", details) VALUES (${action}, 'test', ${districtId}, '{}')`.run(tx)
				expect(await sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action}`.first(tx)).toEqual({ n: 2 })
				throw new Error('roll back')
			}),
		).rejects.toThrow('roll back')
		expect(await prisma.auditLog.count({ where: { action } })).toBe(0)

		const n = await transaction(async (tx) => {
			await tx.auditLog.create({ data: { action, entityType: 'test', details: {} } })
			return sql`INSERT INTO audit_log (action, "entityType", details) VALUES (${action}, 'test', '{}')`.run(tx)
		})
		expect(n).toBe(1)
		expect(await prisma.auditLog.count({ where: { action } })).toBe(2)
	})

	it('runs a transaction again after a deadlock, up to its attempts', async () => {
		let calls = 0
		const value = await transaction(async (tx) => {
			calls++
			if (calls === 1) await sql`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40P01'; END $$`.run(tx)
			return 'done'
		})
		expect(value).toBe('done')
		expect(calls).toBe(2)

		calls = 0
		await expect(
			transaction(
				async (tx) => {
					calls++
					await sql`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40001'; END $$`.run(tx)
				},
				{ attempts: 2 },
			),
		).rejects.toMatchObject({ code: '40001' })
		expect(calls).toBe(2)
	})

	it('reads the rule a refused write names, from pg and from Prisma alike', async () => {
		const phone = (await prisma.user.findFirstOrThrow({ select: { phone: true } })).phone
		const viaPrisma = await prisma.user.create({ data: { phone, name: 'x', passwordHash: 'x', role: 'family' } }).catch((e: unknown) => e)
		const viaSql = await sql`INSERT INTO app_user (id, phone, name, "passwordHash", role, "updatedAt") VALUES (gen_random_uuid(), ${phone}, 'x', 'x', 'family', now())`.run().catch((e: unknown) => e)
		for (const error of [viaPrisma, viaSql]) {
			expect(pgErrorOf(error)).toMatchObject({ code: '23505', constraint: 'app_user_phone_key' })
			expect(isUniqueViolation(error, 'app_user_phone_key')).toBe(true)
		}
	})

	it('runs a prepared() statement under a name of its text: prepared once per connection, same rows', async () => {
		const statement = (n: number) => sql`SELECT ${n}::int AS n, ${'fixed'}::text AS label`.prepared()
		const rows = await transaction(async (tx) => {
			const first = await statement(1).first(tx)
			const second = await statement(2).first(tx)
			const other = await sql`SELECT ${3}::int AS n`.prepared().first(tx)
			const prepared = await sql`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int AS n%' ORDER BY statement`.rows<{ name: string; statement: string }>(tx)
			return { first, second, other, prepared }
		})
		expect(rows.first).toEqual({ n: 1, label: 'fixed' })
		expect(rows.second).toEqual({ n: 2, label: 'fixed' })
		expect(rows.other).toEqual({ n: 3 })
		// One prepared statement per text on this connection, however often it ran, each under its own name.
		expect(rows.prepared.map((p) => p.statement)).toEqual(['SELECT $1::int AS n', 'SELECT $1::int AS n, $2::text AS label'])
		expect(new Set(rows.prepared.map((p) => p.name)).size).toBe(2)
		expect(rows.prepared.every((p) => /^s_[\w-]{22}$/.test(p.name))).toBe(true)
		// On the pool too (any connection), with the same rows as the statement unprepared.
		expect(await statement(4).first()).toEqual(await sql`SELECT ${4}::int AS n, ${'fixed'}::text AS label`.first())
	})

	it('prepares at most 200 distinct texts per process: later ones run unprepared, with the same rows', async () => {
		const result = await transaction(async (tx) => {
			const answers: number[] = []
			for (let i = 0; i < 250; i++) {
				const row = await sql`SELECT ${i}::int AS ${sql.raw(`n${i}`)}`.prepared().first<Record<string, number>>(tx)
				answers.push(row![`n${i}`]!)
			}
			const prepared = await sql`SELECT count(*)::int AS n FROM pg_prepared_statements`.first<{ n: number }>(tx)
			return { answers, prepared: prepared!.n }
		})
		expect(result.answers).toEqual(Array.from({ length: 250 }, (_, i) => i))
		expect(result.prepared).toBeLessThanOrEqual(200)
		expect(result.prepared).toBeGreaterThan(100)
	})
})
