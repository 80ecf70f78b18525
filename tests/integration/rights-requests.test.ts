// PIPL arts. 44–50: rights a linked family exercises for an elder that need an officer (a copy of the
// elder's record, a correction, a deletion), filed online and decided once by the officers who hold
// the record within 30 days; a fulfilled copy is downloaded after the password again.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { addDays, shanghaiDate, toDateString } from '~/lib/time.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import { RIGHTS_DUE_DAYS, RIGHTS_REMIND_DAYS } from '~/modules/rights/rules.ts'
import { remindRightsRequests } from '~/modules/rights/reminders.server.ts'
import * as dataPage from '~/routes/account.data.tsx'
import * as myRequests from '~/routes/account.requests.tsx'
import * as copyFile from '~/routes/account.requests_.$requestId.copy[.]json.ts'
import * as eldersList from '~/routes/elders._index.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import * as notificationsPage from '~/routes/notifications.tsx'
import * as queue from '~/routes/registry.requests.tsx'
import * as recordPage from '~/routes/registry.requests_.new.tsx'
import * as paperPage from '~/routes/registry.requests_.$requestId.paper.tsx'
import { listAuditLog } from '~/modules/audit/audit.server.ts'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { makeRegisteredElder } from '../factories/beds.ts'
import { makeOfficer, makePlace, townshipOfficerOf } from '../factories/registry.ts'
import { anonymous, callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
let seq = 600
const freshIdNumber = () => makeIdNumber('420802', '1938-07-09', seq++ + (process.pid % 300))

type Family = Visitor & { userId: string; elderId: string; idNumber: string }

/** A family member who added an elder of `communityId` (the link and the elder's consent with it). */
async function familyWithElder(communityId: string, name = '钱家属'): Promise<Family> {
	const user = await makeUser({ role: 'family', name })
	const as = await signIn(user)
	const idNumber = freshIdNumber()
	const res = await callAction(newElder, '/elders/new', { idNumber, name: '孙桂兰', relationship: 'child', districtId: 'dongbao', communityId, elderConsent: 'on' }, { as })
	expect(res.status).toBe(302)
	const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(idNumber) }, select: { id: true } })
	return { ...as, userId: user.id, elderId: elder.id, idNumber }
}

async function setting() {
	const { community } = await makePlace('dongbao')
	const other = await makePlace('dongbao')
	const officer = await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: community.id, name: '何干事' }))
	const officerUserId = officer.userId!
	const stranger = await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: other.community.id }))
	const family = await familyWithElder(community.id)
	return { community, officer, officerUserId, stranger, family }
}

const file = (as: Visitor, fields: Record<string, string>) => callAction(myRequests, '/account/requests', { intent: 'file', formId: 'file-request', ...fields }, { as })
const decide = (as: Visitor, fields: Record<string, string>) => callAction(queue, '/registry/requests', fields, { as })
const download = (as: Visitor, id: string) => callLoader(copyFile, `/account/requests/${id}/copy.json`, { as, params: { requestId: id } })
const requestOf = (userId: string, kind: 'copy' | 'correction' | 'deletion') => prisma.rightsRequest.findFirstOrThrow({ where: { userId, kind }, orderBy: { createdAt: 'desc' } })

