// Statuses with evidence (身份类别) and their re-review list, and subsidy eligibility reading the
// statuses in force on a (frozen) day. Loader and action tests called directly (tests/setup/route.ts).
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { eligibilityFactsOn } from '~/modules/statuses/records.server.ts'
import { listStatusesDueForReview, reviewList } from '~/modules/statuses/review.server.ts'
import { applyForSubsidy } from '~/modules/subsidies/applications.server.ts'
import { grantMonthlyCredit, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { categoriesOfStatuses, ineligibility } from '~/modules/subsidies/rules.ts'
import { versionRules, versionOn } from '~/modules/subsidies/policies.server.ts'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as statusesPage from '~/routes/elders.$elderId_.statuses.tsx'
import * as reviewPage from '~/routes/statuses.review.tsx'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { plainElder, statusesFromColumns } from '../factories/statuses.ts'
import { elderWithCredit } from '../factories/subsidies.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

const COMMUNITY_OFFICER = '13800000021' // 龙泉社区, 东宝区
const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
const errorsOf = (data: unknown) => (data as { result?: { error?: Record<string, string[]> } }).result?.error ?? {}

async function officerCommunity() {
	const officer = await sessionUser(COMMUNITY_OFFICER)
	return { officer, communityId: officer.communityId! }
}

async function record(elderId: string, fields: Record<string, string>, phone = COMMUNITY_OFFICER) {
	return callAction(statusesPage, `/elders/${elderId}/statuses`, { intent: 'record', ...fields }, { as: await signIn(phone), params: { elderId } })
}

describe('statuses: recorded by officers in scope, ended never deleted, audited', () => {
	it('records a dated status with its evidence and shows it with who and when', async () => {
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId)
		const res = await record(elderId, { kind: 'dibao', validFrom: '2026-01-01', validUntil: '2026-12-31', source: '东民低保〔2026〕3号' })
		expect(res.status).toBe(200)
		const row = await prisma.elderStatus.findFirstOrThrow({ where: { elderId }, select: { id: true, kind: true, source: true, recordedById: true } })
		expect(row).toMatchObject({ kind: 'dibao', source: '东民低保〔2026〕3号' })
		expect(await prisma.auditLog.count({ where: { action: 'status.record', entityId: row.id } })).toBe(1)
		const page = await callLoader(statusesPage, `/elders/${elderId}/statuses`, { as: await signIn(COMMUNITY_OFFICER), params: { elderId } })
		expect(page.status).toBe(200)
		expect(text(page.data)).toContain('东民低保〔2026〕3号')
		expect(text(page.data)).toContain('赵敏')
	})

	it('refuses bad input naming the field, 4xx, writing nothing', async () => {
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId, { birthDate: '1944-04-04' })
		const cases: [Record<string, string>, string, string][] = [
			[{ kind: 'dibao', validFrom: '2026-02-30', source: 'x' }, 'validFrom', 'statuses:errors.date.invalid'],
			[{ kind: 'dibao', validFrom: '2026-06-01', validUntil: '2026-05-31', source: 'x' }, 'validUntil', 'statuses:errors.validUntil.beforeFrom'],
			[{ kind: 'dibao', validFrom: '2026-06-01', reviewOn: '2026-01-01', source: 'x' }, 'reviewOn', 'statuses:errors.reviewOn.beforeFrom'],
			[{ kind: 'dibao', validFrom: '2026-06-01', source: '' }, 'source', 'statuses:errors.source.required'],
			[{ kind: 'severe_disability', validFrom: '2026-06-01', source: '残疾证' }, 'disabilityGrade', 'statuses:errors.disabilityGrade.required'],
			[{ kind: 'severe_disability', validFrom: '2026-06-01', source: '残疾证', disabilityGrade: '7' }, 'disabilityGrade', 'statuses:errors.disabilityGrade.range'],
			[{ kind: 'dibao', validFrom: '2026-06-01', source: 'x', disabilityGrade: '1' }, 'disabilityGrade', 'statuses:errors.disabilityGrade.onlySevere'],
			[{ kind: 'rich', validFrom: '2026-06-01', source: 'x' }, 'kind', 'statuses:errors.kind'],
			[{ kind: 'dibao', validFrom: '1930-01-01', source: 'x' }, 'validFrom', 'statuses:errors.validFrom.beforeBirth'],
			[{ kind: 'dibao', validFrom: '2099-01-01', source: 'x' }, 'validFrom', 'statuses:errors.validFrom.tooFarAhead'],
		]
		for (const [fields, field, message] of cases) {
			const res = await record(elderId, fields)
			expect(res.status, JSON.stringify(fields)).toBe(400)
			expect(errorsOf(res.data)[field], JSON.stringify(fields)).toEqual([message])
		}
		expect(await prisma.elderStatus.count({ where: { elderId } })).toBe(0)
		// An elder outside the officer's area: 404, nothing written.
		const zhongxiang = await prisma.community.findFirstOrThrow({ where: { districtId: 'zhongxiang' }, select: { id: true } })
		const stranger = await plainElder(zhongxiang.id)
		expect((await record(stranger, { kind: 'dibao', validFrom: '2026-01-01', source: 'x' })).status).toBe(404)
		// A family cannot open the page.
		const family = await signIn(await makeUser({ role: 'family' }))
		expect((await callLoader(statusesPage, `/elders/${elderId}/statuses`, { as: family, params: { elderId } })).status).toBe(403)
		expect(await prisma.elderStatus.count({ where: { elderId: { in: [elderId, stranger] } } })).toBe(0)
	})

	it('ends a status (its last day), keeps it, refuses a second end or an end before it began; the database refuses a delete', async () => {
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId)
		await record(elderId, { kind: 'tekun', validFrom: '2026-01-01', source: '特困〔2026〕1号' })
		const status = await prisma.elderStatus.findFirstOrThrow({ where: { elderId }, select: { id: true } })
		const as = await signIn(COMMUNITY_OFFICER)
		const endAs = (fields: Record<string, string>) => callAction(statusesPage, `/elders/${elderId}/statuses`, { intent: 'end', statusId: status.id, ...fields }, { as, params: { elderId } })
		const early = await endAs({ endOn: '2025-12-31', reason: '复核不再符合' })
		expect(early.status).toBe(400)
		expect(errorsOf(early.data).endOn).toEqual(['statuses:errors.endOn.beforeFrom'])
		expect((await endAs({ endOn: '2026-02-30', reason: 'x' })).status).toBe(400)
		expect((await endAs({ endOn: '2026-06-30', reason: '复核不再符合' })).status).toBe(200)
		const again = await endAs({ endOn: '2026-07-31', reason: 'again' })
		expect(again.status).toBe(409)
		const row = await prisma.elderStatus.findUniqueOrThrow({ where: { id: status.id }, select: { validUntil: true, endedAt: true, endReason: true } })
		expect(row.validUntil?.toISOString().slice(0, 10)).toBe('2026-06-30')
		expect(row.endReason).toBe('复核不再符合')
		expect(await prisma.auditLog.count({ where: { action: 'status.end', entityId: status.id } })).toBe(1)
		const refused = await prisma.elderStatus.delete({ where: { id: status.id } }).catch((e: unknown) => e)
		expect(() => failureOf(refused)).toThrow()
		expect(await prisma.elderStatus.count({ where: { id: status.id } })).toBe(1)
		// The database's own check, reached past the form.
		const bad = await sql`UPDATE elder_status SET "validUntil" = '2025-01-01' WHERE id = ${status.id}::uuid`.run().catch((e: unknown) => e)
		expect(failureOf(bad)).toEqual({ ok: false, status: 400, fieldErrors: { validUntil: ['statuses:errors.validUntil.beforeFrom'] } })
	})
})

