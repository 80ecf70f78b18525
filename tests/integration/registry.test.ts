// Officers run the registry (issue 10 items 2 and 4): community, township and district officers
// register elders of their area (families or none), edit them with an optimistic version check,
// verify the registered residence a family gave, link and unlink family accounts; only verified
// residents enter the allowance run, and the residence is the registered one, never the ID's region.
// Loader and action tests called directly (tests/setup/route.ts), as elders.test.ts.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { addMonths, shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { computeRunInline, startRun } from '~/modules/allowance/engine.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { applyForSubsidy, bureauDecide, communityReview, townshipReview } from '~/modules/subsidies/applications.server.ts'
import * as editElder from '~/routes/elders.$elderId_.edit.tsx'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as eldersList from '~/routes/elders._index.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { freeSequence, makeElderRow, Rng } from '../factories/index.ts'
import { makeOfficer, makePlace, townshipOfficerOf } from '../factories/registry.ts'
import { statusesFromColumns } from '../factories/statuses.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
const COMMUNITY_OFFICER = '13800000021' // 龙泉社区, 东宝区
const TOWNSHIP_OFFICER = '13800000022' // 龙泉街道, 东宝区
const DONGBAO_OFFICER = '13800000031'
const ZHONGXIANG_OFFICER = '13800000032'

let seq = 0
/** A fresh valid number; `region` is where it was issued (any province), not where the elder lives. */
function idNumber(birthDate = '1940-06-01', region = '420802') {
	return makeIdNumber(region, birthDate, 100 + ((process.pid * 11 + seq++ * 7) % 800))
}
async function freshIdNumber(birthDate?: string, region?: string) {
	for (;;) {
		const id = idNumber(birthDate, region)
		if (!(await prisma.elder.findUnique({ where: { idNumberHash: hashIdNumber(id) }, select: { id: true } }))) return id
	}
}
const community = (nameZh: string) => prisma.community.findFirstOrThrow({ where: { nameZh }, select: { id: true, districtId: true, townshipId: true } })
const register = (as: Visitor, fields: Record<string, string>) => callAction(newElder, '/elders/new', { elderConsent: 'on', ...fields }, { as })
const elderCount = () => prisma.elder.count()
const idOf = (location: string | null) => location!.split('/').at(-1)!

