// Due process (issue 15 items 1-3) against the real database and queue, with dates passed in:
// public notice before a grant opens, objections and findings, appeals one level up with back-pay,
// and the end / re-review of grants.
import { QueueEvents, Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { DUE_PROCESS_QUEUE, enqueueDueDay } from '~/jobs/due-process.server.ts'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { addDays, dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { lodgeAppeal, decideAppeal } from '~/modules/due-process/appeals.server.ts'
import { APPEAL_DAYS, maskName, monthEnd, monthsBetween } from '~/modules/due-process/mask.ts'
import { closeDueNotices, lodgeObjection, OBJECTIONS_PER_IP_PER_DAY, publicNotices, recordFinding } from '~/modules/due-process/notice.server.ts'
import { endDueGrants, grantsDueForReview, listDueForReview, renewGrant, stopIneligibleGrants } from '~/modules/due-process/review.server.ts'
import { bureauDecide } from '~/modules/subsidies/applications.server.ts'
import { grantBalance, grantMonthlyCredit, ledgerDiscrepancies, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { dueProcessWorker } from '../../workers/processors/due-process.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import * as noticeRoute from '../../app/routes/notice.$communityId.tsx'
import { makeUser } from '../factories/accounts.ts'
import { applicationForDecision } from '../factories/due-process.ts'
import { makeOfficer } from '../factories/registry.ts'
import { anonymous, callAction, callLoader } from '../setup/route.ts'

const workers: Worker[] = []
let events: QueueEvents | null = null
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(DUE_PROCESS_QUEUE).obliterate({ force: true })
	await getQueue(DUE_PROCESS_QUEUE).close()
})

const TODAY = shanghaiDate()
const bureau = () => makeUser({ role: 'bureau_district', districtId: 'dongbao', name: '东宝区民政局' })

/** An application approved by the district bureau on `today`: on notice, no grant yet. */
async function approved(name = '张小明', today = TODAY) {
	const a = await applicationForDecision(name)
	const officer = await bureau()
	const decided = await bureauDecide(officer, { applicationId: a.applicationId, decision: 'approve', override: false, reason: '符合条件' }, null, { today })
	expect(decided, JSON.stringify(decided)).toMatchObject({ ok: true })
	const entry = await prisma.subsidyNoticeEntry.findUniqueOrThrow({ where: { applicationId: a.applicationId }, select: { id: true, noticeId: true, status: true } })
	return { ...a, officer, entry }
}

/** The texts queued for a number, of one kind. */
const textsTo = (phone: string, template: string) => prisma.outbox.findMany({ where: { toPhone: phone, template }, select: { params: true } })

const objection = (entryId: string) => ({ entryId, name: '王大爷', phone: '13912345678', reason: '此人家中有两套房，不符合低保条件' })

describe('names on a public notice', () => {
	it('keep the surname and mask the given name', () => {
		expect(maskName('张小明')).toBe('张*明')
		expect(maskName('张三')).toBe('张*')
		expect(maskName('欧阳小明')).toBe('欧**明')
		expect(maskName('Wang')).toBe('W***')
	})
})

describe('public notice (公示)', () => {
	it('lists an approval for 7 days instead of opening the grant; the public page shows the masked name only and cannot be searched by identity number', async () => {
		const a = await approved('李秀兰')
		expect(a.entry.status).toBe('listed')
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId } })).toBe(0)
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: a.applicationId }, select: { status: true } })).toEqual({ status: 'approved' })
		const notice = await prisma.subsidyNotice.findUniqueOrThrow({ where: { id: a.entry.noticeId } })
		expect(toDateString(notice.opensOn)).toBe(TODAY)
		expect(toDateString(notice.endsOn)).toBe(addDays(TODAY, 7))
		expect(await prisma.notification.count({ where: { userId: a.family.id, kind: 'subsidy.approved' } })).toBe(1)
		expect(await textsTo(a.family.phone, 'subsidy.approved')).toEqual([{ params: expect.objectContaining({ policy: '公示测试补贴' }) }])

		const page = await callLoader<Awaited<ReturnType<typeof publicNotices>>>(noticeRoute, `/notice/${a.place.community.id}`, { as: await anonymous(), params: { communityId: a.place.community.id } })
		expect(page.status).toBe(200)
		expect(page.data!.notices).toHaveLength(1)
		expect(page.data!.notices[0]!.entries).toEqual([expect.objectContaining({ displayName: '李*兰', benefit: '公示测试补贴', monthlyCreditFen: 20_000 })])
		const body = JSON.stringify(page.data)
		expect(body).not.toContain('李秀兰')
		expect(body).not.toContain(a.idNumber)
		expect(body).not.toContain(a.idNumber.slice(-4))
		// A query string is ignored: the page lists, it does not look anything up.
		const searched = await callLoader(noticeRoute, `/notice/${a.place.community.id}?idNumber=${a.idNumber}`, { as: await anonymous(), params: { communityId: a.place.community.id } })
		expect(JSON.stringify(searched.data)).toBe(body)
		expect((await callLoader(noticeRoute, '/notice/x', { as: await anonymous(), params: { communityId: '00000000-0000-0000-0000-000000000000' } })).status).toBe(404)
	})

	it('takes objections only during the notice, about an entry of a list that exists; rate-limited per IP', async () => {
		const a = await approved('赵德华')
		const before = await prisma.noticeObjection.count()
		expect(await lodgeObjection(objection(a.entry.id), '10.0.0.1', addDays(TODAY, -1))).toMatchObject({ ok: false, status: 409, formError: 'subsidies:dueProcess.errors.noticeClosed' })
		expect(await lodgeObjection(objection(a.entry.id), '10.0.0.1', addDays(TODAY, 7))).toMatchObject({ ok: false, status: 409 })
		expect(await lodgeObjection({ ...objection(a.entry.id), noticeId: '00000000-0000-0000-0000-000000000000' }, '10.0.0.1', TODAY)).toMatchObject({ ok: false, status: 404, formError: 'subsidies:dueProcess.errors.noNotice' })
		expect(await lodgeObjection(objection('00000000-0000-0000-0000-000000000000'), '10.0.0.1', TODAY)).toMatchObject({ ok: false, status: 404 })
		expect(await prisma.noticeObjection.count()).toBe(before)
		// Through the public page: a missing phone is a 400 naming the field; a good one is taken.
		const visitor = await anonymous()
		const path = `/notice/${a.place.community.id}`
		const noPhone = await callAction<{ result: { error: Record<string, string[]> } }>(noticeRoute, path, { formId: 'objection', entryId: a.entry.id, name: '王大爷', reason: '不符合' }, { as: visitor, params: { communityId: a.place.community.id } })
		expect(noPhone.status).toBe(400)
		expect(noPhone.data.result.error.phone).toBeTruthy()
		const lodged = await callAction(noticeRoute, path, { formId: 'objection', ...objection(a.entry.id) }, { as: visitor, params: { communityId: a.place.community.id }, headers: { 'x-test-ip': '1' } })
		expect(lodged.status).toBe(200)
		expect(await prisma.noticeObjection.count({ where: { entryId: a.entry.id } })).toBe(1)
		// Per IP and day: the sixth is refused with 429 and writes nothing.
		const ip = `10.1.${process.pid % 250}.${Date.now() % 250}`
		for (let i = 0; i < OBJECTIONS_PER_IP_PER_DAY; i++) expect((await lodgeObjection(objection(a.entry.id), ip, TODAY)).ok).toBe(true)
		const count = await prisma.noticeObjection.count({ where: { entryId: a.entry.id } })
		expect(await lodgeObjection(objection(a.entry.id), ip, TODAY)).toMatchObject({ ok: false, status: 429 })
		expect(await prisma.noticeObjection.count({ where: { entryId: a.entry.id } })).toBe(count)
	})

	it('opens the grant only when the notice has ended and no objection is pending or upheld; idempotent', async () => {
		const a = await approved('孙桂芝')
		const o = await lodgeObjection(objection(a.entry.id), null, addDays(TODAY, 2))
		expect(o.ok).toBe(true)
		const objectionId = o.ok ? o.value.id : ''
		// Before the end: nothing happens.
		await closeDueNotices(addDays(TODAY, 6))
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId } })).toBe(0)
		// At the end, with the objection pending: the entry waits.
		const end = addDays(TODAY, 7)
		const waiting = await closeDueNotices(end)
		expect(waiting.waiting).toBeGreaterThanOrEqual(1)
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId } })).toBe(0)
		// An officer out of scope cannot record a finding; nor can anyone without a reason.
		const elsewhere = await makeOfficer({ role: 'community_officer', districtId: 'zhongxiang' })
		expect(await recordFinding(elsewhere, { objectionId, finding: 'not_upheld', reasons: '经核实' }, null, end)).toMatchObject({ ok: false, status: 404 })
		expect(await recordFinding(a.communityOfficer, { objectionId, finding: 'not_upheld', reasons: ' ' }, null, end)).toMatchObject({ ok: false, status: 400 })
		// Not upheld after the end: the grant opens at once, with the month of effect credited.
		expect(await recordFinding(a.communityOfficer, { objectionId, finding: 'not_upheld', reasons: '经入户核实，房产属子女所有' }, null, end)).toEqual({ ok: true, value: null })
		expect(await recordFinding(a.communityOfficer, { objectionId, finding: 'upheld', reasons: '再次' }, null, end)).toMatchObject({ ok: false, status: 409 })
		const grant = await prisma.subsidyGrant.findUniqueOrThrow({ where: { applicationId: a.applicationId }, select: { id: true, status: true, startMonth: true, endsOn: true } })
		expect(grant.status).toBe('active')
		expect(toDateString(grant.startMonth)).toBe(`${end.slice(0, 7)}-01`)
		// The end / re-review date: 12 months of grant, to the last day of the 12th month.
		const [y, m] = end.split('-').map(Number) as [number, number]
		const last = m === 1 ? `${y}-12` : `${y + 1}-${String(m - 1).padStart(2, '0')}`
		expect(toDateString(grant.endsOn)).toBe(monthEnd(`${last}-01`))
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 20_000, heldFen: 0 })
		expect(await prisma.subsidyNoticeEntry.findUniqueOrThrow({ where: { id: a.entry.id }, select: { status: true } })).toEqual({ status: 'effective' })
		expect(await prisma.notification.count({ where: { userId: a.family.id, kind: 'subsidy.notice_effective' } })).toBe(1)
		expect(await textsTo(a.family.phone, 'subsidy.notice_effective')).toHaveLength(1)
		// Running the close again changes nothing.
		await closeDueNotices(end)
		await closeDueNotices(addDays(end, 1))
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId } })).toBe(1)
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 20_000, heldFen: 0 })
		expect(await prisma.subsidyNotice.findUniqueOrThrow({ where: { id: a.entry.noticeId }, select: { closedAt: true } })).not.toEqual({ closedAt: null })
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])
	})

	it('an upheld objection withholds the grant: application refused, budget commitment released, family told how to appeal', async () => {
		const a = await approved('周建国')
		const year = Number(TODAY.slice(0, 4))
		const committed = async () => Number((await prisma.subsidyBudget.findUniqueOrThrow({ where: { policyId_districtId_year: { policyId: a.policyId, districtId: 'dongbao', year } } })).committedFen)
		expect(await committed()).toBeGreaterThan(0)
		const o = await lodgeObjection(objection(a.entry.id), null, TODAY)
		const objectionId = o.ok ? o.value.id : ''
		expect((await recordFinding(a.communityOfficer, { objectionId, finding: 'upheld', reasons: '经核实家庭收入超标' }, null, TODAY)).ok).toBe(true)
		expect(await committed()).toBe(0)
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: a.applicationId }, select: { status: true } })).toEqual({ status: 'rejected' })
		await closeDueNotices(addDays(TODAY, 7))
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId } })).toBe(0)
		expect(await prisma.notification.count({ where: { userId: a.family.id, kind: 'subsidy.notice_withheld' } })).toBe(1)
		expect(await textsTo(a.family.phone, 'subsidy.notice_withheld')).toEqual([{ params: expect.objectContaining({ appealDays: APPEAL_DAYS }) }])
		// Withheld entries leave the public list.
		const page = await publicNotices(a.place.community.id, TODAY)
		expect(page!.notices.flatMap((n) => n.entries.map((e) => e.id))).not.toContain(a.entry.id)
	})

	it('the daily job closes ended notices through the real queue, once per day', async () => {
		expect(WORKERS).toContain(dueProcessWorker)
		const worker = new Worker(DUE_PROCESS_QUEUE, dueProcessWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 1 })
		workers.push(worker)
		events = new QueueEvents(DUE_PROCESS_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()
		const a = await approved('吴淑珍')
		const day = addDays(TODAY, 7)
		const job = await enqueueDueDay(day, { unique: String(process.pid) })
		const result = (await job.waitUntilFinished(events, 60_000)) as { opened: number }
		expect(result.opened).toBeGreaterThanOrEqual(1)
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId, status: 'active' } })).toBe(1)
		const again = await enqueueDueDay(day, { unique: String(process.pid) })
		expect(again.id).toBe(job.id)
		const bad = await getQueue(DUE_PROCESS_QUEUE).add('day', { day: 'soon' } as never, { attempts: 3 })
		await expect(bad.waitUntilFinished(events, 30_000)).rejects.toThrow()
		expect((await getQueue(DUE_PROCESS_QUEUE).getJob(bad.id!))!.attemptsMade).toBe(1)
	})
})