describe('filing a request about a linked elder', () => {
	it('files each kind with bounded details, one open of a kind at a time, audited and told to the community', async () => {
		const { officerUserId, family } = await setting()
		const copy = await file(family, { elderId: family.elderId, kind: 'copy', wrongInfo: '不该保存的内容' })
		expect(copy.status).toBe(200)
		const filed = await requestOf(family.userId, 'copy')
		// The details of another kind are not kept; due 30 days after the Shanghai filing date.
		expect(filed.wrongInfo).toBeNull()
		expect(toDateString(filed.dueOn)).toBe(addDays(shanghaiDate(filed.createdAt), RIGHTS_DUE_DAYS))
		expect(filed.status).toBe('open')

		// A correction names what is wrong and what it should be; a deletion its reason.
		const noDetails = await file(family, { elderId: family.elderId, kind: 'correction' })
		expect(noDetails.status).toBe(400)
		expect(text(noDetails.data)).toContain('rights.errors.wrongInfoRequired')
		expect(text(noDetails.data)).toContain('rights.errors.correctInfoRequired')
		const tooLong = await file(family, { elderId: family.elderId, kind: 'correction', wrongInfo: '电'.repeat(501), correctInfo: '1' })
		expect(tooLong.status).toBe(400)
		expect(text(tooLong.data)).toContain('rights.errors.tooLong')
		const control = await file(family, { elderId: family.elderId, kind: 'deletion', reason: 'a\u202eb' })
		expect(control.status).toBe(400)
		expect((await file(family, { elderId: family.elderId, kind: 'correction', wrongInfo: '联系电话', correctInfo: '13912345678' })).status).toBe(200)
		const noReason = await file(family, { elderId: family.elderId, kind: 'deletion' })
		expect(noReason.status).toBe(400)
		expect(text(noReason.data)).toContain('rights.errors.reasonRequired')
		expect((await file(family, { elderId: family.elderId, kind: 'deletion', reason: '紧急联系人已不再联系' })).status).toBe(200)
		expect(await prisma.rightsRequest.count({ where: { userId: family.userId } })).toBe(3)

		// The same kind again while the first is open: 409, nothing written.
		const again = await file(family, { elderId: family.elderId, kind: 'copy' })
		expect(again.status).toBe(409)
		expect(text(again.data)).toContain('rights.errors.alreadyOpen')
		expect(await prisma.rightsRequest.count({ where: { userId: family.userId, kind: 'copy' } })).toBe(1)
		// A bad kind or elder id: 400, never 500.
		expect((await file(family, { elderId: family.elderId, kind: 'erase_everything' })).status).toBe(400)
		expect((await file(family, { elderId: 'not-a-uuid', kind: 'copy' })).status).toBe(400)

		expect(await prisma.auditLog.count({ where: { action: 'rights.request_file', actorId: family.userId } })).toBe(3)
		expect(await prisma.notification.count({ where: { userId: officerUserId, kind: 'rights.requested' } })).toBe(3)
		expect(text((await callLoader(notificationsPage, '/notifications', { as: await signIn({ id: officerUserId }) })).data)).toContain('rights.requested')

		// The family's page lists them with their state; /account/data links to it.
		const page = await callLoader(myRequests, '/account/requests', { as: family })
		expect(page.status).toBe(200)
		expect(text(page.data)).toContain(filed.id)
		expect(text(page.data)).toContain('"status":"open"')
		expect((await callLoader(dataPage, '/account/data', { as: family })).status).toBe(200)
	})

	it('is refused without a link to the elder, and to anyone but a family', async () => {
		const { family, officer } = await setting()
		const outsider = await signIn(await makeUser({ role: 'family', name: '陌生人' }))
		const res = await file(outsider, { elderId: family.elderId, kind: 'copy' })
		expect(res.status).toBe(404)
		expect(text(res.data)).toContain('rights.errors.notLinked')
		expect((await file(officer, { elderId: family.elderId, kind: 'copy' })).status).toBe(403)
		expect((await callLoader(myRequests, '/account/requests', { as: officer })).status).toBe(403)
		expect((await callLoader(myRequests, '/account/requests', { as: await anonymous() })).status).toBe(302)
		// Without a CSRF token nothing is written.
		expect((await callAction(myRequests, '/account/requests', { intent: 'file', elderId: family.elderId, kind: 'copy' }, { as: family, csrf: false })).status).toBe(403)
		expect(await prisma.rightsRequest.count({ where: { elderId: family.elderId } })).toBe(0)
	})
})