describe('an officer registers an elder with no family', () => {
	it('registers a verified elder in their community, with phone and emergency contact, audited', async () => {
		const officer = await signIn(COMMUNITY_OFFICER)
		const longquan = await community('龙泉社区')
		const page = await callLoader(newElder, '/elders/new', { as: officer })
		expect(page.status).toBe(200)
		expect(text(page.data)).toContain('"officer":true')
		// A number first issued in 河北 (130102): the residence is what the officer registers, not the prefix.
		const number = await freshIdNumber('1938-02-11', '130102')
		const res = await register(officer, { idNumber: number, name: '黄桂芝', districtId: 'dongbao', communityId: longquan.id, phone: '13912345678', emergencyContactName: '黄建国', emergencyContactPhone: '0724-2345678' })
		expect(res.status, text(res.data)).toBe(302)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(number) }, include: { families: true } })
		expect(elder).toMatchObject({ districtId: 'dongbao', communityId: longquan.id, residenceStatus: 'verified', phone: '13912345678', emergencyContactName: '黄建国', emergencyContactPhone: '0724-2345678', version: 1 })
		expect(elder.families).toHaveLength(0)
		expect(elder.registeredById).toBe(officer.userId)
		expect(elder.residenceVerifiedById).toBe(officer.userId)
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'elder.register', entityId: elder.id } })
		expect(entry.details).toMatchObject({ by: 'officer', after: { name: '黄桂芝', districtId: 'dongbao', communityId: longquan.id } })
		const shown = await callLoader(elderPage, res.location!, { as: officer, params: { elderId: elder.id } })
		expect(shown.status).toBe(200)
		expect(text(shown.data)).toContain('"families":[]')
	})

	it('refuses bad input with a message naming the field, writing nothing', async () => {
		const officer = await signIn(COMMUNITY_OFFICER)
		const longquan = await community('龙泉社区')
		const village = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', kind: 'village' }, select: { id: true } })
		const good = { name: '黄桂芝', districtId: 'dongbao', communityId: longquan.id }
		const number = await freshIdNumber()
		const before = await elderCount()
		const cases: [Record<string, string>, number, string][] = [
			[{ ...good, idNumber: number.slice(0, 17) + (number[17] === '1' ? '2' : '1') }, 400, 'errors.idNumber.checksum'],
			[{ ...good, idNumber: makeIdNumber('990102', '1940-01-01', 7) }, 400, 'errors.idNumber.region'],
			[{ ...good, idNumber: makeIdNumber('420802', '1990-01-01', 7) }, 400, 'errors.idNumber.tooYoung'],
			[{ ...good, idNumber: number, name: '' }, 400, 'errors.required'],
			[{ ...good, idNumber: number, districtId: 'atlantis' }, 400, 'errors.district.unknown'],
			[{ ...good, idNumber: number, communityId: 'not-a-uuid' }, 400, 'errors.community.unknown'],
			[{ ...good, idNumber: number, communityId: village.id }, 403, 'registry.errors.communityOutOfScope'],
			[{ ...good, idNumber: number, phone: '12345' }, 400, 'registry.errors.phone'],
			[{ ...good, idNumber: number, emergencyContactName: '黄建国' }, 400, 'registry.errors.emergencyPhoneRequired'],
			[{ ...good, idNumber: number, emergencyContactPhone: '13912345678' }, 400, 'registry.errors.emergencyNameRequired'],
		]
		for (const [fields, status, message] of cases) {
			const res = await register(officer, fields)
			expect(res.status, message).toBe(status)
			expect(text(res.data), message).toContain(message)
		}
		expect(await elderCount()).toBe(before)

		// Registered once; a second registration of the same number is a conflict, whoever tries.
		expect((await register(officer, { ...good, idNumber: number })).status).toBe(302)
		const again = await register(await signIn(DONGBAO_OFFICER), { ...good, idNumber: number })
		expect(again.status).toBe(409)
		expect(text(again.data)).toContain('registry.errors.alreadyRegistered')
		// Provider staff do not register elders.
		expect((await register(await signIn('13800000011'), { ...good, idNumber: await freshIdNumber() })).status).toBe(403)
	})

	it('lets a township officer register in their township only, and see only its elders', async () => {
		const officer = await signIn(TOWNSHIP_OFFICER)
		const longquan = await community('龙泉社区')
		const elsewhere = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', NOT: { townshipId: longquan.townshipId } }, select: { id: true } })
		const outside = await register(officer, { idNumber: await freshIdNumber(), name: '钱玉兰', districtId: 'dongbao', communityId: elsewhere.id })
		expect(outside.status).toBe(403)
		expect(text(outside.data)).toContain('registry.errors.communityOutOfScope')
		const res = await register(officer, { idNumber: await freshIdNumber(), name: '钱玉兰', districtId: 'dongbao', communityId: longquan.id })
		expect(res.status).toBe(302)
		const list = text((await callLoader(eldersList, '/elders', { as: officer })).data)
		expect(list).toContain('钱玉兰')
		const outsideElder = await prisma.elder.findFirstOrThrow({ where: { districtId: 'dongbao', communityId: elsewhere.id }, select: { id: true } })
		expect((await callLoader(elderPage, `/elders/${outsideElder.id}`, { as: officer, params: { elderId: outsideElder.id } })).status).toBe(404)
		// A district officer registers anywhere in the district, but not in another one.
		const district = await signIn(DONGBAO_OFFICER)
		expect((await register(district, { idNumber: await freshIdNumber(), name: '周秀英', districtId: 'dongbao', communityId: elsewhere.id })).status).toBe(302)
		const zhongxiang = await community('郢中社区')
		const notHers = await register(district, { idNumber: await freshIdNumber(), name: '周秀英', districtId: 'zhongxiang', communityId: zhongxiang.id })
		expect(notHers.status).toBe(403)
	})
})

