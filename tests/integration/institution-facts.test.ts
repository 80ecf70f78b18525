// Issue 14 item 2: the institution's facts (ownership, filing, facility kind, 特困 places), edited by
// the institution and read by the bureau; Table 2 row 4 measured from them. Bad input: 400 naming
// the field, nothing written.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { tekunConcentratedSupport } from '~/modules/beds/facts.server.ts'
import * as bureauInstitutions from '~/routes/bureau.institutions.tsx'
import * as bureauPlan from '~/routes/bureau.plan.tsx'
import * as factsRoute from '~/routes/institution.facts.tsx'
import { makeInstitutionStaff, makeRegisteredElder, makeRoomWithBeds } from '../factories/beds.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

async function newInstitution() {
	const n = `${process.pid}${Math.floor(Math.random() * 1e6)}`
	const p = await prisma.provider.create({
		data: {
			name: `测试敬老院${n}`,
			kind: 'institution',
			licenceNo: `F-${n}`,
			districtId: 'dongbao',
			status: 'approved',
		},
		select: { id: true },
	})
	return { providerId: p.id, staff: await makeInstitutionStaff(p.id) }
}

describe('institution facts', () => {
	it('the institution fills in its facts; the bureau sees them; bad input is refused with nothing written', async () => {
		const inst = await newInstitution()
		const as = await signIn(inst.staff.phone)
		const good = {
			formId: 'facts',
			ownership: 'public_built_private_run',
			facilityKind: 'rural_tekun_support',
			filingNo: '荆民养备0999',
			filingDate: '2019-06-01',
			tekunCapacity: '30',
		}
		for (const [field, bad] of [
			['tekunCapacity', '-1'],
			['ownership', 'state'],
			['filingDate', '2019/06/01'],
		] as const) {
			const res = await callAction<{
				result: { error: Record<string, string[]> }
			}>(factsRoute, '/institution/facts', { ...good, [field]: bad }, { as })
			expect(res.status).toBe(400)
			expect(Object.keys(res.data.result.error)).toContain(field)
		}
		expect(
			await prisma.institutionFacts.count({
				where: { providerId: inst.providerId },
			})
		).toBe(0)
		expect((await callAction(factsRoute, '/institution/facts', good, { as })).status).toBe(200)
		const page = await callLoader<{
			facts: { ownership: string; tekunCapacity: number; filingDate: string }
		}>(factsRoute, '/institution/facts', { as })
		expect(page.data.facts).toMatchObject({
			ownership: 'public_built_private_run',
			tekunCapacity: 30,
			filingDate: '2019-06-01',
		})
		const bureau = await callLoader<{
			rows: { id: string; facts: { facilityKind: string } | null }[]
		}>(bureauInstitutions, '/bureau/institutions', {
			as: await signIn('13800000031'),
		})
		expect(bureau.data.rows.find((r) => r.id === inst.providerId)?.facts?.facilityKind).toBe('rural_tekun_support')
		// A zhongxiang officer does not see a dongbao institution.
		const other = await callLoader<{ rows: { id: string }[] }>(bureauInstitutions, '/bureau/institutions', { as: await signIn('13800000032') })
		expect(other.data.rows.some((r) => r.id === inst.providerId)).toBe(false)
		// Seeded institutions have facts.
		expect(
			await prisma.institutionFacts.count({
				where: { facilityKind: 'rural_tekun_support' },
			})
		).toBeGreaterThan(0)
	})

	it('Table 2 row 4: 特困 places of rural 特困 institutions against the 特困 elders who chose concentrated support', async () => {
		const before = await tekunConcentratedSupport('dongbao')
		const inst = await newInstitution()
		await prisma.institutionFacts.create({
			data: {
				providerId: inst.providerId,
				ownership: 'public_public',
				facilityKind: 'rural_tekun_support',
				tekunCapacity: 4,
			},
		})
		const { bedIds } = await makeRoomWithBeds(inst.providerId, 2)
		const tekun = await makeRegisteredElder('特困测试')
		await prisma.elder.update({
			where: { id: tekun.id },
			data: { categories: ['tekun'] },
		})
		// Row 4 counts the 特困 elders who chose concentrated support (their status in force).
		await prisma.elderStatus.create({ data: { elderId: tekun.id, kind: 'tekun', validFrom: new Date('2025-01-01T00:00:00Z'), source: '测试', supportMode: 'concentrated' } })
		const dispersed = await makeRegisteredElder('分散供养测试')
		await prisma.elderStatus.create({ data: { elderId: dispersed.id, kind: 'tekun', validFrom: new Date('2025-01-01T00:00:00Z'), source: '测试', supportMode: 'dispersed' } })
		const plain = await makeRegisteredElder('普通测试')
		for (const [elderId, bedId] of [
			[tekun.id, bedIds[0]!],
			[plain.id, bedIds[1]!],
		] as const) {
			await prisma.admission.create({
				data: {
					elderId,
					bedId,
					providerId: inst.providerId,
					admittedOn: new Date('2026-01-05T00:00:00Z'),
					admittedById: inst.staff.id,
				},
			})
		}
		const after = await tekunConcentratedSupport('dongbao')
		expect(after.capacity - before.capacity).toBe(4)
		expect(after.residents - before.residents).toBe(1)
		expect(after.admitted - before.admitted).toBe(1)
		// A pending institution's places do not count.
		await prisma.provider.update({
			where: { id: inst.providerId },
			data: { status: 'suspended' },
		})
		expect((await tekunConcentratedSupport('dongbao')).capacity).toBe(before.capacity)
		await prisma.provider.update({
			where: { id: inst.providerId },
			data: { status: 'approved' },
		})
		const plan = await callLoader<{
			tekun: { capacity: number; residents: number; ratio: number | null }
		}>(bureauPlan, '/bureau/plan', { as: await signIn('13800000031') })
		expect(plan.status).toBe(200)
		expect(plan.data.tekun).toEqual(after)
		expect(plan.data.tekun.ratio).not.toBeNull()
	})
})
