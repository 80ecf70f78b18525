// Issue 11 item 4: a family claims an elder already in the registry; the elder's community decides.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import * as claimsPage from '~/routes/elders.claims.tsx'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as eldersList from '~/routes/elders._index.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import * as notificationsPage from '~/routes/notifications.tsx'
import { makeUser } from '../factories/accounts.ts'
import { makeOfficer, makePlace, townshipOfficerOf } from '../factories/registry.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
let seq = 100
const freshIdNumber = (birthDate = '1940-05-06') => makeIdNumber('420802', birthDate, seq++ + (process.pid % 500))

async function family(name = '周敏') {
	const user = await makeUser({ role: 'family', name })
	return { ...(await signIn(user)), userId: user.id, phone: user.phone }
}
type Visitor = Awaited<ReturnType<typeof signIn>>
const addElder = (as: Visitor, fields: Record<string, string>) => callAction(newElder, '/elders/new', { elderConsent: 'on', ...fields }, { as })
const decide = (as: Visitor, fields: Record<string, string>) => callAction(claimsPage, '/elders/claims', fields, { as })

async function setting() {
	const { community } = await makePlace('dongbao')
	const other = await makePlace('dongbao')
	const officer = await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: community.id }))
	const stranger = await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: other.community.id }))
	return { community, other: other.community, officer, stranger }
}

