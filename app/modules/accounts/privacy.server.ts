// The rights of the person under PIPL (个人信息保护法) that a holder exercises alone: consents recorded
// with the notice they were given to (arts. 14, 29), a copy of one's own data (art. 45), withdrawing
// the consent given for an elder (art. 15) and closing one's account (art. 47).
//
// What the bureau must keep by law stays: the elder's registry record (allowances and subsidies are a
// statutory duty, art. 13(3)), bookings and payments (accounting records), the audit log. Closing an
// account erases what identified its holder (name, phone, password, second factor, sessions, links,
// in-app messages) and keeps the row as an anonymous owner of those records.
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { closedAccountPhone } from '~/lib/text.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { DATA_COPY_MAX_ROWS, PRIVACY_NOTICE_VERSION, type ConsentKind } from './privacy.ts'

/** Stored as a closed account's name: shown wherever its old bookings or reviews are listed. */
export const CLOSED_ACCOUNT_NAME = '已注销用户'
/** Never a valid argon2 hash: no password opens a closed account. */
const CLOSED_PASSWORD_HASH = '!closed'

/** Bookings that still need their family: the provider may call, the family may pay or be refunded. */
const OPEN_BOOKING_STATUSES = ['requested', 'confirmed', 'in_service', 'disputed'] as const

export async function recordConsent(tx: Tx, input: { userId: string; kind: ConsentKind; elderId?: string | null; ip: string | null }) {
	await tx.consent.create({ data: { userId: input.userId, kind: input.kind, elderId: input.elderId ?? null, noticeVersion: PRIVACY_NOTICE_VERSION, ip: input.ip }, select: { id: true } })
}

/** The holder's consents, newest first, with the elder's name for an elder's consent. */
export async function listConsents(user: Pick<SessionUser, 'id'>) {
	const rows = await prisma.consent.findMany({
		where: { userId: user.id },
		orderBy: { grantedAt: 'desc' },
		take: 200,
		select: { id: true, kind: true, elderId: true, noticeVersion: true, grantedAt: true, withdrawnAt: true, elder: { select: { name: true } } },
	})
	return rows.map((r) => ({ ...r, kind: r.kind as ConsentKind, elderName: r.elder?.name ?? null, grantedAt: r.grantedAt.toISOString(), withdrawnAt: r.withdrawnAt?.toISOString() ?? null }))
}

/** What the page says is held about the holder, as counts (the copy has the rows). */
export async function dataSummary(user: Pick<SessionUser, 'id'>) {
	const [elders, bookings, reviews, complaints, sessions, notifications] = await Promise.all([
		prisma.familyLink.count({ where: { userId: user.id } }),
		prisma.booking.count({ where: { familyUserId: user.id } }),
		prisma.review.count({ where: { familyUserId: user.id } }),
		prisma.complaint.count({ where: { familyUserId: user.id } }),
		prisma.session.count({ where: { userId: user.id, expiresAt: { gt: new Date() } } }),
		prisma.notification.count({ where: { userId: user.id } }),
	])
	return { elders, bookings, reviews, complaints, sessions, notifications }
}

const yuan = (fen: number) => (fen / 100).toFixed(2)

/**
 * A copy of the holder's own personal information (art. 45), as one JSON document. The elders'
 * identity numbers stay masked: the full number is the elder's, revealed only by an officer. Audited.
 */
