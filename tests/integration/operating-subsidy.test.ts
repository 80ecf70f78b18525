// The operating subsidy (运营补贴, issue 14 item 4): bed-days of the month by the level in force each
// day, the grade factor, the 特困 supplement, rates by month; computed once however often it runs
// (sequential, concurrent, through the real queue); frozen; bed-days outside the month refused;
// the institution's statement with residents masked; district review, city approval by another officer;
// the export. Month 2026-09 and early-2025 months are this file's own (institutions of its own).
import { QueueEvents, Worker, type Job } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { enqueueOperatingMonth, ensureOperatingScheduler, OPERATING_SCHEDULER_ID, operatingMonthJobId, OPERATING_SUBSIDY_QUEUE } from '~/jobs/operating-subsidy.server.ts'
import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import { computeInstitutionMonth, operatingSubsidyFloorSql } from '~/modules/operating-subsidy/compute.server.ts'
import { lineAmount } from '~/modules/operating-subsidy/rules.ts'
import { approveStatement, exportMonth, getStatement, listStatements, requestMonth, reviewStatement } from '~/modules/operating-subsidy/statements.server.ts'
import * as bureauPage from '~/routes/bureau.operating-subsidy.tsx'
import * as exportRoute from '~/routes/bureau.operating-subsidy.export.ts'
import * as ratesPage from '~/routes/bureau.operating-subsidy_.rates.tsx'
import * as institutionPage from '~/routes/institution.operating-subsidy.tsx'
import * as statementPage from '~/routes/operating-subsidy.$statementId.tsx'
import { operatingSubsidyWorker } from '../../workers/processors/operating-subsidy.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import { makeUser } from '../factories/accounts.ts'
import { makeRegisteredElder } from '../factories/beds.ts'
import { assessed, makeInstitution, stay, tekunStatus } from '../factories/operating.ts'
import { makeOfficer } from '../factories/registry.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

const workers: Worker[] = []
let events: QueueEvents | null = null
afterAll(async () => {
	await Promise.all(workers.map((w) => w.close()))
	await events?.close()
	await getQueue(OPERATING_SUBSIDY_QUEUE).obliterate({ force: true })
	await getQueue(OPERATING_SUBSIDY_QUEUE).close()
})

type Line = { level: string; tekun: boolean; days: number; amountFen: number }
async function linesOf(statementId: string) {
	return sql`SELECT level, tekun, days, "amountFen" FROM operating_subsidy_line WHERE "statementId" = ${statementId}::uuid ORDER BY level, tekun, days`.rows<Line>()
}
async function statementsOf(providerId: string, month: string) {
	return sql`SELECT id, "totalFen", "bedDays", "tekunBedDays", grade, "gradeFactorBps", status::text FROM operating_subsidy_statement WHERE "providerId" = ${providerId}::uuid AND month = ${`${month}-01`}::date`.rows<{ id: string; totalFen: number; bedDays: number; tekunBedDays: number; grade: number | null; gradeFactorBps: number; status: string }>()
}

/** The September 2026 pattern of one institution: five residents, 14,320 fen at 4★ (×1.1). */
async function septemberInstitution(grade: number | null) {
	const inst = await makeInstitution({ grade })
	const [a, b, c, d, e] = await Promise.all(['王秀兰', '李建国', '赵美华', '孙志强', '周桂芳'].map((n) => makeRegisteredElder(n)))
	// A: 1–10 September (discharged on the 11th); moderate until the 5th, severe from the 6th.
	await stay(inst.providerId, inst.bedIds[0]!, a!.id, '2026-08-20', '2026-09-11')
	await assessed(a!.id, 'moderate', '2025-09-06', '2026-09-05')
	await assessed(a!.id, 'severe', '2026-09-06', '2027-09-05')
	// B: from 25 September, never assessed; 特困 from the 28th.
	await stay(inst.providerId, inst.bedIds[1]!, b!.id, '2026-09-25', null)
	await tekunStatus(b!.id, '2026-09-28')
	// C arrives in October, D left on 31 August: no bed-day of September.
	await stay(inst.providerId, inst.bedIds[2]!, c!.id, '2026-10-02', null)
	await stay(inst.providerId, inst.bedIds[3]!, d!.id, '2026-08-01', '2026-08-31')
	// E: the whole month, moved to another bed on the 15th (one admission closes, the next opens).
	const first = await stay(inst.providerId, inst.bedIds[4]!, e!.id, '2026-08-01', '2026-09-15')
	await stay(inst.providerId, inst.bedIds[5]!, e!.id, '2026-09-15', null, { transferredFromId: first })
	await assessed(e!.id, 'intact', '2026-01-10', '2027-01-09')
	return { ...inst, elders: { a: a!, b: b!, c: c!, d: d!, e: e! } }
}