describe('appeals (复核)', () => {
	async function refused(name: string, opts: { refusedDaysAgo?: number; by?: Awaited<ReturnType<typeof bureau>> } = {}) {
		const a = await applicationForDecision(name)
		const officer = opts.by ?? (await bureau())
		expect((await bureauDecide(officer, { applicationId: a.applicationId, decision: 'reject', override: false, reason: '材料不全' }, null)).ok).toBe(true)
		if (opts.refusedDaysAgo) await prisma.subsidyApplication.update({ where: { id: a.applicationId }, data: { bureauDecidedAt: new Date(Date.now() - opts.refusedDaysAgo * 86_400_000) } })
		return { ...a, officer }
	}

	it('refuses an appeal by someone not linked to the elder, past 60 days, or without reasons, and writes nothing', async () => {
		const a = await refused('郑秀英')
		const stranger = await makeUser({ role: 'family' })
		expect(await lodgeAppeal(stranger, { applicationId: a.applicationId, reasons: '不服' }, null, TODAY)).toMatchObject({ ok: false, status: 403 })
		expect(await lodgeAppeal(a.family, { applicationId: a.applicationId, reasons: '不服' }, null, addDays(TODAY, 61))).toMatchObject({ ok: false, status: 409, formError: 'subsidies:dueProcess.errors.appealLate' })
		expect(await lodgeAppeal(a.family, { applicationId: a.applicationId, reasons: '  ' }, null, TODAY)).toMatchObject({ ok: false, status: 400 })
		expect(await prisma.appeal.count({ where: { kind: 'subsidy_application', subjectId: a.applicationId } })).toBe(0)
		// On the 60th day it is still in time.
		expect(await lodgeAppeal(a.family, { applicationId: a.applicationId, reasons: '材料已补齐' }, null, addDays(TODAY, 60))).toMatchObject({ ok: true })
		expect(await lodgeAppeal(a.family, { applicationId: a.applicationId, reasons: '再次' }, null, TODAY)).toMatchObject({ ok: false, status: 409 })
	})

	it('goes one level up; the officer who decided cannot review it; upheld is recorded and notified', async () => {
		const city = await makeUser({ role: 'bureau_city', name: '市民政局甲' })
		const a = await refused('冯志强', { by: city })
		const lodged = await lodgeAppeal(a.family, { applicationId: a.applicationId, reasons: '家庭情况有变化' }, null, TODAY)
		const appealId = lodged.ok ? lodged.value.id : ''
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { level: true } })).toEqual({ level: 'city' })
		// The district bureau is not above the city; the city officer who refused cannot review.
		expect(await decideAppeal(await bureau(), { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		expect(await decideAppeal(city, { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 403, formError: 'subsidies:dueProcess.errors.sameDecider' })
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { status: true } })).toEqual({ status: 'pending' })
		const other = await makeUser({ role: 'bureau_city', name: '市民政局乙' })
		expect(await decideAppeal(other, { appealId, outcome: 'upheld', reason: '原决定正确' }, null, TODAY)).toMatchObject({ ok: true })
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: a.applicationId }, select: { status: true } })).toEqual({ status: 'rejected' })
		expect(await prisma.notification.count({ where: { userId: a.family.id, kind: 'subsidy.appeal_upheld' } })).toBe(1)
		expect(await textsTo(a.family.phone, 'subsidy.appeal_upheld')).toHaveLength(1)
	})

	it('a community refusal goes to the township; a changed refusal goes through notice and grant, with the withheld months credited', async () => {
		const a = await applicationForDecision('陈玉兰')
		await prisma.subsidyApplication.update({ where: { id: a.applicationId }, data: { status: 'community_rejected', communityReviewedAt: new Date(Date.now() - 40 * 86_400_000) } })
		const refusedOn = shanghaiDate(new Date(Date.now() - 40 * 86_400_000))
		const lodged = await lodgeAppeal(a.family, { applicationId: a.applicationId, reasons: '低保证已补办' }, null, TODAY)
		expect(lodged).toMatchObject({ ok: true, value: { deadline: addDays(refusedOn, 60) } })
		const appealId = lodged.ok ? lodged.value.id : ''
		expect(await prisma.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { level: true } })).toEqual({ level: 'township' })
		// The community officer who refused is not the level above.
		expect(await decideAppeal(a.communityOfficer, { appealId, outcome: 'changed', reason: '同意' }, null, TODAY)).toMatchObject({ ok: false, status: 404 })
		const township = await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: a.place.township.id })
		expect(await decideAppeal(township, { appealId, outcome: 'changed', reason: '低保证有效，符合条件' }, null, TODAY)).toMatchObject({ ok: true })
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: a.applicationId }, select: { status: true } })).toEqual({ status: 'approved' })
		expect(await prisma.notification.count({ where: { userId: a.family.id, kind: 'subsidy.appeal_changed' } })).toBe(1)
		expect(await textsTo(a.family.phone, 'subsidy.appeal_changed')).toHaveLength(1)
		expect(await prisma.subsidyGrant.count({ where: { applicationId: a.applicationId } })).toBe(0)
		const end = addDays(TODAY, 7)
		await closeDueNotices(end)
		const grant = await prisma.subsidyGrant.findUniqueOrThrow({ where: { applicationId: a.applicationId }, select: { id: true, startMonth: true } })
		const months = monthsBetween(refusedOn.slice(0, 7), end.slice(0, 7))
		expect(months.length).toBeGreaterThanOrEqual(2)
		expect(toDateString(grant.startMonth)).toBe(`${months[0]}-01`)
		expect(await prisma.ledgerTxn.count({ where: { grantId: grant.id, kind: 'grant' } })).toBe(months.length)
		expect(await grantBalance(pgSql(), grant.id)).toEqual({ availableFen: 20_000 * months.length, heldFen: 0 })
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])
	})
})

