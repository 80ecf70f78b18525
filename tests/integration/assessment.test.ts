// Capability assessment (老年人能力评估): assessors of a registered organisation within its districts,
// community officers where the bureau allows, bad input refused by field, re-assessment requests,
// and the assessed level in force feeding subsidy eligibility. Direct loader/action calls.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { SEED_SCALE, scoreField } from '~/modules/assessment/scale.ts'
import { eligibilityFactsOn } from '~/modules/statuses/records.server.ts'
import { applyForSubsidy } from '~/modules/subsidies/applications.server.ts'
import * as assessmentPage from '~/routes/elders.$elderId_.assessment.tsx'
import * as assessmentsPage from '~/routes/assessments.tsx'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { makeOfficer } from '../factories/registry.ts'
import { plainElder } from '../factories/statuses.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const ASSESSOR = '13800000061' // 荆门市康宁老年人能力评估中心: 东宝区, 掇刀区
const COMMUNITY_OFFICER = '13800000021' // 龙泉社区, where the bureau allows officers to assess
const errorsOf = (data: unknown) => (data as { result?: { error?: Record<string, string[]> } }).result?.error ?? {}
const valueOf = (data: unknown) => (data as { value?: { level: string; total: number } }).value

/** Every item at its maximum less `minus` points taken from the first items (never below 0). */
function scores(total: number): Record<string, string> {
	let left = 90 - total
	const out: Record<string, string> = {}
	for (const item of SEED_SCALE.items) {
		const take = Math.min(left, item.max)
		left -= take
		out[scoreField(item.id)] = String(item.max - take)
	}
	return out
}

async function longquan() {
	return (await sessionUser(COMMUNITY_OFFICER)).communityId!
}

function assess(as: Visitor, elderId: string, fields: Record<string, string>) {
	return callAction(assessmentPage, `/elders/${elderId}/assessment`, { intent: 'assess', assessedOn: '2026-11-02', ...fields }, { as, params: { elderId } })
}

