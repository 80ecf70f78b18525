// One way to tell someone of a change (messaging/notify.server.ts): the in-app message for every
// recipient, a text only for the events that warrant one and only to numbers an SMS can reach —
// a person's mobile number while the account is in use, a provider's active managers (never its
// landline contact number) — nothing at all for a closed account, and one text per person for a
// change notified twice; and the wording of the decisions' texts. The decisions that send them are
// checked where they are tested (due-process, appeals, subsidies, registry).
import { describe, expect, it } from 'vitest'
import { prisma, transaction } from '~/lib/db.server.ts'
import { closedAccountPhone } from '~/lib/text.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { renderTemplate } from '~/modules/messaging/templates.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { makeUser } from '../factories/accounts.ts'
import { makeFamily, makeProvider, slotAt } from '../factories/marketplace.ts'

const outboxOf = (dedupe: string) => prisma.outbox.findMany({ where: { dedupeKey: { contains: dedupe } }, select: { toPhone: true, template: true, params: true }, orderBy: { toPhone: 'asc' } })

describe('notify', () => {
	it('writes the in-app message always and a text only when asked, to a mobile number of an account in use', async () => {
		const f = await makeFamily()
		const dedupe = crypto.randomUUID()
		await transaction((tx) => notify(tx, { userId: f.userId }, 'review.replied', { dedupe }))
		expect(await prisma.notification.count({ where: { userId: f.userId, kind: 'review.replied' } })).toBe(1)
		expect(await outboxOf(dedupe)).toEqual([])

		await transaction((tx) => notify(tx, { userId: f.userId }, 'refund.issued', { params: { amountFen: 1200 }, dedupe, sms: true }))
		expect(await outboxOf(dedupe)).toEqual([{ toPhone: f.phone, template: 'refund.issued', params: { amountFen: 1200 } }])
		// The same change told again (a retried job): one text.
		await transaction((tx) => notify(tx, { userId: f.userId }, 'refund.issued', { params: { amountFen: 1200 }, dedupe, sms: true }))
		expect(await outboxOf(dedupe)).toHaveLength(1)
	})

	it('sends a provider’s text to its active managers, never to its landline, a caregiver or a deactivated manager', async () => {
		const p = await makeProvider()
		const caregiver = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		const second = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		const gone = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		await prisma.user.updateMany({ where: { id: { in: [second.id, gone.id] } }, data: { providerManager: true } })
		await prisma.user.update({ where: { id: gone.id }, data: { active: false } })
		const dedupe = crypto.randomUUID()
		await transaction((tx) => notify(tx, { providerId: p.providerId }, 'provider.suspended', { params: { reason: '消防检查不合格' }, dedupe, sms: true }))
		expect(await prisma.notification.count({ where: { providerId: p.providerId, kind: 'provider.suspended' } })).toBe(1)
		expect((await outboxOf(dedupe)).map((r) => r.toPhone).sort()).toEqual([p.staffPhone, second.phone].sort())
		expect((await outboxOf(dedupe)).map((r) => r.toPhone)).not.toContain(caregiver.phone)
		expect(await prisma.outbox.count({ where: { toPhone: '0724-1234567', dedupeKey: { contains: dedupe } } })).toBe(0)
	})

	it('tells several people at once, each once, and nobody whose account is closed', async () => {
		const a = await makeFamily()
		const b = await makeFamily()
		await prisma.user.update({ where: { id: b.userId }, data: { phone: closedAccountPhone(b.userId), closedAt: new Date(), active: false } })
		const dedupe = crypto.randomUUID()
		await transaction((tx) => notify(tx, [{ userId: a.userId }, { userId: a.userId }, { userId: b.userId }], 'subsidy.grant_stopping', { params: { policy: '居家养老服务补贴', endsOn: '2026-12-31', appealBy: '2027-01-29' }, dedupe, sms: true }))
		expect(await prisma.notification.count({ where: { userId: a.userId, kind: 'subsidy.grant_stopping' } })).toBe(1)
		expect(await prisma.notification.count({ where: { userId: b.userId } })).toBe(0)
		expect((await outboxOf(dedupe)).map((r) => r.toPhone)).toEqual([a.phone])
	})

	it('texts a bare mobile number (someone without an account) once, with no in-app message; never a landline', async () => {
		const dedupe = crypto.randomUUID()
		const before = await prisma.notification.count({ where: { kind: 'rights.answered_in_person' } })
		await transaction((tx) => notify(tx, [{ phone: '13912345670' }, { phone: '0724-2345678' }], 'rights.answered_in_person', { dedupe, sms: true }))
		await transaction((tx) => notify(tx, { phone: '13912345670' }, 'rights.answered_in_person', { dedupe, sms: true }))
		expect(await outboxOf(dedupe)).toEqual([{ toPhone: '13912345670', template: 'rights.answered_in_person', params: {} }])
		expect(await prisma.notification.count({ where: { kind: 'rights.answered_in_person' } })).toBe(before)
		// Without `sms`, a bare number gets nothing at all.
		const quiet = crypto.randomUUID()
		await transaction((tx) => notify(tx, { phone: '13912345671' }, 'rights.answered_in_person', { dedupe: quiet }))
		expect(await outboxOf(quiet)).toEqual([])
	})

	it('a booking’s one-statement write texts the provider’s managers, as notify does', async () => {
		const p = await makeProvider({ autoConfirm: false })
		const caregiver = await makeUser({ role: 'provider_staff', providerId: p.providerId, districtId: 'dongbao' })
		const f = await makeFamily()
		const family: SessionUser = { id: f.userId, name: '家属', phone: f.phone, role: 'family', districtId: null, communityId: null, providerId: null }
		const made = await createBooking(family, p.offeringId, { idempotencyKey: crypto.randomUUID().replaceAll('-', ''), elderId: f.elderId, startsAt: slotAt(3), expectedPriceFen: p.priceFen, expectedCopayFen: p.priceFen, serviceAddress: '东宝区龙泉社区3栋2单元', note: '' })
		if (!made.ok) throw new Error(JSON.stringify(made))
		const requested = await prisma.outbox.findMany({ where: { dedupeKey: { startsWith: `booking.requested:${made.value.bookingId}:` } }, select: { toPhone: true } })
		expect(requested.map((r) => r.toPhone)).toEqual([p.staffPhone])
		expect(requested.map((r) => r.toPhone)).not.toContain(caregiver.phone)
		expect(await prisma.outbox.count({ where: { dedupeKey: `booking.sent:${made.value.bookingId}:${f.userId}`, toPhone: f.phone } })).toBe(1)
	})
})