describe('eligibility reads the statuses in force on the day', () => {
	it('counts a status only between its dates, and maps 特困 to the old 特困/三无 categories', async () => {
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId)
		await record(elderId, { kind: 'dibao', validFrom: '2026-01-01', validUntil: '2026-06-30', source: 'a' })
		await record(elderId, { kind: 'tekun', validFrom: '2026-06-01', source: 'b' })
		await record(elderId, { kind: 'empty_nest', validFrom: '2026-01-01', source: 'c' })
		expect((await eligibilityFactsOn(elderId, '2025-12-31')).categories).toEqual([])
		expect((await eligibilityFactsOn(elderId, '2026-01-01')).categories).toEqual(['dibao'])
		expect((await eligibilityFactsOn(elderId, '2026-06-15')).categories).toEqual(['dibao', 'sanwu', 'tekun'])
		expect((await eligibilityFactsOn(elderId, '2026-07-01')).categories).toEqual(['sanwu', 'tekun'])
		expect(categoriesOfStatuses(['dibao', 'tekun', 'empty_nest'])).toEqual(['dibao', 'sanwu', 'tekun'])

		const policy = await prisma.subsidyPolicy.findUniqueOrThrow({ where: { code: 'home-care-basic' }, select: { id: true } })
		const version = (await versionOn(policy.id, '2026-11-30'))!
		const rules = { ...versionRules(version), effectiveFrom: '2020-01-01', validUntil: null, categories: ['dibao'] }
		const facts = async (day: string) => ({ birthDate: '1944-04-04', districtId: 'dongbao', deathDate: null, residencyStatus: 'resident' as const, ...(await eligibilityFactsOn(elderId, day)) })
		expect(ineligibility(await facts('2026-03-01'), rules, '2026-03-01')).toBeNull()
		expect(ineligibility(await facts('2026-07-01'), rules, '2026-07-01')).toBe('category')
	})

	it('a family’s application is decided by the statuses in force today, not the free column', async () => {
		const family = await makeUser({ role: 'family' })
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId, { familyUserId: family.id })
		// The old column says 低保, but no status record does: refused.
		await prisma.elder.update({ where: { id: elderId }, data: { categories: ['dibao'] } })
		const policy = await prisma.subsidyPolicy.findUniqueOrThrow({ where: { code: 'home-care-basic' }, select: { id: true } })
		const refused = await applyForSubsidy(family, { elderId, policyId: policy.id, householdSize: 1, householdIncome: 0 })
		expect(refused).toMatchObject({ ok: false, fieldErrors: { policyId: ['subsidies:errors.ineligible.category'] } })
		await record(elderId, { kind: 'dibao', validFrom: '2026-01-01', source: '东民低保〔2026〕9号' })
		expect((await applyForSubsidy(family, { elderId, policyId: policy.id, householdSize: 1, householdIncome: 0 })).ok).toBe(true)
		// The migration's function turns the columns into records once (idempotent).
		await statusesFromColumns()
		await statusesFromColumns()
		expect(await prisma.elderStatus.count({ where: { elderId, source: 'migrated' } })).toBe(1)
	})

	it('the monthly grant run (免申即享) credits a month only while a status the policy needs is in force on its first day', async () => {
		const { elderId, grantId } = await elderWithCredit('13800000001', 'status-grant')
		const grant = await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grantId }, select: { policyVersionId: true } })
		await prisma.subsidyPolicyVersion.update({ where: { id: grant.policyVersionId }, data: { categories: ['dibao'], minDisability: 'none' } })
		await sql`INSERT INTO elder_status ("elderId", kind, "validFrom", "validUntil", source) VALUES (${elderId}::uuid, 'dibao', '2025-03-01', '2025-05-31', 'test')`.run()
		const run = (month: string) => grantMonthlyCredit(pgSql(), month, { grantId })
		expect((await run('2025-02')).granted).toBe(0)
		expect((await run('2025-03')).granted).toBe(1)
		expect((await run('2025-05')).granted).toBe(1)
		expect((await run('2025-06')).granted).toBe(0)
		expect((await run('2025-03')).granted).toBe(0) // idempotent
		// A policy needing a disability reads the assessed level in force: none until assessed.
		await prisma.subsidyPolicyVersion.update({ where: { id: grant.policyVersionId }, data: { categories: [], minDisability: 'partial' } })
		expect((await run('2025-07')).granted).toBe(0)
		await sql`INSERT INTO capability_assessment ("elderId", "assessedOn", "validUntil", "baseLevel", level, source) VALUES (${elderId}::uuid, '2025-07-20', '2026-07-19', 'moderate', 'moderate', 'test')`.run()
		expect((await run('2025-08')).granted).toBe(1)
		expect((await run('2026-08')).granted).toBe(0)
	})
})