describe('officers decide within their scope', () => {
	it('shows the request to the officers who hold the record, and 404 to others', async () => {
		const { community, officer, stranger, family } = await setting()
		await file(family, { elderId: family.elderId, kind: 'copy' })
		const request = await requestOf(family.userId, 'copy')
		const sees = async (as: Visitor) => text((await callLoader(queue, '/registry/requests', { as })).data).includes(request.id)

		expect(await sees(officer)).toBe(true)
		// The officer's registry list points to the queue.
		expect(text((await callLoader(eldersList, '/elders', { as: officer })).data)).toMatch(/"openRightsRequests":[1-9]/)
		expect(await sees(await signIn(await townshipOfficerOf(community.id)))).toBe(true)
		expect(await sees(await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })))).toBe(true)
		expect(await sees(await signIn('13800000041'))).toBe(true)
		const elsewhere = await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'zhongxiang' }))
		expect(await sees(elsewhere)).toBe(false)
		expect(await sees(stranger)).toBe(false)

		expect((await decide(stranger, { requestId: request.id, decision: 'fulfil' })).status).toBe(404)
		expect((await decide(elsewhere, { requestId: request.id, decision: 'fulfil' })).status).toBe(404)
		expect((await decide(family, { requestId: request.id, decision: 'fulfil' })).status).toBe(403)
		expect((await callLoader(queue, '/registry/requests', { as: family })).status).toBe(403)
		expect((await callLoader(queue, '/registry/requests', { as: await signIn('13800000011') })).status).toBe(403)
		expect((await prisma.rightsRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('open')
	})

	it('decides once: a refusal needs its reasons, a correction what was changed; audited and told to the family', async () => {
		const { officer, officerUserId, family } = await setting()
		await file(family, { elderId: family.elderId, kind: 'correction', wrongInfo: '紧急联系人电话', correctInfo: '13700001111' })
		await file(family, { elderId: family.elderId, kind: 'deletion', reason: '不再需要' })
		const correction = await requestOf(family.userId, 'correction')
		const deletion = await requestOf(family.userId, 'deletion')

		const bare = await decide(officer, { requestId: deletion.id, decision: 'refuse' })
		expect(bare.status).toBe(400)
		expect(text(bare.data)).toContain('rights.errors.refusalReason')
		const blank = await decide(officer, { requestId: deletion.id, decision: 'refuse', answer: '   ' })
		expect(blank.status).toBe(400)
		const unsaid = await decide(officer, { requestId: correction.id, decision: 'fulfil' })
		expect(unsaid.status).toBe(400)
		expect(text(unsaid.data)).toContain('rights.errors.answerRequired')
		expect(await prisma.rightsRequest.count({ where: { userId: family.userId, status: 'open' } })).toBe(2)

		// The queue links a correction to the elder's edit page, where the record is changed (audited there).
		expect(text((await callLoader(queue, '/registry/requests', { as: officer })).data)).toContain(correction.id)
		expect((await decide(officer, { requestId: correction.id, decision: 'fulfil', answer: '已将紧急联系人电话改为 13700001111' })).status).toBe(200)
		expect((await decide(officer, { requestId: deletion.id, decision: 'refuse', answer: '紧急联系人是发放高龄津贴需要的信息，依法保存' })).status).toBe(200)

		// Once only.
		const twice = await decide(officer, { requestId: correction.id, decision: 'refuse', answer: '改变主意' })
		expect(twice.status).toBe(409)
		expect(text(twice.data)).toContain('rights.errors.decided')
		const done = await prisma.rightsRequest.findUniqueOrThrow({ where: { id: correction.id } })
		expect(done).toMatchObject({ status: 'fulfilled', decidedById: officerUserId, answer: '已将紧急联系人电话改为 13700001111' })
		expect((await prisma.rightsRequest.findUniqueOrThrow({ where: { id: deletion.id } })).status).toBe('refused')

		expect(await prisma.auditLog.count({ where: { action: 'rights.request_fulfil', entityId: correction.id, actorId: officerUserId } })).toBe(1)
		// The audit log names the request by its elder.
		const logged = await listAuditLog(await sessionUser('13800000041'), { page: 1, entityType: 'rights_request', entityId: correction.id })
		expect(logged.entries.map((e) => [e.action, e.objectLabel])).toEqual(expect.arrayContaining([['rights.request_fulfil', '孙桂兰'], ['rights.request_file', '孙桂兰']]))
		expect(await prisma.auditLog.count({ where: { action: 'rights.request_refuse', entityId: deletion.id, actorId: officerUserId } })).toBe(1)
		expect(await prisma.notification.count({ where: { userId: family.userId, kind: 'rights.fulfilled' } })).toBe(1)
		const refusal = await prisma.notification.findFirstOrThrow({ where: { userId: family.userId, kind: 'rights.refused' } })
		expect(refusal.params).toMatchObject({ answer: '紧急联系人是发放高龄津贴需要的信息，依法保存' })

		// The family reads the answers; the officers' history keeps the decided ones, the queue no longer has them.
		const mine = text((await callLoader(myRequests, '/account/requests', { as: family })).data)
		expect(mine).toContain('"status":"refused"')
		expect(mine).toContain('依法保存')
		const page = (await callLoader<{ open: { id: string }[]; decided: { id: string; status: string }[] }>(queue, '/registry/requests', { as: officer })).data
		expect(page.open.map((r) => r.id)).not.toContain(correction.id)
		expect(page.decided.map((r) => r.id)).toEqual(expect.arrayContaining([correction.id, deletion.id]))

		// A decided kind can be asked again.
		expect((await file(family, { elderId: family.elderId, kind: 'deletion', reason: '再次申请' })).status).toBe(200)
	})

	it('lists open requests oldest first with their due date, overdue ones marked', async () => {
		const { officer, family } = await setting()
		await file(family, { elderId: family.elderId, kind: 'copy' })
		await file(family, { elderId: family.elderId, kind: 'deletion', reason: '不再需要' })
		const late = await requestOf(family.userId, 'deletion')
		const fresh = await requestOf(family.userId, 'copy')
		// Filed 40 days ago: due 10 days ago.
		const filedOn = addDays(shanghaiDate(), -40)
		await prisma.rightsRequest.update({ where: { id: late.id }, data: { createdAt: new Date(`${filedOn}T02:00:00Z`), dueOn: new Date(`${addDays(filedOn, RIGHTS_DUE_DAYS)}T00:00:00Z`) } })
		// Due today: not yet overdue.
		await prisma.rightsRequest.update({ where: { id: fresh.id }, data: { createdAt: new Date(`${addDays(shanghaiDate(), -30)}T02:00:00Z`), dueOn: new Date(`${shanghaiDate()}T00:00:00Z`) } })

		const open = (await callLoader<{ open: { id: string; dueOn: string; overdue: boolean }[] }>(queue, '/registry/requests', { as: officer })).data.open
		const mine = open.filter((r) => r.id === late.id || r.id === fresh.id)
		expect(mine.map((r) => r.id)).toEqual([late.id, fresh.id])
		expect(mine[0]).toMatchObject({ overdue: true, dueOn: addDays(filedOn, RIGHTS_DUE_DAYS) })
		expect(mine[1]).toMatchObject({ overdue: false, dueOn: shanghaiDate() })
		expect(text((await callLoader(myRequests, '/account/requests', { as: family })).data)).toContain('"overdue":true')
	})
})

