// Notifications, the one way the product tells someone of a change: the in-app message and, for
// the events that warrant one, an SMS through the outbox (drained by the SMS worker,
// app/modules/messaging/outbox.server.ts, at most once per row). Both are written in the same
// transaction as the change they report, so a notification exists exactly when the change does;
// the dedupe key makes a retried change write one SMS.
//
// Who gets what: a person gets the in-app message; with `sms`, a text to their number when it is a
// mobile number and the account is in use. A provider gets the message in its shared inbox; with
// `sms`, a text to each of its active managers (its contact number is often a landline, which no
// SMS provider can deliver to). A closed account gets nothing (accounts/privacy.server.ts). Someone
// without an account (a requester at the office) is a bare mobile number: the text, with `sms`, only.
// The booking's one-statement write (marketplace/booking-create.server.ts) writes the same rows.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, type Tx } from '~/lib/db.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { MOBILE_NUMBER } from '~/lib/text.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

/** Subsidy notices (subsidies:notices.* in the catalogues). */
export type SubsidyNotice =
	| 'submitted'
	| 'community_approved'
	| 'community_rejected'
	| 'township_approved'
	| 'township_rejected'
	| 'approved'
	| 'rejected'
	| 'visit_rejected'
	| 'claim_rejected'
	| 'notice_effective'
	| 'notice_withheld'
	| 'notice_lapsed'
	| 'appeal_upheld'
	| 'appeal_changed'
	| 'grant_stopping'
	| 'review_due'

export type NotificationKind =
	| 'booking.requested'
	| 'booking.sent'
	| 'booking.confirmed'
	| 'booking.declined'
	| 'booking.cancelled'
	| 'booking.expired'
	| 'booking.in_service'
	| 'booking.completed'
	| 'booking.no_show'
	| 'booking.disputed'
	| 'booking.dispute_family'
	| 'booking.dispute_provider'
	| 'payment.succeeded'
	| 'payment.failed'
	| 'refund.issued'
	| 'review.posted'
	| 'review.replied'
	| 'provider.approved'
	| 'provider.rejected'
	| 'provider.graded'
	| 'provider.suspended'
	| 'provider.reinstated'
	// families: claims on an elder, residence checks, admissions and discharges
	| 'registry.claim_requested'
	| 'registry.claim_confirmed'
	| 'registry.claim_refused'
	| 'registry.residence_verified'
	| 'registry.residence_rejected'
	| 'stay.admitted'
	| 'stay.discharged'
	// appeals (复核) of decisions other than subsidy applications
	| 'appeal.upheld'
	| 'appeal.changed'
	// institutions: a correction of their operating subsidy decided by the city
	| 'operating.adjustment_approved'
	| 'operating.adjustment_rejected'
	// rights of the person that need an officer (rights/requests.server.ts): to the community, to the family
	| 'rights.requested'
	| 'rights.fulfilled'
	| 'rights.refused'
	| 'rights.due_soon'
	| 'rights.overdue'
	// to the mobile number of someone who asked in person at the office (SMS only: no account, no inbox)
	| 'rights.answered_in_person'
	| `subsidy.${SubsidyNotice}`

/** A person by account, a provider (its shared inbox; texts to its managers), or a bare mobile number (someone without an account: the text only). */
export type Recipient = { userId: string } | { providerId: string } | { phone: string }

type Db = Tx | typeof prisma

/** The numbers a text of this notification goes to: people in use with a mobile number, and providers' active managers. */
async function smsTargets(db: Db, users: { id: string; phone: string; active: boolean }[], providerIds: string[]) {
	const managers = providerIds.length
		? await db.user.findMany({ where: { providerId: { in: providerIds }, providerManager: true, active: true, closedAt: null }, select: { id: true, phone: true, active: true } })
		: []
	const byId = new Map([...users, ...managers].filter((u) => u.active && MOBILE_NUMBER.test(u.phone)).map((u) => [u.id, u]))
	return [...byId.values()]
}

/**
 * Tells `to` (one recipient or several) of `kind`. `dedupe` names the change (a booking's transition,
 * a decision): the same change notified twice writes one SMS per person.
 */
export async function notify(db: Db, to: Recipient | readonly Recipient[], kind: NotificationKind, opts: { params?: Prisma.InputJsonValue; bookingId?: string; dedupe: string; sms?: boolean }) {
	const recipients = Array.isArray(to) ? (to as readonly Recipient[]) : [to as Recipient]
	const userIds = [...new Set(recipients.flatMap((r) => ('userId' in r ? [r.userId] : [])))]
	const providerIds = [...new Set(recipients.flatMap((r) => ('providerId' in r ? [r.providerId] : [])))]
	const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds }, closedAt: null }, select: { id: true, phone: true, active: true } }) : []
	const phones = [...new Set(recipients.flatMap((r) => ('phone' in r && MOBILE_NUMBER.test(r.phone) ? [r.phone] : [])))]
	const params = opts.params ?? {}
	const inbox = [...users.map((u) => ({ userId: u.id, providerId: null })), ...providerIds.map((providerId) => ({ userId: null, providerId }))]
	if (inbox.length) await db.notification.createMany({ data: inbox.map((r) => ({ ...r, kind, bookingId: opts.bookingId ?? null, params })) })
	if (!opts.sms) return
	const targets = [...(await smsTargets(db, users, providerIds)).map((u) => ({ key: u.id, phone: u.phone })), ...phones.map((phone) => ({ key: phone, phone }))]
	if (targets.length)
		await db.outbox.createMany({ data: targets.map((t) => ({ dedupeKey: `${kind}:${opts.dedupe}:${t.key}`, toPhone: t.phone, template: kind, params })), skipDuplicates: true })
}

function scope(user: SessionUser): Prisma.NotificationWhereInput {
	return user.role === 'provider_staff' && user.providerId ? { OR: [{ userId: user.id }, { providerId: user.providerId }] } : { userId: user.id }
}

export async function listNotifications(user: SessionUser, opts: { page: number }) {
	const pageSize = 30
	const rows = await prisma.notification.findMany({
		where: scope(user),
		orderBy: { id: 'desc' },
		...pageWindow(opts.page, pageSize),
		select: { id: true, kind: true, params: true, bookingId: true, readAt: true, createdAt: true },
	})
	return { hasMore: rows.length > pageSize, items: rows.slice(0, pageSize).map((r) => ({ ...r, id: String(r.id) })) }
}

export async function countUnread(user: SessionUser) {
	return prisma.notification.count({ where: { AND: [scope(user), { readAt: null }] } })
}

export async function markAllRead(user: SessionUser) {
	await prisma.notification.updateMany({ where: { AND: [scope(user), { readAt: null }] }, data: { readAt: new Date() } })
}