describe('an officer edits an elder', () => {
	async function registered(officer: Visitor, name = '冯德胜') {
		const longquan = await community('龙泉社区')
		const res = await register(officer, { idNumber: await freshIdNumber(), name, districtId: 'dongbao', communityId: longquan.id, phone: '13911112222' })
		expect(res.status).toBe(302)
		return { id: idOf(res.location), longquan }
	}

	it('saves the change with before and after in the audit log, and bumps the version', async () => {
		const officer = await signIn(COMMUNITY_OFFICER)
		const { id, longquan } = await registered(officer)
		const path = `/elders/${id}/edit`
		expect((await callLoader(editElder, path, { as: officer, params: { elderId: id } })).status).toBe(200)
		const res = await callAction(editElder, path, { version: '1', name: '冯德盛', districtId: 'dongbao', communityId: longquan.id, phone: '13911113333', emergencyContactName: '冯丽', emergencyContactPhone: '13911114444' }, { as: officer, params: { elderId: id } })
		expect(res.status, text(res.data)).toBe(302)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { id }, select: { name: true, phone: true, version: true } })
		expect(elder).toEqual({ name: '冯德盛', phone: '13911113333', version: 2 })
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'elder.edit', entityId: id } })
		expect(entry.details).toMatchObject({
			version: 1,
			before: { name: '冯德胜', phone: '13911112222', emergencyContactName: null },
			after: { name: '冯德盛', phone: '13911113333', emergencyContactName: '冯丽' },
		})
		expect(Object.keys((entry.details as { before: object }).before)).not.toContain('communityId')
	})

	it('tells the second of two officers editing at once, keeping what they typed and losing nothing', async () => {
		const first = await signIn(COMMUNITY_OFFICER)
		const second = await signIn(TOWNSHIP_OFFICER)
		const { id, longquan } = await registered(first, '褚秀珍')
		const path = `/elders/${id}/edit`
		const base = { version: '1', districtId: 'dongbao', communityId: longquan.id }
		// Both loaded version 1; the first saves.
		expect((await callAction(editElder, path, { ...base, name: '褚秀珍', phone: '13955556666' }, { as: first, params: { elderId: id } })).status).toBe(302)
		const late = await callAction(editElder, path, { ...base, name: '褚秀贞', emergencyContactName: '褚明', emergencyContactPhone: '13977778888' }, { as: second, params: { elderId: id } })
		expect(late.status).toBe(409)
		const reply = text(late.data)
		expect(reply).toContain('registry.errors.editedMeanwhile')
		expect(reply).toContain('褚秀贞') // the second officer's input comes back in the form
		expect(reply).toContain('13955556666') // beside the record as it is now
		expect(reply).toContain('"version":2')
		const now = await prisma.elder.findUniqueOrThrow({ where: { id }, select: { name: true, phone: true, emergencyContactName: true, version: true } })
		expect(now).toEqual({ name: '褚秀珍', phone: '13955556666', emergencyContactName: null, version: 2 })
		expect(await prisma.auditLog.count({ where: { action: 'elder.edit', entityId: id } })).toBe(1)
		// Saving again on the current version is a deliberate choice, and goes through.
		expect((await callAction(editElder, path, { ...base, version: '2', name: '褚秀贞' }, { as: second, params: { elderId: id } })).status).toBe(302)
	})

	it('refuses bad edits naming the field, and officers outside the elder’s area (404)', async () => {
		const officer = await signIn(COMMUNITY_OFFICER)
		const { id, longquan } = await registered(officer, '卫国强')
		const path = `/elders/${id}/edit`
		const village = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', kind: 'village' }, select: { id: true } })
		const base = { version: '1', name: '卫国强', districtId: 'dongbao', communityId: longquan.id }
		const cases: [Record<string, string>, number, string][] = [
			[{ ...base, name: '' }, 400, 'errors.required'],
			[{ ...base, version: 'x' }, 400, 'registry.errors.version'],
			[{ ...base, communityId: village.id }, 403, 'registry.errors.communityOutOfScope'],
			[{ ...base, emergencyContactPhone: 'abc' }, 400, 'registry.errors.emergencyPhone'],
		]
		for (const [fields, status, message] of cases) {
			const res = await callAction(editElder, path, fields, { as: officer, params: { elderId: id } })
			expect(res.status, message).toBe(status)
			expect(text(res.data), message).toContain(message)
		}
		const zhongxiang = await signIn(ZHONGXIANG_OFFICER)
		expect((await callLoader(editElder, path, { as: zhongxiang, params: { elderId: id } })).status).toBe(404)
		expect((await callAction(editElder, path, base, { as: zhongxiang, params: { elderId: id } })).status).toBe(404)
		const family = await signIn(await makeUser({ role: 'family' }))
		expect((await callLoader(editElder, path, { as: family, params: { elderId: id } })).status).toBe(403)
		expect(await prisma.elder.findUniqueOrThrow({ where: { id }, select: { version: true } })).toEqual({ version: 1 })
	})
})