describe('the copy of the elder’s record', () => {
	it('is downloaded only after fulfilment, by the requester, after the password again, masked and audited', async () => {
		const { officer, family, community } = await setting()
		await file(family, { elderId: family.elderId, kind: 'copy' })
		const request = await requestOf(family.userId, 'copy')
		const downloads = () => prisma.auditLog.count({ where: { action: 'rights.record_copy', entityId: request.id } })

		// Not yet fulfilled: 404.
		expect((await download(family, request.id)).status).toBe(404)
		expect((await decide(officer, { requestId: request.id, decision: 'fulfil' })).status).toBe(200)

		expect(text((await callLoader(myRequests, '/account/requests', { as: family })).data)).toContain('"downloadable":true')
		const res = await download(family, request.id)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="yiyang-elder-record-\d{4}-\d{2}-\d{2}\.json"$/)
		expect(res.headers.get('cache-control')).toBe('no-store')
		const copy = res.data as { elder: { name: string; idNumber: string; community: string; age: number }; statuses: unknown[]; assessments: unknown[]; grants: unknown[]; allowancePayments: unknown[] }
		expect(copy.elder.name).toBe('孙桂兰')
		expect(copy.elder.community).toBe(community.nameZh)
		expect(copy.elder.idNumber).toMatch(/^\d{4}\*+[\dX]{2}$/)
		expect(copy.elder.age).toBeGreaterThanOrEqual(80)
		for (const part of [copy.statuses, copy.assessments, copy.grants, copy.allowancePayments]) expect(Array.isArray(part)).toBe(true)
		const raw = text(res.data)
		expect(raw).not.toContain(family.idNumber)
		expect(raw).not.toContain('1938-07-09')
		expect(raw).not.toContain('何干事')
		expect(await downloads()).toBe(1)
		expect((await download(family, request.id)).status).toBe(200)
		expect(await downloads()).toBe(2)

		// Another family, an officer, a visitor: not theirs.
		const outsider = await signIn(await makeUser({ role: 'family' }))
		expect((await download(outsider, request.id)).status).toBe(404)
		expect((await download(officer, request.id)).status).toBe(403)
		expect((await download(await anonymous(), request.id)).status).toBe(302)
		expect((await callLoader(copyFile, '/account/requests/x/copy.json', { as: family, params: { requestId: 'x' } })).status).toBe(404)

		// An old session asks for the password again, and hands out nothing meanwhile.
		await prisma.session.updateMany({ where: { userId: family.userId }, data: { authenticatedAt: new Date(Date.now() - 60 * 60 * 1000) } })
		const stale = await download(family, request.id)
		expect(stale.status).toBe(302)
		expect(stale.location).toBe(`/reauth?redirectTo=${encodeURIComponent('/account/requests')}`)
		expect(await downloads()).toBe(2)
	})

	it('ends with the link: withdrawing the elder’s consent withdraws open requests and stops the copy', async () => {
		const { officer, family } = await setting()
		await file(family, { elderId: family.elderId, kind: 'copy' })
		const copy = await requestOf(family.userId, 'copy')
		await decide(officer, { requestId: copy.id, decision: 'fulfil' })
		await file(family, { elderId: family.elderId, kind: 'deletion', reason: '不再需要' })
		const open = await requestOf(family.userId, 'deletion')

		const withdrawn = await callAction(dataPage, '/account/data', { intent: 'withdraw', formId: `withdraw-${family.elderId}`, elderId: family.elderId, confirm: 'on' }, { as: family })
		expect(withdrawn.status).toBe(200)
		expect((await prisma.rightsRequest.findUniqueOrThrow({ where: { id: open.id } })).status).toBe('withdrawn')
		expect((await download(family, copy.id)).status).toBe(404)
		expect(text((await callLoader(myRequests, '/account/requests', { as: family })).data)).toContain('"downloadable":false')
		expect((await decide(officer, { requestId: open.id, decision: 'fulfil', answer: '已删除' })).status).toBe(409)
	})
})

