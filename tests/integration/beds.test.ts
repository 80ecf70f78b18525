import { Worker } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pool, prisma } from '~/lib/db.server.ts'
import { shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { enqueueSnapshot, ensureSnapshotScheduler, INDICATOR_SNAPSHOT_QUEUE, SNAPSHOT_SCHEDULER_ID, snapshotQueue } from '~/jobs/indicator-snapshots.server.ts'
import { queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { admissionOn, admitElder, isElderAdmittedOn } from '~/modules/beds/admissions.server.ts'
import type { InstitutionStaff } from '~/modules/beds/access.server.ts'
import { takeSnapshot } from '~/modules/beds/indicators.server.ts'
import { decryptIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import { processSnapshot } from '../../workers/processors/indicator-snapshots.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient, startApp } from '../setup/http.ts'
import { TEST_PASSWORD } from '../factories/accounts.ts'
import { demoInstitution, makeInstitutionStaff, makeRegisteredElder, makeRoomWithBeds, otherInstitution } from '../factories/beds.ts'
import { makeFamily, signIn } from '../factories/marketplace.ts'

let app: Awaited<ReturnType<typeof startApp>>
let providerId: string
let staffUserId: string
let otherProviderId: string
const today = shanghaiDate()

beforeAll(async () => {
	app = await startApp()
	;({ providerId, staffUserId } = await demoInstitution())
	otherProviderId = await otherInstitution(providerId)
})
afterAll(async () => {
	await app.close()
})

/** A registered elder with a fresh valid identity number (the staff find elders by it). */
const newElder = makeRegisteredElder

/** A new staff member of the institution, signed in over HTTP. */
async function staffOf(provider: string) {
	const staff = await makeInstitutionStaff(provider)
	const client = new HttpClient(app.baseUrl)
	await client.login(staff.phone, TEST_PASSWORD)
	return client
}

async function demoStaff() {
	const client = new HttpClient(app.baseUrl)
	await client.login('13800000012', DEMO_PASSWORD)
	await client.page('/institution/beds')
	return client
}

let roomSeq = 0
/** A new room with `count` vacant beds, created through the pages; returns the bed ids. */
async function freshBeds(client: HttpClient, count: number, type = 'nursing') {
	const name = `T${Date.now() % 100000}${roomSeq++}`
	expect((await client.post('/institution/beds', { intent: 'room', name, floor: '3' })).status).toBe(200)
	const room = await prisma.room.findFirstOrThrow({ where: { providerId, name }, select: { id: true } })
	const res = await client.post('/institution/beds', { intent: 'beds', roomId: room.id, type, count: String(count), price: '3200.50' })
	expect(res.status).toBe(200)
	const beds = await prisma.bed.findMany({ where: { roomId: room.id }, orderBy: { label: 'asc' }, select: { id: true, label: true, status: true, monthlyPriceFen: true } })
	expect(beds).toHaveLength(count)
	expect(beds.every((b) => b.status === 'vacant' && b.monthlyPriceFen === 320_050)).toBe(true)
	return beds.map((b) => b.id)
}

const openAdmissions = (where: { elderId?: string; bedId?: string }) => prisma.admission.count({ where: { ...where, dischargedOn: null } })

describe('admissions under concurrency (the database decides)', () => {
	it('two staff admit two elders to the same bed at the same moment: exactly one wins, the other gets 409', async () => {
		const [a, b] = [await demoStaff(), await staffOf(providerId)]
		await b.page('/institution/admissions')
		const [bedId] = await freshBeds(a, 1)
		const [e1, e2] = [await newElder('赵桂芝'), await newElder('钱玉珍')]
		await a.page('/institution/admissions')
		const responses = await Promise.all([
			a.post('/institution/admissions', { intent: 'admit', idNumber: e1.idNumber, bedId: bedId!, admittedOn: today }),
			b.post('/institution/admissions', { intent: 'admit', idNumber: e2.idNumber, bedId: bedId!, admittedOn: today }),
		])
		expect(responses.map((r) => r.status).sort()).toEqual([200, 409])
		const loser = responses.find((r) => r.status === 409)!
		const html = await loser.text()
		expect(html).toContain('该床位已有老人入住')
		expect(await openAdmissions({ bedId: bedId! })).toBe(1)
		expect((await openAdmissions({ elderId: e1.id })) + (await openAdmissions({ elderId: e2.id }))).toBe(1)
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bedId! } })).status).toBe('occupied')
		expect(await prisma.bedEvent.count({ where: { bedId: bedId!, kind: 'admitted' } })).toBe(1)
	})

	it('two staff admit the same elder to two beds at the same moment: one admission, the other bed stays vacant', async () => {
		const [a, b] = [await demoStaff(), await staffOf(providerId)]
		await b.page('/institution/admissions')
		const [bed1, bed2] = await freshBeds(a, 2)
		const elder = await newElder('孙凤英')
		await a.page('/institution/admissions')
		const responses = await Promise.all([
			a.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bed1!, admittedOn: today }),
			b.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bed2!, admittedOn: today }),
		])
		expect(responses.map((r) => r.status).sort()).toEqual([200, 409])
		expect(await responses.find((r) => r.status === 409)!.text()).toContain('这位老人已入住某张床位')
		expect(await openAdmissions({ elderId: elder.id })).toBe(1)
		const statuses = (await prisma.bed.findMany({ where: { id: { in: [bed1!, bed2!] } }, select: { status: true } })).map((x) => x.status).sort()
		expect(statuses).toEqual(['occupied', 'vacant'])
	})

	it('ten simultaneous module calls for one bed: one admission, nine clear refusals', async () => {
		const [bedId] = (await makeRoomWithBeds(providerId, 1)).bedIds
		const elders = await Promise.all(Array.from({ length: 10 }, () => newElder('李淑珍')))
		const staff = { id: staffUserId, role: 'provider_staff', providerId, providerName: 'x', districtId: 'dongbao', name: 'x', phone: 'x', communityId: null } as InstitutionStaff
		const results = await Promise.all(elders.map((e) => admitElder(staff, { idNumber: e.idNumber, bedId: bedId!, admittedOn: today })))
		expect(results.filter((r) => r.ok)).toHaveLength(1)
		for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ ok: false, status: 409, fieldErrors: { bedId: ['beds:errors.bed.occupied'] } })
		expect(await openAdmissions({ bedId: bedId! })).toBe(1)
	})

	it('refuses a second current admission at the database even without the application', async () => {
		const [bed1, bed2] = (await makeRoomWithBeds(providerId, 2)).bedIds
		const elder = await newElder()
		const insert = (bed: string) =>
			pool.query(`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, $4, now())`, [elder.id, bed, providerId, today])
		await insert(bed1!)
		await expect(insert(bed2!)).rejects.toMatchObject({ code: '23505', constraint: 'admission_one_current_per_elder' })
		await expect(
			pool.query(`UPDATE admission SET "dischargedOn" = "admittedOn" - 1, "endReason" = 'discharged' WHERE "elderId" = $1`, [elder.id]),
		).rejects.toMatchObject({ code: '23514', constraint: 'admission_discharge_not_before_admission' })
		await expect(pool.query(`UPDATE bed_event SET kind = 'x' WHERE "providerId" = $1`, [providerId])).rejects.toThrow(/append-only/)
	})
})