describe('family links', () => {
	it('links a family account by phone and unlinks it, audited; refuses unknown phones and doubles', async () => {
		const officer = await signIn(COMMUNITY_OFFICER)
		const longquan = await community('龙泉社区')
		const res = await register(officer, { idNumber: await freshIdNumber(), name: '蒋桂香', districtId: 'dongbao', communityId: longquan.id })
		const id = idOf(res.location)
		const params = { elderId: id }
		const familyUser = await makeUser({ role: 'family', name: '蒋明' })
		const family = await signIn(familyUser)
		expect((await callLoader(elderPage, `/elders/${id}`, { as: family, params })).status).toBe(404)

		const unknown = await callAction(elderPage, `/elders/${id}`, { intent: 'link-family', phone: '13000000000', relationship: 'child' }, { as: officer, params })
		expect(unknown.status).toBe(400)
		expect(text(unknown.data)).toContain('registry.errors.noFamilyAccount')
		const noRelationship = await callAction(elderPage, `/elders/${id}`, { intent: 'link-family', phone: familyUser.phone, relationship: 'cousin' }, { as: officer, params })
		expect(noRelationship.status).toBe(400)
		expect(text(noRelationship.data)).toContain('errors.relationship.invalid')
		const officerPhone = await callAction(elderPage, `/elders/${id}`, { intent: 'link-family', phone: DONGBAO_OFFICER, relationship: 'child' }, { as: officer, params })
		expect(officerPhone.status).toBe(400)

		const linked = await callAction(elderPage, `/elders/${id}`, { intent: 'link-family', phone: familyUser.phone, relationship: 'child' }, { as: officer, params })
		expect(linked.status, text(linked.data)).toBe(200)
		expect((await callLoader(elderPage, `/elders/${id}`, { as: family, params })).status).toBe(200)
		const twice = await callAction(elderPage, `/elders/${id}`, { intent: 'link-family', phone: familyUser.phone, relationship: 'child' }, { as: officer, params })
		expect(twice.status).toBe(409)
		expect(text(twice.data)).toContain('registry.errors.alreadyLinked')
		// A family member cannot link others.
		expect((await callAction(elderPage, `/elders/${id}`, { intent: 'link-family', phone: DONGBAO_OFFICER, relationship: 'child' }, { as: family, params })).status).toBe(403)

		const unlinked = await callAction(elderPage, `/elders/${id}`, { intent: 'unlink-family', userId: familyUser.id }, { as: officer, params })
		expect(unlinked.status).toBe(200)
		expect((await callLoader(elderPage, `/elders/${id}`, { as: family, params })).status).toBe(404)
		const notLinked = await callAction(elderPage, `/elders/${id}`, { intent: 'unlink-family', userId: familyUser.id }, { as: officer, params })
		expect(notLinked.status).toBe(404)
		expect(await prisma.auditLog.count({ where: { entityId: id, action: { in: ['elder.family_link', 'elder.family_unlink'] } } })).toBe(2)
	})
})

