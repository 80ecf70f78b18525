// PIPL (个人信息保护法) rights a holder exercises alone: consents recorded with the notice version,
// a copy of one's own data, withdrawing an elder's consent, closing one's account.
import { describe, expect, it } from 'vitest'
import { prisma, transaction } from '~/lib/db.server.ts'
import { registerFamily } from '~/modules/accounts/accounts.server.ts'
import { PRIVACY_NOTICE_VERSION } from '~/modules/accounts/privacy.ts'
import { CLOSED_ACCOUNT_NAME } from '~/modules/accounts/privacy.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { cancelBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import * as dataPage from '~/routes/account.data.tsx'
import * as dataCopy from '~/routes/account.data[.]json.ts'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import * as registerRoute from '~/routes/register.tsx'
import { makeUser, uniquePhone } from '../factories/accounts.ts'
import { makeFamily, makeProvider, slotAt, type TestFamily } from '../factories/marketplace.ts'
import { makePlace } from '../factories/registry.ts'
import { anonymous, callAction, callLoader, signIn } from '../setup/route.ts'

const familyUser = (f: TestFamily): SessionUser => ({ id: f.userId, name: '家属测试', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null })
const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
let seq = 300
const freshIdNumber = () => makeIdNumber('420802', '1939-03-04', seq++ + (process.pid % 400))

/** Sessions whose last password check is older than the step-up window. */
async function ageSessions(userId: string) {
	await prisma.session.updateMany({ where: { userId }, data: { authenticatedAt: new Date(Date.now() - 60 * 60 * 1000) } })
}

async function openBooking(f: TestFamily) {
	const provider = await makeProvider({ autoConfirm: false })
	const booked = await createBooking(familyUser(f), provider.offeringId, {
		idempotencyKey: crypto.randomUUID().replaceAll('-', ''),
		elderId: f.elderId,
		startsAt: slotAt(4, '10:00'),
		expectedPriceFen: provider.priceFen,
		expectedCopayFen: provider.priceFen,
		serviceAddress: '东宝区龙泉社区3栋2单元',
		note: '',
	})
	if (!booked.ok) throw new Error(JSON.stringify(booked))
	return booked.value.bookingId
}

