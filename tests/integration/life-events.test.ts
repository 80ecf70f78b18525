// Life events (issue 10 item 7): deaths recorded by an officer (with their source), by the cremation
// import, or reported by an institution's discharge (pending until the community confirms); moves out
// of and into the city; each applied once, audited, on the elder's timeline; impossible dates refused;
// the allowance snapshot leaves out who died or left before the month.
import { describe, expect, it } from 'vitest'
import { prisma, transaction } from '~/lib/db.server.ts'
import { addMonths, shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { computeRunInline, startRun } from '~/modules/allowance/engine.server.ts'
import { importCremationRecords, recordLiveness } from '~/modules/allowance/people.server.ts'
import type { InstitutionStaff } from '~/modules/beds/access.server.ts'
import { admitElder, dischargeElder } from '~/modules/beds/admissions.server.ts'
import { recordLifeEventTx } from '~/modules/life-events/life-events.server.ts'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import { sessionUser } from '../factories/accounts.ts'
import { DEMO_INSTITUTION_STAFF, demoInstitution, makeRegisteredElder, makeRoomWithBeds } from '../factories/beds.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

const DONGBAO_OFFICER = '13800000031'
const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
const record = async (elderId: string, fields: Record<string, string>) =>
	callAction(elderPage, `/elders/${elderId}`, { intent: 'life-event', ...fields }, { as: await signIn(DONGBAO_OFFICER), params: { elderId } })
const events = (elderId: string) => prisma.lifeEvent.findMany({ where: { elderId }, orderBy: { createdAt: 'asc' } })

describe('an officer records life events', () => {
	it('records a death with its source once, audited, on the timeline; the allowance stops', async () => {
		const elder = await makeRegisteredElder('刘桂英')
		const res = await record(elder.id, { kind: 'death', occurredOn: '2026-03-04', reference: '死亡医学证明 A123' })
		expect(res.status, text(res.data)).toBe(200)
		const again = await record(elder.id, { kind: 'death', occurredOn: '2026-03-04', reference: '死亡医学证明 A123' })
		expect(again.status).toBe(200)
		expect(await events(elder.id)).toMatchObject([{ kind: 'death', status: 'recorded', source: 'officer', reference: '死亡医学证明 A123' }])
		const row = await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { deathDate: true } })
		expect(row.deathDate?.toISOString().slice(0, 10)).toBe('2026-03-04')
		expect(await prisma.auditLog.count({ where: { entityId: elder.id, action: 'life_event.death' } })).toBe(1)
		// Another date for the same death is a correction, not an overwrite.
		const other = await record(elder.id, { kind: 'death', occurredOn: '2026-03-05', reference: 'x' })
		expect(other.status).toBe(409)
		const page = await callLoader<{ timeline: { lines: { kind: string; params: Record<string, unknown>; who: string | null }[] } }>(elderPage, `/elders/${elder.id}`, { as: await signIn(DONGBAO_OFFICER), params: { elderId: elder.id } })
		expect(page.data.timeline.lines).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'lifeEvent', params: expect.objectContaining({ event: 'death' }), who: expect.any(String) }), expect.objectContaining({ kind: 'registered' })]))
	})

	it('refuses a death without its source, dates that cannot be true, and an unknown kind (400, nothing written)', async () => {
		const elder = await makeRegisteredElder()
		const cases: [Record<string, string>, string, string][] = [
			[{ kind: 'death', occurredOn: '2026-03-04' }, 'reference', 'lifeEvents.errors.sourceRequired'],
			[{ kind: 'death', occurredOn: '2999-01-01', reference: 'x' }, 'occurredOn', 'lifeEvents.errors.dateFuture'],
			[{ kind: 'death', occurredOn: '1939-01-01', reference: 'x' }, 'occurredOn', 'lifeEvents.errors.beforeBirth'],
			[{ kind: 'moved_out', occurredOn: '2026-02-30' }, 'occurredOn', 'lifeEvents.errors.dateInvalid'],
			[{ kind: 'born', occurredOn: '2026-01-02' }, 'kind', 'lifeEvents.errors.kind'],
		]
		for (const [fields, field, message] of cases) {
			const res = await record(elder.id, fields)
			expect(res.status, JSON.stringify(fields)).toBe(400)
			expect(text(res.data)).toContain(field)
			expect(text(res.data)).toContain(message)
		}
		expect(await events(elder.id)).toHaveLength(0)
		// The database refuses them too, whichever path writes.
		await expect(transaction((tx) => recordLifeEventTx(tx, { elderId: elder.id, kind: 'moved_out', occurredOn: '1930-01-01', source: 'officer', reference: null, recordedById: null }))).rejects.toThrow()
	})

	it('moves out and back in: resident again, each move once', async () => {
		const elder = await makeRegisteredElder()
		expect((await record(elder.id, { kind: 'moved_out', occurredOn: '2025-05-01' })).status).toBe(200)
		expect((await record(elder.id, { kind: 'moved_out', occurredOn: '2025-05-01' })).status).toBe(200)
		let row = await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { residencyStatus: true, movedOutOn: true } })
		expect(row.residencyStatus).toBe('moved_out')
		expect(row.movedOutOn?.toISOString().slice(0, 10)).toBe('2025-05-01')
		expect((await record(elder.id, { kind: 'moved_in', occurredOn: '2025-09-10' })).status).toBe(200)
		row = await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { residencyStatus: true, movedOutOn: true } })
		expect(row).toEqual({ residencyStatus: 'resident', movedOutOn: null })
		expect(await events(elder.id)).toHaveLength(2)
	})

	it('refuses a liveness certification in the future or before birth', async () => {
		const elder = await makeRegisteredElder()
		const officer = await sessionUser(DONGBAO_OFFICER)
		const before = await recordLiveness(officer, elder.id, { certifiedOn: '1939-12-31', method: 'home_visit' }, null)
		expect(before).toMatchObject({ ok: false, status: 400 })
		const { livenessSchema } = await import('~/modules/allowance/schemas.ts')
		expect(livenessSchema(shanghaiDate()).safeParse({ certifiedOn: '2999-01-01', method: 'home_visit' }).success).toBe(false)
	})
})