describe('a family registers: the residence waits for an officer', () => {
	async function familyElder(birthDate = '1941-03-15') {
		const familyUser = await makeUser({ role: 'family', name: '沈兰' })
		const family = await signIn(familyUser)
		const longquan = await community('龙泉社区')
		const res = await register(family, { idNumber: await freshIdNumber(birthDate), name: '沈德福', relationship: 'child', districtId: 'dongbao', communityId: longquan.id })
		expect(res.status).toBe(302)
		return { id: idOf(res.location), family, familyUser }
	}

	it('shows the family what is pending and why; an officer in scope verifies, others cannot', async () => {
		const { id, family, familyUser } = await familyElder()
		const params = { elderId: id }
		const pending = await callLoader(elderPage, `/elders/${id}`, { as: family, params })
		expect(text(pending.data)).toContain('"residenceStatus":"unverified"')
		expect(text(pending.data)).toContain('"residenceNote":null')

		const officer = await signIn(COMMUNITY_OFFICER)
		const queue = text((await callLoader(eldersList, '/elders?residence=unverified', { as: officer })).data)
		expect(queue).toContain(id)
		const noReason = await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'reject' }, { as: officer, params })
		expect(noReason.status).toBe(400)
		expect(text(noReason.data)).toContain('registry.errors.noteRequired')
		const rejected = await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'reject', note: '户口簿显示户籍在沙洋县' }, { as: officer, params })
		expect(rejected.status).toBe(200)
		const why = await callLoader(elderPage, `/elders/${id}`, { as: family, params })
		expect(text(why.data)).toContain('户口簿显示户籍在沙洋县')
		expect(await prisma.notification.count({ where: { userId: familyUser.id, kind: 'registry.residence_rejected' } })).toBe(1)
		// Not verified asks the family to act: a text too (verified stays in the app).
		expect(await prisma.outbox.count({ where: { toPhone: familyUser.phone, template: 'registry.residence_rejected' } })).toBe(1)

		// The family cannot verify its own elder; an officer of another district does not see it.
		expect((await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'verify' }, { as: family, params })).status).toBe(403)
		expect((await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'verify' }, { as: await signIn(ZHONGXIANG_OFFICER), params })).status).toBe(404)
		const bad = await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'maybe' }, { as: officer, params })
		expect(bad.status).toBe(400)
		expect(text(bad.data)).toContain('registry.errors.decision')

		const township = await signIn(TOWNSHIP_OFFICER)
		const verified = await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'verify' }, { as: township, params })
		expect(verified.status).toBe(200)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { id }, select: { residenceStatus: true, residenceNote: true, residenceVerifiedById: true } })
		expect(elder).toEqual({ residenceStatus: 'verified', residenceNote: null, residenceVerifiedById: township.userId })
		const twice = await callAction(elderPage, `/elders/${id}`, { intent: 'verify-residence', decision: 'verify' }, { as: township, params })
		expect(twice.status).toBe(409)
		expect(await prisma.outbox.count({ where: { toPhone: familyUser.phone, template: 'registry.residence_verified' } })).toBe(0)
		expect(await prisma.auditLog.count({ where: { entityId: id, action: { in: ['elder.residence_verify', 'elder.residence_reject'] } } })).toBe(2)
	})

	it('keeps unverified residents out of the allowance run and subsidies; the run reads the registered residence', async () => {
		// Both aged 85: one a family registered (unverified), one an officer registered in 东宝 with a
		// number first issued in 钟祥 (420881), which must not move the elder to 钟祥.
		const unverified = await familyElder('1941-01-10')
		const officer = await signIn(DONGBAO_OFFICER)
		const place = await makePlace('dongbao')
		const res = await register(officer, { idNumber: await freshIdNumber('1941-01-10', '420881'), name: '韩玉珍', districtId: 'dongbao', communityId: place.community.id })
		expect(res.status).toBe(302)
		const verifiedId = idOf(res.location)
		await prisma.elder.update({ where: { id: verifiedId }, data: { lastLivenessAt: new Date(), bankCardRef: '6217****0001' } })

		const family = await sessionUser(unverified.familyUser.phone)
		const policy = await prisma.subsidyPolicy.findFirstOrThrow({ select: { id: true } })
		expect(await applyForSubsidy(family, { elderId: unverified.id, policyId: policy.id, householdSize: 1, householdIncome: 0 })).toMatchObject({ ok: false, formError: 'subsidies:errors.ineligible.residenceUnverified' })

		const runs = await prisma.allowanceRun.findMany({ select: { month: true } })
		const month = [0, -1, -2, -3, -4, -5, -6].map((k) => addMonths(shanghaiMonth(), k)).find((m) => !runs.some((r) => r.month === m))!
		const { runId } = await startRun(month, null)
		await computeRunInline(runId)
		const snapshot = await prisma.allowanceSnapshot.findMany({ where: { runId, elderId: { in: [unverified.id, verifiedId] } }, select: { elderId: true, districtId: true } })
		expect(snapshot).toEqual([{ elderId: verifiedId, districtId: 'dongbao' }])
		const unverifiedIds = (await prisma.elder.findMany({ where: { residenceStatus: 'unverified' }, select: { id: true } })).map((e) => e.id)
		expect(await prisma.allowanceSnapshot.count({ where: { runId, elderId: { in: unverifiedIds } } })).toBe(0)
	})
})