describe('admit, transfer, discharge and bad input', () => {
	it('admits, transfers and discharges with dates and history; "admitted on D" answers from the admissions', async () => {
		const a = await demoStaff()
		const [bed1, bed2] = (await makeRoomWithBeds(providerId, 2)).bedIds
		const elder = await newElder('周玉梅')
		await a.page('/institution/admissions')
		const admittedOn = '2025-01-10'
		expect((await a.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bed1!, admittedOn })).status).toBe(200)
		const first = await prisma.admission.findFirstOrThrow({ where: { elderId: elder.id, dischargedOn: null } })
		expect(await a.post('/institution/admissions', { intent: 'transfer', admissionId: first.id, bedId: bed2!, on: '2025-03-01' }).then((r) => r.status)).toBe(200)
		const second = await prisma.admission.findFirstOrThrow({ where: { elderId: elder.id, dischargedOn: null } })
		expect(second.transferredFromId).toBe(first.id)
		expect(second.bedId).toBe(bed2)
		// Discharging before the admission date is refused and writes nothing.
		const early = await a.post('/institution/admissions', { intent: 'discharge', admissionId: second.id, on: '2025-02-01', reason: 'discharged' })
		expect(early.status).toBe(400)
		expect(await early.text()).toContain('日期不能早于入住日期')
		expect(await openAdmissions({ elderId: elder.id })).toBe(1)
		expect((await a.post('/institution/admissions', { intent: 'discharge', admissionId: second.id, on: '2025-06-30', reason: 'discharged' })).status).toBe(200)
		expect(await openAdmissions({ elderId: elder.id })).toBe(0)
		const beds = await prisma.bed.findMany({ where: { id: { in: [bed1!, bed2!] } }, select: { status: true } })
		expect(beds.every((b) => b.status === 'vacant')).toBe(true)
		const kinds = (await prisma.bedEvent.findMany({ where: { bedId: bed2! }, orderBy: { id: 'asc' }, select: { kind: true } })).map((e) => e.kind)
		expect(kinds).toEqual(['created', 'transferred_in', 'discharged'])
		expect(await isElderAdmittedOn(elder.id, '2025-01-09')).toBe(false)
		expect(await isElderAdmittedOn(elder.id, '2025-01-10')).toBe(true)
		expect((await admissionOn(elder.id, '2025-03-01'))?.bedId).toBe(bed2)
		expect((await admissionOn(elder.id, '2025-02-28'))?.bedId).toBe(bed1)
		expect(await isElderAdmittedOn(elder.id, '2025-06-30')).toBe(false)
		// A back-dated admission overlapping that stay is refused.
		const overlapping = await a.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bed1!, admittedOn: '2025-05-01' })
		expect(overlapping.status).toBe(409)
		expect(await overlapping.text()).toContain('入住日期不能早于上次退住日期')
		expect(await openAdmissions({ elderId: elder.id })).toBe(0)
		const history = await (await a.get(`/institution/beds/${bed2}`)).text()
		expect(history).toMatch(/<td[^>]*>周玉梅<\/td>/)
		expect(history).toMatch(/<td[^>]*>转入<\/td>/)
	})

	it('refuses an occupied or out-of-service bed, an unregistered elder, a bad count or price, writing nothing', async () => {
		const a = await demoStaff()
		const [bed1, bed2] = (await makeRoomWithBeds(providerId, 2)).bedIds
		const [e1, e2] = [await newElder(), await newElder()]
		await a.page('/institution/admissions')
		expect((await a.post('/institution/admissions', { intent: 'admit', idNumber: e1.idNumber, bedId: bed1!, admittedOn: today })).status).toBe(200)
		const before = await prisma.admission.count()
		const occupied = await a.post('/institution/admissions', { intent: 'admit', idNumber: e2.idNumber, bedId: bed1!, admittedOn: today })
		expect(occupied.status).toBe(409)
		expect(await occupied.text()).toContain('该床位已有老人入住')
		expect((await a.post('/institution/beds', { intent: 'status', bedId: bed2!, status: 'out_of_service', confirm: 'on' })).status).toBe(200)
		const outOfService = await a.post('/institution/admissions', { intent: 'admit', idNumber: e2.idNumber, bedId: bed2!, admittedOn: today })
		expect(outOfService.status).toBe(409)
		expect(await outOfService.text()).toContain('该床位已停用')
		const unknown = await a.post('/institution/admissions', { intent: 'admit', idNumber: makeIdNumber('420802', '1939-01-01', 999), bedId: bed2!, admittedOn: today })
		expect(unknown.status).toBe(404)
		expect(await unknown.text()).toContain('平台上没有登记这位老人')
		const badChecksum = await a.post('/institution/admissions', { intent: 'admit', idNumber: e2.idNumber.slice(0, 17) + (e2.idNumber[17] === '1' ? '2' : '1'), bedId: bed1!, admittedOn: today })
		expect(badChecksum.status).toBe(400)
		expect(await prisma.admission.count()).toBe(before)
		const room = await prisma.bed.findUniqueOrThrow({ where: { id: bed1! }, select: { roomId: true } })
		const bedsBefore = await prisma.bed.count()
		for (const count of ['-3', '0', 'abc']) {
			const res = await a.post('/institution/beds', { intent: 'beds', roomId: room.roomId, type: 'nursing', count, price: '3000' })
			expect(res.status, count).toBe(400)
			expect(await res.text()).toContain('床位数量应为 1 到 50 之间的整数')
		}
		expect((await a.post('/institution/beds', { intent: 'beds', roomId: room.roomId, type: 'nursing', count: '1', price: '-5' })).status).toBe(400)
		expect(await prisma.bed.count()).toBe(bedsBefore)
		// An occupied bed cannot be taken out of service.
		expect((await a.post('/institution/beds', { intent: 'status', bedId: bed1!, status: 'out_of_service', confirm: 'on' })).status).toBe(409)
	})
})