describe('an assessor of a registered organisation', () => {
	it('scores the 26 items; the level and total are computed, dated, valid 12 months, audited, and become the level in force', async () => {
		const elderId = await plainElder(await longquan())
		const as = await signIn(ASSESSOR)
		const page = await callLoader<{ mode: string; scale: { version: number } }>(assessmentPage, `/elders/${elderId}/assessment`, { as, params: { elderId } })
		expect(page.status).toBe(200)
		expect(page.data.mode).toBe('assess')
		const res = await assess(as, elderId, scores(55))
		expect(res.status).toBe(200)
		expect(valueOf(res.data)).toMatchObject({ level: 'moderate', total: 55 })
		const row = await prisma.capabilityAssessment.findFirstOrThrow({ where: { elderId }, select: { id: true, validUntil: true, level: true, orgId: true, scaleVersion: true } })
		expect(row.validUntil.toISOString().slice(0, 10)).toBe('2027-11-01')
		expect(row.orgId).not.toBeNull()
		expect(await prisma.auditLog.count({ where: { action: 'assessment.record', entityId: row.id } })).toBe(1)
		expect((await eligibilityFactsOn(elderId, '2026-11-02')).disabilityLevel).toBe('partial')
		expect((await eligibilityFactsOn(elderId, '2026-11-01')).disabilityLevel).toBe('none')
		expect((await eligibilityFactsOn(elderId, '2027-11-02')).disabilityLevel).toBe('none')
		// A diagnosis raises the level by one; a coma is complete; a later assessment replaces the earlier one, both kept.
		expect(valueOf((await assess(as, elderId, { ...scores(55), diagnosis: 'on', assessedOn: '2026-11-10' })).data)).toMatchObject({ level: 'severe' })
		expect((await eligibilityFactsOn(elderId, '2026-11-12')).disabilityLevel).toBe('full')
		expect(valueOf((await assess(as, elderId, { ...scores(90), coma: 'on', assessedOn: '2026-11-11' })).data)).toMatchObject({ level: 'complete', total: 90 })
		expect(await prisma.capabilityAssessment.count({ where: { elderId } })).toBe(3)
	})

	it('refuses bad input naming the field, 4xx, writing nothing', async () => {
		const elderId = await plainElder(await longquan(), { birthDate: '1944-04-04' })
		const as = await signIn(ASSESSOR)
		const eating = scoreField('eating')
		const cases: [Record<string, string>, string, string][] = [
			[{ ...scores(80), [eating]: '5' }, eating, 'statuses:errors.score.range'],
			[{ ...scores(80), [eating]: '-1' }, eating, 'statuses:errors.score.range'],
			[{ ...scores(80), [eating]: 'abc' }, eating, 'statuses:errors.score.range'],
			[{ ...scores(80), [scoreField('aggression')]: '2' }, scoreField('aggression'), 'statuses:errors.score.range'],
			[{ ...scores(80), [eating]: '' }, eating, 'statuses:errors.score.missing'],
			[{ ...scores(80), assessedOn: '2026-02-29' }, 'assessedOn', 'statuses:errors.date.invalid'],
			[{ ...scores(80), assessedOn: '2099-01-01' }, 'assessedOn', 'statuses:errors.assessedOn.future'],
			[{ ...scores(80), assessedOn: '1940-01-01' }, 'assessedOn', 'statuses:errors.assessedOn.beforeBirth'],
			[{ ...scores(80), riskEvents: 'many' }, 'riskEvents', 'statuses:errors.riskEvents.range'],
			[{ ...scores(80), validMonths: '0' }, 'validMonths', 'statuses:errors.validMonths.range'],
		]
		for (const [fields, field, message] of cases) {
			const res = await assess(as, elderId, fields)
			expect(res.status, field).toBe(400)
			expect(errorsOf(res.data)[field], `${field} ${JSON.stringify(errorsOf(res.data))}`).toEqual([message])
		}
		expect(await prisma.capabilityAssessment.count({ where: { elderId } })).toBe(0)
	})

	it('is refused outside the organisation’s districts (403, nothing learnt or written); an inactive organisation assesses nowhere', async () => {
		const zhongxiang = await prisma.community.findFirstOrThrow({ where: { districtId: 'zhongxiang' }, select: { id: true } })
		const elderId = await plainElder(zhongxiang.id)
		const as = await signIn(ASSESSOR)
		expect((await callLoader(assessmentPage, `/elders/${elderId}/assessment`, { as, params: { elderId } })).status).toBe(403)
		expect((await assess(as, elderId, scores(80))).status).toBe(403)
		const org = await prisma.assessmentOrg.create({ data: { name: '停业评估机构', licenceNo: `X-${process.pid}-${Date.now()}`, districtIds: ['dongbao'], active: false } })
		const idle = await makeUser({ role: 'assessor', districtId: 'dongbao' })
		await prisma.user.update({ where: { id: idle.id }, data: { assessmentOrgId: org.id } })
		const dongbaoElder = await plainElder(await longquan())
		const res = await assess(await signIn(idle), dongbaoElder, scores(80))
		expect(res.status).toBe(403)
		expect(await prisma.capabilityAssessment.count({ where: { elderId: { in: [elderId, dongbaoElder] } } })).toBe(0)
	})
})

describe('community officers where the bureau allows it', () => {
	it('assess elders of their own community only where permitted', async () => {
		const communityId = await longquan()
		const elderId = await plainElder(communityId)
		expect((await assess(await signIn(COMMUNITY_OFFICER), elderId, scores(70))).status).toBe(200)
		const other = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', id: { not: communityId }, retiredAt: null }, select: { id: true } })
		const unpermitted = await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: other.id })
		const theirs = await plainElder(other.id)
		const res = await assess(await signIn(unpermitted), theirs, scores(70))
		expect(res.status).toBe(403)
		expect(await prisma.capabilityAssessment.count({ where: { elderId: theirs } })).toBe(0)
	})
})