describe('the nightly re-review list', () => {
	it('lists statuses ending or due for review within 30 days, once, per community and in scope', async () => {
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId)
		const today = '2027-09-01' // a frozen day no other test's statuses fall near
		await record(elderId, { kind: 'low_income', validFrom: '2026-06-01', validUntil: '2027-09-20', source: 'due' })
		await record(elderId, { kind: 'youfu', validFrom: '2026-06-01', reviewOn: '2027-09-30', source: 'review-due' })
		await record(elderId, { kind: 'dibao', validFrom: '2026-06-01', validUntil: '2027-12-31', source: 'later' })
		await record(elderId, { kind: 'living_alone', validFrom: '2026-06-01', validUntil: '2027-09-10', source: 'ended' })
		const ended = await prisma.elderStatus.findFirstOrThrow({ where: { elderId, source: 'ended' }, select: { id: true } })
		await callAction(statusesPage, `/elders/${elderId}/statuses`, { intent: 'end', statusId: ended.id, endOn: '2026-12-01', reason: '已与子女同住' }, { as: await signIn(COMMUNITY_OFFICER), params: { elderId } })

		const first = await listStatusesDueForReview(today)
		expect(first.listed).toBeGreaterThanOrEqual(2)
		expect((await listStatusesDueForReview(today)).listed).toBe(0)
		const officer = await sessionUser(COMMUNITY_OFFICER)
		const mine = (await reviewList(officer, today)).filter((r) => r.elderId === elderId)
		expect(mine.map((r) => [r.source, r.dueOn]).sort()).toEqual([
			['due', '2027-09-20'],
			['review-due', '2027-09-30'],
		])
		expect(mine[0]!.communityId).toBe(communityId)
		const elsewhere = await sessionUser('13800000032') // 钟祥 district officer
		expect((await reviewList(elsewhere, today)).filter((r) => r.elderId === elderId)).toEqual([])
		// The page shows the list of today's area (the seeded status of 龙泉社区 is due in 20 days).
		await listStatusesDueForReview(shanghaiDate())
		const page = await callLoader(reviewPage, '/statuses/review', { as: await signIn(COMMUNITY_OFFICER) })
		expect(page.status).toBe(200)
		expect(text(page.data)).toContain('low_income')
	})
})