describe('reminders of the due date', () => {
	it('remind the community five days before, raise it to the district the day after, each once, and never a decided request', async () => {
		const { officer, officerUserId, family } = await setting()
		const district = await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' })
		expect((await file(family, { elderId: family.elderId, kind: 'copy' })).status).toBe(200)
		const request = await requestOf(family.userId, 'copy')
		const dueOn = toDateString(request.dueOn)
		const told = (userId: string, kind: string) => prisma.notification.findMany({ where: { userId, kind, params: { path: ['requestId'], equals: request.id } }, select: { params: true } })
		const texts = (phone: string, template: string) => prisma.outbox.count({ where: { toPhone: phone, template, dedupeKey: { contains: request.id } } })

		await remindRightsRequests(addDays(dueOn, -RIGHTS_REMIND_DAYS - 1))
		expect(await told(officerUserId, 'rights.due_soon')).toEqual([])
		await remindRightsRequests(addDays(dueOn, -RIGHTS_REMIND_DAYS))
		await remindRightsRequests(addDays(dueOn, -RIGHTS_REMIND_DAYS))
		expect(await told(officerUserId, 'rights.due_soon')).toEqual([{ params: { elder: '孙桂兰', day: dueOn, requestId: request.id } }])
		const officerPhone = (await prisma.user.findUniqueOrThrow({ where: { id: officerUserId }, select: { phone: true } })).phone
		expect(await texts(officerPhone, 'rights.due_soon')).toBe(1)
		expect(await told(district.id, 'rights.due_soon')).toEqual([])
		// On the due date it is not overdue yet.
		await remindRightsRequests(dueOn)
		expect(await told(officerUserId, 'rights.overdue')).toEqual([])
		// The day after: the community again, and the district's officers, once.
		await remindRightsRequests(addDays(dueOn, 1))
		await remindRightsRequests(addDays(dueOn, 2))
		expect(await told(officerUserId, 'rights.overdue')).toHaveLength(1)
		expect(await told(district.id, 'rights.overdue')).toEqual([{ params: { elder: '孙桂兰', day: dueOn, requestId: request.id } }])
		expect(await texts(district.phone, 'rights.overdue')).toBe(1)
		expect(await prisma.rightsRequest.findUniqueOrThrow({ where: { id: request.id }, select: { remindedOn: true, escalatedOn: true } })).toEqual({ remindedOn: new Date(`${addDays(dueOn, -RIGHTS_REMIND_DAYS)}T00:00:00Z`), escalatedOn: new Date(`${addDays(dueOn, 1)}T00:00:00Z`) })

		// A request answered in time is never raised.
		expect((await file(family, { elderId: family.elderId, kind: 'deletion', reason: '老人已搬离本市' })).status).toBe(200)
		const deletion = await requestOf(family.userId, 'deletion')
		expect((await decide(officer, { requestId: deletion.id, decision: 'refuse', answer: '仍在本市领取津贴' })).status).toBe(200)
		await remindRightsRequests(addDays(toDateString(deletion.dueOn), 1))
		expect(await prisma.rightsRequest.findUniqueOrThrow({ where: { id: deletion.id }, select: { remindedOn: true, escalatedOn: true } })).toEqual({ remindedOn: null, escalatedOn: null })
	})
})