describe('re-review and the end of grants', () => {
	it('stops a grant whose elder died at the end of the month it became known, tells the family how to appeal, and credits nothing after', async () => {
		const a = await approved('钱淑华')
		await closeDueNotices(addDays(TODAY, 7))
		const grant = await prisma.subsidyGrant.findUniqueOrThrow({ where: { applicationId: a.applicationId }, select: { id: true } })
		const known = addDays(TODAY, 8)
		await prisma.elder.update({ where: { id: a.elderId }, data: { deathDate: dateOnly(known) } })
		await stopIneligibleGrants(known)
		await stopIneligibleGrants(known)
		const stopped = await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grant.id }, select: { status: true, stopReason: true, stopKnownOn: true, endsOn: true } })
		expect(stopped).toMatchObject({ status: 'active', stopReason: 'deceased' })
		expect(toDateString(stopped.endsOn)).toBe(monthEnd(known))
		expect(await prisma.notification.count({ where: { userId: a.family.id, kind: 'subsidy.grant_stopping' } })).toBe(1)
		// Told twice by two runs, texted once: with the last day paid and the appeal deadline.
		expect(await textsTo(a.family.phone, 'subsidy.grant_stopping')).toEqual([{ params: expect.objectContaining({ endsOn: monthEnd(known), appealBy: addDays(known, APPEAL_DAYS) }) }])
		await endDueGrants(monthEnd(known))
		expect(await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grant.id }, select: { status: true } })).toEqual({ status: 'active' })
		await endDueGrants(addDays(monthEnd(known), 1))
		expect(await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grant.id }, select: { status: true } })).toEqual({ status: 'ended' })
		const next = addDays(monthEnd(known), 1).slice(0, 7)
		expect(await grantMonthlyCredit(pgSql(), next, { grantId: grant.id })).toEqual({ granted: 0, totalFen: 0 })
	})

	it('a grant whose residence is no longer verified stops too (the eligibility rule plus the residence)', async () => {
		const a = await approved('褚卫东')
		await closeDueNotices(addDays(TODAY, 7))
		await prisma.elder.update({ where: { id: a.elderId }, data: { residenceStatus: 'unverified' } })
		await stopIneligibleGrants(addDays(TODAY, 8))
		expect(await prisma.subsidyGrant.findUniqueOrThrow({ where: { applicationId: a.applicationId }, select: { stopReason: true } })).toEqual({ stopReason: 'residenceUnverified' })
	})

	it('lists grants due for re-review per community for officers in scope; renewing moves the end 12 months; unrenewed grants end', async () => {
		const a = await approved('蒋丽华')
		const end = addDays(TODAY, 7)
		await closeDueNotices(end)
		const grant = await prisma.subsidyGrant.findUniqueOrThrow({ where: { applicationId: a.applicationId }, select: { id: true, endsOn: true } })
		const endsOn = toDateString(grant.endsOn)
		const dueDay = `${endsOn.slice(0, 7)}-01`
		expect((await grantsDueForReview(a.communityOfficer, TODAY)).map((g) => g.id)).not.toContain(grant.id)
		expect((await grantsDueForReview(a.communityOfficer, dueDay)).map((g) => g.id)).toContain(grant.id)
		const elsewhere = await makeOfficer({ role: 'community_officer', districtId: 'zhongxiang' })
		expect((await grantsDueForReview(elsewhere, dueDay)).map((g) => g.id)).not.toContain(grant.id)
		const listed = await listDueForReview(dueDay)
		expect(listed.grants).toBeGreaterThanOrEqual(1)
		expect(await prisma.notification.count({ where: { userId: a.communityOfficer.id, kind: 'subsidy.review_due' } })).toBe(1)
		await listDueForReview(dueDay)
		expect(await prisma.notification.count({ where: { userId: a.communityOfficer.id, kind: 'subsidy.review_due' } })).toBe(1)
		// An officer's reminder stays in the app: no text.
		expect(await textsTo(a.communityOfficer.phone, 'subsidy.review_due')).toEqual([])
		// Not renewed: the day after its end date the grant ends.
		await endDueGrants(addDays(endsOn, 1))
		expect(await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grant.id }, select: { status: true } })).toEqual({ status: 'ended' })
		expect(await renewGrant(a.communityOfficer, { grantId: grant.id }, null, dueDay)).toMatchObject({ ok: false, status: 409 })

		const b = await approved('沈国庆')
		await closeDueNotices(end)
		const g2 = await prisma.subsidyGrant.findUniqueOrThrow({ where: { applicationId: b.applicationId }, select: { id: true, endsOn: true } })
		expect(await renewGrant(elsewhere, { grantId: g2.id }, null, dueDay)).toMatchObject({ ok: false, status: 404 })
		const renewed = await renewGrant(b.communityOfficer, { grantId: g2.id }, null, dueDay)
		const twelveLater = monthEnd(`${Number(toDateString(g2.endsOn).slice(0, 4)) + 1}${toDateString(g2.endsOn).slice(4, 7)}-01`)
		expect(renewed).toEqual({ ok: true, value: { endsOn: twelveLater } })
		await endDueGrants(addDays(toDateString(g2.endsOn), 1))
		expect(await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: g2.id }, select: { status: true } })).toEqual({ status: 'active' })
	})

	it('every grant has an end date, even one written without (database default)', async () => {
		expect(await prisma.subsidyGrant.count({ where: { endsOn: undefined } })).toBeGreaterThanOrEqual(0)
		const rows = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM subsidy_grant WHERE "endsOn" IS NULL`)
		expect(rows[0]!.n).toBe(0)
	})
})
