// Loader and action tests called directly (tests/setup/route.ts): no build, no HTTP.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { decryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import * as bureauAudit from '~/routes/bureau.audit.tsx'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as eldersList from '~/routes/elders._index.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import { makeUser } from '../factories/accounts.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

/** A newly registered family account, signed in. */
async function family() {
	return signIn(await makeUser({ role: 'family', name: '周敏' }))
}
const addElder = (as: Awaited<ReturnType<typeof family>>, fields: Record<string, string>) => callAction(newElder, '/elders/new', { elderConsent: 'on', ...fields }, { as })
const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))

async function dongbaoCommunity() {
	return prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', kind: 'urban_community' }, select: { id: true } })
}

let seq = 500
function freshIdNumber(birthDate = '1941-03-15') {
	return makeIdNumber('420802', birthDate, seq++ + (process.pid % 400))
}

describe('a family adds an elder', () => {
	it('stores the number encrypted, finds it by keyed hash, shows it masked', async () => {
		const client = await family()
		const community = await dongbaoCommunity()
		expect((await callLoader(newElder, '/elders/new', { as: client })).status).toBe(200)
		const idNumber = freshIdNumber()
		const res = await addElder(client, { idNumber, name: '孙桂兰', relationship: 'child', districtId: 'dongbao', communityId: community.id })
		expect(res.status).toBe(302)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(idNumber) } })
		expect(Buffer.from(elder.idNumberCipher!).toString('latin1')).not.toContain(idNumber)
		expect(decryptIdNumber(elder.idNumberCipher!)).toBe(idNumber)
		expect(elder.idNumberMasked).toBe(`4208************${idNumber.slice(16)}`)
		expect(elder.birthDate.toISOString().slice(0, 10)).toBe('1941-03-15')
		expect(elder.gender).toBe(Number(idNumber[16]) % 2 ? 'male' : 'female')
		// The residence a family gives waits for an officer (tests/integration/registry.test.ts).
		expect(elder.residenceStatus).toBe('unverified')
		expect(elder.registeredById).toBe(client.userId)
		const list = text((await callLoader(eldersList, '/elders', { as: client })).data)
		expect(list).toContain(elder.idNumberMasked)
		expect(list).not.toContain(idNumber)
	})

	it('says which part of a wrong number is wrong, and writes nothing', async () => {
		const client = await family()
		const community = await dongbaoCommunity()
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
			const res = await addElder(client, { idNumber, name: '孙桂兰', relationship: 'child', districtId: 'dongbao', communityId: community.id })
			expect(res.status, idNumber).toBe(400)
			expect(text(res.data)).toContain(message)
		}
		const unknownDistrict = await addElder(client, { idNumber: freshIdNumber(), name: '孙桂兰', relationship: 'child', districtId: 'atlantis', communityId: community.id })
		expect(unknownDistrict.status).toBe(400)
		expect(text(unknownDistrict.data)).toContain('errors.district.unknown')
		expect(await prisma.elder.count()).toBe(before)
	})

	it('refuses a duplicate elder for the same family; another family files a claim (tests/integration/family-claims.test.ts)', async () => {
		const first = await family()
		const community = await dongbaoCommunity()
		const idNumber = freshIdNumber('1938-07-01')
		const fields = { idNumber, name: '吴德明', relationship: 'child', districtId: 'dongbao', communityId: community.id }
		expect((await addElder(first, fields)).status).toBe(302)
		const again = await addElder(first, fields)
		expect(again.status).toBe(400)
		expect(text(again.data)).toContain('errors.elder.alreadyYours')
		const second = await family()
		const other = await addElder(second, fields)
		expect(other.status).toBe(302)
		expect(other.location).toBe('/elders?claim=sent')
		expect(await prisma.elder.count({ where: { idNumberHash: hashIdNumber(idNumber) } })).toBe(1)
	})

	it('hides other families’ elders (404) and audits a reveal of the full number', async () => {
		const owner = await family()
		const community = await dongbaoCommunity()
		const idNumber = freshIdNumber('1935-12-24')
		const res = await addElder(owner, { idNumber, name: '郑秀英', relationship: 'spouse', districtId: 'dongbao', communityId: community.id })
		const elderPath = res.location!
		const elderId = elderPath.split('/').at(-1)!
		const params = { elderId }
		const stranger = await family()
		expect((await callLoader(elderPage, elderPath, { as: stranger, params })).status).toBe(404)
		expect((await callAction(elderPage, elderPath, { intent: 'reveal' }, { as: stranger, params })).status).toBe(404)

		expect((await callLoader(elderPage, elderPath, { as: owner, params })).status).toBe(200)
		const reveal = await callAction(elderPage, elderPath, { intent: 'reveal' }, { as: owner, params })
		expect(reveal.status).toBe(200)
		expect(text(reveal.data)).toContain(idNumber)
		const entries = await prisma.auditLog.findMany({ where: { action: 'pii.reveal_id_number', entityId: elderId } })
		expect(entries).toHaveLength(1)

		const officer = await signIn('13800000031')
		const log = text((await callLoader(bureauAudit, '/bureau/audit?action=pii.reveal_id_number', { as: officer })).data)
		expect(log).toContain(elderId.slice(0, 8))
	})

	it('keeps the audit log append-only at the database', async () => {
		await expect(prisma.auditLog.deleteMany({})).rejects.toThrow()
		await expect(prisma.$executeRawUnsafe('UPDATE audit_log SET action = action')).rejects.toThrow()
	})
})
