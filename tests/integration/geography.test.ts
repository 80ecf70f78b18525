// The registry's geography (issue 10 item 1): district → township / street → community / village,
// each with its 12-digit division code; district officers create, rename, merge and retire them
// (audited); a community with elders or providers is retired, never deleted. Loader and action
// tests called directly (tests/setup/route.ts), as elders.test.ts.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import * as geography from '~/routes/bureau.geography.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import { makeOfficer, makePlace } from '../factories/registry.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
const DONGBAO_OFFICER = '13800000031'
const change = (as: Visitor, fields: Record<string, string>) => callAction(geography, '/bureau/geography', fields, { as })

let codeSeq = 0
/** A township code of Dongbao no other test or seed row uses (township part 900–999). */
async function freeTownshipCode(): Promise<string> {
	for (;;) {
		const code = `420802${900 + ((process.pid + codeSeq++ * 17) % 100)}000`
		if (!(await prisma.township.findUnique({ where: { code }, select: { id: true } }))) return code
	}
}

describe('the seeded geography', () => {
	it('puts every community under a township of its district, with consistent 12-digit codes', async () => {
		const communities = await prisma.community.findMany({ select: { code: true, districtId: true, township: { select: { code: true, districtId: true } } } })
		expect(communities.length).toBeGreaterThan(0)
		for (const c of communities) {
			expect(c.township, c.code ?? '').not.toBeNull()
			expect(c.township!.districtId).toBe(c.districtId)
			expect(c.code).toMatch(/^\d{12}$/)
			expect(c.code!.slice(0, 9)).toBe(c.township!.code.slice(0, 9))
		}
		const districts = await prisma.district.findMany({ select: { id: true, divisionCode: true, townships: { select: { code: true, nameZh: true } } } })
		for (const d of districts) {
			expect(d.divisionCode).toMatch(/^\d{6}000000$/)
			expect(d.townships.length).toBeGreaterThan(0)
			for (const t of d.townships) expect(t.code.slice(0, 6)).toBe(d.divisionCode!.slice(0, 6))
		}
		expect(districts.find((d) => d.id === 'dongbao')!.townships.map((t) => t.nameZh)).toEqual(expect.arrayContaining(['龙泉街道', '泉口街道', '子陵铺镇', '栗溪镇']))
		const officer = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000022' }, select: { role: true, township: { select: { nameZh: true } } } })
		expect(officer).toEqual({ role: 'township_officer', township: { nameZh: '龙泉街道' } })
	})
})