describe('a family withdrawing its own request', () => {
	it('withdraws its open request once, audited; never another family’s or an answered one; the kind can be filed again', async () => {
		const { officer, family, community } = await setting()
		const other = await familyWithElder(community.id, '周家属')
		const withdraw = (as: Visitor, requestId: string) => callAction(myRequests, '/account/requests', { intent: 'withdraw', formId: `withdraw-${requestId}`, requestId }, { as })
		expect((await file(family, { elderId: family.elderId, kind: 'copy' })).status).toBe(200)
		const request = await requestOf(family.userId, 'copy')
		expect((await withdraw(other, request.id)).status).toBe(404)
		expect((await withdraw(officer, request.id)).status).toBe(403)
		expect((await withdraw(family, 'not-a-uuid')).status).toBe(400)
		expect((await withdraw(family, request.id)).status).toBe(200)
		expect(await prisma.rightsRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true } })).toEqual({ status: 'withdrawn' })
		expect(await prisma.auditLog.count({ where: { action: 'rights.request_withdraw', entityId: request.id, actorId: family.userId } })).toBe(1)
		const twice = await withdraw(family, request.id)
		expect(twice.status).toBe(409)
		expect(text(twice.data)).toContain('rights.errors.decided')
		// Withdrawn is closed: the officer cannot answer it, and the family may ask again.
		expect((await decide(officer, { requestId: request.id, decision: 'fulfil' })).status).toBe(409)
		expect((await file(family, { elderId: family.elderId, kind: 'copy' })).status).toBe(200)
		// An answered request is not withdrawn.
		const again = await requestOf(family.userId, 'copy')
		expect((await decide(officer, { requestId: again.id, decision: 'fulfil' })).status).toBe(200)
		expect((await withdraw(family, again.id)).status).toBe(409)
	})
})