export async function myDataCopy(user: SessionUser, ip: string | null) {
	const take = DATA_COPY_MAX_ROWS
	const id = user.id
	const [account, consents, sessions, elders, claims, bookings, reviews, complaints, stays, notifications, actions] = await Promise.all([
		prisma.user.findUniqueOrThrow({ where: { id }, select: { name: true, phone: true, role: true, locale: true, createdAt: true, totpEnabledAt: true, district: { select: { nameZh: true } }, community: { select: { nameZh: true } }, provider: { select: { name: true } } } }),
		prisma.consent.findMany({ where: { userId: id }, orderBy: { grantedAt: 'desc' }, take, select: { kind: true, elderId: true, noticeVersion: true, grantedAt: true, withdrawnAt: true, ip: true } }),
		prisma.session.findMany({ where: { userId: id }, orderBy: { createdAt: 'desc' }, take, select: { createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true } }),
		prisma.familyLink.findMany({ where: { userId: id }, orderBy: { createdAt: 'asc' }, take, select: { relationship: true, createdAt: true, elder: { select: { id: true, name: true, idNumberMasked: true, birthDate: true, district: { select: { nameZh: true } }, community: { select: { nameZh: true } } } } } }),
		prisma.familyClaim.findMany({ where: { userId: id }, orderBy: { createdAt: 'desc' }, take, select: { typedName: true, relationship: true, status: true, reason: true, createdAt: true, decidedAt: true } }),
		prisma.booking.findMany({
			where: { familyUserId: id },
			orderBy: { startsAt: 'desc' },
			take,
			select: { id: true, startsAt: true, endsAt: true, status: true, priceFen: true, subsidyFen: true, copayFen: true, paymentStatus: true, refundedFen: true, serviceAddress: true, note: true, createdAt: true, offering: { select: { title: true } }, provider: { select: { name: true } }, elder: { select: { name: true } } },
		}),
		prisma.review.findMany({ where: { familyUserId: id }, orderBy: { createdAt: 'desc' }, take, select: { bookingId: true, rating: true, comment: true, reply: true, createdAt: true } }),
		prisma.complaint.findMany({ where: { familyUserId: id }, orderBy: { createdAt: 'desc' }, take, select: { category: true, text: true, status: true, answer: true, finding: true, createdAt: true, provider: { select: { name: true } } } }),
		prisma.stayRequest.findMany({ where: { familyUserId: id }, orderBy: { createdAt: 'desc' }, take, select: { status: true, note: true, createdAt: true, decidedAt: true, provider: { select: { name: true } }, elder: { select: { name: true } } } }),
		prisma.notification.findMany({ where: { userId: id }, orderBy: { createdAt: 'desc' }, take, select: { kind: true, params: true, createdAt: true, readAt: true } }),
		prisma.auditLog.findMany({ where: { actorId: id }, orderBy: { id: 'desc' }, take, select: { at: true, action: true, entityType: true, entityId: true, ip: true } }),
	])
	await audit({ actor: user, action: 'account.data_copy', entityType: 'user', entityId: id, ip })
	return {
		format: 'yiyang-personal-data/1',
		madeAt: new Date().toISOString(),
		noticeVersion: PRIVACY_NOTICE_VERSION,
		account: {
			name: account.name,
			phone: account.phone,
			role: account.role,
			locale: account.locale,
			createdAt: account.createdAt.toISOString(),
			authenticatorSince: account.totpEnabledAt?.toISOString() ?? null,
			district: account.district?.nameZh ?? null,
			community: account.community?.nameZh ?? null,
			provider: account.provider?.name ?? null,
		},
		consents,
		sessions,
		elders: elders.map((l) => ({ id: l.elder.id, name: l.elder.name, idNumber: l.elder.idNumberMasked, birthDate: l.elder.birthDate.toISOString().slice(0, 10), relationship: l.relationship, linkedAt: l.createdAt.toISOString(), district: l.elder.district.nameZh, community: l.elder.community?.nameZh ?? null })),
		linkRequests: claims,
		bookings: bookings.map((b) => ({
			id: b.id,
			service: b.offering.title,
			provider: b.provider.name,
			elder: b.elder.name,
			startsAt: b.startsAt.toISOString(),
			endsAt: b.endsAt.toISOString(),
			status: b.status,
			priceYuan: yuan(b.priceFen),
			subsidyYuan: yuan(b.subsidyFen),
			copayYuan: yuan(b.copayFen),
			refundedYuan: yuan(b.refundedFen),
			paymentStatus: b.paymentStatus,
			serviceAddress: b.serviceAddress,
			note: b.note,
			createdAt: b.createdAt.toISOString(),
		})),
		reviews,
		complaints: complaints.map(({ provider, ...c }) => ({ ...c, provider: provider.name })),
		stayRequests: stays.map(({ provider, elder, ...s }) => ({ ...s, provider: provider.name, elder: elder.name })),
		notifications,
		actions,
	}
}

/**
 * Withdraws the consent a family gave for an elder (art. 15): the family is no longer linked to the
 * elder and sees nothing of the elder from then on. The elder's registry record stays, because the
 * allowance and subsidies are a statutory duty. Refused while the family has bookings for the elder
 * that are still open.
 */