describe('a district officer manages townships and communities', () => {
	it('creates, renames and shows a township, audited; refuses bad input naming the field', async () => {
		const officer = await signIn(DONGBAO_OFFICER)
		const page = await callLoader(geography, '/bureau/geography', { as: officer })
		expect(page.status).toBe(200)
		expect(text(page.data)).toContain('龙泉街道')
		const code = await freeTownshipCode()
		const before = await prisma.township.count()
		const cases: [Record<string, string>, number, string][] = [
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '', kind: 'township', code }, 400, 'geography.errors.nameRequired'],
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '新城镇', kind: 'county', code }, 400, 'geography.errors.kind'],
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '新城镇', kind: 'township', code: '4208021' }, 400, 'geography.errors.codeFormat'],
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '新城镇', kind: 'township', code: '420881900000' }, 400, 'geography.errors.codeOutsideDistrict'],
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '新城镇', kind: 'township', code: '420802000000' }, 400, 'geography.errors.codeOutsideDistrict'],
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '龙泉街道', kind: 'street', code }, 409, 'geography.errors.nameTaken'],
			[{ intent: 'create-township', districtId: 'dongbao', nameZh: '新城镇', kind: 'township', code: '420802001000' }, 409, 'geography.errors.codeTaken'],
			[{ intent: 'create-township', districtId: 'zhongxiang', nameZh: '新城镇', kind: 'township', code: '420881900000' }, 403, 'errors.district.outOfScope'],
			[{ intent: 'explode' }, 400, 'intent'],
		]
		for (const [fields, status, message] of cases) {
			const res = await change(officer, fields)
			expect(res.status, message).toBe(status)
			expect(text(res.data), message).toContain(message)
		}
		expect(await prisma.township.count()).toBe(before)

		const created = await change(officer, { intent: 'create-township', districtId: 'dongbao', nameZh: `新城镇${code.slice(6, 9)}`, kind: 'township', code })
		expect(created.status, text(created.data)).toBe(200)
		const township = await prisma.township.findUniqueOrThrow({ where: { code }, select: { id: true, districtId: true } })
		expect(township.districtId).toBe('dongbao')
		const renamed = await change(officer, { intent: 'rename-township', townshipId: township.id, nameZh: `新城街道${code.slice(6, 9)}` })
		expect(renamed.status).toBe(200)
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'geography.township_rename', entityId: township.id } })
		expect(entry.details).toEqual({ before: { nameZh: `新城镇${code.slice(6, 9)}` }, after: { nameZh: `新城街道${code.slice(6, 9)}` } })
		expect(await prisma.auditLog.count({ where: { action: 'geography.township_create', entityId: township.id } })).toBe(1)
		const shown = await callLoader(geography, `/bureau/geography?township=${township.id}`, { as: officer })
		expect(text(shown.data)).toContain(`新城街道${code.slice(6, 9)}`)
	})

	it('refuses other districts’ officers (403) and roles that do not manage geography', async () => {
		const place = await makePlace('dongbao')
		const zhongxiang = await signIn('13800000032')
		const res = await change(zhongxiang, { intent: 'rename-township', townshipId: place.township.id, nameZh: '别人的镇' })
		expect(res.status).toBe(403)
		expect(text(res.data)).toContain('geography.errors.notInScope')
		const unknown = await change(zhongxiang, { intent: 'retire-community', communityId: '00000000-0000-4000-8000-000000000000' })
		expect(unknown.status).toBe(404)
		expect((await callLoader(geography, '/bureau/geography', { as: await signIn('13800000021') })).status).toBe(403)
		expect((await callLoader(geography, '/bureau/geography', { as: await signIn('13800000022') })).status).toBe(403)
		expect(await prisma.township.findUniqueOrThrow({ where: { id: place.township.id }, select: { nameZh: true } })).not.toEqual({ nameZh: '别人的镇' })
	})

	it('creates and renames communities with codes inside their township', async () => {
		const officer = await signIn(DONGBAO_OFFICER)
		const place = await makePlace('dongbao')
		const prefix = place.township.code.slice(0, 9)
		const bad = await change(officer, { intent: 'create-community', townshipId: place.township.id, nameZh: '新建社区', kind: 'urban_community', code: '420881001001' })
		expect(bad.status).toBe(400)
		expect(text(bad.data)).toContain('geography.errors.codeOutsideTownship')
		const noKind = await change(officer, { intent: 'create-community', townshipId: place.township.id, nameZh: '新建社区', code: `${prefix}002` })
		expect(noKind.status).toBe(400)
		expect(text(noKind.data)).toContain('geography.errors.kind')
		const name = `${place.community.nameZh}二`
		const ok = await change(officer, { intent: 'create-community', townshipId: place.township.id, nameZh: name, kind: 'village', code: `${prefix}202` })
		expect(ok.status, text(ok.data)).toBe(200)
		const created = await prisma.community.findUniqueOrThrow({ where: { code: `${prefix}202` }, select: { id: true, townshipId: true, districtId: true, kind: true } })
		expect(created).toMatchObject({ townshipId: place.township.id, districtId: 'dongbao', kind: 'village' })
		const taken = await change(officer, { intent: 'rename-community', communityId: created.id, nameZh: place.community.nameZh })
		expect(taken.status).toBe(409)
		expect(text(taken.data)).toContain('geography.errors.nameTaken')
		const sameCode = await change(officer, { intent: 'create-community', townshipId: place.township.id, nameZh: `${name}三`, kind: 'village', code: `${prefix}202` })
		expect(sameCode.status).toBe(409)
		expect(text(sameCode.data)).toContain('geography.errors.codeTaken')
	})

	it('merges a community into another: its elders, providers and staff move with it; it is retired, not deleted', async () => {
		const officer = await signIn(DONGBAO_OFFICER)
		const from = await makePlace('dongbao')
		const into = await makePlace('dongbao')
		const elder = await elderIn(from.community.id)
		const staff = await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: from.community.id })
		// Deleting a community with elders is refused by the database; retiring is the way.
		const del = await change(officer, { intent: 'delete-community', communityId: from.community.id })
		expect(del.status).toBe(409)
		expect(text(del.data)).toContain('geography.errors.inUse')
		const self = await change(officer, { intent: 'merge-community', communityId: from.community.id, intoId: from.community.id })
		expect(self.status).toBe(400)
		expect(text(self.data)).toContain('geography.errors.mergeSelf')
		const otherDistrict = await prisma.community.findFirstOrThrow({ where: { districtId: 'zhongxiang' }, select: { id: true } })
		expect((await change(officer, { intent: 'merge-community', communityId: from.community.id, intoId: otherDistrict.id })).status).toBe(400)

		const merged = await change(officer, { intent: 'merge-community', communityId: from.community.id, intoId: into.community.id })
		expect(merged.status, text(merged.data)).toBe(200)
		expect(await prisma.elder.findUniqueOrThrow({ where: { id: elder }, select: { communityId: true, version: true } })).toEqual({ communityId: into.community.id, version: 2 })
		expect(await prisma.user.findUniqueOrThrow({ where: { id: staff.id }, select: { communityId: true } })).toEqual({ communityId: into.community.id })
		const retired = await prisma.community.findUniqueOrThrow({ where: { id: from.community.id }, select: { retiredAt: true, mergedIntoId: true } })
		expect(retired.retiredAt).not.toBeNull()
		expect(retired.mergedIntoId).toBe(into.community.id)
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'geography.community_merge', entityId: from.community.id } })
		expect(entry.details).toMatchObject({ moved: { elders: 1, staff: 1 } })
		// A retired community takes no new elders and no further changes.
		expect((await change(officer, { intent: 'rename-community', communityId: from.community.id, nameZh: '复活社区' })).status).toBe(409)
		const id = makeIdNumber('420802', '1939-09-09', 100 + (process.pid % 800))
		const refused = await callAction(newElder, '/elders/new', { idNumber: id, name: '秦桂兰', districtId: 'dongbao', communityId: from.community.id }, { as: officer })
		expect(refused.status).toBe(400)
		expect(text(refused.data)).toContain('registry.errors.communityRetired')
		expect(await prisma.elder.count({ where: { idNumberHash: hashIdNumber(id) } })).toBe(0)
	})

	it('retires and deletes only what it may; merges a township with its communities and officers', async () => {
		const officer = await signIn(DONGBAO_OFFICER)
		const from = await makePlace('dongbao')
		const into = await makePlace('dongbao')
		const townshipOfficer = await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: from.township.id })
		// A township with communities in service is not retired.
		const busy = await change(officer, { intent: 'retire-township', townshipId: from.township.id })
		expect(busy.status).toBe(409)
		expect(text(busy.data)).toContain('geography.errors.hasCommunities')
		expect(await prisma.township.findUniqueOrThrow({ where: { id: from.township.id }, select: { retiredAt: true } })).toEqual({ retiredAt: null })

		const merged = await change(officer, { intent: 'merge-township', townshipId: from.township.id, intoId: into.township.id })
		expect(merged.status, text(merged.data)).toBe(200)
		expect(await prisma.community.findUniqueOrThrow({ where: { id: from.community.id }, select: { townshipId: true } })).toEqual({ townshipId: into.township.id })
		expect(await prisma.user.findUniqueOrThrow({ where: { id: townshipOfficer.id }, select: { townshipId: true } })).toEqual({ townshipId: into.township.id })
		expect(await prisma.township.findUniqueOrThrow({ where: { id: from.township.id }, select: { mergedIntoId: true } })).toEqual({ mergedIntoId: into.township.id })
		expect((await change(officer, { intent: 'merge-township', townshipId: from.township.id, intoId: into.township.id })).status).toBe(409)

		// An empty community created by mistake is deleted; one with elders only retired.
		const empty = await makePlace('dongbao')
		const deleted = await change(officer, { intent: 'delete-community', communityId: empty.community.id })
		expect(deleted.status).toBe(200)
		expect(await prisma.community.count({ where: { id: empty.community.id } })).toBe(0)
		expect(await prisma.auditLog.count({ where: { action: 'geography.community_delete', entityId: empty.community.id } })).toBe(1)
		await elderIn(into.community.id)
		const retire = await change(officer, { intent: 'retire-community', communityId: into.community.id })
		expect(retire.status).toBe(200)
		expect(await prisma.elder.count({ where: { communityId: into.community.id } })).toBeGreaterThan(0)
		const alsoRetireTownship = await change(officer, { intent: 'retire-township', townshipId: empty.township.id })
		expect(alsoRetireTownship.status).toBe(200)
		expect(await prisma.auditLog.count({ where: { action: 'geography.township_retire', entityId: empty.township.id } })).toBe(1)
	})
})