describe('editing beds', () => {
	it('changes a vacant bed’s type and price with history; refuses a type change while occupied', async () => {
		const a = await demoStaff()
		const [bed1, bed2] = (await makeRoomWithBeds(providerId, 2)).bedIds
		await a.page(`/institution/beds/${bed1}`)
		expect((await a.post(`/institution/beds/${bed1}`, { intent: 'update', type: 'dementia', price: '4100' })).status).toBe(200)
		expect(await prisma.bed.findUniqueOrThrow({ where: { id: bed1! }, select: { type: true, monthlyPriceFen: true } })).toEqual({ type: 'dementia', monthlyPriceFen: 410_000 })
		const kinds = (await prisma.bedEvent.findMany({ where: { bedId: bed1! }, orderBy: { id: 'asc' }, select: { kind: true } })).map((e) => e.kind)
		expect(kinds).toEqual(['created', 'type', 'price'])
		const elder = await newElder()
		await a.page('/institution/admissions')
		expect((await a.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bed2!, admittedOn: today })).status).toBe(200)
		await a.page(`/institution/beds/${bed2}`)
		const inUse = await a.post(`/institution/beds/${bed2}`, { intent: 'update', type: 'self_care', price: '3200.50' })
		expect(inUse.status).toBe(409)
		expect(await inUse.text()).toContain('床位有人入住或已预留时不能改类型')
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bed2! } })).type).toBe('nursing')
		const intruder = await staffOf(otherProviderId)
		await intruder.page('/institution/beds')
		expect((await intruder.post(`/institution/beds/${bed1}`, { intent: 'update', type: 'nursing', price: '1' })).status).toBe(404)
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bed1! } })).monthlyPriceFen).toBe(410_000)
	})
})

