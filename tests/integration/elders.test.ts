import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { decryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient, startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

async function familyClient() {
	const client = new HttpClient(app.baseUrl)
	await client.page('/register')
	const phone = `137${String(process.pid % 10000).padStart(4, '0')}${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`
	const res = await client.post('/register', { name: '周敏', phone, password: 'Abcdef12', confirmPassword: 'Abcdef12' })
	expect(res.status).toBe(302)
	return client
}

async function dongbaoCommunity() {
	return prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', kind: 'urban_community' }, select: { id: true } })
}

let seq = 500
function freshIdNumber(birthDate = '1941-03-15') {
	return makeIdNumber('420802', birthDate, seq++ + (process.pid % 400))
}

describe('a family adds an elder', () => {
	it('stores the number encrypted, finds it by keyed hash, shows it masked', async () => {
		const client = await familyClient()
		const community = await dongbaoCommunity()
		await client.page('/elders/new')
		const idNumber = freshIdNumber()
		const res = await client.post('/elders/new', { idNumber, name: '孙桂兰', relationship: 'child', districtId: 'dongbao', communityId: community.id })
		expect(res.status).toBe(302)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(idNumber) } })
		expect(Buffer.from(elder.idNumberCipher).toString('latin1')).not.toContain(idNumber)
		expect(decryptIdNumber(elder.idNumberCipher)).toBe(idNumber)
		expect(elder.idNumberMasked).toBe(`4208************${idNumber.slice(16)}`)
		expect(elder.birthDate.toISOString().slice(0, 10)).toBe('1941-03-15')
		expect(elder.gender).toBe(Number(idNumber[16]) % 2 ? 'male' : 'female')
		const list = await (await client.get('/elders')).text()
		expect(list).toContain(elder.idNumberMasked)
		expect(list).not.toContain(idNumber)
	})

	it('says which part of a wrong number is wrong, and writes nothing', async () => {
		const client = await familyClient()
		const community = await dongbaoCommunity()
		await client.page('/elders/new')
		const before = await prisma.elder.count()
		const good = freshIdNumber()
		const cases: [string, string][] = [
			[good.slice(0, 17), 'errors.idNumber.length'],
			[good.slice(0, 17) + (good[17] === '1' ? '2' : '1'), 'errors.idNumber.checksum'],
			[makeIdNumber('420802', '1941-02-30', 7), 'errors.idNumber.birthDate'],
			[makeIdNumber('420802', '2030-01-01', 7), 'errors.idNumber.futureBirthDate'],
			[makeIdNumber('420802', '1990-01-01', 7), 'errors.idNumber.tooYoung'],
		]
		for (const [idNumber, message] of cases) {
			const res = await client.post('/elders/new', { idNumber, name: '孙桂兰', relationship: 'child', districtId: 'dongbao', communityId: community.id })
			expect(res.status, idNumber).toBe(400)
			expect(await res.text()).toContain(message)
		}
		const unknownDistrict = await client.post('/elders/new', { idNumber: freshIdNumber(), name: '孙桂兰', relationship: 'child', districtId: 'atlantis', communityId: community.id })
		expect(unknownDistrict.status).toBe(400)
		expect(await unknownDistrict.text()).toContain('errors.district.unknown')
		expect(await prisma.elder.count()).toBe(before)
	})

	it('refuses a duplicate elder, for the same family and for another one', async () => {
		const first = await familyClient()
		const community = await dongbaoCommunity()
		await first.page('/elders/new')
		const idNumber = freshIdNumber('1938-07-01')
		const fields = { idNumber, name: '吴德明', relationship: 'child', districtId: 'dongbao', communityId: community.id }
		expect((await first.post('/elders/new', fields)).status).toBe(302)
		const again = await first.post('/elders/new', fields)
		expect(again.status).toBe(400)
		expect(await again.text()).toContain('errors.elder.alreadyYours')
		const second = await familyClient()
		await second.page('/elders/new')
		const other = await second.post('/elders/new', fields)
		expect(other.status).toBe(400)
		expect(await other.text()).toContain('errors.elder.registeredByAnother')
		expect(await prisma.elder.count({ where: { idNumberHash: hashIdNumber(idNumber) } })).toBe(1)
	})

	it('hides other families’ elders (404) and audits a reveal of the full number', async () => {
		const owner = await familyClient()
		const community = await dongbaoCommunity()
		await owner.page('/elders/new')
		const idNumber = freshIdNumber('1935-12-24')
		const res = await owner.post('/elders/new', { idNumber, name: '郑秀英', relationship: 'spouse', districtId: 'dongbao', communityId: community.id })
		const elderPath = res.headers.get('location')!
		const stranger = await familyClient()
		expect((await stranger.get(elderPath)).status).toBe(404)
		expect((await stranger.post(elderPath, { intent: 'reveal' })).status).toBe(404)

		await owner.page(elderPath)
		const reveal = await owner.post(elderPath, { intent: 'reveal' })
		expect(reveal.status).toBe(200)
		expect(await reveal.text()).toContain(idNumber)
		const elderId = elderPath.split('/').at(-1)!
		const entries = await prisma.auditLog.findMany({ where: { action: 'pii.reveal_id_number', entityId: elderId } })
		expect(entries).toHaveLength(1)

		const officer = new HttpClient(app.baseUrl)
		await officer.login('13800000031', DEMO_PASSWORD)
		const log = await (await officer.get('/bureau/audit?action=pii.reveal_id_number')).text()
		expect(log).toContain(elderId.slice(0, 8))
	})

	it('keeps the audit log append-only at the database', async () => {
		await expect(prisma.auditLog.deleteMany({})).rejects.toThrow()
		await expect(prisma.$executeRawUnsafe('UPDATE audit_log SET action = action')).rejects.toThrow()
	})
})