describe('communities entered before townships existed', () => {
	it('stay choosable for elders, are listed for the district, and are moved under a township (audited)', async () => {
		const officer = await signIn(DONGBAO_OFFICER)
		const orphan = await prisma.community.create({ data: { districtId: 'dongbao', nameZh: `旧社区${process.pid}`, kind: 'urban_community' }, select: { id: true } })
		const form = await callLoader(newElder, '/elders/new', { as: officer })
		expect(text(form.data)).toContain(orphan.id)
		const page = await callLoader<{ unassigned: number }>(geography, '/bureau/geography?township=none', { as: officer })
		expect(page.data.unassigned).toBeGreaterThan(0)
		expect(text(page.data)).toContain(orphan.id)

		const place = await makePlace('dongbao')
		const elsewhere = await prisma.township.findFirstOrThrow({ where: { districtId: 'zhongxiang' }, select: { id: true } })
		const wrong = await change(officer, { intent: 'move-community', communityId: orphan.id, townshipId: elsewhere.id })
		expect(wrong.status).toBe(400)
		expect(text(wrong.data)).toContain('geography.errors.mergeOtherDistrict')
		const noTownship = await change(officer, { intent: 'move-community', communityId: orphan.id, townshipId: 'x' })
		expect(noTownship.status).toBe(400)
		expect(text(noTownship.data)).toContain('geography.errors.township')
		const moved = await change(officer, { intent: 'move-community', communityId: orphan.id, townshipId: place.township.id })
		expect(moved.status, text(moved.data)).toBe(200)
		expect(await prisma.community.findUniqueOrThrow({ where: { id: orphan.id }, select: { townshipId: true } })).toEqual({ townshipId: place.township.id })
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'geography.community_move', entityId: orphan.id } })
		expect(entry.details).toMatchObject({ before: { townshipId: null }, after: { townshipId: place.township.id } })
		const again = await change(officer, { intent: 'move-community', communityId: orphan.id, townshipId: place.township.id })
		expect(again.status).toBe(400)
		expect(text(again.data)).toContain('geography.errors.mergeSelf')
	})
})

let elderSeq = 0
async function elderIn(communityId: string) {
	const officer = await signIn(DONGBAO_OFFICER)
	for (;;) {
		const id = makeIdNumber('420802', '1942-04-04', 100 + ((process.pid * 3 + elderSeq++ * 11) % 800))
		if (await prisma.elder.findUnique({ where: { idNumberHash: hashIdNumber(id) }, select: { id: true } })) continue
		const res = await callAction(newElder, '/elders/new', { idNumber: id, name: '测试老人', districtId: 'dongbao', communityId }, { as: officer })
		expect(res.status, text(res.data)).toBe(302)
		return res.location!.split('/').at(-1)!
	}
}