export async function withdrawElderConsent(user: SessionUser, input: { elderId: string }, ip: string | null): Promise<Outcome<null>> {
	return transaction(async (tx) => {
		const link = await sql`SELECT "elderId" FROM family_link WHERE "userId" = ${user.id} AND "elderId" = ${input.elderId} FOR UPDATE`.first<{ elderId: string }>(tx)
		if (!link) return fail('errors.consent.unknown', 404)
		const open = await tx.booking.count({ where: { familyUserId: user.id, elderId: input.elderId, status: { in: [...OPEN_BOOKING_STATUSES] } } })
		if (open) return fail('errors.consent.openBookings', 409)
		await tx.familyLink.delete({ where: { userId_elderId: { userId: user.id, elderId: input.elderId } } })
		await tx.consent.updateMany({ where: { userId: user.id, elderId: input.elderId, kind: 'elder_sensitive', withdrawnAt: null }, data: { withdrawnAt: new Date() } })
		const cancelled = await tx.stayRequest.updateMany({ where: { familyUserId: user.id, elderId: input.elderId, status: 'requested' }, data: { status: 'cancelled' } })
		// Requests about the elder (rights/requests.server.ts) lapse with the link: the answer would reach someone no longer entitled to it.
		const lapsed = await tx.rightsRequest.updateMany({ where: { userId: user.id, elderId: input.elderId, status: 'open' }, data: { status: 'withdrawn', decidedAt: new Date() } })
		const elder = await tx.elder.findUniqueOrThrow({ where: { id: input.elderId }, select: { districtId: true } })
		await audit({ actor: user, action: 'consent.withdraw', entityType: 'elder', entityId: input.elderId, districtId: elder.districtId, details: { stayRequestsCancelled: cancelled.count, rightsRequestsWithdrawn: lapsed.count }, ip }, tx)
		return ok(null)
	})
}

/**
 * Closes a family's own account (art. 47). Refused while bookings are open or a complaint awaits its
 * answer (someone still has to reach the family). In one transaction: pending link and stay requests
 * are withdrawn, unsent SMS to the number are stopped, consents are marked withdrawn, and the name,
 * phone, password, second factor, sessions, links and in-app messages are erased. The phone can
 * register again at once.
 */
export async function closeAccount(user: SessionUser, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'family') return fail('errors.account.closeByBureau', 403)
	return transaction(async (tx) => {
		const account = await sql`SELECT phone, active FROM app_user WHERE id = ${user.id} FOR UPDATE`.first<{ phone: string; active: boolean }>(tx)
		if (!account?.active) return fail('errors.account.closed', 409)
		if (await tx.booking.count({ where: { familyUserId: user.id, status: { in: [...OPEN_BOOKING_STATUSES] } } })) return fail('errors.account.openBookings', 409)
		if (await tx.complaint.count({ where: { familyUserId: user.id, status: { not: 'closed' } } })) return fail('errors.account.openComplaints', 409)
		const now = new Date()
		const claims = await tx.familyClaim.deleteMany({ where: { userId: user.id, status: 'pending' } })
		const stays = await tx.stayRequest.updateMany({ where: { familyUserId: user.id, status: 'requested' }, data: { status: 'cancelled' } })
		const links = await tx.familyLink.deleteMany({ where: { userId: user.id } })
		const rights = await tx.rightsRequest.updateMany({ where: { userId: user.id, status: 'open' }, data: { status: 'withdrawn', decidedAt: now } })
		await tx.consent.updateMany({ where: { userId: user.id, withdrawnAt: null }, data: { withdrawnAt: now } })
		await tx.notification.deleteMany({ where: { userId: user.id } })
		// Messages already being handed to the provider go; the rest are stopped as a dead letter would be.
		await tx.outbox.updateMany({ where: { toPhone: account.phone, state: { in: ['pending', 'retry'] } }, data: { state: 'dead', deadAt: now, lastError: 'account closed' } })
		await tx.session.deleteMany({ where: { userId: user.id } })
		await tx.recoveryCode.deleteMany({ where: { userId: user.id } })
		await tx.userInvitation.deleteMany({ where: { userId: user.id } })
		await tx.user.update({
			where: { id: user.id },
			data: { active: false, closedAt: now, name: CLOSED_ACCOUNT_NAME, phone: closedAccountPhone(user.id), passwordHash: CLOSED_PASSWORD_HASH, totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastCounter: null },
		})
		await audit({ actor: user, action: 'account.close', entityType: 'user', entityId: user.id, details: { linksEnded: links.count, claimsWithdrawn: claims.count, stayRequestsCancelled: stays.count, rightsRequestsWithdrawn: rights.count }, ip }, tx)
		return ok(null)
	})
}