describe('scoping', () => {
	it("staff of one institution cannot see or touch another's beds (404), nothing written", async () => {
		const [bedId] = (await makeRoomWithBeds(providerId, 1)).bedIds
		const intruder = await staffOf(otherProviderId)
		await intruder.page('/institution/admissions')
		const elder = await newElder()
		const admit = await intruder.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bedId!, admittedOn: today })
		expect(admit.status).toBe(404)
		expect(await admit.text()).toContain('没有这个床位')
		expect((await intruder.post('/institution/beds', { intent: 'status', bedId: bedId!, status: 'out_of_service', confirm: 'on' })).status).toBe(404)
		expect((await intruder.get(`/institution/beds/${bedId}`)).status).toBe(404)
		expect((await intruder.get('/institution/beds').then((r) => r.text())).includes(bedId!)).toBe(false)
		const bed = await prisma.bed.findUniqueOrThrow({ where: { id: bedId! } })
		expect(bed.status).toBe('vacant')
		expect(await openAdmissions({ elderId: elder.id })).toBe(0)
	})

	it('other roles are refused (403); a district officer sees only their district', async () => {
		const homeCare = new HttpClient(app.baseUrl)
		await homeCare.login('13800000011', DEMO_PASSWORD)
		expect((await homeCare.get('/institution')).status).toBe(403)
		const family = new HttpClient(app.baseUrl)
		await family.login('13800000001', DEMO_PASSWORD)
		expect((await family.get('/bureau/beds')).status).toBe(403)
		expect((await family.get('/bureau/beds.csv')).status).toBe(403)
		const district = new HttpClient(app.baseUrl)
		await district.login('13800000031', DEMO_PASSWORD)
		const html = await (await district.get('/bureau/beds?district=zhongxiang')).text()
		expect(html).toContain('data-testid="district-dongbao"')
		expect(html).not.toContain('data-testid="district-zhongxiang"')
		expect(html).not.toContain('data-testid="city"')
		const csv = await (await district.get('/bureau/beds.csv')).text()
		expect(csv).toContain('dongbao')
		expect(csv).not.toContain('zhongxiang')
		await district.page('/bureau/population')
		const other = await district.post('/bureau/population', { districtId: 'zhongxiang', year: '2021', aged60Plus: '200000', aged80Plus: '25000' })
		expect(other.status).toBe(403)
		expect(await prisma.populationStat.count({ where: { districtId: 'zhongxiang', year: 2021 } })).toBe(0)
	})
})