describe('re-assessment requests and the history', () => {
	it('a family asks once; the next assessment answers it; the elder page shows both with who', async () => {
		const family = await makeUser({ role: 'family' })
		const elderId = await plainElder(await longquan(), { familyUserId: family.id })
		const fam = await signIn(family)
		const page = await callLoader<{ mode: string }>(assessmentPage, `/elders/${elderId}/assessment`, { as: fam, params: { elderId } })
		expect(page.data.mode).toBe('request')
		expect((await callAction(assessmentPage, `/elders/${elderId}/assessment`, { intent: 'request', reason: '' }, { as: fam, params: { elderId } })).status).toBe(400)
		expect((await callAction(assessmentPage, `/elders/${elderId}/assessment`, { intent: 'request', reason: '最近摔倒两次' }, { as: fam, params: { elderId } })).status).toBe(200)
		const twice = await callAction(assessmentPage, `/elders/${elderId}/assessment`, { intent: 'request', reason: '再次申请' }, { as: fam, params: { elderId } })
		expect(twice.status).toBe(409)
		expect(errorsOf(twice.data).reason).toEqual(['statuses:errors.requestOpen'])
		// A family cannot assess.
		expect((await assess(fam, elderId, scores(80))).status).toBe(403)
		// The assessor sees the request on their work list, and the assessment answers it.
		const as = await signIn(ASSESSOR)
		const work = await callLoader<{ requests: { elderId: string }[] }>(assessmentsPage, '/assessments', { as })
		expect(work.data.requests.map((r) => r.elderId)).toContain(elderId)
		await assess(as, elderId, scores(40))
		const request = await prisma.reassessmentRequest.findFirstOrThrow({ where: { elderId }, select: { assessmentId: true } })
		expect(request.assessmentId).not.toBeNull()
		const elder = await callLoader<{ timeline: { lines: { kind: string; who: string | null }[] } }>(elderPage, `/elders/${elderId}`, { as: fam, params: { elderId } })
		const assessmentLines = elder.data.timeline.lines.filter((i) => ['assessed', 'requested'].includes(i.kind))
		expect(assessmentLines.map((i) => i.kind).sort()).toEqual(['assessed', 'requested'])
		const assessed = assessmentLines.find((i) => i.kind === 'assessed')!
		expect(assessed.who).toBe('荆门市康宁老年人能力评估中心') // the family sees the organisation, not the assessor's name
	})

	it('the assessor finds an elder by identity number, within their area only', async () => {
		const as = await signIn(ASSESSOR)
		const bad = await callAction(assessmentsPage, '/assessments', { intent: 'find', idNumber: '110101190001011234' }, { as })
		expect(bad.status).toBe(404)
		expect(errorsOf(bad.data).idNumber).toEqual(['statuses:errors.elderUnknown'])
	})

	it('a care subsidy needing a disability reads the assessed level in force', async () => {
		const family = await makeUser({ role: 'family' })
		const elderId = await plainElder(await longquan(), { familyUserId: family.id })
		const policy = await prisma.subsidyPolicy.findUniqueOrThrow({ where: { code: 'care-needs' }, select: { id: true } })
		const before = await applyForSubsidy(family, { elderId, policyId: policy.id, householdSize: 1, householdIncome: 0 })
		expect(before).toMatchObject({ ok: false, fieldErrors: { policyId: ['subsidies:errors.ineligible.disability'] } })
		const today = shanghaiDate()
		await assess(await signIn(ASSESSOR), elderId, { ...scores(60), assessedOn: today })
		expect((await applyForSubsidy(family, { elderId, policyId: policy.id, householdSize: 1, householdIncome: 0 })).ok).toBe(true)
	})
})

