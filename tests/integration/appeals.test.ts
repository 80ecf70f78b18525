// Appeals (复核) of every decision (issue 15 item 2), against the real database with dates passed in:
// an allowance stop (reviewed by a city officer who neither started nor approved the run; "changed"
// back-pays the withheld month exactly once through the next monthly run), the capability assessment
// in force (the district; "changed" puts the reviewer's level in force from the original day), a
// complaint's finding (the city), attachments (type by magic bytes, count, size before reading,
// officer-only audited download), and the family's page listing every decision with its deadline.
// Subsidy refusals keep their tests in due-process.test.ts.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, dateOnly, shanghaiDate } from '~/lib/time.ts'
import { computeRunInline } from '~/modules/allowance/engine.server.ts'
import { rejectAndRecompute } from '~/modules/allowance/runs.server.ts'
import { appealQueue, decideAppeal, familyAppeals, lodgeAppeal } from '~/modules/due-process/appeals.server.ts'
import * as attachmentRoute from '~/routes/subsidies.appeal-attachments.$attachmentId.ts'
import * as appealsRoute from '~/routes/subsidies.appeals.tsx'
import * as deskRoute from '~/routes/subsidies.due-process.tsx'
import { makeUser } from '../factories/accounts.ts'
import { applicationForDecision } from '../factories/due-process.ts'
import { freeSequence, makeElder, Rng } from '../factories/index.ts'
import { bureauDecide } from '~/modules/subsidies/applications.server.ts'
import { callAction, callLoader, signIn, type RouteModule, type Visitor } from '../setup/route.ts'

const TODAY = shanghaiDate()
const rng = new Rng(`appeals-${process.pid}-${Date.now()}`)

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)])
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0)])

/** A family and an elder of `birthDate` in 东宝, linked, last certified alive on `lastLivenessAt`. */
async function familyElder(name: string, opts: { birthDate?: string; lastLivenessAt?: string } = {}) {
	const family = await makeUser({ role: 'family', name: '家属' })
	const birthDate = opts.birthDate ?? '1940-05-05'
	const { row } = makeElder(rng, { name, districtId: 'dongbao', regionCode: '420802', communityId: null, settlement: 'urban_community', birthDate, seq: await freeSequence('420802', birthDate), categories: [], disabilityLevel: 'none', deathDate: null, residencyStatus: 'resident', lastLivenessAt: opts.lastLivenessAt ?? TODAY })
	await prisma.elder.create({ data: { ...row, families: { create: { userId: family.id, relationship: 'child' } } } })
	return { family, elderId: row.id }
}

/** A run of `month` computed by the engine (started by `maker`); approved by `checker` when given. */
async function allowanceRun(month: string, maker: { id: string }, checker?: { id: string }) {
	const run = await prisma.allowanceRun.create({ data: { month, status: 'computing', startedById: maker.id }, select: { id: true } })
	await computeRunInline(run.id)
	if (checker) await prisma.allowanceRun.update({ where: { id: run.id }, data: { status: 'approved', approvedById: checker.id, approvedAt: new Date() } })
	return run.id
}

const paymentsOf = (elderId: string) => sql`SELECT month, kind::text AS kind, count(*)::int AS n FROM allowance_payment WHERE "elderId" = ${elderId}::uuid GROUP BY month, kind ORDER BY month`.rows<{ month: string; kind: string; n: number }>()