describe('a request made in person at the office', () => {
	/** An elder of the setting's community with no family account, as the office registered them. */
	async function elderWithoutFamily(communityId: string) {
		const elder = await makeRegisteredElder('郑桂芝')
		await prisma.elder.update({ where: { id: elder.id }, data: { communityId } })
		return elder
	}
	const record = (as: Visitor, elderId: string, fields: Record<string, string>) =>
		callAction(recordPage, `/registry/requests/new?elder=${elderId}`, { intent: 'record', formId: 'record-request', elderId, requesterRelation: 'self', requesterName: '郑桂芝', identityDocument: 'resident_id', ...fields }, { as })
	const paper = (as: Visitor, id: string) => callLoader(paperPage, `/registry/requests/${id}/paper`, { as, params: { requestId: id } })
	const inPersonOf = (elderId: string, kind: 'copy' | 'correction' | 'deletion') => prisma.rightsRequest.findFirstOrThrow({ where: { elderId, kind, userId: null }, orderBy: { createdAt: 'desc' } })

	it('is recorded by an officer in scope once the requester’s document fits who they are; a receipt with the due date; audited and told to the other officers', async () => {
		const { community, officer, officerUserId, stranger } = await setting()
		const colleague = await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: community.id })
		const elder = await elderWithoutFamily(community.id)
		expect((await callLoader(recordPage, `/registry/requests/new?elder=${elder.id}`, { as: officer })).status).toBe(200)

		// What the officer checked must fit who asks; the name is a name; the number a mobile number; a correction says what.
		const wrongDocument = await record(officer, elder.id, { kind: 'copy', identityDocument: 'guardianship' })
		expect(wrongDocument.status).toBe(400)
		expect(text(wrongDocument.data)).toContain('rights.errors.documentFor.self')
		const agentWithoutAuthorisation = await record(officer, elder.id, { kind: 'copy', requesterRelation: 'agent', requesterName: '郑小明', identityDocument: 'resident_id' })
		expect(text(agentWithoutAuthorisation.data)).toContain('rights.errors.documentFor.agent')
		expect(text((await record(officer, elder.id, { kind: 'copy', requesterName: '郑桂芝1' })).data)).toContain('errors.name.invalid')
		expect(text((await record(officer, elder.id, { kind: 'copy', contactPhone: '0724-2345678' })).data)).toContain('errors.phone.invalid')
		expect(text((await record(officer, elder.id, { kind: 'correction', wrongInfo: '住址' })).data)).toContain('rights.errors.correctInfoRequired')
		expect(await prisma.rightsRequest.count({ where: { elderId: elder.id } })).toBe(0)

		const done = await record(officer, elder.id, { kind: 'copy', contactPhone: '13912340001', wrongInfo: '不保存' })
		expect(done.status).toBe(302)
		const filed = await inPersonOf(elder.id, 'copy')
		expect(done.location).toBe(`/registry/requests/${filed.id}/paper`)
		expect(filed).toMatchObject({ userId: null, filedById: officerUserId, requesterName: '郑桂芝', requesterRelation: 'self', identityDocument: 'resident_id', contactPhone: '13912340001', wrongInfo: null, status: 'open' })
		expect(toDateString(filed.dueOn)).toBe(addDays(shanghaiDate(filed.createdAt), RIGHTS_DUE_DAYS))
		expect(await prisma.auditLog.count({ where: { action: 'rights.request_record', entityId: filed.id, actorId: officerUserId } })).toBe(1)
		// The other community officer is told; the one who recorded it is not.
		expect(await prisma.notification.count({ where: { kind: 'rights.requested', userId: colleague.id } })).toBe(1)
		expect(await prisma.notification.count({ where: { kind: 'rights.requested', userId: officerUserId } })).toBe(0)

		// The receipt to print: who asked, the due date, open.
		const receipt = await paper(officer, filed.id)
		expect(receipt.status).toBe(200)
		expect(text(receipt.data)).toContain('"requesterName":"郑桂芝"')
		expect(text(receipt.data)).toContain(`"dueOn":"${toDateString(filed.dueOn)}"`)
		expect(text(receipt.data)).toContain('"record":null')

		// One open request of a kind per elder among those made in person; a guardian may ask for a deletion meanwhile.
		const again = await record(officer, elder.id, { kind: 'copy' })
		expect(again.status).toBe(409)
		expect(text(again.data)).toContain('rights.errors.alreadyOpen')
		expect((await record(officer, elder.id, { kind: 'deletion', requesterRelation: 'guardian', requesterName: '郑小明', identityDocument: 'guardianship', reason: '已搬离' })).status).toBe(302)

		// Out of scope: another community's officer, another district's; a family, a provider: refused, nothing written.
		const before = await prisma.rightsRequest.count({ where: { elderId: elder.id } })
		expect((await callLoader(recordPage, `/registry/requests/new?elder=${elder.id}`, { as: stranger })).status).toBe(404)
		expect((await record(stranger, elder.id, { kind: 'correction', wrongInfo: '电话', correctInfo: '13900000000' })).status).toBe(404)
		const elsewhere = await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'zhongxiang' }))
		expect((await record(elsewhere, elder.id, { kind: 'correction', wrongInfo: '电话', correctInfo: '13900000000' })).status).toBe(404)
		expect((await paper(stranger, filed.id)).status).toBe(404)
		const family = await signIn(await makeUser({ role: 'family' }))
		expect((await record(family, elder.id, { kind: 'correction', wrongInfo: '电话', correctInfo: '13900000000' })).status).toBe(403)
		expect((await callLoader(recordPage, '/registry/requests/new?elder=not-an-id', { as: officer })).status).toBe(404)
		const malformed = await record(officer, 'not-an-id', { kind: 'copy' })
		expect(malformed.status).toBe(400)
		expect(text(malformed.data)).toContain('rights.errors.elder')
		expect(await prisma.rightsRequest.count({ where: { elderId: elder.id } })).toBe(before)
	})

	it('is decided in the same queue: the answer texted to the number given, once; the copy printed at the office, masked and audited', async () => {
		const { community, officer, officerUserId } = await setting()
		const elder = await elderWithoutFamily(community.id)
		await record(officer, elder.id, { kind: 'copy', contactPhone: '13912340002' })
		await record(officer, elder.id, { kind: 'deletion', requesterRelation: 'agent', requesterName: '郑小明', identityDocument: 'authorisation', reason: '紧急联系人已不再联系' })
		const copy = await inPersonOf(elder.id, 'copy')
		const deletion = await inPersonOf(elder.id, 'deletion')

		// The queue names who came to the office and what was checked.
		const queued = text((await callLoader(queue, '/registry/requests', { as: officer })).data)
		expect(queued).toContain(copy.id)
		expect(queued).toContain('"identityDocument":"authorisation"')

		expect((await decide(officer, { requestId: copy.id, decision: 'fulfil' })).status).toBe(200)
		expect((await decide(officer, { requestId: copy.id, decision: 'refuse', answer: '再试' })).status).toBe(409)
		const texts = await prisma.outbox.findMany({ where: { toPhone: '13912340002' } })
		expect(texts.map((m) => m.template)).toEqual(['rights.answered_in_person'])

		// Without a number, no text (and no in-app message: nobody has an account).
		expect((await decide(officer, { requestId: deletion.id, decision: 'refuse', answer: '该信息为发放津贴所必需，依法须保存' })).status).toBe(200)
		expect(await prisma.outbox.count({ where: { dedupeKey: { contains: deletion.id } } })).toBe(0)

		// The written answer, and for the copy the elder's record itself: masked, audited each time.
		const printed = await paper(officer, copy.id)
		expect(printed.status).toBe(200)
		const raw = text(printed.data)
		expect(raw).toContain('"status":"fulfilled"')
		expect(raw).toContain('"name":"郑桂芝"')
		expect(raw).toMatch(/"idNumber":"\d{4}\*+[\dX]{2}"/)
		expect(raw).not.toContain('1940-05-12')
		expect(await prisma.auditLog.count({ where: { action: 'rights.record_print', entityId: copy.id, actorId: officerUserId } })).toBe(1)
		await paper(officer, copy.id)
		expect(await prisma.auditLog.count({ where: { action: 'rights.record_print', entityId: copy.id } })).toBe(2)
		const refusal = await paper(officer, deletion.id)
		expect(text(refusal.data)).toContain('"status":"refused"')
		expect(text(refusal.data)).toContain('"record":null')
		expect(await prisma.auditLog.count({ where: { action: 'rights.record_print', entityId: deletion.id } })).toBe(0)

		// A family's online request is not the office's paper.
		const family = await familyWithElder(community.id)
		await file(family, { elderId: family.elderId, kind: 'copy' })
		expect((await paper(officer, (await requestOf(family.userId, 'copy')).id)).status).toBe(404)
	})

	it('is withdrawn at the requester’s word by an officer in scope, audited; a family’s own request is the family’s to withdraw', async () => {
		const { community, officer, stranger } = await setting()
		const elder = await elderWithoutFamily(community.id)
		await record(officer, elder.id, { kind: 'copy' })
		const request = await inPersonOf(elder.id, 'copy')
		const withdraw = (as: Visitor, requestId: string) => callAction(queue, '/registry/requests', { intent: 'withdraw', formId: `withdraw-${requestId}`, requestId }, { as })

		expect((await withdraw(stranger, request.id)).status).toBe(404)
		const family = await familyWithElder(community.id)
		await file(family, { elderId: family.elderId, kind: 'copy' })
		const online = await requestOf(family.userId, 'copy')
		expect((await withdraw(officer, online.id)).status).toBe(404)
		expect((await prisma.rightsRequest.findUniqueOrThrow({ where: { id: online.id } })).status).toBe('open')

		expect((await withdraw(officer, request.id)).status).toBe(200)
		expect((await prisma.rightsRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('withdrawn')
		expect(await prisma.auditLog.count({ where: { action: 'rights.request_withdraw', entityId: request.id } })).toBe(1)
		expect((await withdraw(officer, request.id)).status).toBe(409)
		// The kind can be asked for again.
		expect((await record(officer, elder.id, { kind: 'copy' })).status).toBe(302)
	})
})