describe('the elder page timeline', () => {
	it('shows statuses with who and when to officers, and without the evidence or names to the family', async () => {
		const family = await makeUser({ role: 'family' })
		const { communityId } = await officerCommunity()
		const elderId = await plainElder(communityId, { familyUserId: family.id })
		await record(elderId, { kind: 'family_planning', validFrom: '2026-01-01', source: '计生特扶〔2026〕5号' })
		type Lines = { timeline: { lines: { kind: string; who: string | null; params: Record<string, unknown> }[] } }
		const statusLines = (data: Lines) => data.timeline.lines.filter((l) => l.kind.startsWith('status'))
		const asOfficer = await callLoader<Lines>(elderPage, `/elders/${elderId}`, { as: await signIn(COMMUNITY_OFFICER), params: { elderId } })
		expect(statusLines(asOfficer.data)).toEqual([expect.objectContaining({ kind: 'statusRecorded', who: '赵敏', params: expect.objectContaining({ kind: 'family_planning', source: '计生特扶〔2026〕5号' }) })])
		const asFamily = await callLoader<Lines & { statusesInForce: string[] }>(elderPage, `/elders/${elderId}`, { as: await signIn(family), params: { elderId } })
		expect(statusLines(asFamily.data)).toEqual([expect.objectContaining({ who: null, params: expect.objectContaining({ source: null }) })])
		expect(asFamily.data.statusesInForce).toEqual(['family_planning'])
	})
})