describe('appeal of an allowance stop', () => {
	it('goes to a city officer who neither started nor approved the run; changed pays the withheld month once, however often the runs go', async () => {
		const maker = await makeUser({ role: 'bureau_city', name: '市局制单' })
		const checker = await makeUser({ role: 'bureau_city', name: '市局审核' })
		// Certified alive in January 2029: by 2031 the 12-month window has passed, so the runs stop him.
		const { family, elderId } = await familyElder('韩德明', { lastLivenessAt: '2029-01-10' })
		const control = await familyElder('韩德亮', { lastLivenessAt: '2029-01-10' })
		const jan = await allowanceRun('2031-01', maker, checker)
		expect(await sql`SELECT reason::text AS reason FROM allowance_stop WHERE "runId" = ${jan}::uuid AND "elderId" = ${elderId}::uuid`.first()).toEqual({ reason: 'no_liveness' })
		const subjectId = `${jan}:${elderId}`

		// The family sees the stop with its deadline (60 days from the approval).
		const listed = (await familyAppeals(family, TODAY)).find((d) => d.kind === 'allowance_stop' && d.subjectId === subjectId)
		expect(listed).toMatchObject({ decided: 'no_liveness', detail: '2031-01', deadline: addDays(TODAY, 60), open: true })

		// Bad input: not linked, past the deadline, no reasons — refused, nothing written.
		expect(await lodgeAppeal(control.family, { kind: 'allowance_stop', subjectId, reasons: '不服' }, null, TODAY)).toMatchObject({ ok: false, status: 403 })
		expect(await lodgeAppeal(family, { kind: 'allowance_stop', subjectId, reasons: '老人健在' }, null, addDays(TODAY, 61))).toMatchObject({ ok: false, status: 409, formError: 'subsidies:dueProcess.errors.appealLate' })
		expect(await lodgeAppeal(family, { kind: 'allowance_stop', subjectId: `${jan}:not-an-elder`, reasons: '老人健在' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		expect(await prisma.appeal.count({ where: { kind: 'allowance_stop', subjectId } })).toBe(0)

		const lodged = await lodgeAppeal(family, { kind: 'allowance_stop', subjectId, reasons: '老人一直健在，2030年曾在社区做过认证，未录入', attachments: [{ fileName: '认证照片.jpg', bytes: JPEG }] }, null, addDays(TODAY, 60))
		expect(lodged).toMatchObject({ ok: true, value: { deadline: addDays(TODAY, 60) } })
		const appealId = lodged.ok ? lodged.value.id : ''
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { level: true, deciderId: true, otherDeciderIds: true } })).toEqual({ level: 'city', deciderId: checker.id, otherDeciderIds: [maker.id] })

		// Wrong level (a district officer), the approver, the maker: refused, nothing changed.
		const district = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		expect(await decideAppeal(district, { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		expect(await decideAppeal(checker, { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 403, formError: 'subsidies:dueProcess.errors.sameDecider' })
		expect(await decideAppeal(maker, { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 403 })
		expect((await appealQueue(checker)).map((a) => a.id)).not.toContain(appealId)
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { status: true } })).toEqual({ status: 'pending' })

		const reviewer = await makeUser({ role: 'bureau_city', name: '市局复核' })
		const queued = (await appealQueue(reviewer)).find((a) => a.id === appealId)
		expect(queued).toMatchObject({ kind: 'allowance_stop', decided: 'no_liveness', elder: '韩德明', facts: { month: '2031-01', stopReason: 'no_liveness' } })
		expect(queued!.attachments).toHaveLength(1)
		expect(await decideAppeal(reviewer, { appealId, outcome: 'changed', reason: '社区认证记录已核实，恢复发放并补发' }, null, TODAY)).toMatchObject({ ok: true })
		expect(await decideAppeal(reviewer, { appealId, outcome: 'upheld', reason: '再次' }, null, TODAY)).toMatchObject({ ok: false, status: 409 })
		expect(await prisma.notification.count({ where: { userId: family.id, kind: 'appeal.changed' } })).toBe(1)
		expect(await prisma.outbox.count({ where: { toPhone: family.phone, template: 'appeal.changed' } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { entityId: appealId, action: 'appeal.changed' } })).toBe(1)
		expect(await paymentsOf(elderId)).toEqual([])

		// The next run pays January as back-pay (the registry still has no certification, so February
		// itself is stopped); a repeat of the run, and the month after, pay nothing more.
		const feb = await allowanceRun('2031-02', maker)
		expect(await paymentsOf(elderId)).toEqual([{ month: '2031-01', kind: 'back_pay', n: 1 }])
		expect(await sql`SELECT "runId" FROM allowance_payment WHERE "elderId" = ${elderId}::uuid`.first()).toEqual({ runId: feb })
		await computeRunInline(feb)
		// February's run rejected before approval and computed again: its back-pay is written afresh, once.
		const again = await rejectAndRecompute(checker, feb, '重算', null)
		expect(again.ok).toBe(true)
		const feb2 = again.ok ? again.value.newRunId : ''
		await computeRunInline(feb2)
		// Started again by the checker, so approved by the other officer.
		await prisma.allowanceRun.update({ where: { id: feb2 }, data: { status: 'approved', approvedById: maker.id, approvedAt: new Date() } })
		expect(await sql`SELECT "runId" FROM allowance_payment WHERE "elderId" = ${elderId}::uuid`.rows()).toEqual([{ runId: feb2 }])
		await allowanceRun('2031-03', maker, checker)
		expect(await paymentsOf(elderId)).toEqual([{ month: '2031-01', kind: 'back_pay', n: 1 }])
		expect(await sql`SELECT count(*)::int AS n FROM allowance_payment GROUP BY "elderId", month HAVING count(*) > 1`.rows()).toEqual([])
		// The elder who did not appeal is not paid back.
		expect(await paymentsOf(control.elderId)).toEqual([])
	})
})

describe('appeal of an assessed capability level', () => {
	async function assessed(name: string) {
		const { family, elderId } = await familyElder(name)
		const assessor = await makeUser({ role: 'assessor', name: '评估员' })
		const a = await prisma.capabilityAssessment.create({ data: { elderId, assessorId: assessor.id, assessedOn: dateOnly(addDays(TODAY, -20)), validUntil: dateOnly(addDays(TODAY, 340)), baseLevel: 'mild', level: 'mild', total: 70 }, select: { id: true } })
		return { family, elderId, assessor, assessmentId: a.id }
	}

	it('goes to the district officer; the assessor cannot review it; changed puts the corrected level in force from the original day', async () => {
		const { family, elderId, assessor, assessmentId } = await assessed('孔祥云')
		const listed = (await familyAppeals(family, TODAY)).find((d) => d.kind === 'assessment')
		expect(listed).toMatchObject({ subjectId: assessmentId, decided: 'mild', deadline: addDays(TODAY, 60) })
		expect(await lodgeAppeal(family, { kind: 'assessment', subjectId: assessmentId, reasons: '老人卧床，评估偏轻' }, null, addDays(TODAY, 61))).toMatchObject({ ok: false, status: 409 })
		const lodged = await lodgeAppeal(family, { kind: 'assessment', subjectId: assessmentId, reasons: '老人卧床，评估偏轻' }, null, TODAY)
		const appealId = lodged.ok ? lodged.value.id : ''
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { level: true, deciderId: true } })).toEqual({ level: 'district', deciderId: assessor.id })

		expect(await decideAppeal(assessor, { appealId, outcome: 'changed', reason: '同意', changedTo: 'severe' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		const otherDistrict = await makeUser({ role: 'bureau_district', districtId: 'zhongxiang' })
		expect(await decideAppeal(otherDistrict, { appealId, outcome: 'changed', reason: '同意', changedTo: 'severe' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		const district = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		// Changed without a level, or to the same level: 400, nothing changed.
		expect(await decideAppeal(district, { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 400, fieldErrors: { changedTo: ['subsidies:dueProcess.errors.changedTo'] } })
		expect(await decideAppeal(district, { appealId, outcome: 'changed', reason: '同意', changedTo: 'mild' }, null, TODAY)).toMatchObject({ ok: false, status: 400 })
		expect(await prisma.capabilityAssessment.count({ where: { elderId } })).toBe(1)

		expect(await decideAppeal(district, { appealId, outcome: 'changed', reason: '现场复核：重度失能', changedTo: 'severe' }, null, TODAY)).toMatchObject({ ok: true })
		const day = addDays(TODAY, -20)
		expect(await sql`SELECT elder_disability_on(${elderId}::uuid, ${day}::date) AS d`.first()).toEqual({ d: 'full' })
		const latest = await prisma.capabilityAssessment.findFirstOrThrow({ where: { elderId, source: 'appeal' }, select: { level: true, assessorId: true } })
		expect(latest).toEqual({ level: 'severe', assessorId: district.id })
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { status: true, changedTo: true } })).toEqual({ status: 'changed', changedTo: 'severe' })
		// The family page keeps the outcome, though the assessment appealed is no longer in force.
		expect((await familyAppeals(family, TODAY)).find((d) => d.subjectId === assessmentId)).toMatchObject({ kind: 'assessment', open: false, appeal: { status: 'changed', changedTo: 'severe' } })
		// The level set on appeal is the review's own decision: not appealed again.
		const again = await prisma.capabilityAssessment.findFirstOrThrow({ where: { elderId, source: 'appeal' }, select: { id: true } })
		expect(await lodgeAppeal(family, { kind: 'assessment', subjectId: again.id, reasons: '再次' }, null, TODAY)).toMatchObject({ ok: false, status: 409 })
	})
})

describe('appeal of a complaint finding', () => {
	async function closedComplaint(closer: { id: string }) {
		const family = await makeUser({ role: 'family', name: '投诉人' })
		const provider = await prisma.provider.findFirstOrThrow({ select: { id: true } })
		const c = await prisma.complaint.create({
			data: { providerId: provider.id, districtId: 'dongbao', familyUserId: family.id, subject: 'general', category: 'service_quality', text: '护理员多次迟到', status: 'closed', ackDueOn: dateOnly(TODAY), resolveDueOn: dateOnly(TODAY), finding: 'not_upheld', findingNote: '证据不足', closedAt: new Date(), closedById: closer.id },
			select: { id: true },
		})
		return { family, complaintId: c.id }
	}

	it('goes to the city; the complainant alone may appeal; changed records the new finding', async () => {
		const districtOfficer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const { family, complaintId } = await closedComplaint(districtOfficer)
		const stranger = await makeUser({ role: 'family' })
		expect(await lodgeAppeal(stranger, { kind: 'complaint', subjectId: complaintId, reasons: '不服' }, null, TODAY)).toMatchObject({ ok: false, status: 403 })
		const lodged = await lodgeAppeal(family, { kind: 'complaint', subjectId: complaintId, reasons: '有考勤记录为证' }, null, TODAY)
		const appealId = lodged.ok ? lodged.value.id : ''
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { level: true } })).toEqual({ level: 'city' })
		expect(await decideAppeal(districtOfficer, { appealId, outcome: 'changed', reason: '同意', changedTo: 'upheld' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		const city = await makeUser({ role: 'bureau_city' })
		expect(await decideAppeal(city, { appealId, outcome: 'changed', reason: '考勤记录证实迟到', changedTo: 'upheld' }, null, TODAY)).toMatchObject({ ok: true })
		expect(await prisma.complaint.findUniqueOrThrow({ where: { id: complaintId }, select: { finding: true, findingNote: true, status: true } })).toEqual({ finding: 'upheld', findingNote: '考勤记录证实迟到', status: 'closed' })
		expect(await prisma.notification.count({ where: { userId: family.id, kind: 'appeal.changed' } })).toBe(1)
	})

	it('a finding made by a city officer is reviewed by another city officer, never by the one who made it', async () => {
		const city = await makeUser({ role: 'bureau_city' })
		const { family, complaintId } = await closedComplaint(city)
		const lodged = await lodgeAppeal(family, { kind: 'complaint', subjectId: complaintId, reasons: '不服' }, null, TODAY)
		const appealId = lodged.ok ? lodged.value.id : ''
		expect(await decideAppeal(city, { appealId, outcome: 'upheld', reason: '维持' }, null, TODAY)).toMatchObject({ ok: false, status: 403, formError: 'subsidies:dueProcess.errors.sameDecider' })
		expect(await decideAppeal(await makeUser({ role: 'bureau_city' }), { appealId, outcome: 'upheld', reason: '原结论正确' }, null, TODAY)).toMatchObject({ ok: true })
		expect(await prisma.complaint.findUniqueOrThrow({ where: { id: complaintId }, select: { finding: true } })).toEqual({ finding: 'not_upheld' })
		expect(await prisma.notification.count({ where: { userId: family.id, kind: 'appeal.upheld' } })).toBe(1)
	})
})

/** Posts a multipart form (as a browser without JavaScript does) to a route's action. */
async function postMultipart(route: RouteModule, path: string, as: Visitor, fields: Record<string, string>, files: { name: string; bytes: Buffer; type?: string }[]) {
	const body = new FormData()
	body.set('csrf', as.csrfToken)
	for (const [k, v] of Object.entries(fields)) body.set(k, v)
	for (const f of files) body.append('attachments', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name)
	const request = new Request(new URL(path, 'http://127.0.0.1'), { method: 'POST', body, headers: { cookie: as.cookie } })
	let value: unknown
	try {
		value = await route.action!({ request, params: {}, context: {} })
	} catch (thrown) {
		value = thrown
	}
	if (value instanceof Response) return { status: value.status, data: await value.text() }
	const v = value as { init?: { status?: number } | null; data?: unknown }
	return { status: v.init?.status ?? 200, data: v.data }
}

describe('attachments and the pages', () => {
	async function refusedApplication(name: string) {
		const a = await applicationForDecision(name)
		const officer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		expect((await bureauDecide(officer, { applicationId: a.applicationId, decision: 'reject', override: false, reason: '材料不全' }, null)).ok).toBe(true)
		return { ...a, officer }
	}

	it('takes up to 3 images or PDFs, judged by their bytes; refuses a fake, a fourth or an oversize file with nothing written', async () => {
		const a = await refusedApplication('魏淑珍')
		const filesBefore = await prisma.appealAttachment.count()
		const subjectId = a.applicationId
		const base = { kind: 'subsidy_application' as const, subjectId, reasons: '材料已补齐' }
		expect(await lodgeAppeal(a.family, { ...base, attachments: [{ fileName: '低保证.pdf', bytes: EXE }] }, null, TODAY)).toMatchObject({ ok: false, status: 400, fieldErrors: { attachments: ['subsidies:dueProcess.errors.attachmentType'] } })
		expect(await lodgeAppeal(a.family, { ...base, attachments: [PDF, PNG, JPEG, PDF].map((bytes, i) => ({ fileName: `f${i}`, bytes })) }, null, TODAY)).toMatchObject({ ok: false, status: 400 })
		const family = await signIn({ id: a.family.id })
		// Over 2 MB: refused while the body streams (413), nothing stored.
		const big = Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024, 0x20)])
		const tooBig = await postMultipart(appealsRoute, '/subsidies/appeals', family, base, [{ name: 'scan.pdf', bytes: big, type: 'application/pdf' }])
		expect(tooBig.status).toBe(413)
		// A fake PDF through the page: 400.
		expect((await postMultipart(appealsRoute, '/subsidies/appeals', family, base, [{ name: 'x.pdf', bytes: EXE, type: 'application/pdf' }])).status).toBe(400)
		expect(await prisma.appeal.count({ where: { subjectId } })).toBe(0)
		expect(await prisma.appealAttachment.count()).toBe(filesBefore)

		const ok = await postMultipart(appealsRoute, '/subsidies/appeals', family, base, [
			{ name: '低保证.pdf', bytes: PDF, type: 'application/pdf' },
			{ name: '照片.png', bytes: PNG, type: 'image/png' },
		])
		expect(ok.status).toBe(200)
		const appeal = await prisma.appeal.findUniqueOrThrow({ where: { kind_subjectId: { kind: 'subsidy_application', subjectId } }, select: { id: true } })
		const files = await prisma.appealAttachment.findMany({ where: { appealId: appeal.id }, orderBy: { fileName: 'asc' }, select: { id: true, fileName: true, mime: true, size: true } })
		expect(files.map((f) => [f.fileName, f.mime, f.size])).toEqual([
			['低保证.pdf', 'application/pdf', PDF.length],
			['照片.png', 'image/png', PNG.length],
		])

		// The download: the reviewing level only (the city: the district bureau refused), audited.
		const city = await makeUser({ role: 'bureau_city' })
		const res = await callLoader(attachmentRoute, `/subsidies/appeal-attachments/${files[0]!.id}`, { as: await signIn({ id: city.id }), params: { attachmentId: files[0]!.id } })
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('application/pdf')
		expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
		expect(await prisma.auditLog.count({ where: { entityId: files[0]!.id, action: 'appeal.attachment_download' } })).toBe(1)
		for (const who of [a.officer, await makeUser({ role: 'bureau_district', districtId: 'dongbao' })]) {
			expect((await callLoader(attachmentRoute, `/subsidies/appeal-attachments/${files[0]!.id}`, { as: await signIn({ id: who.id }), params: { attachmentId: files[0]!.id } })).status).toBe(404)
		}
		expect((await callLoader(attachmentRoute, `/subsidies/appeal-attachments/${files[0]!.id}`, { as: family, params: { attachmentId: files[0]!.id } })).status).not.toBe(200)
		expect(await prisma.auditLog.count({ where: { entityId: files[0]!.id, action: 'appeal.attachment_download' } })).toBe(1)

		// The officer's desk lists it with its facts and files; the family page shows it under review.
		const desk = await callLoader<{ appeals: { id: string; kind: string; attachments: unknown[] }[] }>(deskRoute, '/subsidies/due-process', { as: await signIn({ id: city.id }) })
		expect(desk.data.appeals.find((x) => x.id === appeal.id)).toMatchObject({ kind: 'subsidy_application', attachments: [{}, {}] })
		const page = await callLoader<{ decisions: { kind: string; subjectId: string; appeal: { status: string } | null }[] }>(appealsRoute, '/subsidies/appeals', { as: family })
		expect(page.data.decisions.find((d) => d.subjectId === subjectId)).toMatchObject({ appeal: { status: 'pending' } })
	})

	it('works without JavaScript as a plain form (no files), and answers a late or foreign appeal with a 4xx', async () => {
		const a = await refusedApplication('蒋秀梅')
		const family = await signIn({ id: a.family.id })
		const stranger = await signIn({ id: (await makeUser({ role: 'family' })).id })
		const fields = { kind: 'subsidy_application', subjectId: a.applicationId, reasons: '家庭收入已变化' }
		expect((await callAction(appealsRoute, '/subsidies/appeals', fields, { as: stranger })).status).toBe(403)
		expect((await callAction(appealsRoute, '/subsidies/appeals', { ...fields, reasons: '' }, { as: family })).status).toBe(400)
		expect(await prisma.appeal.count({ where: { subjectId: a.applicationId } })).toBe(0)
		expect((await callAction(appealsRoute, '/subsidies/appeals', fields, { as: family })).status).toBe(200)
		expect(await prisma.appeal.count({ where: { subjectId: a.applicationId } })).toBe(1)
		// The desk's decision form: the officer who refused cannot review (the city level is above the district).
		const appeal = await prisma.appeal.findFirstOrThrow({ where: { subjectId: a.applicationId }, select: { id: true } })
		const decider = await signIn({ id: a.officer.id })
		expect((await callAction(deskRoute, '/subsidies/due-process', { intent: 'appeal', appealId: appeal.id, outcome: 'changed', reason: '同意' }, { as: decider })).status).toBe(404)
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appeal.id }, select: { status: true } })).toEqual({ status: 'pending' })
	})
})