describe('officer roles', () => {
	it('gives a township officer without a township nothing to see', async () => {
		const lost = await signIn(await makeOfficer({ role: 'township_officer', districtId: 'dongbao' }))
		const list = await callLoader<{ elders: unknown[] }>(eldersList, '/elders', { as: lost })
		expect(list.status).toBe(200)
		expect(list.data.elders).toEqual([])
	})
})

describe('the review chain: community → township → district', () => {
	const rng = new Rng(`registry-chain-${process.pid}`)
	async function appliedIn(communityId: string) {
		const family = await makeUser({ role: 'family' })
		const row = makeElderRow(rng, { districtId: 'dongbao', regionCode: '420802', communityId, settlement: 'urban_community', birthDate: '1944-04-04', seq: await freeSequence('420802', '1944-04-04'), categories: ['dibao'], disabilityLevel: 'partial', deathDate: null, residencyStatus: 'resident' })
		await prisma.elder.create({ data: { ...row, families: { create: { userId: family.id, relationship: 'child' } } } })
		await statusesFromColumns() // eligibility reads status records (issue 10), not the columns
		const policy = await prisma.subsidyPolicy.findUniqueOrThrow({ where: { code: 'home-care-basic' }, select: { id: true } })
		const applied = await applyForSubsidy(family, { elderId: row.id, policyId: policy.id, householdSize: 1, householdIncome: 0 })
		expect(applied.ok).toBe(true)
		const id = applied.ok ? applied.value.id : ''
		// A community officer of that community, not the applicant (two different people).
		const reviewer: SessionUser = await makeUser({ role: 'community_officer', name: '社区', districtId: 'dongbao', communityId })
		expect((await communityReview(reviewer, { applicationId: id, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: shanghaiDate() }, null)).ok).toBe(true)
		return id
	}

	it('waits for the township officer where there is one, and the township can refuse with a reason', async () => {
		const place = await makePlace('dongbao')
		const township = await townshipOfficerOf(place.community.id)
		const bureau = await sessionUser(DONGBAO_OFFICER)
		const id = await appliedIn(place.community.id)
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id }, select: { townshipId: true } })).toEqual({ townshipId: place.township.id })
		expect(await bureauDecide(bureau, { applicationId: id, decision: 'approve', override: false }, null)).toMatchObject({ ok: false, status: 409, formError: 'subsidies:errors.outOfOrder' })
		expect(await townshipReview(township, { applicationId: id, decision: 'reject' }, null)).toMatchObject({ ok: false, status: 400 })
		expect((await townshipReview(township, { applicationId: id, decision: 'reject', note: '家庭收入超标' }, null)).ok).toBe(true)
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id }, select: { status: true, townshipNote: true } })).toEqual({ status: 'township_rejected', townshipNote: '家庭收入超标' })
		expect(await prisma.notification.count({ where: { kind: 'subsidy.township_rejected', params: { path: ['applicationId'], equals: id } } })).toBe(1)
	})

	it('lets the district decide after the community where the township has no officer on the platform yet', async () => {
		const place = await makePlace('dongbao')
		const bureau = await sessionUser(DONGBAO_OFFICER)
		const id = await appliedIn(place.community.id)
		const decided = await bureauDecide(bureau, { applicationId: id, decision: 'approve', override: false }, null)
		expect(decided.ok, JSON.stringify(decided)).toBe(true)
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id }, select: { status: true } })).toEqual({ status: 'approved' })
	})
})
