// Issue 14 item 6: grading by the bureau's checklist. Every item scored or nothing is written; the
// score gives the grade (versioned thresholds), with the assessor, date and validity; a second city
// officer approves it into provider.grade (which the operating subsidy reads) and the public page
// shows it with its validity. The criteria and construction rates change through pending changes.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { gradeForScore, validUntil, versionOn } from '~/modules/institutions/rules.ts'
import { criteriaOn } from '~/modules/institutions/grading.server.ts'
import * as gradingRoute from '~/routes/bureau.grading.tsx'
import * as providersRoute from '~/routes/bureau.providers.tsx'
import * as settingsRoute from '~/routes/bureau.institution-settings.tsx'
import * as publicPage from '~/routes/services.providers.$providerId.tsx'
import { makeUser } from '../factories/accounts.ts'
import { callAction, callLoader, anonymous, signIn } from '../setup/route.ts'

async function newInstitution() {
	const n = `${process.pid}${Math.floor(Math.random() * 1e6)}`
	return (await prisma.provider.create({ data: { name: `测试福利院${n}`, kind: 'institution', licenceNo: `G-${n}`, districtId: 'dongbao', status: 'approved' }, select: { id: true } })).id
}

type Reply = { ok: boolean; value?: { score: number; grade: number | null; validUntil: string }; result: { error?: Record<string, string[]> } }

