// Only approved providers take on new work, and only approved institutions' beds in service count
// in the plan's indicators (issue: an institution that signed itself up added beds that counted).
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { dashboard } from '~/modules/beds/indicators.server.ts'
import * as admissions from '~/routes/institution.admissions.tsx'
import * as beds from '~/routes/institution.beds.tsx'
import * as institutionHome from '~/routes/institution._index.tsx'
import * as newOffering from '~/routes/provider.offerings.new.tsx'
import { sessionUser } from '../factories/accounts.ts'
import { makeInstitutionStaff, makeRegisteredElder, makeRoomWithBeds } from '../factories/beds.ts'
import { makeProvider } from '../factories/marketplace.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

let seq = 0
async function institution(status: 'pending' | 'approved' | 'suspended' | 'rejected') {
	const provider = await prisma.provider.create({
		data: { name: `测试养老院${process.pid}-${seq++}`, kind: 'institution', licenceNo: `TS-${process.pid}-${seq}-${Date.now() % 1e6}`, districtId: 'dongbao', phone: '0724-7654321', status },
		select: { id: true },
	})
	const staff = await makeInstitutionStaff(provider.id)
	return { providerId: provider.id, staff: await signIn(staff) }
}
const text = (data: unknown) => JSON.stringify(data)
const cityBeds = async () => (await dashboard(await sessionUser('13800000041'), {})).city!

describe('a provider the bureau has not approved', () => {
	for (const status of ['pending', 'suspended', 'rejected'] as const) {
		it(`(${status}) cannot add beds or admit anyone, and is told why`, async () => {
			const inst = await institution(status)
			const room = await callAction(beds, '/institution/beds', { intent: 'room', name: '一楼' }, { as: inst.staff })
			expect(room.status).toBe(200)
			const roomId = (await prisma.room.findFirstOrThrow({ where: { providerId: inst.providerId }, select: { id: true } })).id
			const before = await prisma.bed.count({ where: { providerId: inst.providerId } })
			const added = await callAction(beds, '/institution/beds', { intent: 'beds', roomId, type: 'nursing', count: '5', price: '3000' }, { as: inst.staff })
			expect(added.status).toBe(403)
			expect(text(added.data)).toContain(`marketplace:errors.provider.mayNotAct.${status}`)
			expect(await prisma.bed.count({ where: { providerId: inst.providerId } })).toBe(before)

			// A bed it had before (e.g. before a suspension) cannot take a new resident.
			const [bedId] = (await makeRoomWithBeds(inst.providerId, 1)).bedIds
			const elder = await makeRegisteredElder('冯桂芝')
			const admit = await callAction(admissions, '/institution/admissions', { intent: 'admit', idNumber: elder.idNumber, bedId: bedId!, admittedOn: shanghaiDate() }, { as: inst.staff })
			expect(admit.status).toBe(403)
			expect(await prisma.admission.count({ where: { providerId: inst.providerId } })).toBe(0)

			const home = await callLoader<{ status: string }>(institutionHome, '/institution', { as: inst.staff })
			expect(home.data.status).toBe(status)
		})
	}

	it('may save an offering unpublished, but not publish it', async () => {
		const provider = await makeProvider({ status: 'pending' })
		const staff = await signIn(provider.staffPhone)
		const fields = { title: '上门助洁', description: '打扫卫生', category: 'cleaning', price: '60', unit: 'per_visit', durationMinutes: '60', districtIds: 'dongbao' }
		const published = await callAction(newOffering, '/provider/offerings/new', { ...fields, active: 'on' }, { as: staff })
		expect(published.status).toBe(403)
		expect(await prisma.offering.count({ where: { providerId: provider.providerId, title: '上门助洁' } })).toBe(0)
		const draft = await callAction(newOffering, '/provider/offerings/new', fields, { as: staff })
		expect(draft.status).toBe(302)
		expect(await prisma.offering.findFirstOrThrow({ where: { providerId: provider.providerId, title: '上门助洁' }, select: { active: true } })).toEqual({ active: false })
	})
})

describe('the indicators', () => {
	it('count only beds in service at approved institutions', async () => {
		const c0 = await cityBeds()
		const approved = await institution('approved')
		const pending = await institution('pending')
		await makeRoomWithBeds(approved.providerId, 4)
		await makeRoomWithBeds(pending.providerId, 7) // written straight to the database, as a stale record would be
		const c1 = await cityBeds()
		expect(c1.beds).toBe(c0.beds + 4)
		expect(c1.institutions).toBe(c0.institutions + 1)

		// A bed taken out of service stops counting; a suspension takes all its beds out.
		await sql`UPDATE bed SET status = 'out_of_service' WHERE id = (SELECT id FROM bed WHERE "providerId" = ${approved.providerId} LIMIT 1)`.run()
		expect((await cityBeds()).beds).toBe(c0.beds + 3)
		await prisma.provider.update({ where: { id: approved.providerId }, data: { status: 'suspended' } })
		expect((await cityBeds()).beds).toBe(c0.beds)
		await prisma.provider.update({ where: { id: pending.providerId }, data: { status: 'approved' } })
		expect((await cityBeds()).beds).toBe(c0.beds + 7)
	})
})
