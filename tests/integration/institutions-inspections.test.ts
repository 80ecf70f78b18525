// Issue 14 item 7: inspections and rectification. A district officer inspects an institution of
// their district and records findings with deadlines; the institution answers each; the officer
// closes or reopens it. Findings more than the *default* limit (30 days) past their deadline and not
// closed stop new admissions and stay-request acceptances (module and admission trigger) until
// closed; the bed dashboard counts overdue findings per district on every request. The module takes
// `today`, so the dates here are frozen; route calls use dates relative to the real today.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import type { InstitutionStaff } from '~/modules/beds/access.server.ts'
import { admitElder } from '~/modules/beds/admissions.server.ts'
import { decideStayRequest } from '~/modules/beds/stays.server.ts'
import { blockingFindings } from '~/modules/institutions/admission-stop.server.ts'
import { answerFinding, decideFinding, overdueByDistrict, recordInspection } from '~/modules/institutions/inspections.server.ts'
import { decideInstitutionSetting, proposeInspectionLimit } from '~/modules/institutions/settings.server.ts'
import * as bureauBeds from '~/routes/bureau.beds.tsx'
import * as bureauRoute from '~/routes/bureau.inspections.tsx'
import * as settingsRoute from '~/routes/bureau.institution-settings.tsx'
import * as institutionRoute from '~/routes/institution.inspections.tsx'
import * as institutionHome from '~/routes/institution._index.tsx'
import * as home from '~/routes/_index.tsx'
import * as photoRoute from '~/routes/inspections.photos.$photoId.ts'
import { makeUser } from '../factories/accounts.ts'
import { makeInstitutionStaff, makeRegisteredElder, makeRoomWithBeds } from '../factories/beds.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

async function newInstitution(districtId = 'dongbao') {
	const n = `${process.pid}${Math.floor(Math.random() * 1e6)}`
	const p = await prisma.provider.create({ data: { name: `检查养老院${n}`, kind: 'institution', licenceNo: `I-${n}`, districtId, status: 'approved' }, select: { id: true, name: true } })
	const user = await makeInstitutionStaff(p.id)
	const staff = { ...user, providerId: p.id, providerName: p.name, districtId, providerStatus: 'approved' } as InstitutionStaff
	return { providerId: p.id, staff }
}

type Reply = { ok: boolean; value?: unknown; result: { error?: Record<string, string[]> } }
const errorsOf = (r: { data: unknown }) => Object.values((r.data as Reply).result?.error ?? {}).flat()
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const statusOf = async (id: string) => (await prisma.inspectionFinding.findUniqueOrThrow({ where: { id }, select: { status: true } })).status
const waitingCount = async (as: Awaited<ReturnType<typeof signIn>>, key: string) =>
	(await callLoader<{ waiting: { key: string; count: number }[] }>(home, '/', { as })).data.waiting.find((w) => w.key === key)?.count ?? 0
const answeredAt = async (as: Awaited<ReturnType<typeof signIn>>, providerId: string) =>
	(await callLoader<{ institutions: { id: string; answered: number }[] }>(bureauRoute, '/bureau/inspections', { as })).data.institutions.find((i) => i.id === providerId)?.answered
const findingsOf = (providerId: string) => prisma.inspectionFinding.findMany({ where: { providerId }, select: { id: true, deadline: true }, orderBy: { deadline: 'asc' } })