describe('SMS templates', () => {
	it('words each decision without the elder’s name, with what to do and by when', () => {
		const stopping = renderTemplate('subsidy.grant_stopping', { elder: '张桂兰', policy: '居家养老服务补贴', endsOn: '2026-12-31', appealBy: '2027-01-29' })
		expect(stopping.templateCode).toBe('SMS_YY_SUBSIDY_STOPPING')
		expect(stopping.vars).toEqual({ policy: '居家养老服务补贴', endsOn: '2026-12-31', appealBy: '2027-01-29' })
		expect(stopping.text).toContain('2027-01-29前申请复核')
		expect(stopping.text).not.toContain('张桂兰')
		for (const kind of ['subsidy.rejected', 'subsidy.community_rejected', 'subsidy.township_rejected']) expect(renderTemplate(kind, { elder: '张桂兰', reason: '收入超标' }).templateCode).toBe('SMS_YY_SUBSIDY_REJECTED')
		expect(renderTemplate('subsidy.notice_withheld', { policy: '居家养老服务补贴', appealDays: 60 }).text).toContain('60天内申请复核')
		expect(renderTemplate('appeal.changed', { reason: 'x' }).templateCode).toBe('SMS_YY_APPEAL_DECIDED')
		// Every variable within Aliyun's 35 characters.
		expect(renderTemplate('subsidy.approved', { policy: '很'.repeat(50) }).vars.policy).toHaveLength(35)
	})
})