describe('consents', () => {
	it('registration needs the privacy notice ticked; the account and its consent are written together', async () => {
		const phone = uniquePhone()
		const visitor = await anonymous()
		const fields = { formId: 'register', name: '林秀梅', phone, code: '123456', password: 'Family2026x', confirmPassword: 'Family2026x' }
		const refused = await callAction(registerRoute, '/register', fields, { as: visitor })
		expect(refused.status).toBe(400)
		expect(text(refused.data)).toContain('errors.consent.privacyRequired')
		expect(await prisma.user.count({ where: { phone } })).toBe(0)
		// Something else than the box's own value is not a consent either.
		expect((await callAction(registerRoute, '/register', { ...fields, agreePrivacy: 'yes' }, { as: visitor })).status).toBe(400)

		const made = await registerFamily({ name: '林秀梅', phone, password: 'Family2026x', ip: '203.0.113.9' })
		expect(made.ok).toBe(true)
		const consent = await prisma.consent.findFirstOrThrow({ where: { user: { phone } } })
		expect(consent).toMatchObject({ kind: 'privacy_notice', elderId: null, noticeVersion: PRIVACY_NOTICE_VERSION, withdrawnAt: null, ip: '203.0.113.9' })
		// A taken phone: refused whole, no consent left without its account.
		const before = await prisma.consent.count()
		expect(await registerFamily({ name: '林秀梅', phone, password: 'Family2026x', ip: null })).toMatchObject({ ok: false, status: 409 })
		expect(await prisma.consent.count()).toBe(before)
	})

	it('a family adds an elder only with the elder’s separate consent, recorded for that elder (a claim too)', async () => {
		const { community } = await makePlace('dongbao')
		const user = await makeUser({ role: 'family', name: '周家属' })
		const family = await signIn(user)
		const idNumber = freshIdNumber()
		const fields = { idNumber, name: '钱德顺', relationship: 'child', districtId: 'dongbao', communityId: community.id }
		const refused = await callAction(newElder, '/elders/new', fields, { as: family })
		expect(refused.status).toBe(400)
		expect(text(refused.data)).toContain('errors.consent.elderRequired')
		expect(await prisma.familyLink.count({ where: { userId: user.id } })).toBe(0)

		const added = await callAction(newElder, '/elders/new', { ...fields, elderConsent: 'on' }, { as: family })
		expect(added.status).toBe(302)
		const elderId = added.location!.split('/').at(-1)!
		expect(await prisma.consent.findFirstOrThrow({ where: { userId: user.id, elderId } })).toMatchObject({ kind: 'elder_sensitive', noticeVersion: PRIVACY_NOTICE_VERSION })

		// Another family asking to be linked to the same elder records its own consent with the request.
		const other = await makeUser({ role: 'family', name: '吴家属' })
		const claimed = await callAction(newElder, '/elders/new', { ...fields, relationship: 'grandchild', elderConsent: 'on' }, { as: await signIn(other) })
		expect(claimed.location).toBe('/elders?claim=sent')
		expect(await prisma.consent.count({ where: { userId: other.id, elderId, kind: 'elder_sensitive' } })).toBe(1)
	})

	it('withdrawing an elder’s consent ends the link (not while a booking is open); the registry keeps the elder', async () => {
		const f = await makeFamily()
		await prisma.consent.create({ data: { userId: f.userId, kind: 'elder_sensitive', elderId: f.elderId, noticeVersion: PRIVACY_NOTICE_VERSION } })
		const family = await signIn({ id: f.userId })
		const withdraw = (fields: Record<string, string>) => callAction(dataPage, '/account/data', { intent: 'withdraw', formId: `withdraw-${f.elderId}`, ...fields }, { as: family })

		const page = await callLoader(dataPage, '/account/data', { as: family })
		expect(page.status).toBe(200)
		expect(text(page.data)).toContain(f.elderId)

		const bookingId = await openBooking(f)
		expect((await withdraw({ elderId: f.elderId })).status).toBe(400)
		const blocked = await withdraw({ elderId: f.elderId, confirm: 'on' })
		expect(blocked.status).toBe(409)
		expect(text(blocked.data)).toContain('errors.consent.openBookings')
		expect(await prisma.familyLink.count({ where: { userId: f.userId } })).toBe(1)

		expect((await cancelBooking(familyUser(f), bookingId, '不需要了')).ok).toBe(true)
		expect((await withdraw({ elderId: f.elderId, confirm: 'on' })).status).toBe(200)
		expect(await prisma.familyLink.count({ where: { userId: f.userId } })).toBe(0)
		expect((await prisma.consent.findFirstOrThrow({ where: { userId: f.userId, elderId: f.elderId } })).withdrawnAt).not.toBeNull()
		expect(await prisma.elder.count({ where: { id: f.elderId } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'consent.withdraw', actorId: f.userId, entityId: f.elderId } })).toBe(1)
		// The family no longer sees the elder; a second withdrawal finds nothing.
		expect((await callLoader(elderPage, `/elders/${f.elderId}`, { as: family, params: { elderId: f.elderId } })).status).toBe(404)
		expect((await withdraw({ elderId: f.elderId, confirm: 'on' })).status).toBe(404)
	})

	it('one family cannot withdraw for another family’s elder, and a malformed id is a 400', async () => {
		const mine = await makeFamily()
		const theirs = await makeFamily()
		const family = await signIn({ id: mine.userId })
		const res = await callAction(dataPage, '/account/data', { intent: 'withdraw', formId: 'withdraw-x', elderId: theirs.elderId, confirm: 'on' }, { as: family })
		expect(res.status).toBe(404)
		expect(await prisma.familyLink.count({ where: { userId: theirs.userId } })).toBe(1)
		expect((await callAction(dataPage, '/account/data', { intent: 'withdraw', formId: 'withdraw-x', elderId: 'not-an-id', confirm: 'on' }, { as: family })).status).toBe(400)
		expect((await callAction(dataPage, '/account/data', { intent: 'delete-everything' }, { as: family })).status).toBe(400)
	})
})

describe('a copy of one’s own data', () => {
	it('holds the holder’s own records, never another family’s or a full identity number; audited; password first', async () => {
		const f = await makeFamily()
		const other = await makeFamily()
		await openBooking(f)
		await openBooking(other)
		const family = await signIn({ id: f.userId })

		const copy = await callLoader<Record<string, unknown>>(dataCopy, '/account/data.json', { as: family })
		expect(copy.status).toBe(200)
		expect(copy.headers.get('content-disposition')).toMatch(/^attachment; filename="yiyang-my-data-\d{4}-\d{2}-\d{2}\.json"$/)
		expect(copy.headers.get('cache-control')).toBe('no-store')
		const body = copy.data as { account: { phone: string }; elders: { id: string; idNumber: string }[]; bookings: unknown[]; sessions: unknown[] }
		expect(body.account.phone).toBe(f.phone)
		expect(body.elders.map((e) => e.id)).toEqual([f.elderId])
		expect(body.elders[0]!.idNumber).toMatch(/^\d{4}\*+[\dX]{2}$/)
		expect(body.bookings).toHaveLength(1)
		expect(body.sessions.length).toBeGreaterThan(0)
		const raw = text(copy.data)
		expect(raw).not.toContain(other.elderId)
		expect(raw).not.toContain(other.phone)
		expect(raw).not.toMatch(/\d{17}[\dX]/)
		expect(raw).not.toContain('passwordHash')
		expect(await prisma.auditLog.count({ where: { action: 'account.data_copy', actorId: f.userId } })).toBe(1)

		// An old session asks for the password again, and hands out nothing meanwhile.
		await ageSessions(f.userId)
		const stale = await callLoader(dataCopy, '/account/data.json', { as: family })
		expect(stale.status).toBe(302)
		expect(stale.location).toBe(`/reauth?redirectTo=${encodeURIComponent('/account/data')}`)
		expect(await prisma.auditLog.count({ where: { action: 'account.data_copy', actorId: f.userId } })).toBe(1)
		// Signed out: to sign-in.
		expect((await callLoader(dataCopy, '/account/data.json', { as: await anonymous() })).status).toBe(302)
	})

	it('an officer gets a copy too (profile, sessions, own actions), but cannot close the account here', async () => {
		const officer = await signIn('13800000021')
		const copy = await callLoader<{ account: { role: string }; actions: unknown[] }>(dataCopy, '/account/data.json', { as: officer })
		expect(copy.status).toBe(200)
		expect(copy.data.account.role).toBe('community_officer')
		const closed = await callAction(dataPage, '/account/data', { intent: 'close', formId: 'close-account', confirm: 'on' }, { as: officer })
		expect(closed.status).toBe(403)
		expect(await prisma.user.count({ where: { phone: '13800000021', active: true } })).toBe(1)
	})
})