describe('the bureau: population, dashboard, CSV, snapshots', () => {
	it('refuses a population of zero or less, or 80+ above 60+, writing nothing; saves and audits a good one', async () => {
		const officer = new HttpClient(app.baseUrl)
		await officer.login('13800000041', DEMO_PASSWORD)
		await officer.page('/bureau/population')
		for (const [aged60Plus, aged80Plus, message] of [
			['0', '0', '60 岁及以上人口必须是大于 0 的整数'],
			['-100', '0', '60 岁及以上人口必须是大于 0 的整数'],
			['1000', '2000', '80 岁及以上人口不能多于 60 岁及以上人口'],
		] as const) {
			const res = await officer.post('/bureau/population', { districtId: 'duodao', year: '2022', aged60Plus, aged80Plus })
			expect(res.status).toBe(400)
			expect(await res.text()).toContain(message)
		}
		expect(await prisma.populationStat.count({ where: { year: 2022 } })).toBe(0)
		await expect(pool.query(`INSERT INTO population_stat ("districtId", year, "aged60Plus", "aged80Plus", "updatedAt") VALUES ('duodao', 2022, 0, 0, now())`)).rejects.toMatchObject({ code: '23514' })
		expect((await officer.post('/bureau/population', { districtId: 'duodao', year: '2015', aged60Plus: '51571', aged80Plus: '5776' })).status).toBe(200)
		expect((await prisma.populationStat.findUniqueOrThrow({ where: { districtId_year: { districtId: 'duodao', year: 2015 } } })).aged60Plus).toBe(51571)
		expect(await prisma.auditLog.count({ where: { action: 'population.save', entityId: 'duodao/2015' } })).toBe(1)
	})

	it('the dashboard follows admissions and discharges; the year is selectable; the CSV has everything', async () => {
		const officer = new HttpClient(app.baseUrl)
		await officer.login('13800000041', DEMO_PASSWORD)
		const read = async (path: string) => {
			const html = await (await officer.get(path)).text()
			const cell = (id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]
			return { html, beds: cell('city-beds'), per1000: cell('city-per1000'), occupancy: cell('city-occupancy') }
		}
		// What the indicators count: beds in service at approved institutions.
		const counts = async () =>
			(
				await pool.query<{ beds: number; occupied: number; inservice: number }>(
					`SELECT count(*)::int AS beds, count(*) FILTER (WHERE b.status = 'occupied')::int AS occupied, count(*)::int AS inservice
					 FROM bed b JOIN provider p ON p.id = b."providerId" AND p.status = 'approved' WHERE b.status <> 'out_of_service'`,
				)
			).rows[0]!
		const pop = async (year: number) => (await pool.query<{ n: number }>(`SELECT sum("aged60Plus")::int AS n FROM population_stat WHERE year = $1`, [year])).rows[0]!.n
		const latest = (await pool.query<{ y: number }>(`SELECT max(year) AS y FROM population_stat`)).rows[0]!.y
		const c0 = await counts()
		const before = await read('/bureau/beds')
		expect(before.html).toContain(`${latest}（最新）`)
		expect(before.beds).toBe(c0.beds.toLocaleString())
		expect(before.per1000).toBe(((c0.beds * 1000) / (await pop(latest))).toFixed(1))
		expect(before.occupancy).toBe(`${((c0.occupied / c0.inservice) * 100).toFixed(1)}%`)
		const y2015 = await read('/bureau/beds?year=2015')
		expect(y2015.per1000).toBe(((c0.beds * 1000) / (await pop(2015))).toFixed(1))

		const a = await demoStaff()
		const [bedId] = (await makeRoomWithBeds(providerId, 1)).bedIds
		const elder = await newElder()
		await a.page('/institution/admissions')
		expect((await a.post('/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bedId!, admittedOn: today })).status).toBe(200)
		const c1 = await counts()
		const after = await read('/bureau/beds')
		expect(c1.occupied).toBe(c0.occupied + 1)
		expect(after.beds).toBe((c0.beds + 1).toLocaleString())
		expect(after.occupancy).toBe(`${((c1.occupied / c1.inservice) * 100).toFixed(1)}%`)
		expect(after.occupancy).not.toBe(before.occupancy)

		const csv = await (await officer.get('/bureau/beds.csv?year=2015')).text()
		const lines = csv.replace('\uFEFF', '').trim().split('\n')
		expect(lines[0]).toContain('bedsPer1000')
		const city = lines.find((l) => l.startsWith('current,2015,,city'))!
		expect(city).toContain(`,${c1.beds},`)
		expect(lines.some((l) => l.startsWith('snapshot,'))).toBe(true)
		const plan = await (await officer.get('/bureau/plan')).text()
		expect(plan).toContain('每千名老人拥有各类养老床位数')
		expect(plan).toContain('注册志愿者人数占居民人口的比例')
	})

	it('the monthly snapshot is idempotent, scheduled at 03:00 on the 1st in Shanghai, and runs through BullMQ', async () => {
		expect(await takeSnapshot('2019-07')).toBe(6)
		expect(await takeSnapshot('2019-07')).toBe(0)
		expect(await prisma.indicatorSnapshot.count({ where: { month: '2019-07' } })).toBe(6)
		expect((await prisma.indicatorSnapshot.findFirstOrThrow({ where: { month: '2019-07', districtId: 'dongbao' } })).populationYear).toBe(2019)
		await expect(takeSnapshot('2019-13')).rejects.toThrow(RangeError)

		await ensureSnapshotScheduler()
		await ensureSnapshotScheduler()
		const schedulers = await snapshotQueue().getJobSchedulers()
		expect(schedulers.filter((s) => s.key === SNAPSHOT_SCHEDULER_ID)).toHaveLength(1)
		expect(schedulers[0]).toMatchObject({ pattern: '0 3 1 * *', tz: 'Asia/Shanghai' })

		const month = '2018-02'
		const worker = new Worker(INDICATOR_SNAPSHOT_QUEUE, processSnapshot, { connection: workerConnection(), prefix: queuePrefix(), autorun: true })
		try {
			const done = new Promise((resolve, reject) => {
				worker.on('completed', (job) => job.data.month === month && resolve(job.returnvalue))
				worker.on('failed', (_job, err) => reject(err))
			})
			await enqueueSnapshot(month)
			await enqueueSnapshot(month)
			expect(await done).toEqual({ month, written: 6 })
		} finally {
			await worker.close()
			await snapshotQueue().obliterate({ force: true })
		}
		expect(await prisma.indicatorSnapshot.count({ where: { month } })).toBe(6)
		expect(shanghaiMonth()).toMatch(/^\d{4}-\d{2}$/)
	})

	it('the bed tally the dashboards read always equals the beds themselves', async () => {
		const diff = await pool.query(
			`SELECT * FROM (SELECT "providerId", type, status, count(*)::int AS n FROM bed GROUP BY 1, 2, 3) b
			 FULL JOIN (SELECT "providerId", type, status, n FROM bed_tally WHERE n <> 0) t USING ("providerId", type, status)
			 WHERE b.n IS DISTINCT FROM t.n`,
		)
		expect(diff.rows).toEqual([])
	})
})

describe('vacancies and stay requests', () => {
	it('a family finds vacancies and requests a stay; the institution accepts holding a bed, then admits from the request', async () => {
		const a = await demoStaff()
		const [bedId, otherBed] = (await makeRoomWithBeds(providerId, 2, { type: 'dementia' })).bedIds
		// A family of its own: admitting a shared demo elder would change what other test files see.
		const own = await makeFamily()
		const family = await signIn(app.baseUrl, own.phone)
		const list = await (await family.get(`/stays?district=dongbao&type=dementia&institution=${providerId}`)).text()
		expect(list).toContain('失智照护床位')
		expect(list).toContain('¥3,200.50')
		const elder = await prisma.elder.findUniqueOrThrow({ where: { id: own.elderId }, select: { id: true, name: true } })
		await family.page('/stays')
		const past = await family.post('/stays', { elderId: elder.id, providerId, bedType: 'dementia', desiredStartOn: '2020-01-01' })
		expect(past.status).toBe(400)
		const stranger = await newElder()
		expect((await family.post('/stays', { elderId: stranger.id, providerId, bedType: 'dementia', desiredStartOn: today })).status).toBe(404)
		expect((await family.post('/stays', { elderId: elder.id, providerId, bedType: 'dementia', desiredStartOn: today })).status).toBe(200)
		const again = await family.post('/stays', { elderId: elder.id, providerId, bedType: 'dementia', desiredStartOn: today })
		expect(again.status).toBe(409)
		const request = await prisma.stayRequest.findFirstOrThrow({ where: { elderId: elder.id, providerId, status: 'requested' } })

		await a.page('/institution/requests')
		expect(await (await a.get('/institution')).text()).toMatch(/data-testid="own-waiting"[^>]*>[1-9]/)
		const noReason = await a.post('/institution/requests', { intent: 'decline', requestId: request.id, reason: '' })
		expect(noReason.status).toBe(400)
		expect((await a.post('/institution/requests', { intent: 'accept', requestId: request.id, bedId: bedId! })).status).toBe(200)
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bedId! } })).status).toBe('reserved')
		expect((await a.post('/institution/requests', { intent: 'decline', requestId: request.id, reason: '已满' })).status).toBe(409)
		// The reserved bed is held: a direct admission of someone else is refused.
		const other = await newElder()
		await a.page('/institution/admissions')
		const held = await a.post('/institution/admissions', { intent: 'admit', idNumber: other.idNumber, bedId: bedId!, admittedOn: today })
		expect(held.status).toBe(409)
		expect(await held.text()).toContain('该床位已为其他申请预留')
		const status = await (await family.get('/stays')).text()
		expect(status).toContain('已接受')
		// Admitting from the request takes the held bed, not another one.
		const idNumber = decryptIdNumber((await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { idNumberCipher: true } })).idNumberCipher!)
		await a.page(`/institution/admissions?request=${request.id}`)
		expect((await a.post('/institution/admissions', { intent: 'admit', idNumber, bedId: otherBed!, admittedOn: today, stayRequestId: request.id })).status).toBe(200)
		const admission = await prisma.admission.findFirstOrThrow({ where: { elderId: elder.id, dischargedOn: null } })
		expect(admission.stayRequestId).toBe(request.id)
		// Admitted to another bed than the one held: the held bed is released.
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bedId! } })).status).toBe('vacant')
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: otherBed! } })).status).toBe('occupied')
	})

	it('the institution declines with a reason; the family sees it', async () => {
		const a = await demoStaff()
		const family = new HttpClient(app.baseUrl)
		await family.login('13800000002', DEMO_PASSWORD)
		await family.page('/stays')
		const elder = await prisma.elder.findFirstOrThrow({ where: { families: { some: { user: { phone: '13800000002' } } } }, select: { id: true } })
		expect((await family.post('/stays', { elderId: elder.id, providerId, bedType: 'nursing', desiredStartOn: today })).status).toBe(200)
		const request = await prisma.stayRequest.findFirstOrThrow({ where: { elderId: elder.id, providerId, status: 'requested' } })
		await a.page('/institution/requests')
		expect((await a.post('/institution/requests', { intent: 'decline', requestId: request.id, reason: '护理型床位已满' })).status).toBe(200)
		expect(await (await family.get('/stays')).text()).toContain('护理型床位已满')
		expect(await prisma.auditLog.count({ where: { action: 'stay_request.decline', entityId: request.id } })).toBe(1)
		// The family withdraws an open request at another institution.
		expect((await family.post('/stays', { elderId: elder.id, providerId: otherProviderId, bedType: 'self_care', desiredStartOn: today })).status).toBe(200)
		const open = await prisma.stayRequest.findFirstOrThrow({ where: { elderId: elder.id, providerId: otherProviderId, status: 'requested' } })
		expect((await family.post('/stays', { intent: 'cancel', requestId: open.id, confirm: 'on' })).status).toBe(200)
		expect((await prisma.stayRequest.findUniqueOrThrow({ where: { id: open.id } })).status).toBe('cancelled')
		expect((await family.post('/stays', { intent: 'cancel', requestId: open.id, confirm: 'on' })).status).toBe(409)
		// Another institution's staff cannot decide it.
		const intruder = await staffOf(otherProviderId)
		await intruder.page('/institution/requests')
		expect((await intruder.post('/institution/requests', { intent: 'accept', requestId: request.id, bedId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
	})
})