describe('inspections and rectification', () => {
	it('inspect → answer → reopen → answer → close, with the refusals of each step (routes, real today)', async () => {
		const today = shanghaiDate()
		const inst = await newInstitution()
		const officer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const asOfficer = await signIn(officer.phone)
		const asStaff = await signIn(inst.staff.phone)
		const inspect = {
			formId: 'inspect',
			providerId: inst.providerId,
			inspectedOn: today,
			kinds: ['fire', 'food'],
			note: '例行检查',
			'findings[0].category': 'fire',
			'findings[0].severity': 'major',
			'findings[0].description': '安全出口堆放杂物',
			'findings[0].deadline': addDays(today, 7),
			'findings[1].category': 'food',
			'findings[1].severity': 'minor',
			'findings[1].description': '留样记录不全',
			'findings[1].deadline': addDays(today, 14),
			'findings[2].category': 'care',
			'findings[2].severity': 'minor',
			'findings[2].description': '',
			'findings[2].deadline': '',
		}
		// A deadline not after the inspection → 400 on that row, nothing written.
		const early = await callAction(bureauRoute, '/bureau/inspections', { ...inspect, 'findings[1].deadline': today }, { as: asOfficer })
		expect(early.status).toBe(400)
		expect((early.data as Reply).result.error?.['findings[1].deadline']).toEqual(['beds:inspections.errors.deadlineAfter'])
		// No kind, a future date → 400.
		expect(errorsOf(await callAction(bureauRoute, '/bureau/inspections', { ...inspect, kinds: [] }, { as: asOfficer }))).toContain('beds:inspections.errors.kinds')
		expect((await callAction(bureauRoute, '/bureau/inspections', { ...inspect, inspectedOn: '2999-01-01' }, { as: asOfficer })).status).toBe(400)
		// An officer of another district, a city officer and institution staff cannot inspect.
		const zhongxiang = await signIn((await makeUser({ role: 'bureau_district', districtId: 'zhongxiang' })).phone)
		const other = await callAction(bureauRoute, '/bureau/inspections', inspect, { as: zhongxiang })
		expect(other.status).toBe(403)
		expect(errorsOf(other)).toContain('beds:inspections.errors.notInScope')
		const city = await signIn((await makeUser({ role: 'bureau_city' })).phone)
		expect((await callAction(bureauRoute, '/bureau/inspections', inspect, { as: city })).status).toBe(403)
		expect((await callAction(bureauRoute, '/bureau/inspections', inspect, { as: asStaff })).status).toBe(403)
		expect(await prisma.inspection.count({ where: { providerId: inst.providerId } })).toBe(0)
		// The database refuses a deadline not after the inspection, whatever the code does.
		const ok = await callAction<Reply>(bureauRoute, '/bureau/inspections', inspect, { as: asOfficer })
		expect(ok.status).toBe(200)
		expect(ok.data.value).toMatchObject({ findings: 2 })
		const inspection = await prisma.inspection.findFirstOrThrow({ where: { providerId: inst.providerId }, select: { id: true } })
		await expect(
			sql`INSERT INTO inspection_finding ("inspectionId", "providerId", "districtId", category, severity, description, deadline) VALUES (${inspection.id}::uuid, ${inst.providerId}::uuid, 'dongbao', 'fire', 'minor', 'x', ${today}::date)`.run(),
		).rejects.toMatchObject({ constraint: 'inspection_finding_deadline_after' })
		const [fire, food] = await findingsOf(inst.providerId)
		expect(await prisma.auditLog.count({ where: { action: 'inspection.record', entityId: inspection.id } })).toBe(1)

		// The institution sees its findings; staff of another institution cannot answer them (404), nor see them.
		const page = await callLoader<{ findings: { id: string; status: string }[]; stopped: boolean }>(institutionRoute, '/institution/inspections', { as: asStaff })
		expect(page.data.findings.map((f) => f.status)).toEqual(['open', 'open'])
		expect(page.data.stopped).toBe(false)
		const intruder = await newInstitution()
		const asIntruder = await signIn(intruder.staff.phone)
		const foreign = await callAction(institutionRoute, '/institution/inspections', { formId: `answer-${fire!.id}`, findingId: fire!.id, rectification: '已清理' }, { as: asIntruder })
		expect(foreign.status).toBe(404)
		expect((await callLoader<{ findings: unknown[] }>(institutionRoute, '/institution/inspections', { as: asIntruder })).data.findings).toEqual([])
		expect(await statusOf(fire!.id)).toBe('open')
		// An officer cannot close what was not answered; an empty answer → 400.
		expect((await callAction(bureauRoute, '/bureau/inspections', { formId: `decide-${fire!.id}`, findingId: fire!.id, decision: 'close' }, { as: asOfficer })).status).toBe(409)
		expect((await callAction(institutionRoute, '/institution/inspections', { formId: `answer-${fire!.id}`, findingId: fire!.id, rectification: ' ' }, { as: asStaff })).status).toBe(400)

		// The home pages say what waits: the institution has two findings to answer; nothing waits yet for the officer here.
		expect(await waitingCount(asStaff, 'findingsToAnswer')).toBe(2)
		const decideBefore = await waitingCount(asOfficer, 'findingsToDecide')
		const otherDistrictBefore = await waitingCount(zhongxiang, 'findingsToDecide')
		expect(await answeredAt(asOfficer, inst.providerId)).toBe(0)

		// Answer → reopen (reason required; other district 403) → answer again → close.
		expect((await callAction(institutionRoute, '/institution/inspections', { formId: `answer-${fire!.id}`, findingId: fire!.id, rectification: '已清理安全出口' }, { as: asStaff })).status).toBe(200)
		expect(await statusOf(fire!.id)).toBe('answered')
		// The answer now waits for the district's officer (home page and the institutions' table), not for the institution.
		expect(await waitingCount(asStaff, 'findingsToAnswer')).toBe(1)
		expect(await waitingCount(asOfficer, 'findingsToDecide')).toBe(decideBefore + 1)
		expect(await answeredAt(asOfficer, inst.providerId)).toBe(1)
		expect(await waitingCount(zhongxiang, 'findingsToDecide')).toBe(otherDistrictBefore)
		expect((await callAction(institutionRoute, '/institution/inspections', { formId: `answer-${fire!.id}`, findingId: fire!.id, rectification: '再次' }, { as: asStaff })).status).toBe(409)
		expect((await callAction(bureauRoute, '/bureau/inspections', { formId: `decide-${fire!.id}`, findingId: fire!.id, decision: 'reopen' }, { as: asOfficer })).status).toBe(400)
		expect((await callAction(bureauRoute, '/bureau/inspections', { formId: `decide-${fire!.id}`, findingId: fire!.id, decision: 'close' }, { as: zhongxiang })).status).toBe(403)
		expect((await callAction(bureauRoute, '/bureau/inspections', { formId: `decide-${fire!.id}`, findingId: fire!.id, decision: 'reopen', reason: '楼梯间仍有杂物' }, { as: asOfficer })).status).toBe(200)
		expect(await statusOf(fire!.id)).toBe('reopened')
		expect((await callAction(institutionRoute, '/institution/inspections', { formId: `answer-${fire!.id}`, findingId: fire!.id, rectification: '楼梯间已清空，设专人巡查' }, { as: asStaff })).status).toBe(200)
		expect((await callAction(bureauRoute, '/bureau/inspections', { formId: `decide-${fire!.id}`, findingId: fire!.id, decision: 'close' }, { as: asOfficer })).status).toBe(200)
		expect(await statusOf(fire!.id)).toBe('closed')
		expect(await statusOf(food!.id)).toBe('open')
		expect(await waitingCount(asOfficer, 'findingsToDecide')).toBe(decideBefore)
		expect(await prisma.auditLog.count({ where: { entityId: fire!.id, action: { in: ['inspection.answer', 'inspection.reopen', 'inspection.close'] } } })).toBe(4)
		// A closed finding is final, and findings are never edited, by the database too.
		await expect(sql`UPDATE inspection_finding SET status = 'open' WHERE id = ${fire!.id}::uuid`.run()).rejects.toMatchObject({ constraint: 'inspection_finding_flow' })
		await expect(sql`UPDATE inspection_finding SET deadline = deadline + 30 WHERE id = ${food!.id}::uuid`.run()).rejects.toMatchObject({ constraint: 'inspection_finding_fixed' })

		// City officers read the whole city; the district officer sees the institution with one finding not closed.
		const cityPage = await callLoader<{ institutions: { id: string; notClosed: number }[] }>(bureauRoute, '/bureau/inspections', { as: city })
		expect(cityPage.data.institutions.find((i) => i.id === inst.providerId)?.notClosed).toBe(1)
		const zxPage = await callLoader<{ institutions: { id: string }[]; selected: unknown }>(bureauRoute, `/bureau/inspections?provider=${inst.providerId}`, { as: zhongxiang })
		expect(zxPage.data.institutions.some((i) => i.id === inst.providerId)).toBe(false)
		expect(zxPage.data.selected).toBeNull()
	})

	it('overdue findings past the limit stop admissions and stay acceptances until closed; the dashboard counts them at once (frozen dates)', async () => {
		const inst = await newInstitution('shayang')
		const officer = await makeUser({ role: 'bureau_district', districtId: 'shayang' })
		const city = await makeUser({ role: 'bureau_city' })
		const { bedIds } = await makeRoomWithBeds(inst.providerId, 3)
		const inspectedOn = '2026-01-05'
		const deadline = '2026-01-20' // + 30 days: admissions stop from 2026-02-20
		const recorded = await recordInspection(
			officer,
			{ providerId: inst.providerId, inspectedOn, kinds: ['safety'], findings: [{ category: 'safety', severity: 'critical', description: '床边无护栏', deadline }] },
			null,
			'2026-01-05',
		)
		expect(recorded.ok).toBe(true)
		const [finding] = await findingsOf(inst.providerId)
		const before = (await overdueByDistrict(city, '2026-01-20')).find((d) => d.districtId === 'shayang')!

		// Overdue but within the limit: counted on the dashboard, admissions go on.
		const within = '2026-02-10'
		const withinRow = (await overdueByDistrict(city, within)).find((d) => d.districtId === 'shayang')!
		expect(withinRow.overdue).toBe(before.overdue + 1)
		expect(await blockingFindings(inst.providerId, within)).toBe(0)
		const first = await makeRegisteredElder()
		expect((await admitElder(inst.staff, { idNumber: first.idNumber, bedId: bedIds[0]!, admittedOn: within }, within)).ok).toBe(true)

		// Past the limit: admitting is refused with a translated 409 naming why, by the module and by the database.
		const past = '2026-03-01'
		expect(await blockingFindings(inst.providerId, past)).toBe(1)
		const second = await makeRegisteredElder()
		const refused = await admitElder(inst.staff, { idNumber: second.idNumber, bedId: bedIds[1]!, admittedOn: past }, past)
		expect(refused).toMatchObject({ ok: false, status: 409, formError: 'beds:inspections.errors.admissionsStopped' })
		// Back-dated to a day before the limit: still refused (the module judges today).
		expect(await admitElder(inst.staff, { idNumber: second.idNumber, bedId: bedIds[1]!, admittedOn: within }, past)).toMatchObject({ ok: false, status: 409 })
		await expect(
			sql`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "admittedById", "updatedAt") VALUES (gen_random_uuid(), ${second.id}::uuid, ${bedIds[1]!}::uuid, ${inst.providerId}::uuid, ${past}::date, ${inst.staff.id}::uuid, now())`.run(),
		).rejects.toMatchObject({ constraint: 'admission_stopped_by_findings' })
		expect(await prisma.admission.count({ where: { providerId: inst.providerId } })).toBe(1)
		expect((await prisma.bed.findUniqueOrThrow({ where: { id: bedIds[1]! } })).status).toBe('vacant')
		// Accepting a stay request is refused too, and leaves the request open.
		const family = await makeUser({ role: 'family' })
		const request = await prisma.stayRequest.create({ data: { familyUserId: family.id, elderId: second.id, providerId: inst.providerId, bedType: 'nursing', desiredStartOn: new Date(`${past}T00:00:00Z`) }, select: { id: true } })
		expect(await decideStayRequest(inst.staff, { intent: 'accept', requestId: request.id, bedId: bedIds[1]! }, past)).toMatchObject({ ok: false, status: 409, formError: 'beds:inspections.errors.admissionsStopped' })
		expect((await prisma.stayRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('requested')
		const stoppedRow = (await overdueByDistrict(city, past)).find((d) => d.districtId === 'shayang')!
		expect(stoppedRow.stopped).toBe(before.stopped + 1)

		// Answered after the limit: still stopped until the officer closes it.
		expect((await answerFinding(inst.staff, { findingId: finding!.id, rectification: '已加装护栏' }, null, past)).ok).toBe(true)
		expect(await blockingFindings(inst.providerId, past)).toBe(1)
		expect((await overdueByDistrict(city, past)).find((d) => d.districtId === 'shayang')!.overdue).toBe(before.overdue) // answered: no longer overdue
		const intruder = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		expect(await decideFinding(intruder, { findingId: finding!.id, decision: 'close' }, null)).toMatchObject({ ok: false, status: 403 })
		expect((await decideFinding(officer, { findingId: finding!.id, decision: 'close' }, null)).ok).toBe(true)
		expect(await blockingFindings(inst.providerId, past)).toBe(0)
		expect((await admitElder(inst.staff, { idNumber: second.idNumber, bedId: bedIds[1]!, admittedOn: past }, past)).ok).toBe(true)
		expect((await overdueByDistrict(city, past)).find((d) => d.districtId === 'shayang')!.stopped).toBe(before.stopped)
	})

	it('the bed dashboard shows overdue findings per district on every request, beside the cached figures', async () => {
		const today = shanghaiDate()
		const inst = await newInstitution('jingshan')
		const officer = await makeUser({ role: 'bureau_district', districtId: 'jingshan' })
		const asOfficer = await signIn(officer.phone)
		type Page = { inspections: { rows: { districtId: string; overdue: number; stopped: number }[]; limitDays: number } }
		const count = async () => (await callLoader<Page>(bureauBeds, '/bureau/beds', { as: asOfficer })).data.inspections.rows.find((r) => r.districtId === 'jingshan')!
		const before = await count()
		expect((await callLoader<Page>(bureauBeds, '/bureau/beds', { as: asOfficer })).data.inspections.limitDays).toBe(30)
		// An inspection 40 days ago with a deadline 35 days ago: overdue now, and past the 30-day limit.
		const inspectedOn = addDays(today, -40)
		const done = await recordInspection(officer, { providerId: inst.providerId, inspectedOn, kinds: ['care'], findings: [{ category: 'care', severity: 'major', description: '护理记录缺失', deadline: addDays(today, -35) }] }, null, today)
		expect(done.ok).toBe(true)
		const after = await count()
		expect(after.overdue).toBe(before.overdue + 1)
		expect(after.stopped).toBe(before.stopped + 1)
		// The district officer sees only their district.
		expect((await callLoader<Page>(bureauBeds, '/bureau/beds', { as: asOfficer })).data.inspections.rows.map((r) => r.districtId)).toEqual(['jingshan'])
		// The institution's home page and its findings page say admissions are stopped.
		const asStaff = await signIn(inst.staff.phone)
		expect((await callLoader<{ admissionsStopped: boolean }>(institutionHome, '/institution', { as: asStaff })).data.admissionsStopped).toBe(true)
		expect((await callLoader<{ stopped: boolean }>(institutionRoute, '/institution/inspections', { as: asStaff })).data.stopped).toBe(true)
		// Answered and closed: the counts fall back at once.
		const [finding] = await findingsOf(inst.providerId)
		await answerFinding(inst.staff, { findingId: finding!.id, rectification: '已补齐' }, null, today)
		await decideFinding(officer, { findingId: finding!.id, decision: 'close' }, null)
		expect(await count()).toMatchObject({ overdue: before.overdue, stopped: before.stopped })
		expect((await callLoader<{ admissionsStopped: boolean }>(institutionHome, '/institution', { as: asStaff })).data.admissionsStopped).toBe(false)
	})

	it('inspection photos are shown to the institution and its officers only', async () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52])
		const today = shanghaiDate()
		const inst = await newInstitution()
		const officer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const done = await recordInspection(officer, { providerId: inst.providerId, inspectedOn: today, kinds: ['fire'], findings: [{ category: 'fire', severity: 'minor', description: '灭火器过期', deadline: addDays(today, 5) }], photos: [{ contentType: 'image/png', bytes: png }] }, null, today)
		expect(done.ok).toBe(true)
		const [finding] = await findingsOf(inst.providerId)
		expect((await answerFinding(inst.staff, { findingId: finding!.id, rectification: '已更换', photos: [{ contentType: 'image/png', bytes: png }] }, null, today)).ok).toBe(true)
		const photos = await prisma.inspectionPhoto.findMany({ where: { inspection: { providerId: inst.providerId } }, select: { id: true, findingId: true } })
		expect(photos.filter((p) => p.findingId === finding!.id)).toHaveLength(1)
		for (const { id } of photos) {
			const own = await callLoader(photoRoute, `/inspections/photos/${id}`, { as: await signIn(inst.staff.phone), params: { photoId: id } })
			expect(own.status).toBe(200)
			expect(own.headers.get('content-type')).toBe('image/png')
			expect((await callLoader(photoRoute, `/inspections/photos/${id}`, { as: await signIn(officer.phone), params: { photoId: id } })).status).toBe(200)
			const other = await newInstitution()
			expect((await callLoader(photoRoute, `/inspections/photos/${id}`, { as: await signIn(other.staff.phone), params: { photoId: id } })).status).toBe(404)
			expect((await callLoader(photoRoute, `/inspections/photos/${id}`, { as: await signIn((await makeUser({ role: 'bureau_district', districtId: 'zhongxiang' })).phone), params: { photoId: id } })).status).toBe(404)
		}
	})

	it('the limit is a versioned setting changed by two city officers', async () => {
		const [maker, checker] = [await makeUser({ role: 'bureau_city' }), await makeUser({ role: 'bureau_city' })]
		const proposed = await proposeInspectionLimit(maker, { effectiveFrom: '2031-01-01', suspendAfterDays: 15 }, null)
		expect(proposed.ok).toBe(true)
		const changeId = proposed.ok ? proposed.value.id : ''
		expect(await decideInstitutionSetting(maker, { changeId, decision: 'approve' }, null)).toMatchObject({ ok: false, status: 403 })
		expect((await decideInstitutionSetting(checker, { changeId, decision: 'approve' }, null)).ok).toBe(true)
		const limits = await sql`SELECT inspection_limit_on('2030-12-31'::date) AS before, inspection_limit_on('2031-01-01'::date) AS after`.first<{ before: number; after: number }>()
		expect(limits).toEqual({ before: 30, after: 15 })
		expect(await proposeInspectionLimit(await makeUser({ role: 'bureau_district', districtId: 'dongbao' }), { effectiveFrom: '2032-01-01', suspendAfterDays: 10 }, null)).toMatchObject({ ok: false, status: 403 })
		// The settings page: a bad number → 400; not after the latest version → 400; a good one waits for a second officer.
		const asMaker = await signIn(maker.phone)
		const bad = await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'limit', effectiveFrom: '2032-01-01', suspendAfterDays: '400' }, { as: asMaker })
		expect(bad.status).toBe(400)
		expect(errorsOf(bad)).toContain('beds:inspections.errors.limitDays')
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'limit', effectiveFrom: '2030-06-01', suspendAfterDays: '20' }, { as: asMaker })).status).toBe(400)
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'limit', effectiveFrom: '2032-01-01', suspendAfterDays: '20' }, { as: asMaker })).status).toBe(200)
		const page = await callLoader<{ limits: { suspendAfterDays: number }[]; pending: { kind: string }[] }>(settingsRoute, '/bureau/institution-settings', { as: asMaker })
		expect(page.data.limits.map((l) => l.suspendAfterDays)).toEqual([30, 15])
		expect(page.data.pending.filter((c) => c.kind === 'inspection_limit')).toHaveLength(1)
	})
})
