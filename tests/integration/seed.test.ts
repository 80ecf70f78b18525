import { PrismaPg } from '@prisma/adapter-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PrismaClient } from '~/generated/prisma/client.ts'
import { verifyPassword } from '~/modules/auth/password.server.ts'
import { decryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { maskIdNumber, parseIdNumber } from '~/modules/identity/id-number.ts'
import { copyDatabase, createDatabase, dropDatabase, migrate } from '../../scripts/lib/database.ts'
import { spawnNode } from '../../scripts/lib/node-process.ts'
import { DEMO_ACCOUNTS, DEMO_PASSWORD, POPULATION_60_PLUS_2015 } from '../../prisma/seed-data.ts'

// Other test files change the shared run database while this one runs, so the seed is checked in
// databases of its own, seeded by the real command.
const base = process.env.DATABASE_URL!
const names = [`${process.env.TEST_DATABASE_NAME}_seed_a`, `${process.env.TEST_DATABASE_NAME}_seed_b`]
const urls: string[] = []
let db: PrismaClient

function seedOnce(url: string) {
	return new Promise<number | null>((resolve) => {
		spawnNode('prisma/seed.ts', ['--scale', 'demo', '--if-empty', '--quiet'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' }).on('exit', resolve)
	})
}

async function fingerprint(client: PrismaClient) {
	const rows = await client.$queryRawUnsafe<{ n: number; fp: string }[]>(
		`SELECT count(*)::int AS n, md5(string_agg(id::text || name || "birthDate"::text || "idNumberMasked", ',' ORDER BY id)) AS fp FROM elder`,
	)
	return `${rows[0]!.n}:${rows[0]!.fp}`
}

beforeAll(async () => {
	const url = await createDatabase(base, names[0]!)
	migrate(url)
	// The second: a copy of the first, freshly migrated and still empty (the same as migrating it again).
	await dropDatabase(base, names[1]!)
	urls.push(url, await copyDatabase(base, names[0]!, names[1]!))
	// Both seeded by the real command at once: two independent seeds of the same day.
	expect(await Promise.all(urls.map(seedOnce))).toEqual([0, 0])
	db = new PrismaClient({ adapter: new PrismaPg({ connectionString: urls[0]! }) })
})

// Both are dropped with the run's other databases when Vitest ends (tests/setup/global-setup.ts):
// DROP DATABASE waits for a checkpoint, which mid-run can take minutes.
afterAll(async () => {
	await db?.$disconnect()
})

describe('demo seed', () => {
	it('has the reference data, the official 2015 population and the registry', async () => {
		expect(await db.district.count()).toBe(6)
		const pop = await db.populationStat.aggregate({ where: { year: 2015 }, _sum: { aged60Plus: true } })
		expect(pop._sum.aged60Plus).toBe(POPULATION_60_PLUS_2015)
		expect(await db.elder.count()).toBeGreaterThanOrEqual(300)
		expect(await db.provider.count({ where: { kind: 'institution', status: 'approved' } })).toBeGreaterThanOrEqual(10)
	})

	it('stores identity numbers with valid checksums, encrypted, hashed and masked consistently', async () => {
		const rows = await db.elder.findMany({ select: { idNumberCipher: true, idNumberHash: true, idNumberMasked: true, birthDate: true, gender: true } })
		const today = new Date().toISOString().slice(0, 10)
		for (const row of rows) {
			const id = decryptIdNumber(row.idNumberCipher!)
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
			const user = await db.user.findUniqueOrThrow({ where: { phone: account.phone }, select: { role: true } })
			expect(user.role).toBe(account.role)
		}
		const one = await db.user.findUniqueOrThrow({ where: { phone: DEMO_ACCOUNTS[0]!.phone }, select: { passwordHash: true } })
		expect(await verifyPassword(one.passwordHash, DEMO_PASSWORD)).toBe(true)
	})

	it('is deterministic for a given day and does nothing on a seeded database with --if-empty', async () => {
		const first = await fingerprint(db)
		expect(await seedOnce(urls[0]!)).toBe(0)
		expect(await fingerprint(db)).toBe(first)
		const other = new PrismaClient({ adapter: new PrismaPg({ connectionString: urls[1]! }) })
		try {
			expect(await fingerprint(other)).toBe(first)
		} finally {
			await other.$disconnect()
		}
	})
})