describe('closing one’s account', () => {
	it('is refused while a booking is open, then erases what identified the holder and keeps the records', async () => {
		const f = await makeFamily()
		const family = await signIn({ id: f.userId })
		const close = (fields: Record<string, string> = { confirm: 'on' }) => callAction(dataPage, '/account/data', { intent: 'close', formId: 'close-account', ...fields }, { as: family })
		const bookingId = await openBooking(f)
		await prisma.notification.create({ data: { userId: f.userId, kind: 'booking.sent', params: {} } })
		await prisma.outbox.create({ data: { toPhone: f.phone, template: 'booking.sent', dedupeKey: `privacy-test-${f.userId}` } })

		expect((await close({})).status).toBe(400)
		const blocked = await close()
		expect(blocked.status).toBe(409)
		expect(text(blocked.data)).toContain('errors.account.openBookings')
		expect(await prisma.user.count({ where: { id: f.userId, active: true } })).toBe(1)

		expect((await cancelBooking(familyUser(f), bookingId, '不需要了')).ok).toBe(true)
		// The password again first when the last check is old; nothing closed meanwhile.
		await ageSessions(f.userId)
		const stale = await close()
		expect(stale.status).toBe(302)
		expect(stale.location).toMatch(/^\/reauth\?redirectTo=/)
		expect(await prisma.user.count({ where: { id: f.userId, active: true } })).toBe(1)
		await prisma.session.updateMany({ where: { userId: f.userId }, data: { authenticatedAt: new Date() } })

		const done = await close()
		expect(done.status).toBe(302)
		expect(done.location).toBe('/login?closed=1')
		const user = await prisma.user.findUniqueOrThrow({ where: { id: f.userId }, select: { active: true, closedAt: true, name: true, phone: true, passwordHash: true, totpSecret: true } })
		expect(user).toMatchObject({ active: false, name: CLOSED_ACCOUNT_NAME, totpSecret: null })
		expect(user.closedAt).not.toBeNull()
		expect(user.phone).not.toBe(f.phone)
		expect(user.passwordHash).not.toMatch(/^\$argon2/)
		expect(await prisma.session.count({ where: { userId: f.userId } })).toBe(0)
		expect(await prisma.familyLink.count({ where: { userId: f.userId } })).toBe(0)
		expect(await prisma.notification.count({ where: { userId: f.userId } })).toBe(0)
		expect((await prisma.outbox.findUniqueOrThrow({ where: { dedupeKey: `privacy-test-${f.userId}` } })).state).toBe('dead')
		// Kept: the booking (accounting), the elder (registry), the audit entry.
		expect(await prisma.booking.count({ where: { id: bookingId, familyUserId: f.userId } })).toBe(1)
		expect(await prisma.elder.count({ where: { id: f.elderId } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { action: 'account.close', actorId: f.userId } })).toBe(1)
		// Later news of its old records (a refund, say) reaches no number: the account has none.
		await transaction((tx) => notify(tx, { userId: f.userId }, 'refund.issued', { sms: true, bookingId, params: { amountFen: 100 }, dedupe: `privacy-${bookingId}` }))
		expect(await prisma.outbox.count({ where: { toPhone: user.phone } })).toBe(0)
		expect(await prisma.notification.count({ where: { userId: f.userId } })).toBe(0)
		// The old cookie no longer signs anyone in, and the phone can register again.
		expect((await callLoader(dataPage, '/account/data', { as: family })).status).toBe(302)
		expect((await registerFamily({ name: '新账号', phone: f.phone, password: 'Family2026x', ip: null })).ok).toBe(true)
	})

	it('is refused while a complaint is open', async () => {
		const f = await makeFamily()
		const provider = await makeProvider()
		const family = await signIn({ id: f.userId })
		await prisma.complaint.create({
			data: { providerId: provider.providerId, districtId: 'dongbao', familyUserId: f.userId, subject: 'general', category: 'other', text: '服务迟到', ackDueOn: new Date(), resolveDueOn: new Date() },
		})
		const res = await callAction(dataPage, '/account/data', { intent: 'close', formId: 'close-account', confirm: 'on' }, { as: family })
		expect(res.status).toBe(409)
		expect(text(res.data)).toContain('errors.account.openComplaints')
		expect(await prisma.user.count({ where: { id: f.userId, active: true } })).toBe(1)
	})
})