describe('deaths from elsewhere', () => {
	it("an institution's discharge marked deceased is a death to confirm, not a silent update; the community confirms it", async () => {
		const { providerId } = await demoInstitution()
		const staff = { ...(await sessionUser(DEMO_INSTITUTION_STAFF)), providerId, providerName: 'x', districtId: 'dongbao', providerStatus: 'approved' } as InstitutionStaff
		const elder = await makeRegisteredElder('陈秀珍')
		const { bedIds } = await makeRoomWithBeds(providerId, 1)
		const admitted = await admitElder(staff, { idNumber: elder.idNumber, bedId: bedIds[0]!, admittedOn: '2026-01-05' })
		expect(admitted.ok).toBe(true)
		if (!admitted.ok) return
		expect(await dischargeElder(staff, { admissionId: admitted.value.admissionId, on: '2026-02-01', reason: 'deceased' })).toMatchObject({ ok: true })
		expect(await events(elder.id)).toMatchObject([{ kind: 'death', status: 'pending', source: 'institution_discharge' }])
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { deathDate: true } })).deathDate).toBeNull()

		const [pending] = await events(elder.id)
		const officer = await signIn(DONGBAO_OFFICER)
		const noNote = await callAction(elderPage, `/elders/${elder.id}`, { intent: 'decide-death', eventId: pending!.id, decision: 'reject' }, { as: officer, params: { elderId: elder.id } })
		expect(noNote.status).toBe(400)
		const ok = await callAction(elderPage, `/elders/${elder.id}`, { intent: 'decide-death', eventId: pending!.id, decision: 'confirm' }, { as: officer, params: { elderId: elder.id } })
		expect(ok.status, text(ok.data)).toBe(200)
		const twice = await callAction(elderPage, `/elders/${elder.id}`, { intent: 'decide-death', eventId: pending!.id, decision: 'confirm' }, { as: officer, params: { elderId: elder.id } })
		expect(twice.status).toBe(409)
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { deathDate: true } })).deathDate?.toISOString().slice(0, 10)).toBe('2026-02-01')
		expect(await prisma.auditLog.count({ where: { entityId: elder.id, action: { in: ['life_event.death_reported', 'life_event.death_confirm'] } } })).toBe(2)
	})

	it('the cremation import records the death as a life event once', async () => {
		const elder = await makeRegisteredElder('周玉兰')
		const city = await sessionUser('13800000041')
		const file = new File([`身份证号,姓名,死亡日期\n${elder.idNumber},周玉兰,2026-04-02\n`], 'c.csv', { type: 'text/csv' })
		const res = await importCremationRecords(city, file, null)
		expect(res).toMatchObject({ ok: true, value: { matched: 1 } })
		expect(await events(elder.id)).toMatchObject([{ kind: 'death', status: 'recorded', source: 'cremation_import' }])
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { deathDate: true } })).deathDate?.toISOString().slice(0, 10)).toBe('2026-04-02')
	})
})

describe('the allowance snapshot', () => {
	it('leaves out elders who died or left before the month, so stop counts do not grow without end', async () => {
		const dead = await makeRegisteredElder()
		const left = await makeRegisteredElder()
		const back = await makeRegisteredElder()
		const month = shanghaiMonth()
		const earlier = `${addMonths(month, -3)}-01`
		expect((await record(dead.id, { kind: 'death', occurredOn: earlier, reference: '证明' })).status).toBe(200)
		expect((await record(left.id, { kind: 'moved_out', occurredOn: earlier })).status).toBe(200)
		expect((await record(back.id, { kind: 'moved_out', occurredOn: earlier })).status).toBe(200)
		expect((await record(back.id, { kind: 'moved_in', occurredOn: `${addMonths(month, -1)}-01` })).status).toBe(200)
		const runs = await prisma.allowanceRun.findMany({ select: { month: true } })
		const runMonth = [0, 1, 2, 3].map((k) => addMonths(month, k)).find((m) => !runs.some((r) => r.month === m))!
		const { runId } = await startRun(runMonth, null)
		await computeRunInline(runId)
		const ids = [dead.id, left.id, back.id]
		const snap = await prisma.allowanceSnapshot.findMany({ where: { runId, elderId: { in: ids } }, select: { elderId: true } })
		expect(snap.map((s) => s.elderId)).toEqual([back.id])
		expect(await prisma.allowanceStop.count({ where: { runId, elderId: { in: [dead.id, left.id] } } })).toBe(0)
		expect(await prisma.allowanceStop.count({ where: { runId, reason: { in: ['death', 'cremation', 'moved_out'] }, elderId: { in: ids } } })).toBe(0)
	})
})
