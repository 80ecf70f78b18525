// Complaints (issue 14 item 8). A family complains about a provider or institution it has used:
// about one of its bookings there, a stay there (an admission of one of its elders), or in general
// (having used it either way). The provider answers; the district officer of the provider's
// district closes it with a finding. Each step is a conditional UPDATE on the status, audited.
// The provider's public page shows only counts (no texts).
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import { ComplaintCategory, ComplaintFinding, ComplaintSubject } from '~/generated/prisma/enums.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { addWorkingDays, COMPLAINT_LIMITS, overdueKind } from './rules.ts'

const E = (k: string) => `marketplace:complaints.errors.${k}`
const complaintFailure = (k: string, status: number) => fail(E(k), status)

/** A complaint's free text (its text, the answer, the finding's note): trimmed, `min` to 2000 characters. */
const complaintText = (key: string, min: number) => z.string({ error: E(key) }).trim().min(min, E(key)).max(2000, E(key))

export const fileSchema = z.object({
	intent: z.literal('file'),
	providerId: z.uuid(E('provider')),
	subject: z.enum(ComplaintSubject, { error: E('subject') }),
	bookingId: z.uuid(E('booking')).optional(),
	category: z.enum(ComplaintCategory, { error: E('category') }),
	text: complaintText('text', 5),
})
export const answerSchema = z.object({
	intent: z.literal('answer'),
	complaintId: z.uuid(),
	answer: complaintText('answer', 2),
})
export const closeSchema = z.object({
	intent: z.literal('close'),
	complaintId: z.uuid(),
	finding: z.enum(ComplaintFinding, { error: E('finding') }),
	findingNote: complaintText('findingNote', 2),
})

/** Whether the family used the provider: a booking served (or being served) there, or a stay of one of its elders. */
async function familyUsed(userId: string, providerId: string) {
	const r = await sql`SELECT
		EXISTS (SELECT 1 FROM booking WHERE "familyUserId" = ${userId}::uuid AND "providerId" = ${providerId}::uuid AND status IN ('in_service', 'completed', 'no_show', 'disputed')) AS booked,
		EXISTS (SELECT 1 FROM admission a JOIN family_link f ON f."elderId" = a."elderId" WHERE f."userId" = ${userId}::uuid AND a."providerId" = ${providerId}::uuid) AS stayed`.first<{
		booked: boolean
		stayed: boolean
	}>()
	return { booked: !!r?.booked, stayed: !!r?.stayed }
}

export async function fileComplaint(user: SessionUser, input: z.infer<typeof fileSchema>, now = new Date(), ip: string | null = null): Promise<Outcome<{ complaintId: string }>> {
	if (user.role !== 'family') return complaintFailure('familyOnly', 403)
	const provider = await prisma.provider.findUnique({
		where: { id: input.providerId },
		select: { id: true, districtId: true },
	})
	if (!provider) return complaintFailure('notUsed', 403)
	const used = await familyUsed(user.id, provider.id)
	if (input.subject === 'booking') {
		if (!input.bookingId) return complaintFailure('booking', 400)
		const b = await prisma.booking.findFirst({
			where: {
				id: input.bookingId,
				familyUserId: user.id,
				providerId: provider.id,
				status: { in: ['in_service', 'completed', 'no_show', 'disputed'] },
			},
			select: { id: true },
		})
		if (!b) return complaintFailure('notUsed', 403)
	} else if (input.subject === 'stay' ? !used.stayed : !used.booked && !used.stayed) {
		return complaintFailure('notUsed', 403)
	}
	const today = shanghaiDate(now)
	return transaction(async (tx) => {
		const c = await tx.complaint.create({
			data: {
				providerId: provider.id,
				districtId: provider.districtId,
				familyUserId: user.id,
				subject: input.subject,
				bookingId: input.subject === 'booking' ? input.bookingId! : null,
				category: input.category,
				text: input.text,
				ackDueOn: dateOnly(addWorkingDays(today, COMPLAINT_LIMITS.acknowledgeWorkingDays)),
				resolveDueOn: dateOnly(addWorkingDays(today, COMPLAINT_LIMITS.resolveWorkingDays)),
				createdAt: now,
			},
			select: { id: true },
		})
		await audit(
			{
				actor: user,
				action: 'complaint.file',
				entityType: 'complaint',
				entityId: c.id,
				districtId: provider.districtId,
				ip,
				details: {
					providerId: provider.id,
					subject: input.subject,
					category: input.category,
				},
			},
			tx
		)
		return ok({ complaintId: c.id })
	})
}

export async function answerComplaint(user: SessionUser, input: { complaintId: string; answer: string }, now = new Date(), ip: string | null = null): Promise<Outcome<null>> {
	if (user.role !== 'provider_staff' || !user.providerId) return complaintFailure('notFound', 404)
	return transaction(async (tx) => {
		const c = await tx.complaint.findFirst({
			where: { id: input.complaintId, providerId: user.providerId! },
			select: { id: true, districtId: true },
		})
		if (!c) return complaintFailure('notFound', 404)
		return stepComplaint(tx, user, c, { from: 'submitted', data: { status: 'answered', answer: input.answer, answeredAt: now, answeredById: user.id }, refusal: 'alreadyAnswered', action: 'complaint.answer', ip })
	})
}