describe('the bureau registers organisations, invites assessors and allows communities', () => {
	it('registers within its district, refuses bad input by field, invites an assessor, toggles a community permit', async () => {
		const orgsPage = await import('~/routes/bureau.assessment-orgs.tsx')
		const district = await signIn('13800000031') // 东宝区
		const licenceNo = `JMPG-T-${process.pid}-${Date.now()}`
		const post = (fields: Record<string, string | string[]>) => callAction(orgsPage, '/bureau/assessment-orgs', fields, { as: district })
		const noDistrict = await post({ intent: 'register', name: '测试评估中心', licenceNo })
		expect(noDistrict.status).toBe(400)
		expect(errorsOf(noDistrict.data).districtIds).toEqual(['statuses:orgs.errors.districts'])
		const elsewhere = await post({ intent: 'register', name: '测试评估中心', licenceNo, districtIds: ['dongbao', 'zhongxiang'] })
		expect(elsewhere.status).toBe(403)
		expect((await post({ intent: 'register', name: '测试评估中心', licenceNo, districtIds: ['dongbao'] })).status).toBe(200)
		const dup = await post({ intent: 'register', name: '另一中心', licenceNo, districtIds: ['dongbao'] })
		expect(dup.status).toBe(409)
		expect(errorsOf(dup.data).licenceNo).toEqual(['statuses:errors.licenceTaken'])
		const org = await prisma.assessmentOrg.findUniqueOrThrow({ where: { licenceNo }, select: { id: true } })
		const phone = `139${String(process.pid).padStart(5, '0').slice(-5)}${String(Date.now()).slice(-3)}`
		const invited = await post({ intent: 'invite', orgId: org.id, name: '新评估员', phone })
		expect(invited.status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { phone }, select: { role: true, assessmentOrgId: true } })).toEqual({ role: 'assessor', assessmentOrgId: org.id })
		const community = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', retiredAt: null, id: { not: await longquan() } }, select: { id: true } })
		expect((await post({ intent: 'permit', communityId: community.id, allow: 'yes' })).status).toBe(200)
		expect(await prisma.assessmentCommunityPermit.count({ where: { communityId: community.id } })).toBe(1)
		expect((await post({ intent: 'permit', communityId: community.id, allow: 'no' })).status).toBe(200)
		expect(await prisma.assessmentCommunityPermit.count({ where: { communityId: community.id } })).toBe(0)
		const family = await signIn(await makeUser({ role: 'family' }))
		expect((await callLoader(orgsPage, '/bureau/assessment-orgs', { as: family })).status).toBe(403)
	})
})

describe('the scoring table is versioned data the city bureau corrects', () => {
	it('refuses a malformed table by field; a correction applies from its day, earlier assessments keep their version', async () => {
		const scalePage = await import('~/routes/bureau.assessment-scale.tsx')
		const city = await signIn('13800000041')
		const post = (fields: Record<string, string>) => callAction(scalePage, '/bureau/assessment-scale', fields, { as: city })
		const notJson = await post({ effectiveFrom: '2030-01-01', table: '{oops' })
		expect(notJson.status).toBe(400)
		expect(errorsOf(notJson.data).table).toEqual(['statuses:errors.scale.invalid'])
		const badLevels = await post({ effectiveFrom: '2030-01-01', table: JSON.stringify({ ...SEED_SCALE, levels: [...SEED_SCALE.levels].reverse() }) })
		expect(errorsOf(badLevels.data).table).toEqual(['statuses:errors.scale.invalid'])
		expect((await post({ effectiveFrom: '2030-02-30', table: JSON.stringify(SEED_SCALE) })).status).toBe(400)
		// A district officer may not correct it.
		expect((await callLoader(scalePage, '/bureau/assessment-scale', { as: await signIn('13800000031') })).status).toBe(403)
		// Version 2 from 2030 (mild from 70): today's assessments still use version 1.
		const corrected = { ...SEED_SCALE, levels: SEED_SCALE.levels.map((l) => (l.level === 'mild' ? { ...l, min: 70 } : l)) }
		const ok = await post({ effectiveFrom: '2030-01-01', table: JSON.stringify(corrected), note: '按标准原文更正' })
		expect(ok.status).toBe(200)
		const elderId = await plainElder(await longquan())
		const res = await assess(await signIn(ASSESSOR), elderId, scores(68))
		expect(valueOf(res.data)).toMatchObject({ level: 'mild' })
		expect((await prisma.capabilityAssessment.findFirstOrThrow({ where: { elderId }, select: { scaleVersion: true } })).scaleVersion).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'assessment.scale' } })).toBeGreaterThanOrEqual(1)
	})
})