describe('grading by checklist', () => {
	it('maps the score to the grade by the default thresholds (40/55/70/80/90 out of 100) and dates the validity', async () => {
		const criteria = (await criteriaOn('2026-06-01'))!
		expect(criteria.thresholds).toEqual([40, 55, 70, 80, 90])
		expect(criteria.items.reduce((s, i) => s + i.max, 0)).toBe(100)
		expect([0, 39, 40, 54, 55, 69, 70, 79, 80, 89, 90, 100].map((s) => gradeForScore(s, criteria.thresholds))).toEqual([null, null, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
		expect(validUntil('2026-01-15', 36)).toBe('2029-01-14')
		expect(validUntil('2024-02-29', 12)).toBe('2025-02-27')
		expect(versionOn([{ effectiveFrom: '2016-01-01' }, { effectiveFrom: '2027-01-01' }], '2026-12-31')).toEqual({ effectiveFrom: '2016-01-01' })
	})

	it('a grade without its checklist is refused; a full checklist gives the grade; a second city officer puts it in force', async () => {
		const providerId = await newInstitution()
		const today = shanghaiDate()
		const criteria = (await criteriaOn(today))!
		const assessor = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const asAssessor = await signIn(assessor.phone)
		const scores = (each: (max: number) => number) => Object.fromEntries(criteria.items.map((i) => [`score_${i.key}`, String(each(i.max))]))

		// No checklist at all, or one item missing, or out of range → 400 naming the items, nothing written.
		const bare = await callAction<Reply>(gradingRoute, '/bureau/grading', { formId: 'grade', providerId, assessedOn: today }, { as: asAssessor })
		expect(bare.status).toBe(400)
		expect(Object.keys(bare.data.result.error ?? {})).toContain(`score_${criteria.items[0]!.key}`)
		const partial = scores((m) => m)
		delete partial[`score_${criteria.items[3]!.key}`]
		const missing = await callAction<Reply>(gradingRoute, '/bureau/grading', { formId: 'grade', providerId, assessedOn: today, ...partial }, { as: asAssessor })
		expect(missing.status).toBe(400)
		expect(Object.keys(missing.data.result.error ?? {})).toEqual(expect.arrayContaining([`score_${criteria.items[3]!.key}`]))
		expect((await callAction(gradingRoute, '/bureau/grading', { formId: 'grade', providerId, assessedOn: today, ...scores((m) => m + 1) }, { as: asAssessor })).status).toBe(400)
		// The old bare grade on the providers page is refused too.
		expect((await callAction(providersRoute, '/bureau/providers', { intent: 'grade', providerId, grade: '5', assessedOn: today }, { as: asAssessor })).status).toBe(400)
		// The database refuses a grading without scores.
		await expect(sql`INSERT INTO provider_grading ("providerId", "criteriaId", scores, score, grade, "assessedOn", "validUntil", "assessorId") VALUES (${providerId}::uuid, ${criteria.id}::uuid, '{}'::jsonb, 80, 4, ${today}::date, '2099-01-01', ${assessor.id}::uuid)`.run()).rejects.toMatchObject({ constraint: 'provider_grading_needs_checklist' })
		expect(await prisma.providerGrading.count({ where: { providerId } })).toBe(0)
		expect((await prisma.provider.findUniqueOrThrow({ where: { id: providerId } })).grade).toBeNull()

		// 8 of 10 on every item: 80 → 4 stars, valid 36 months.
		const filed = await callAction<Reply>(gradingRoute, '/bureau/grading', { formId: 'grade', providerId, assessedOn: today, note: '复评', ...scores((m) => Math.round(m * 0.8)) }, { as: asAssessor })
		expect(filed.status).toBe(200)
		expect(filed.data.value).toEqual({ id: expect.any(String), score: 80, grade: 4, validUntil: validUntil(today, 36) })
		// One grading waiting per institution.
		expect((await callAction(gradingRoute, '/bureau/grading', { formId: 'grade', providerId, assessedOn: today, ...scores((m) => m) }, { as: asAssessor })).status).toBe(409)
		const grading = await prisma.providerGrading.findFirstOrThrow({ where: { providerId }, select: { id: true, status: true, assessorId: true } })
		expect(grading).toMatchObject({ status: 'submitted', assessorId: assessor.id })
		expect((await prisma.provider.findUniqueOrThrow({ where: { id: providerId } })).grade).toBeNull()

		// The assessor cannot approve (district officers do not approve; a city assessor cannot approve their own).
		const decide = { formId: `decide-${grading.id}`, gradingId: grading.id, decision: 'approve' }
		expect((await callAction(gradingRoute, '/bureau/grading', decide, { as: asAssessor })).status).toBe(403)
		const cityA = await makeUser({ role: 'bureau_city' })
		const asCityA = await signIn(cityA.phone)
		const own = await callAction<Reply>(gradingRoute, '/bureau/grading', { formId: 'grade', providerId: await newInstitution(), assessedOn: today, ...scores((m) => m) }, { as: asCityA })
		expect(own.data.value).toMatchObject({ score: 100, grade: 5 })
		expect((await callAction(gradingRoute, '/bureau/grading', { formId: `decide-${own.data.value!.score}`, gradingId: (own.data.value as unknown as { id: string }).id, decision: 'approve' }, { as: asCityA })).status).toBe(403)

		// Another city officer approves: provider.grade is the approved grade, dated, with the assessor.
		expect((await callAction(gradingRoute, '/bureau/grading', decide, { as: asCityA })).status).toBe(200)
		const provider = await prisma.provider.findUniqueOrThrow({ where: { id: providerId }, select: { grade: true, gradedAt: true, gradedById: true } })
		expect(provider).toEqual({ grade: 4, gradedAt: new Date(`${today}T00:00:00Z`), gradedById: assessor.id })
		expect((await callAction(gradingRoute, '/bureau/grading', decide, { as: asCityA })).status).toBe(409)
		expect(await prisma.auditLog.count({ where: { entityId: grading.id, action: { in: ['grading.submit', 'grading.approve'] } } })).toBe(2)

		// Families see the grade with its validity on the provider's public page.
		const page = await callLoader<{ provider: { grade: number }; grading: { grade: number; validUntil: string; expired: boolean } }>(publicPage, `/services/providers/${providerId}`, { as: await anonymous(), params: { providerId } })
		expect(page.data.provider.grade).toBe(4)
		expect(page.data.grading).toMatchObject({ grade: 4, score: 80, validUntil: validUntil(today, 36), expired: false })
	})

	it('criteria and construction rates change as new versions only when a second city officer approves', async () => {
		const a = await makeUser({ role: 'bureau_city' })
		const b = await makeUser({ role: 'bureau_city' })
		const asA = await signIn(a.phone)
		const asB = await signIn(b.phone)
		const from = '2099-01-01'
		// Bad input: a past date, an amount that is not money → 400.
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'rate', effectiveFrom: '2016-01-01', selfCare: '3000', nursing: '6000', dementia: '5000' }, { as: asA })).status).toBe(400)
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'rate', effectiveFrom: from, selfCare: 'abc', nursing: '6000', dementia: '5000' }, { as: asA })).status).toBe(400)
		// District officers cannot propose.
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'rate', effectiveFrom: from, selfCare: '3000', nursing: '6000', dementia: '5000' }, { as: await signIn((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).phone) })).status).toBe(403)
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'rate', effectiveFrom: from, selfCare: '3000', nursing: '6000', dementia: '5000' }, { as: asA })).status).toBe(200)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'construction_rate', proposedById: a.id }, select: { id: true } })
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'decide-change', changeId: change.id, decision: 'approve' }, { as: asA })).status).toBe(403)
		expect(await prisma.constructionRate.count({ where: { effectiveFrom: new Date(`${from}T00:00:00Z`) } })).toBe(0)
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'decide-change', changeId: change.id, decision: 'approve' }, { as: asB })).status).toBe(200)
		expect(await prisma.constructionRate.findFirst({ where: { effectiveFrom: new Date(`${from}T00:00:00Z`) }, select: { nursingFen: true, approvedById: true } })).toEqual({ nursingFen: 600_000, approvedById: b.id })

		// Criteria: thresholds that do not rise are refused; a valid version (one item dropped, one added) is proposed and approved.
		const current = (await criteriaOn(shanghaiDate()))!
		const items = Object.fromEntries(
			current.items.flatMap((item, i) => [
				[`items[${i}].key`, item.key],
				[`items[${i}].section`, item.section],
				[`items[${i}].zh`, item.zh],
				[`items[${i}].en`, item.en],
				[`items[${i}].max`, i === 0 ? '0' : String(item.max)],
			]),
		)
		const n = current.items.length
		const added = { [`items[${n}].section`]: 'safety', [`items[${n}].zh`]: '防跌倒措施', [`items[${n}].en`]: 'Fall prevention', [`items[${n}].max`]: '10' }
		const thresholds = (t: number[]) => Object.fromEntries(t.map((v, i) => [`thresholds[${i}]`, String(v)]))
		const falling = await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'criteria', effectiveFrom: from, validityMonths: '24', ...thresholds([40, 60, 50, 80, 90]), ...items, ...added }, { as: asA })
		expect(falling.status).toBe(400)
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'criteria', effectiveFrom: from, validityMonths: '24', ...thresholds([45, 60, 70, 80, 90]), ...items, ...added }, { as: asA })).status).toBe(200)
		const proposal = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'grading_criteria', proposedById: a.id }, select: { id: true } })
		expect((await callAction(settingsRoute, '/bureau/institution-settings', { formId: 'decide-change', changeId: proposal.id, decision: 'approve' }, { as: asB })).status).toBe(200)
		const next = (await criteriaOn(from))!
		expect(next).toMatchObject({ effectiveFrom: from, thresholds: [45, 60, 70, 80, 90], validityMonths: 24 })
		expect(next.items.map((i) => i.key)).not.toContain(current.items[0]!.key)
		expect(next.items.find((i) => i.zh === '防跌倒措施')).toMatchObject({ section: 'safety', max: 10 })
		// Today's gradings still use the version in force today.
		expect((await criteriaOn(shanghaiDate()))!.id).toBe(current.id)
	})
})