export async function closeComplaint(
	user: SessionUser,
	input: {
		complaintId: string
		finding: ComplaintFinding
		findingNote: string
	},
	now = new Date(),
	ip: string | null = null
): Promise<Outcome<null>> {
	if (user.role !== 'bureau_district' && !isCityWide(user)) return complaintFailure('notFound', 404)
	return transaction(async (tx) => {
		const c = await tx.complaint.findUnique({
			where: { id: input.complaintId },
			select: { id: true, districtId: true },
		})
		if (!c || !canActInDistrict(user, c.districtId)) return complaintFailure('notFound', 404)
		const data = { status: 'closed' as const, finding: input.finding, findingNote: input.findingNote, closedAt: now, closedById: user.id }
		return stepComplaint(tx, user, c, { from: { not: 'closed' }, data, refusal: 'alreadyClosed', action: 'complaint.close', ip, details: { finding: input.finding } })
	})
}

/**
 * One step of a complaint (answer, close): a conditional update from the status the step starts
 * from, so the second of two racing steps is refused (409), audited in the same transaction.
 */
async function stepComplaint(
	tx: Tx,
	user: SessionUser,
	c: { id: string; districtId: string },
	step: { from: Prisma.ComplaintWhereInput['status']; data: Prisma.ComplaintUpdateManyMutationInput; refusal: string; action: string; ip: string | null; details?: Prisma.InputJsonValue },
): Promise<Outcome<null>> {
	const changed = await tx.complaint.updateMany({ where: { id: c.id, status: step.from }, data: step.data })
	if (changed.count === 0) return complaintFailure(step.refusal, 409)
	await audit({ actor: user, action: step.action, entityType: 'complaint', entityId: c.id, districtId: c.districtId, ip: step.ip, details: step.details }, tx)
	return ok(null)
}

function scope(user: SessionUser): Prisma.ComplaintWhereInput {
	if (user.role === 'family') return { familyUserId: user.id }
	if (user.role === 'provider_staff')
		return {
			providerId: user.providerId ?? '00000000-0000-0000-0000-000000000000',
		}
	if (isCityWide(user)) return {}
	if (user.role === 'bureau_district') return { districtId: user.districtId ?? '-' }
	return { id: '00000000-0000-0000-0000-000000000000' }
}

/** Complaints waiting for this user: a provider's staff, those to answer; a district officer, those not yet closed in the district. */
export async function countComplaintsWaiting(user: SessionUser) {
	const step: Prisma.ComplaintWhereInput | null =
		user.role === 'provider_staff' ? { status: 'submitted' } : user.role === 'bureau_district' ? { status: { not: 'closed' } } : null
	return step ? prisma.complaint.count({ where: { AND: [scope(user), step] } }) : 0
}

/** The complaints in the user's scope, newest first, each with the limit it has passed (if any). */
export async function listComplaints(user: SessionUser, opts: { overdueOnly?: boolean } = {}, today = shanghaiDate()) {
	const where: Prisma.ComplaintWhereInput = opts.overdueOnly
		? {
				AND: [
					scope(user),
					{ status: { not: 'closed' } },
					{
						OR: [{ resolveDueOn: { lt: dateOnly(today) } }, { status: 'submitted', ackDueOn: { lt: dateOnly(today) } }],
					},
				],
		  }
		: scope(user)
	const rows = await prisma.complaint.findMany({
		where,
		orderBy: { createdAt: 'desc' },
		take: 200,
		select: {
			id: true,
			subject: true,
			category: true,
			text: true,
			status: true,
			ackDueOn: true,
			resolveDueOn: true,
			answer: true,
			finding: true,
			findingNote: true,
			createdAt: true,
			provider: { select: { id: true, name: true } },
		},
	})
	return rows.map((r) => {
		const c = {
			...r,
			ackDueOn: toDateString(r.ackDueOn),
			resolveDueOn: toDateString(r.resolveDueOn),
			createdAt: r.createdAt.toISOString(),
		}
		return { ...c, overdue: overdueKind(c, today) }
	})
}

/** Providers the family used (for the complaint form's choice). */
export async function providersUsed(user: SessionUser) {
	if (user.role !== 'family') return []
	return sql`SELECT DISTINCT p.id, p.name FROM provider p
		WHERE EXISTS (SELECT 1 FROM booking b WHERE b."providerId" = p.id AND b."familyUserId" = ${user.id}::uuid AND b.status IN ('in_service', 'completed', 'no_show', 'disputed'))
		   OR EXISTS (SELECT 1 FROM admission a JOIN family_link f ON f."elderId" = a."elderId" WHERE a."providerId" = p.id AND f."userId" = ${user.id}::uuid)
		ORDER BY p.name`.rows<{ id: string; name: string }>()
}

/** Numbers only, for the provider's public page. */
export async function complaintCounts(providerId: string) {
	const rows = await prisma.complaint.groupBy({
		by: ['status', 'finding'],
		where: { providerId },
		_count: { _all: true },
	})
	const n = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).reduce((s, r) => s + r._count._all, 0)
	return {
		total: n(() => true),
		open: n((r) => r.status !== 'closed'),
		upheld: n((r) => r.finding === 'upheld'),
		partlyUpheld: n((r) => r.finding === 'partly_upheld'),
		notUpheld: n((r) => r.finding === 'not_upheld'),
	}
}
