// In-app notifications and the SMS outbox, written in the same transaction as the change they
// report, so a notification exists exactly when the change does. The SMS worker drains `outbox`
// (app/modules/messaging/outbox.server.ts, at most once per row); dedupeKey makes a retried change
// write one message.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, type Tx } from '~/lib/db.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { isClosedAccountPhone } from '~/lib/text.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

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
	// families (issue 11 item 4): claims on an elder, admissions and discharges
	| 'registry.claim_requested'
	| 'registry.claim_confirmed'
	| 'registry.claim_refused'
	| 'stay.admitted'
	| 'stay.discharged'
	// institutions: a correction of their operating subsidy decided by the city
	| 'operating.adjustment_approved'
	| 'operating.adjustment_rejected'
	// rights of the person that need an officer (rights/requests.server.ts): to the community, to the family
	| 'rights.requested'
	| 'rights.fulfilled'
	| 'rights.refused'

type Recipient = { userId: string; phone?: string | null } | { providerId: string; phone?: string | null }

export async function notify(tx: Tx, to: Recipient, kind: NotificationKind, opts: { bookingId?: string; params?: Prisma.InputJsonValue; dedupe: string }) {
	// A closed account keeps a placeholder instead of a number (accounts/privacy.server.ts): nobody reads it.
	if (to.phone && isClosedAccountPhone(to.phone)) return
	await tx.notification.create({
		data: {
			userId: 'userId' in to ? to.userId : null,
			providerId: 'providerId' in to ? to.providerId : null,
			kind,
			bookingId: opts.bookingId ?? null,
			params: opts.params ?? {},
		},
	})
	if (to.phone) {
		await tx.outbox.upsert({
			where: { dedupeKey: `${kind}:${opts.dedupe}:${'userId' in to ? to.userId : to.providerId}` },
			create: { dedupeKey: `${kind}:${opts.dedupe}:${'userId' in to ? to.userId : to.providerId}`, toPhone: to.phone, template: kind, params: opts.params ?? {} },
			update: {},
		})
	}
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
