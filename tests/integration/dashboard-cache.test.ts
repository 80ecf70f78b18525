// The bed dashboard is cached in Redis under the census version the database bumps at commit:
// computed once per change of its data, and never one commit behind.
import { describe, expect, it } from 'vitest'
import { pool, prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { redis } from '~/lib/redis.server.ts'
import { sql } from '~/lib/sql.server.ts'
import * as bedsPage from '~/routes/bureau.beds.tsx'
import { makeRoomWithBeds } from '../factories/beds.ts'
import { callLoader, signIn } from '../setup/route.ts'

type Page = { board: { city: { beds: number; institutions: number } | null; districts: { districtId: string; beds: number }[] } }
const version = async () => (await sql`SELECT version FROM census_version`.first<{ version: number }>())!.version
const cityBeds = async (as: Awaited<ReturnType<typeof signIn>>) => (await callLoader<Page>(bedsPage, '/bureau/beds', { as })).data.board.city!.beds

let seq = 0
async function approvedInstitution() {
	return prisma.provider.create({
		data: { name: `缓存测试养老院${process.pid}-${seq++}`, kind: 'institution', licenceNo: `CV-${process.pid}-${seq}-${Date.now() % 1e6}`, districtId: 'duodao', phone: '0724-1111111', status: 'approved' },
		select: { id: true },
	})
}

describe('the cached bed dashboard', () => {
	it('is computed once per version and follows every committed change at once', async () => {
		const officer = await signIn('13800000041')
		const b0 = await cityBeds(officer)
		const v0 = await version()
		expect(await redis.keys(`${getEnv().QUEUE_PREFIX}:cache:beds-dashboard:city:all:latest:*:${v0}`)).toHaveLength(1)
		expect(await cityBeds(officer)).toBe(b0)

		const inst = await approvedInstitution()
		await makeRoomWithBeds(inst.id, 5)
		expect(await version()).toBeGreaterThan(v0)
		expect(await cityBeds(officer)).toBe(b0 + 5)

		await prisma.provider.update({ where: { id: inst.id }, data: { status: 'suspended' } })
		expect(await cityBeds(officer)).toBe(b0)
	})

	it('bumps the version once per transaction, at commit: an open transaction changes nothing seen', async () => {
		const officer = await signIn('13800000041')
		const inst = await approvedInstitution()
		const { bedIds } = await makeRoomWithBeds(inst.id, 3)
		const b0 = await cityBeds(officer)
		const v0 = await version()
		const client = await pool.connect()
		try {
			await client.query('BEGIN')
			await client.query(`UPDATE bed SET status = 'out_of_service' WHERE id = ANY($1::uuid[])`, [bedIds])
			// Uncommitted: the version and the page are as before (and the page cached now stays right).
			expect(await version()).toBe(v0)
			expect(await cityBeds(officer)).toBe(b0)
			await client.query('COMMIT')
		} finally {
			client.release()
		}
		expect(await version()).toBe(v0 + 1)
		expect(await cityBeds(officer)).toBe(b0 - 3)
	})

	it('follows the population figures and the district officer sees only their district', async () => {
		const city = await signIn('13800000041')
		const before = (await callLoader<Page>(bedsPage, '/bureau/beds', { as: city })).data
		const year = (await sql`SELECT max(year) AS y FROM population_stat`.first<{ y: number }>())!.y
		await sql`UPDATE population_stat SET "aged60Plus" = "aged60Plus" * 2 WHERE year = ${year}`.run()
		const after = (await callLoader<Page & { board: { city: { bedsPer1000: number } } }>(bedsPage, '/bureau/beds', { as: city })).data
		expect(after.board.city!.bedsPer1000).toBeCloseTo((before.board.city as unknown as { bedsPer1000: number }).bedsPer1000 / 2, 5)

		const district = await signIn('13800000031')
		const own = (await callLoader<Page>(bedsPage, '/bureau/beds?district=zhongxiang', { as: district })).data
		expect(own.board.city).toBeNull()
		expect(own.board.districts.map((d) => d.districtId)).toEqual(['dongbao'])
	})
})