describe('a family claims an elder already in the registry', () => {
	it('files a request instead of a refusal, reveals nothing, and the elder’s community confirms it', async () => {
		const { community, other, officer, stranger } = await setting()
		const first = await family('第一家属')
		const idNumber = freshIdNumber()
		expect((await addElder(first, { idNumber, name: '吴德明', relationship: 'child', districtId: 'dongbao', communityId: community.id })).status).toBe(302)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(idNumber) }, select: { id: true, idNumberMasked: true } })

		// A second family types a different name and another community: a request, not the old false message.
		const second = await family('第二家属')
		const fields = { idNumber, name: '吴老爷子', relationship: 'grandchild', districtId: 'dongbao', communityId: other.id }
		const res = await addElder(second, fields)
		expect(res.status).toBe(302)
		expect(res.location).toBe('/elders?claim=sent')
		// Sent again: still one pending request.
		expect((await addElder(second, fields)).location).toBe('/elders?claim=sent')
		expect(await prisma.familyClaim.count({ where: { elderId: elder.id, userId: second.userId, status: 'pending' } })).toBe(1)
		expect(await prisma.elder.count({ where: { idNumberHash: hashIdNumber(idNumber) } })).toBe(1)

		// The family sees its request: what it typed and who acts, nothing of the elder.
		const mine = await callLoader(eldersList, '/elders?claim=sent', { as: second })
		const mineText = text(mine.data)
		expect(mineText).toContain('吴老爷子')
		expect(mineText).toContain('"status":"pending"')
		expect(mineText).not.toContain('吴德明')
		expect(mineText).not.toContain(elder.id)
		expect(mineText).not.toContain(elder.idNumberMasked)
		expect(mineText).not.toContain(community.nameZh) // the family named another community
		expect((await callLoader(elderPage, `/elders/${elder.id}`, { as: second, params: { elderId: elder.id } })).status).toBe(404)

		// Out of scope: not listed, and deciding is 404.
		const claim = await prisma.familyClaim.findFirstOrThrow({ where: { elderId: elder.id, userId: second.userId }, select: { id: true } })
		expect(text((await callLoader(claimsPage, '/elders/claims', { as: stranger })).data)).not.toContain(claim.id)
		expect((await decide(stranger, { claimId: claim.id, decision: 'confirm' })).status).toBe(404)
		expect((await callLoader(claimsPage, '/elders/claims', { as: second })).status).toBe(403)

		// In scope: told in the inbox, listed with the family and what it typed; the officer list links to it.
		expect(await prisma.notification.count({ where: { userId: officer.userId!, kind: 'registry.claim_requested' } })).toBe(1)
		const queue = text((await callLoader(claimsPage, '/elders/claims', { as: officer })).data)
		expect(queue).toContain(claim.id)
		expect(queue).toContain('吴老爷子')
		expect(text((await callLoader(eldersList, '/elders', { as: officer })).data)).toMatch(/"pendingClaims":[1-9]/)

		const confirmed = await decide(officer, { claimId: claim.id, decision: 'confirm' })
		expect(confirmed.status).toBe(200)
		expect(await prisma.familyLink.count({ where: { elderId: elder.id, userId: second.userId } })).toBe(1)
		expect((await callLoader(elderPage, `/elders/${elder.id}`, { as: second, params: { elderId: elder.id } })).status).toBe(200)
		expect((await decide(officer, { claimId: claim.id, decision: 'refuse', reason: '晚了' })).status).toBe(409)

		const notes = await prisma.notification.findMany({ where: { userId: second.userId, kind: 'registry.claim_confirmed' } })
		expect(notes).toHaveLength(1)
		expect(await prisma.outbox.count({ where: { template: 'registry.claim_confirmed', toPhone: second.phone } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'elder.claim_confirm', entityId: elder.id } })).toBe(1)
		expect(text((await callLoader(notificationsPage, '/notifications', { as: second })).data)).toContain('registry.claim_confirmed')
	})

	it('claims an elder an officer registered with no family; a refusal needs a reason the family reads', async () => {
		const { community, officer } = await setting()
		const idNumber = freshIdNumber('1936-01-09')
		const registered = await callAction(
			newElder,
			'/elders/new',
			{ idNumber, name: '郑秀英', districtId: 'dongbao', communityId: community.id },
			{ as: officer },
		)
		expect(registered.status).toBe(302)
		const elderId = registered.location!.split('/').at(-1)!

		const claimant = await family()
		const res = await addElder(claimant, { idNumber, name: '郑秀英', relationship: 'child', districtId: 'dongbao', communityId: community.id })
		expect(res.location).toBe('/elders?claim=sent')
		// The family named the right community, so it is told which office acts and when it is open.
		const mine = text((await callLoader(eldersList, '/elders', { as: claimant })).data)
		expect(mine).toContain(community.nameZh)
		expect(mine).toContain('openingHours')

		const claim = await prisma.familyClaim.findFirstOrThrow({ where: { elderId, userId: claimant.userId }, select: { id: true } })
		// The township above the community and the district bureau see it too; another district does not.
		const township = await signIn(await townshipOfficerOf(community.id))
		expect(text((await callLoader(claimsPage, '/elders/claims', { as: township })).data)).toContain(claim.id)
		const district = await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' }))
		expect(text((await callLoader(claimsPage, '/elders/claims', { as: district })).data)).toContain(claim.id)
		const elsewhere = await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'zhongxiang' }))
		expect(text((await callLoader(claimsPage, '/elders/claims', { as: elsewhere })).data)).not.toContain(claim.id)
		const noReason = await decide(officer, { claimId: claim.id, decision: 'refuse' })
		expect(noReason.status).toBe(400)
		expect(text(noReason.data)).toContain('registry.errors.noteRequired')
		expect((await prisma.familyClaim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe('pending')

		expect((await decide(officer, { claimId: claim.id, decision: 'refuse', reason: '关系无法核实' })).status).toBe(200)
		expect(await prisma.familyLink.count({ where: { elderId, userId: claimant.userId } })).toBe(0)
		const note = await prisma.notification.findFirstOrThrow({ where: { userId: claimant.userId, kind: 'registry.claim_refused' } })
		expect(note.params).toMatchObject({ elder: '郑秀英', reason: '关系无法核实' })
		expect(await prisma.auditLog.count({ where: { action: 'elder.claim_refuse', entityId: elderId } })).toBe(1)
		const after = text((await callLoader(eldersList, '/elders', { as: claimant })).data)
		expect(after).toContain('"status":"refused"')
		expect(after).toContain('关系无法核实')

		// A refused request does not block a new one.
		expect((await addElder(claimant, { idNumber, name: '郑秀英', relationship: 'child', districtId: 'dongbao', communityId: community.id })).location).toBe('/elders?claim=sent')
		expect(await prisma.familyClaim.count({ where: { elderId, userId: claimant.userId, status: 'pending' } })).toBe(1)
	})

	it('keeps at most one pending request per family and elder in the database', async () => {
		const { community } = await setting()
		const owner = await family()
		const idNumber = freshIdNumber('1939-09-09')
		await addElder(owner, { idNumber, name: '孙桂兰', relationship: 'child', districtId: 'dongbao', communityId: community.id })
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(idNumber) }, select: { id: true } })
		const claimant = await family()
		const row = { elderId: elder.id, userId: claimant.userId, relationship: 'child' as const, typedName: '孙桂兰' }
		await prisma.familyClaim.create({ data: row })
		await expect(prisma.familyClaim.create({ data: row })).rejects.toThrow()
		await prisma.familyClaim.create({ data: { ...row, status: 'refused' } })
	})
})
