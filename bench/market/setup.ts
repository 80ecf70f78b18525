// Marketplace benchmark data in its own database (the benchmarks write): the demo seed, plus
// providers with offerings, and families with elders, sessions and CSRF tokens made in-process with
// the app's own session and CSRF code (what a browser would hold after signing in).
import { spawnSync } from 'node:child_process'
import pg from 'pg'
import { createDatabase, migrate } from '../../scripts/lib/database.ts'
import { makeOfferings, insertOfferings, type SeedProvider } from '../../prisma/seed-marketplace.ts'
import { addDays, makeChineseName, makeElder, Rng } from '../../tests/factories/index.ts'
import { BASE_DATABASE_URL, benchDbName } from '../lib.ts'

export const MARKET_DB = benchDbName('market')

export async function marketDatabase(): Promise<string> {
	const url = await createDatabase(BASE_DATABASE_URL, MARKET_DB)
	migrate(url)
	const seed = spawnSync('npx', ['tsx', 'prisma/seed.ts', '--scale', 'demo', '--quiet'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' })
	if (seed.status !== 0) throw new Error('seeding the market bench database failed')
	return url
}

const DISTRICTS = ['dongbao', 'duodao', 'jingshan', 'shayang', 'zhongxiang', 'qujialing']
const BRANDS = ['福康', '安康', '颐和', '康宁', '孝之家', '夕阳红', '爱心', '乐龄', '惠民', '仁爱', '金秋', '晚晴', '松鹤', '福寿']

/** `count` approved home-care providers (spread over the districts) with `perProvider` offerings each. */
export async function addProviders(url: string, count: number, perProvider: number) {
	const rng = Rng.for('bench-providers', 7)
	const client = new pg.Client({ connectionString: url })
	await client.connect()
	try {
		const providers: SeedProvider[] = []
		const cols: unknown[][] = [[], [], [], [], [], []]
		for (let i = 0; i < count; i++) {
			const districtId = DISTRICTS[i % DISTRICTS.length]!
			const served = [districtId, DISTRICTS[(i + 1) % DISTRICTS.length]!]
			const id = rng.uuid()
			providers.push({ id, kind: 'home_care', status: 'approved', districtId, served })
			cols[0]!.push(id)
			cols[1]!.push(`${rng.pick(BRANDS)}居家养老服务${String(i).padStart(3, '0')}号`)
			cols[2]!.push(`BENCH-${String(i).padStart(5, '0')}`)
			cols[3]!.push(districtId)
			cols[4]!.push(1 + rng.int(0, 4))
			cols[5]!.push('助浴助洁助餐上门服务')
		}
		await client.query('BEGIN')
		await client.query(
			`INSERT INTO provider (id, name, kind, "licenceNo", "districtId", status, grade, description, "createdAt", "updatedAt")
			 SELECT t.id, t.name, 'home_care', t.lic, t.d, 'approved', t.g, t.descr, now(), now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS t(id, name, lic, d, g, descr)`,
			cols,
		)
		await client.query(
			`INSERT INTO provider_district ("providerId", "districtId") SELECT * FROM unnest($1::uuid[], $2::text[])`,
			[providers.flatMap((p) => p.served.map(() => p.id)), providers.flatMap((p) => p.served)],
		)
		const counts = providers.map(() => rng.int(0, 40))
		await client.query(
			`INSERT INTO provider_profile ("providerId", "ratingCount", "ratingSum", "updatedAt") SELECT t.id, t.c, t.s, now() FROM unnest($1::uuid[], $2::int[], $3::int[]) AS t(id, c, s)`,
			[providers.map((p) => p.id), counts, counts.map((c) => (c === 0 ? 0 : rng.int(c * 3, c * 5)))],
		)
		await insertOfferings(client, makeOfferings(rng, providers, perProvider))
		await client.query('COMMIT')
		await client.query('ANALYZE')
	} finally {
		await client.end()
	}
}

/** A bench provider (auto-confirm) in 东宝区 with one offering whose slots hold `capacity` places. */
export async function addBookingProvider(url: string, capacity: number) {
	const client = new pg.Client({ connectionString: url })
	await client.connect()
	try {
		const { rows } = await client.query<{ id: string }>(
			`INSERT INTO provider (id, name, kind, "licenceNo", "districtId", status, grade, "createdAt", "updatedAt")
			 VALUES (gen_random_uuid(), '压测居家养老服务中心', 'home_care', 'BENCH-BOOKING', 'dongbao', 'approved', 5, now(), now()) RETURNING id`,
		)
		const providerId = rows[0]!.id
		await client.query(`INSERT INTO provider_district VALUES ($1, 'dongbao')`, [providerId])
		await client.query(`INSERT INTO provider_profile ("providerId", "autoConfirm", "updatedAt") VALUES ($1, true, now())`, [providerId])
		const offering = await client.query<{ id: string }>(
			`INSERT INTO offering (id, "providerId", category, title, description, "priceFen", unit, "durationMinutes", "districtIds", "createdAt", "updatedAt")
			 VALUES (gen_random_uuid(), $1, 'meals', '压测助餐', '老年助餐', 1800, 'per_visit', 60, '{dongbao}', now(), now()) RETURNING id`,
			[providerId],
		)
		const offeringId = offering.rows[0]!.id
		await client.query(
			`INSERT INTO availability_rule (id, "offeringId", weekday, "startMinute", "endMinute", capacity) SELECT gen_random_uuid(), $1, d, 480, 1080, $2 FROM generate_series(1, 7) d`,
			[offeringId, capacity],
		)
		return { providerId, offeringId, priceFen: 1800 }
	} finally {
		await client.end()
	}
}

export type BenchFamily = { userId: string; elderId: string; cookie: string; csrf: string }

/** `n` signed-in families in 东宝区, each caring for one elder, with a session and a CSRF token. */
export async function addFamilies(url: string, n: number): Promise<BenchFamily[]> {
	process.env.DATABASE_URL = url
	const { sessionStorage } = await import('~/modules/auth/session.server.ts')
	const { csrf } = await import('~/modules/auth/csrf.server.ts')
	const rng = Rng.for('bench-families', 11)
	const client = new pg.Client({ connectionString: url })
	await client.connect()
	try {
		const { rows: c } = await client.query<{ id: string }>(`SELECT id FROM community WHERE "districtId" = 'dongbao' AND kind = 'urban_community' ORDER BY "nameZh" LIMIT 1`)
		const { rows: pw } = await client.query<{ passwordHash: string }>(`SELECT "passwordHash" FROM app_user LIMIT 1`)
		const users = { id: [] as string[], phone: [] as string[], name: [] as string[] }
		const elders: unknown[][] = [[], [], [], [], [], [], [], []]
		const sessions = { id: [] as string[], userId: [] as string[] }
		for (let i = 0; i < n; i++) {
			const userId = rng.uuid()
			users.id.push(userId)
			users.phone.push(`166${String(i).padStart(8, '0')}`)
			users.name.push(makeChineseName(rng))
			const { row } = makeElder(rng, { districtId: 'dongbao', regionCode: '420802', communityId: c[0]!.id, settlement: 'urban_community', birthDate: addDays('1930-01-01', i * 7), seq: 1 + (i % 499) * 2 })
			;[row.id, row.idNumberCipher, row.idNumberHash, row.idNumberMasked, row.name, row.gender, row.birthDate.toISOString().slice(0, 10), row.communityId].forEach((v, k) => elders[k]!.push(v))
			sessions.id.push(rng.uuid())
			sessions.userId.push(userId)
		}
		await client.query('BEGIN')
		await client.query(
			`INSERT INTO app_user (id, phone, name, "passwordHash", role, "createdAt", "updatedAt") SELECT t.id, t.phone, t.name, $4, 'family', now(), now() FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, phone, name)`,
			[users.id, users.phone, users.name, pw[0]!.passwordHash],
		)
		await client.query(
			`INSERT INTO elder (id, "idNumberCipher", "idNumberHash", "idNumberMasked", name, gender, "birthDate", "districtId", "communityId", settlement, "createdAt", "updatedAt")
			 SELECT t.id, t.c, t.h, t.m, t.name, t.g::"Gender", t.b, 'dongbao', t.comm, 'urban_community', now(), now()
			 FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::date[], $8::uuid[]) AS t(id, c, h, m, name, g, b, comm)`,
			elders,
		)
		await client.query(`INSERT INTO family_link ("userId", "elderId", relationship) SELECT * , 'child' FROM unnest($1::uuid[], $2::uuid[])`, [users.id, elders[0]])
		await client.query(`INSERT INTO session (id, "userId", "expiresAt") SELECT t.id, t.u, now() + interval '1 day' FROM unnest($1::uuid[], $2::uuid[]) AS t(id, u)`, [sessions.id, sessions.userId])
		await client.query('COMMIT')
		const out: BenchFamily[] = []
		for (let i = 0; i < n; i++) {
			const session = await sessionStorage.getSession()
			session.set('sid', sessions.id[i])
			const sessionCookie = (await sessionStorage.commitSession(session)).split(';')[0]!
			const [token, csrfSetCookie] = await csrf.commitToken(new Request('http://bench.local/'))
			out.push({ userId: users.id[i]!, elderId: elders[0]![i] as string, cookie: `${sessionCookie}; ${csrfSetCookie!.split(';')[0]}`, csrf: token })
		}
		return out
	} finally {
		await client.end()
	}
}

export function percentile(sorted: number[], p: number) {
	if (sorted.length === 0) return 0
	return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10
}