describe('operating subsidy: the amounts', () => {
	it('counts occupied bed-days of the month by the level in force each day, times the grade factor, plus the 特困 supplement', async () => {
		const inst = await septemberInstitution(4)
		const result = await computeInstitutionMonth(inst.providerId, '2026-09')
		expect(result).toMatchObject({ computed: true, bedDays: 10 + 6 + 30, totalFen: 14_320 })
		expect(await linesOf(result.statementId!)).toEqual([
			{ level: 'intact', tekun: false, days: 30, amountFen: 6_600 },
			{ level: 'moderate', tekun: false, days: 5, amountFen: 2_200 },
			{ level: 'severe', tekun: false, days: 5, amountFen: 3_300 },
			{ level: 'unassessed', tekun: false, days: 3, amountFen: 660 },
			{ level: 'unassessed', tekun: true, days: 3, amountFen: 660 + 900 },
		])
		const [statement] = await statementsOf(inst.providerId, '2026-09')
		expect(statement).toMatchObject({ grade: 4, gradeFactorBps: 11_000, tekunBedDays: 3, status: 'computed' })
		// The frozen basis: the segments it used, each inside the month.
		const segments = await sql`SELECT level, tekun, to_char("fromDay", 'MM-DD') AS f, to_char("toDay", 'MM-DD') AS t, days FROM operating_subsidy_bed_day WHERE "statementId" = ${result.statementId}::uuid ORDER BY "fromDay", level, tekun`.rows()
		expect(segments).toEqual([
			{ level: 'intact', tekun: false, f: '09-01', t: '09-14', days: 14 },
			{ level: 'moderate', tekun: false, f: '09-01', t: '09-05', days: 5 },
			{ level: 'severe', tekun: false, f: '09-06', t: '09-10', days: 5 },
			{ level: 'intact', tekun: false, f: '09-15', t: '09-30', days: 16 },
			{ level: 'unassessed', tekun: false, f: '09-25', t: '09-27', days: 3 },
			{ level: 'unassessed', tekun: true, f: '09-28', t: '09-30', days: 3 },
		])
		// The floor statement of the benchmark computes the same amount for this institution.
		const floor = (await operatingSubsidyFloorSql('2026-09').rows<{ providerId: string; bedDays: number; totalFen: number }>()).find((r) => r.providerId === inst.providerId)
		expect(floor).toEqual({ providerId: inst.providerId, bedDays: 46, totalFen: 14_320 })
	})

	it('counts a resident once a day even when two of their stays overlap (a backdated admission)', async () => {
		const inst = await makeInstitution({ grade: 3 })
		const elder = await makeRegisteredElder('韩玉梅')
		await stay(inst.providerId, inst.bedIds[0]!, elder.id, '2026-09-01', '2026-09-10')
		await stay(inst.providerId, inst.bedIds[1]!, elder.id, '2026-09-05', null)
		const result = await computeInstitutionMonth(inst.providerId, '2026-09')
		expect(result).toMatchObject({ computed: true, bedDays: 30, totalFen: 30 * 200 })
		expect(await linesOf(result.statementId!)).toEqual([{ level: 'unassessed', tekun: false, days: 30, amountFen: 6_000 }])
	})

	it('takes the factor of the grade (1★ 0.6 … 5★ 1.2, ungraded as 1★) and the rates of the month', async () => {
		const one = await septemberInstitution(1)
		const five = await septemberInstitution(5)
		const ungraded = await septemberInstitution(null)
		const r1 = await computeInstitutionMonth(one.providerId, '2026-09')
		const r5 = await computeInstitutionMonth(five.providerId, '2026-09')
		const rn = await computeInstitutionMonth(ungraded.providerId, '2026-09')
		// 0.6: 30×120 + 5×240 + 5×360 + 6×120 + 3×300
		expect(r1.totalFen).toBe(3_600 + 1_200 + 1_800 + 720 + 900)
		expect(r5.totalFen).toBe(30 * 240 + 5 * 480 + 5 * 720 + 6 * 240 + 900)
		expect(rn.totalFen).toBe(r1.totalFen)
		// A 5★ grade whose grading expired before the month pays as ungraded (1★ factor) until re-graded.
		const lapsed = await septemberInstitution(5)
		const [criteria] = await sql`SELECT id FROM grading_criteria ORDER BY "effectiveFrom" LIMIT 1`.rows<{ id: string }>()
		const [officer, checker] = await sql`SELECT id FROM app_user WHERE role = 'bureau_city' ORDER BY phone LIMIT 2`.rows<{ id: string }>()
		await sql`INSERT INTO provider_grading ("providerId", "criteriaId", scores, score, grade, "assessedOn", "validUntil", "assessorId", status, "decidedById", "decidedAt")
			VALUES (${lapsed.providerId}::uuid, ${criteria!.id}::uuid, '{"facilities": 95}'::jsonb, 95, 5, '2023-08-01', '2026-08-31', ${officer!.id}::uuid, 'approved', ${checker!.id}::uuid, now())`.run()
		const rl = await computeInstitutionMonth(lapsed.providerId, '2026-09')
		expect(rl.totalFen).toBe(r1.totalFen)
		expect((await statementsOf(lapsed.providerId, '2026-09'))[0]).toMatchObject({ grade: null, gradeFactorBps: 6_000 })
		expect(lineAmount(5, 400, 6000, 300, false)).toEqual({ levelFen: 1_200, supplementFen: 0, amountFen: 1_200 })

		// A rate version from March 2025 (and the defaults again from April) applies to March only.
		await sql`INSERT INTO operating_subsidy_rate ("effectiveMonth", "intactFen", "mildFen", "moderateFen", "severeFen", "completeFen", "unassessedFen", "tekunFen", "grade1Bps", "grade2Bps", "grade3Bps", "grade4Bps", "grade5Bps", "ungradedBps", note)
			VALUES ('2025-03-01', 333, 333, 500, 700, 700, 0, 450, 6000, 8000, 10000, 11000, 12000, 6000, 'test'),
			       ('2025-04-01', 200, 200, 400, 600, 600, 200, 300, 6000, 8000, 10000, 11000, 12000, 6000, 'test')`.run()
		const inst = await makeInstitution({ grade: 3 })
		const elder = await makeRegisteredElder('钱多多')
		await stay(inst.providerId, inst.bedIds[0]!, elder.id, '2025-02-27', '2025-04-03')
		await assessed(elder.id, 'mild', '2025-01-01', '2025-12-31')
		expect((await computeInstitutionMonth(inst.providerId, '2025-02')).totalFen).toBe(2 * 200)
		expect((await computeInstitutionMonth(inst.providerId, '2025-03')).totalFen).toBe(31 * 333)
		expect((await computeInstitutionMonth(inst.providerId, '2025-04')).totalFen).toBe(2 * 200)
		// Rates are versions: a used one never changes.
		await expect(sql`UPDATE operating_subsidy_rate SET "intactFen" = 1 WHERE "effectiveMonth" = '2025-03-01'`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_rate_append_only' })
	})
})

describe('operating subsidy: once, frozen, inside the month', () => {
	it('computes a month once: again, or twice at the same time, gives one result', async () => {
		const inst = await septemberInstitution(3)
		const first = await computeInstitutionMonth(inst.providerId, '2026-09')
		const again = await computeInstitutionMonth(inst.providerId, '2026-09')
		expect(first.computed).toBe(true)
		expect(again).toMatchObject({ computed: false, statementId: null })
		const racing = await makeInstitution({ grade: 3 })
		const elder = await makeRegisteredElder('冯志明')
		await stay(racing.providerId, racing.bedIds[0]!, elder.id, '2026-09-03', null)
		const both = await Promise.all([computeInstitutionMonth(racing.providerId, '2026-09'), computeInstitutionMonth(racing.providerId, '2026-09')])
		expect(both.filter((r) => r.computed)).toHaveLength(1)
		expect(await statementsOf(racing.providerId, '2026-09')).toHaveLength(1)
		expect(await sql`SELECT count(*)::int AS n FROM operating_subsidy_line l JOIN operating_subsidy_statement s ON s.id = l."statementId" WHERE s."providerId" = ${racing.providerId}::uuid`.first()).toEqual({ n: 1 })
	})

	it('through the real queue: the month queued twice and re-run computes each institution once', async () => {
		expect(WORKERS).toContain(operatingSubsidyWorker)
		// The monthly scheduler the worker registers at start (05:00 on the 1st, Shanghai).
		expect(operatingSubsidyWorker.onStart).toBe(ensureOperatingScheduler)
		await ensureOperatingScheduler()
		const schedulers = await getQueue(OPERATING_SUBSIDY_QUEUE).getJobSchedulers()
		expect(schedulers.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz }))).toContainEqual({ key: OPERATING_SCHEDULER_ID, pattern: '0 0 5 1 * *', tz: 'Asia/Shanghai' })
		const worker = new Worker(OPERATING_SUBSIDY_QUEUE, operatingSubsidyWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 2 })
		workers.push(worker)
		events = new QueueEvents(OPERATING_SUBSIDY_QUEUE, { connection: workerConnection(), prefix: queuePrefix() })
		await events.waitUntilReady()
		const inst = await septemberInstitution(4)
		const runMonth = async (unique?: string) => {
			const job = await enqueueOperatingMonth('2026-07', { unique })
			const { jobIds } = (await job.waitUntilFinished(events!, 60_000)) as { jobIds: string[] }
			const queue = getQueue(OPERATING_SUBSIDY_QUEUE)
			const done = await Promise.all(jobIds.map(async (id) => ((await queue.getJob(id)) as Job).waitUntilFinished(events!, 60_000) as Promise<{ computed: boolean; providerId: string }>))
			return done
		}
		// July: every approved institution gets its statement (this one's is empty: its stays begin in August).
		const first = await runMonth()
		expect(first.find((r) => r.providerId === inst.providerId)).toMatchObject({ computed: true })
		const dup = await enqueueOperatingMonth('2026-07')
		expect(dup.id).toBe(operatingMonthJobId('2026-07'))
		const rerun = await runMonth('rerun')
		expect(rerun.filter((r) => r.computed)).toEqual([])
		expect(await statementsOf(inst.providerId, '2026-07')).toHaveLength(1)
		// Every approved institution has exactly one July statement.
		const counts = await sql`SELECT count(*)::int AS n, count(DISTINCT "providerId")::int AS providers FROM operating_subsidy_statement WHERE month = '2026-07-01'`.first<{ n: number; providers: number }>()
		expect(counts!.n).toBe(counts!.providers)
		expect(counts!.n).toBe(await prisma.provider.count({ where: { kind: 'institution', status: 'approved' } }))
		// A bad payload fails at once, never retried.
		const bad = await getQueue(OPERATING_SUBSIDY_QUEUE).add('institution', { month: '2026-13', providerId: 'x' } as never, { attempts: 3 })
		await expect(bad.waitUntilFinished(events, 60_000)).rejects.toThrow(/bad payload/)
	})

	it('refuses bed-days outside the month, a month not ended, and any change to a computed month', async () => {
		const inst = await septemberInstitution(2)
		const { statementId } = await computeInstitutionMonth(inst.providerId, '2026-09')
		const before = await linesOf(statementId!)
		const admission = await prisma.admission.findFirstOrThrow({ where: { providerId: inst.providerId, elderId: inst.elders.d.id }, select: { id: true, bedId: true } })
		// A segment of August in September's statement: refused by the database, nothing written.
		await expect(
			sql`INSERT INTO operating_subsidy_bed_day ("statementId", "admissionId", "elderId", "bedId", level, tekun, "fromDay", "toDay", days)
				VALUES (${statementId}::uuid, ${admission.id}::uuid, ${inst.elders.d.id}::uuid, ${admission.bedId}::uuid, 'intact', false, '2026-08-25', '2026-09-02', 9)`.run(),
		).rejects.toMatchObject({ constraint: 'operating_subsidy_days_in_month' })
		await expect(sql`INSERT INTO operating_subsidy_line ("statementId", "elderId", level, tekun, days, "levelRateFen", "tekunRateFen", "levelFen", "supplementFen", "amountFen")
			VALUES (${statementId}::uuid, ${inst.elders.d.id}::uuid, 'intact', false, 31, 200, 300, 6200, 0, 6200)`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_days_in_month' })
		await expect(sql`UPDATE operating_subsidy_line SET days = days + 1 WHERE "statementId" = ${statementId}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_frozen' })
		await expect(sql`UPDATE operating_subsidy_statement SET "totalFen" = "totalFen" + 1 WHERE id = ${statementId}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_frozen' })
		await expect(sql`DELETE FROM operating_subsidy_statement WHERE id = ${statementId}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_frozen' })
		expect(await linesOf(statementId!)).toEqual(before)

		// The bureau asks for a month that has not ended (its bed-days are not all known yet): 409, nothing queued.
		const city = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		const now = new Date('2026-09-20T04:00:00Z')
		expect(await requestMonth(city, '2026-09', null, now)).toEqual({ ok: false, status: 409, fieldErrors: { month: ['beds:operating.errors.monthNotEnded'] } })
		expect(await requestMonth(city, '2026-10', null, now)).toMatchObject({ status: 409 })
		expect(await requestMonth(city, '2015-12', null, now)).toEqual({ ok: false, status: 409, fieldErrors: { month: ['beds:operating.errors.noRate'] } })
		expect(await getQueue(OPERATING_SUBSIDY_QUEUE).getJob(operatingMonthJobId('2026-10'))).toBeUndefined()
		const district = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		expect(await requestMonth(district, '2026-08', null, now)).toMatchObject({ ok: false, status: 403 })
	})
})

describe('operating subsidy: statement, review, approval, export', () => {
	it('shows the institution its statement line by line with residents masked, and nobody else’s', async () => {
		const inst = await septemberInstitution(4)
		const { statementId } = await computeInstitutionMonth(inst.providerId, '2026-09')
		const staff = await makeUser({ role: 'provider_staff', providerId: inst.providerId, districtId: 'dongbao' })
		const statement = await getStatement(staff, statementId!)
		expect(statement).toMatchObject({ totalFen: 14_320, bedDays: 46, status: 'computed' })
		const lineA = statement!.lines.find((l) => l.level === 'severe')!
		expect(lineA).toMatchObject({ elderName: '王*兰', days: 5, levelRateFen: 600, amountFen: 3_300 })
		expect(lineA.elderIdMasked).toMatch(/^\d{4}\*{10}[\dX]{4}$|^[\dX*]{18}$/)
		expect(lineA.elderIdMasked).not.toContain(inst.elders.a.idNumber.slice(6, 14))
		expect((await listStatements(staff, null)).map((s) => s.id)).toEqual([statementId])
		const other = await makeInstitution({ grade: 3 })
		const otherStaff = await makeUser({ role: 'provider_staff', providerId: other.providerId, districtId: 'dongbao' })
		expect(await getStatement(otherStaff, statementId!)).toBeNull()
		const family = await makeUser({ role: 'family' })
		expect(await getStatement(family, statementId!)).toBeNull()
		expect(await getStatement(staff, 'not-a-uuid')).toBeNull()
	})

	it('is reviewed by the district and approved by another officer of the city, then exported', async () => {
		const inst = await septemberInstitution(4)
		const { statementId } = await computeInstitutionMonth(inst.providerId, '2026-09')
		const reviewer = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		const otherDistrict = await makeOfficer({ role: 'bureau_district', districtId: 'duodao' })
		const city = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		// Out of order or out of scope: nothing written.
		expect(await approveStatement(city, statementId!, '', null)).toMatchObject({ ok: false, status: 409 })
		expect(await reviewStatement(otherDistrict, statementId!, '', null)).toMatchObject({ ok: false, status: 404 })
		expect(await reviewStatement(city, statementId!, '', null)).toMatchObject({ ok: false, status: 403 })
		expect(await reviewStatement(reviewer, statementId!, '核对无误', null)).toEqual({ ok: true, value: null })
		expect(await reviewStatement(reviewer, statementId!, '', null)).toMatchObject({ ok: false, status: 409 })
		expect(await approveStatement(reviewer, statementId!, '', null)).toMatchObject({ ok: false, status: 403 })
		// A city officer whose account the reviewer created is refused (two-person control).
		const created = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		await prisma.user.update({ where: { id: created.id }, data: { createdById: reviewer.id } })
		expect(await approveStatement(created, statementId!, '', null)).toEqual({ ok: false, status: 403, formError: 'errors.twoPerson.creatorRelated', fieldErrors: {} })
		// Nor can the database be told otherwise.
		await expect(sql`UPDATE operating_subsidy_statement SET status = 'approved', "approvedById" = ${reviewer.id}::uuid WHERE id = ${statementId}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_two_person' })
		// Nor by whoever reset the reviewer's sign-in (an invitation they issued), as the allowance run's rule has it.
		const resetter = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		await prisma.userInvitation.create({ data: { userId: reviewer.id, tokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 60_000), createdById: resetter.id } })
		await expect(sql`UPDATE operating_subsidy_statement SET status = 'approved', "approvedById" = ${resetter.id}::uuid WHERE id = ${statementId}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_two_person' })
		// Export before approval: nothing to export for this institution.
		const early = await exportMonth(reviewer, '2026-09', 'csv', null)
		expect(early === null || !String(early.body).includes(inst.providerId)).toBe(true)
		expect(await approveStatement(city, statementId!, '', null)).toEqual({ ok: true, value: null })
		expect(await approveStatement(city, statementId!, '', null)).toMatchObject({ ok: false, status: 409 })
		const [statement] = await statementsOf(inst.providerId, '2026-09')
		expect(statement!.status).toBe('approved')
		const audits = await prisma.auditLog.findMany({ where: { entityId: statementId! }, select: { action: true, actorId: true }, orderBy: { at: 'asc' } })
		expect(audits).toEqual([
			{ action: 'operating_subsidy.review', actorId: reviewer.id },
			{ action: 'operating_subsidy.approve', actorId: city.id },
		])

		const csv = await exportMonth(city, '2026-09', 'csv', null)
		const text = String(csv!.body)
		expect(text.startsWith('\uFEFF')).toBe(true)
		expect(text).toContain('王*兰')
		expect(text).not.toContain(inst.elders.a.idNumber)
		expect(text).toContain('33.00')
		const xlsx = await exportMonth(reviewer, '2026-09', 'xlsx', null)
		expect(xlsx!.contentType).toContain('spreadsheetml')
		expect(await exportMonth(await makeUser({ role: 'provider_staff', providerId: inst.providerId }), '2026-09', 'csv', null)).toBeNull()
		expect(await prisma.auditLog.count({ where: { action: 'operating_subsidy.export' } })).toBeGreaterThanOrEqual(2)
	})
})

describe('operating subsidy: adjustments of an approved statement (补发 / 扣减)', () => {
	async function approvedStatement() {
		const inst = await septemberInstitution(4)
		const { statementId } = await computeInstitutionMonth(inst.providerId, '2026-09')
		const district = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		const city = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		expect((await reviewStatement(district, statementId!, '', null)).ok).toBe(true)
		expect((await approveStatement(city, statementId!, '', null)).ok).toBe(true)
		return { inst, statementId: statementId!, district, city }
	}
	type Reply = { ok: boolean; result?: { error?: Record<string, string[]> } }
	const post = async (as: Awaited<ReturnType<typeof makeOfficer>>, statementId: string, fields: Record<string, string>) =>
		callAction<Reply>(statementPage, `/operating-subsidy/${statementId}`, fields, { as: await signIn(as.phone), params: { statementId } })

	it('is proposed by the district with a reason, approved by another city officer, paid with the month of approval, and never takes the month below zero', async () => {
		const { inst, statementId, district, city } = await approvedStatement()
		const [statement] = await statementsOf(inst.providerId, '2026-09')
		const propose = (amount: string, reason = '入住登记迟报，补发3天') => post(district, statementId, { intent: 'adjust', formId: 'operating-adjust', amount, reason })

		// Bad input: 400 with the field's message, nothing written.
		for (const amount of ['0', '0.00', '12.345', 'abc', '99999999']) expect((await propose(amount)).status, amount).toBe(400)
		expect((await propose('10', ' ')).status).toBe(400)
		// Deducting more than the month paid is refused.
		const tooMuch = await propose(`-${(statement!.totalFen / 100 + 1).toFixed(2)}`)
		expect(tooMuch.status).toBe(409)
		expect(tooMuch.data.result?.error?.amount).toEqual(['beds:operating.errors.adjustmentBelowZero'])
		expect(await prisma.operatingSubsidyAdjustment.count({ where: { statementId } })).toBe(0)
		// Only the district proposes; only the city decides.
		expect((await post(city, statementId, { intent: 'adjust', formId: 'operating-adjust', amount: '10', reason: '补发' })).status).toBe(403)

		expect((await propose('120.50')).status).toBe(200)
		const open = await prisma.operatingSubsidyAdjustment.findFirstOrThrow({ where: { statementId }, select: { id: true, amountFen: true, status: true } })
		expect(open).toMatchObject({ amountFen: 12050, status: 'proposed' })
		// One open proposal per statement.
		expect((await propose('5')).status).toBe(409)

		const decide = (as: Awaited<ReturnType<typeof makeOfficer>>, decision: string, note = '') => post(as, statementId, { intent: 'decide-adjustment', formId: 'operating-adjustment-decision', adjustmentId: open.id, decision, note })
		expect((await decide(district, 'approve')).status).toBe(403)
		// A city officer whose account the proposer created may not decide it; nor can the database be told otherwise.
		const related = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		await prisma.user.update({ where: { id: related.id }, data: { createdById: district.id } })
		expect((await decide(related, 'approve')).status).toBe(403)
		await expect(sql`UPDATE operating_subsidy_adjustment SET status = 'approved', "decidedById" = ${district.id}::uuid, "decidedAt" = now() WHERE id = ${open.id}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_adjustment_two_person' })
		expect((await decide(city, 'approve')).status).toBe(200)
		expect((await decide(city, 'approve')).status).toBe(409)
		await expect(sql`DELETE FROM operating_subsidy_adjustment WHERE id = ${open.id}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_adjustment_kept' })
		await expect(sql`UPDATE operating_subsidy_adjustment SET "amountFen" = 1 WHERE id = ${open.id}::uuid`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_adjustment_decided_once' })

		// A deduction, returned with a reason (a return needs one).
		expect((await propose('-20')).status).toBe(200)
		const second = await prisma.operatingSubsidyAdjustment.findFirstOrThrow({ where: { statementId, status: 'proposed' }, select: { id: true } })
		const noReason = await post(city, statementId, { intent: 'decide-adjustment', formId: 'operating-adjustment-decision', adjustmentId: second.id, decision: 'reject' })
		expect(noReason.status).toBe(400)
		expect((await post(city, statementId, { intent: 'decide-adjustment', formId: 'operating-adjustment-decision', adjustmentId: second.id, decision: 'reject', note: '金额有误' })).status).toBe(200)

		const page = await callLoader<{ paidFen: number; adjustments: { status: string }[] }>(statementPage, `/operating-subsidy/${statementId}`, { as: await signIn(district.phone), params: { statementId } })
		expect(page.data.paidFen).toBe(statement!.totalFen + 12050)
		expect(page.data.adjustments.map((a) => a.status)).toEqual(['approved', 'rejected'])
		// The institution hears of both decisions in its inbox, and reads its own adjustments too.
		expect((await prisma.notification.findMany({ where: { providerId: inst.providerId, kind: { startsWith: 'operating.adjustment_' } }, select: { kind: true }, orderBy: { id: 'asc' } })).map((n) => n.kind)).toEqual([
			'operating.adjustment_approved',
			'operating.adjustment_rejected',
		])
		const own = await callLoader<{ adjustments: unknown[] }>(statementPage, `/operating-subsidy/${statementId}`, { as: await signIn((await makeUser({ role: 'provider_staff', providerId: inst.providerId })).phone), params: { statementId } })
		expect(own.data.adjustments).toHaveLength(2)

		// Paid with the export of the month it was approved in (this month, Shanghai time).
		const { decidedAt } = await prisma.operatingSubsidyAdjustment.findUniqueOrThrow({ where: { id: open.id }, select: { decidedAt: true } })
		const approvedMonth = shanghaiMonth(decidedAt!)
		const file = await exportMonth(city, approvedMonth, 'csv', null)
		const text = String(file!.body)
		expect(text).toContain('调整 adjustment：入住登记迟报，补发3天')
		expect(text).toContain('120.50')
		expect(text).not.toContain('金额有误')
		expect(await prisma.auditLog.count({ where: { entityId: statementId, action: { in: ['operating_subsidy.adjustment_propose', 'operating_subsidy.adjustment_approve', 'operating_subsidy.adjustment_reject'] } } })).toBe(4)
	})

	it('is refused on a statement not yet approved', async () => {
		const inst = await septemberInstitution(3)
		const { statementId } = await computeInstitutionMonth(inst.providerId, '2026-09')
		const district = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		const res = await post(district, statementId!, { intent: 'adjust', formId: 'operating-adjust', amount: '10', reason: '补发' })
		expect(res.status).toBe(409)
		await expect(sql`INSERT INTO operating_subsidy_adjustment ("statementId", "providerId", "districtId", "amountFen", reason, "proposedById") VALUES (${statementId}::uuid, ${inst.providerId}::uuid, 'dongbao', 100, 'x', ${district.id}::uuid)`.run()).rejects.toMatchObject({ constraint: 'operating_subsidy_adjustment_of_approved' })
	})
})

describe('operating subsidy: the pages', () => {
	it('answers bad input with 4xx and a message, never 500, and keeps each page to its readers', async () => {
		const inst = await septemberInstitution(4)
		const { statementId } = await computeInstitutionMonth(inst.providerId, '2026-09')
		const city = await signIn(await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' }))
		const district = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		const districtVisitor = await signIn(district)
		const staff = await signIn(await makeUser({ role: 'provider_staff', providerId: inst.providerId, districtId: 'dongbao' }))
		const family = await signIn(await makeUser({ role: 'family' }))

		// The bureau's month page: the district's statements, with the total.
		const page = await callLoader<{ statements: { id: string }[]; isCity: boolean }>(bureauPage, '/bureau/operating-subsidy?month=2026-09', { as: districtVisitor })
		expect(page.status).toBe(200)
		expect(page.data.statements.map((s) => s.id)).toContain(statementId)
		expect(page.data.isCity).toBe(false)
		expect((await callLoader(bureauPage, '/bureau/operating-subsidy', { as: staff })).status).toBe(403)
		// Asking for a month: malformed 400, not ended 409, a district officer 403; nothing queued.
		const bad = await callAction<{ result: { error: Record<string, string[]> } }>(bureauPage, '/bureau/operating-subsidy', { formId: 'operating-month', month: '2026-13' }, { as: city })
		expect(bad.status).toBe(400)
		expect(bad.data.result.error.month).toEqual(['beds:operating.errors.month'])
		const future = await callAction<{ result: { error: Record<string, string[]> } }>(bureauPage, '/bureau/operating-subsidy', { formId: 'operating-month', month: '2099-01' }, { as: city })
		expect(future.status).toBe(409)
		expect(future.data.result.error.month).toEqual(['beds:operating.errors.monthNotEnded'])
		expect((await callAction(bureauPage, '/bureau/operating-subsidy', { formId: 'operating-month', month: '2026-08' }, { as: districtVisitor })).status).toBe(403)
		expect(await getQueue(OPERATING_SUBSIDY_QUEUE).getJob(operatingMonthJobId('2099-01'))).toBeUndefined()

		// The statement page: the institution reads its lines; a family, a stranger id: 403 / 404.
		const own = await callLoader<{ statement: { lines: { elderName: string }[] }; decision: string | null }>(statementPage, `/operating-subsidy/${statementId}`, { as: staff, params: { statementId: statementId! } })
		expect(own.status).toBe(200)
		expect(own.data.statement.lines.map((l) => l.elderName)).toContain('周*芳')
		expect(own.data.decision).toBeNull()
		expect((await callLoader(statementPage, `/operating-subsidy/${statementId}`, { as: family, params: { statementId: statementId! } })).status).toBe(403)
		expect((await callLoader(statementPage, '/operating-subsidy/nope', { as: staff, params: { statementId: 'nope' } })).status).toBe(404)
		expect((await callLoader<{ decision: string }>(statementPage, `/operating-subsidy/${statementId}`, { as: districtVisitor, params: { statementId: statementId! } })).data.decision).toBe('review')
		// A decision that is not one: 400; staff cannot decide: 403; the review: 200, audited.
		expect((await callAction(statementPage, `/operating-subsidy/${statementId}`, { formId: 'operating-decision', intent: 'pay' }, { as: districtVisitor, params: { statementId: statementId! } })).status).toBe(400)
		expect((await callAction(statementPage, `/operating-subsidy/${statementId}`, { formId: 'operating-decision', intent: 'review' }, { as: staff, params: { statementId: statementId! } })).status).toBe(403)
		expect((await callAction(statementPage, `/operating-subsidy/${statementId}`, { formId: 'operating-decision', intent: 'review', note: '' }, { as: districtVisitor, params: { statementId: statementId! } })).status).toBe(200)
		expect((await callAction(statementPage, `/operating-subsidy/${statementId}`, { formId: 'operating-decision', intent: 'review', note: '' }, { as: districtVisitor, params: { statementId: statementId! } })).status).toBe(409)

		// The export: a bad query 400, a month with nothing approved 404.
		expect((await callLoader(exportRoute, '/bureau/operating-subsidy/export?month=2026-09&format=pdf', { as: city })).status).toBe(400)
		expect((await callLoader(exportRoute, '/bureau/operating-subsidy/export?month=2019-01&format=csv', { as: city })).status).toBe(404)

		// The institution's own list.
		const list = await callLoader<{ statements: { id: string }[] }>(institutionPage, '/institution/operating-subsidy', { as: staff })
		expect(list.data.statements.map((s) => s.id)).toEqual([statementId])
	})
})

describe('operating subsidy: rates by month, changed by two city officers', () => {
	it('proposes a version from a future month; another city officer approves it; bad input 4xx, nothing written', async () => {
		const proposer = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		const approver = await makeOfficer({ role: 'bureau_city', districtId: 'dongbao' })
		const district = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		const asProposer = await signIn(proposer)
		const fields = { formId: 'rate-propose', effectiveMonth: '2031-01', intactFen: '2.5', mildFen: '2.50', moderateFen: '4.8', severeFen: '7', completeFen: '7.20', unassessedFen: '2', tekunFen: '3.5', grade1Bps: '0.6', grade2Bps: '0.8', grade3Bps: '1', grade4Bps: '1.1', grade5Bps: '1.25', ungradedBps: '0.6' }
		const rates = async () => (await sql`SELECT count(*)::int AS n FROM operating_subsidy_rate`.first<{ n: number }>())!.n
		const before = await rates()
		// Bad amounts and factors: 400 naming the fields; a month under way: 409; a district officer: 403.
		const bad = await callAction<{ result: { error: Record<string, string[]> } }>(ratesPage, '/bureau/operating-subsidy/rates', { ...fields, intactFen: '-1', grade5Bps: '12' }, { as: asProposer })
		expect(bad.status).toBe(400)
		expect(bad.data.result.error).toMatchObject({ intactFen: ['beds:operating.errors.rateYuan'], grade5Bps: ['beds:operating.errors.rateFactor'] })
		const past = await callAction<{ result: { error: Record<string, string[]> } }>(ratesPage, '/bureau/operating-subsidy/rates', { ...fields, effectiveMonth: '2026-01' }, { as: asProposer })
		expect(past.status).toBe(409)
		expect(past.data.result.error.effectiveMonth).toEqual(['beds:operating.errors.rateMonthFuture'])
		expect((await callAction(ratesPage, '/bureau/operating-subsidy/rates', fields, { as: await signIn(district) })).status).toBe(403)
		expect(await prisma.operatingSubsidyRateProposal.count()).toBe(0)

		expect((await callAction(ratesPage, '/bureau/operating-subsidy/rates', fields, { as: asProposer })).status).toBe(200)
		// One open proposal per month.
		expect((await callAction(ratesPage, '/bureau/operating-subsidy/rates', fields, { as: asProposer })).status).toBe(409)
		const page = await callLoader<{ pending: { id: string; rates: Record<string, number>; viewerIsProposer: boolean }[] }>(ratesPage, '/bureau/operating-subsidy/rates', { as: asProposer })
		const [proposal] = page.data.pending
		expect(proposal!.rates).toMatchObject({ intactFen: 250, moderateFen: 480, severeFen: 700, completeFen: 720, tekunFen: 350, grade3Bps: 10_000, grade5Bps: 12_500 })
		expect(proposal!.viewerIsProposer).toBe(true)
		expect(await rates()).toBe(before)
		// The proposer cannot approve it; another city officer can.
		const decide = (as: Awaited<ReturnType<typeof signIn>>, decision = 'approve') => callAction(ratesPage, '/bureau/operating-subsidy/rates', { formId: 'rate-decision', proposalId: proposal!.id, decision }, { as })
		expect((await decide(asProposer)).status).toBe(403)
		expect((await decide(await signIn(approver))).status).toBe(200)
		expect((await decide(await signIn(approver))).status).toBe(409)
		expect(await rates()).toBe(before + 1)
		const version = await prisma.operatingSubsidyRate.findUniqueOrThrow({ where: { effectiveMonth: new Date('2031-01-01T00:00:00Z') }, select: { intactFen: true, grade5Bps: true, createdById: true } })
		expect(version).toEqual({ intactFen: 250, grade5Bps: 12_500, createdById: proposer.id })
		expect(await prisma.auditLog.count({ where: { entityId: proposal!.id } })).toBe(2)
		// A version for a month that already has one: 409.
		const again = await callAction<{ result: { error: Record<string, string[]> } }>(ratesPage, '/bureau/operating-subsidy/rates', fields, { as: asProposer })
		expect(again.status).toBe(409)
		expect(again.data.result.error.effectiveMonth).toEqual(['beds:operating.errors.rateExists'])
	})
})
