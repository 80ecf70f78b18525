import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { verifyPassword } from '~/modules/auth/password.server.ts'
import { decryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { maskIdNumber, parseIdNumber } from '~/modules/identity/id-number.ts'
import { createDatabase, dropDatabase, migrate } from '../../scripts/lib/database.ts'
import { spawnNode } from '../../scripts/lib/node-process.ts'
import { DEMO_ACCOUNTS, DEMO_PASSWORD, POPULATION_60_PLUS_2015 } from '../../prisma/seed-data.ts'

// The run's database was seeded at demo scale by the global setup.
describe('demo seed', () => {
	it('has the reference data, the official 2015 population and the registry', async () => {
		expect(await prisma.district.count()).toBe(6)
		const pop = await prisma.populationStat.aggregate({ where: { year: 2015 }, _sum: { aged60Plus: true } })
		expect(pop._sum.aged60Plus).toBe(POPULATION_60_PLUS_2015)
		const elders = await prisma.elder.count()
		expect(elders).toBeGreaterThanOrEqual(300)
		expect(await prisma.provider.count({ where: { kind: 'institution', status: 'approved' } })).toBeGreaterThanOrEqual(10)
	})

	it('stores identity numbers with valid checksums, encrypted, hashed and masked consistently', async () => {
		const rows = await prisma.elder.findMany({ take: 400, select: { idNumberCipher: true, idNumberHash: true, idNumberMasked: true, birthDate: true, gender: true } })
		const today = new Date().toISOString().slice(0, 10)
		for (const row of rows) {
			const id = decryptIdNumber(row.idNumberCipher)
			const parsed = parseIdNumber(id, { today })
			expect(parsed.ok, id).toBe(true)
			if (!parsed.ok) continue
			expect(Buffer.from(hashIdNumber(id)).equals(Buffer.from(row.idNumberHash))).toBe(true)
			expect(row.idNumberMasked).toBe(maskIdNumber(id))
			expect(row.birthDate.toISOString().slice(0, 10)).toBe(parsed.birthDate)
			expect(row.gender).toBe(parsed.gender)
		}
	})

	it('creates every demo account with its role and the documented password', async () => {
		for (const account of DEMO_ACCOUNTS) {
			const user = await prisma.user.findUniqueOrThrow({ where: { phone: account.phone }, select: { role: true, passwordHash: true } })
			expect(user.role).toBe(account.role)
		}
		const one = await prisma.user.findUniqueOrThrow({ where: { phone: DEMO_ACCOUNTS[0]!.phone }, select: { passwordHash: true } })
		expect(await verifyPassword(one.passwordHash, DEMO_PASSWORD)).toBe(true)
	})

	it('is deterministic for a given day and does nothing on a seeded database with --if-empty', async () => {
		const base = process.env.DATABASE_URL!
		const names = [`${process.env.TEST_DATABASE_NAME}_a`, `${process.env.TEST_DATABASE_NAME}_b`]
		const { Client } = (await import('pg')).default
		const fingerprint = async (url: string) => {
			const client = new Client({ connectionString: url })
			await client.connect()
			const { rows } = await client.query(
				`SELECT count(*)::int AS n, md5(string_agg(id::text || name || "birthDate"::text || "idNumberMasked", ',' ORDER BY id)) AS fp FROM elder`,
			)
			await client.end()
			return `${rows[0].n}:${rows[0].fp}`
		}
		const seedOnce = (url: string) =>
			new Promise<number | null>((resolve) => {
				spawnNode('prisma/seed.ts', ['--scale', 'demo', '--if-empty', '--quiet'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' }).on('exit', resolve)
			})
		const results: string[] = []
		try {
			for (const name of names) {
				const url = await createDatabase(base, name)
				migrate(url)
				expect(await seedOnce(url)).toBe(0)
				const first = await fingerprint(url)
				expect(await seedOnce(url)).toBe(0)
				expect(await fingerprint(url)).toBe(first)
				results.push(first)
			}
			expect(results[0]).toBe(results[1])
		} finally {
			for (const name of names) await dropDatabase(base, name)
		}
	})
})
