// Rights of the person that need an officer (PIPL arts. 44–50): a family member linked to an elder
// (the link exists only with the elder's consent) asks for a copy of the elder's record, a correction
// or a deletion; the officers who hold the record (its community, the township above it, the district
// and the city: REGISTRAR_ROLES within elderScope) answer within 30 days of filing (GB/T 35273-2020
// §8.7), once, and give their reasons when they refuse (art. 50). Filing and deciding are audited in
// their transaction; the elder's community officers and the family are told in the app.
// An elder without a family account (or a guardian, or an agent with a written authorisation) asks at
// the community office in person: an officer in scope records the request, with what was checked of
// the requester's identity; it is decided in the same queue, the answer printed at the office
// (/registry/requests/:id/answer) and texted to a mobile number if the requester gave one.
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { pageWindow } from '~/lib/paging.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { elderScope, REGISTRAR_ROLES } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { isOverdue, rightsDueOn, type RightsKind, type RightsStatus } from './rules.ts'
import { officersToTell } from './officers.server.ts'
import type { DecideRightsRequestInput, FileRightsRequestInput, RecordInPersonRightsRequestInput, WithdrawRightsRequestInput } from './schemas.ts'

/** Who decides: the officers who register and edit the elder's record, within their scope. */
export const RIGHTS_DECIDER_ROLES = REGISTRAR_ROLES

/** Requests a page shows at once (the queue, the history, the family's own). */
const PAGE_SIZE = 30

/** The elders a family member may file for: those linked to the account. */
export async function linkedElders(user: SessionUser) {
	const links = await prisma.familyLink.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' }, take: 200, select: { elder: { select: { id: true, name: true } } } })
	return links.map((l) => l.elder)
}

/** Files a request for a linked elder; one open request of a kind per family member and elder (409). */
export async function fileRightsRequest(user: SessionUser, input: FileRightsRequestInput, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (user.role !== 'family') return fail('rights.errors.familyOnly', 403)
	try {
		return await transaction(async (tx) => {
			// The link is read under a share lock: withdrawing the consent (which ends it) waits for this filing.
			const link = await sql`SELECT "elderId" FROM family_link WHERE "userId" = ${user.id} AND "elderId" = ${input.elderId} FOR SHARE`.first<{ elderId: string }>(tx)
			if (!link) return fail('rights.errors.notLinked', 404)
			const elder = await tx.elder.findUniqueOrThrow({ where: { id: input.elderId }, select: { name: true, districtId: true, communityId: true } })
			const now = new Date()
			const request = await tx.rightsRequest.create({
				data: { elderId: input.elderId, userId: user.id, kind: input.kind, wrongInfo: input.wrongInfo, correctInfo: input.correctInfo, reason: input.reason, dueOn: new Date(`${rightsDueOn(shanghaiDate(now))}T00:00:00Z`), createdAt: now },
				select: { id: true, dueOn: true },
			})
			// The elder's community officers hold the record day to day: they are told; the queue shows it to the others in scope.
			await notify(tx, await officersToTell(tx, { communityId: elder.communityId }), 'rights.requested', { params: { kind: input.kind, elder: elder.name }, dedupe: request.id })
			await audit({ actor: user, action: 'rights.request_file', entityType: 'rights_request', entityId: request.id, districtId: elder.districtId, ip, details: { elderId: input.elderId, kind: input.kind, dueOn: toDateString(request.dueOn) } }, tx)
			return ok({ id: request.id })
		})
	} catch (error) {
		// rights_request_one_open: the same kind is already open for this elder (409).
		return failureOf(error)
	}
}

/**
 * An officer in scope records a request the elder (or a guardian, or an agent) made in person at the
 * office, once the requester's identity and standing were checked (the schema matches the document to
 * who asked). One open request of a kind per elder among those made in person (409). Audited; the
 * elder's other community officers are told.
 */
export async function recordInPersonRightsRequest(user: SessionUser, input: RecordInPersonRightsRequestInput, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (!RIGHTS_DECIDER_ROLES.includes(user.role)) return fail('rights.errors.officerOnly', 403)
	try {
		return await transaction(async (tx) => {
			const elder = await tx.elder.findFirst({ where: { AND: [{ id: input.elderId }, elderScope(user)] }, select: { id: true, name: true, districtId: true, communityId: true } })
			if (!elder) return fail('rights.errors.elderNotFound', 404)
			const now = new Date()
			const request = await tx.rightsRequest.create({
				data: {
					elderId: elder.id,
					filedById: user.id,
					requesterName: input.requesterName,
					requesterRelation: input.requesterRelation,
					identityDocument: input.identityDocument,
					contactPhone: input.contactPhone,
					kind: input.kind,
					wrongInfo: input.wrongInfo,
					correctInfo: input.correctInfo,
					reason: input.reason,
					dueOn: new Date(`${rightsDueOn(shanghaiDate(now))}T00:00:00Z`),
					createdAt: now,
				},
				select: { id: true, dueOn: true },
			})
			await notify(tx, await officersToTell(tx, { communityId: elder.communityId, except: user.id }), 'rights.requested', { params: { kind: input.kind, elder: elder.name }, dedupe: request.id })
			await audit(
				{
					actor: user,
					action: 'rights.request_record',
					entityType: 'rights_request',
					entityId: request.id,
					districtId: elder.districtId,
					ip,
					details: { elderId: elder.id, kind: input.kind, requesterRelation: input.requesterRelation, identityDocument: input.identityDocument, dueOn: toDateString(request.dueOn) },
				},
				tx,
			)
			return ok({ id: request.id })
		})
	} catch (error) {
		// rights_request_one_open_in_person: the same kind is already open for this elder (409).
		return failureOf(error)
	}
}

/** The elder an officer records an in-person request for (in scope), or null (404). */
export async function elderForInPersonRequest(user: SessionUser, elderId: string) {
	if (!RIGHTS_DECIDER_ROLES.includes(user.role)) return null
	return prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, name: true, idNumberMasked: true, phone: true } })
}

/** What a request says and how it was answered: the columns every list and paper shows. */
export const requestSelect = {
	id: true,
	kind: true,
	status: true,
	wrongInfo: true,
	correctInfo: true,
	reason: true,
	dueOn: true,
	answer: true,
	createdAt: true,
	decidedAt: true,
} as const

const familySelect = { ...requestSelect, elder: { select: { id: true, name: true } } } as const

/** The family member's own requests, newest first, with their state and the officer's answer. */
export async function listMyRightsRequests(user: SessionUser, page = 1) {
	const [rows, links] = await Promise.all([
		prisma.rightsRequest.findMany({ where: { userId: user.id }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...pageWindow(page, PAGE_SIZE), select: familySelect }),
		prisma.familyLink.findMany({ where: { userId: user.id }, take: 200, select: { elderId: true } }),
	])
	const linked = new Set(links.map((l) => l.elderId))
	const today = shanghaiDate()
	return {
		hasMore: rows.length > PAGE_SIZE,
		requests: rows.slice(0, PAGE_SIZE).map((r) => {
			const dueOn = toDateString(r.dueOn)
			// A fulfilled copy can be downloaded while the family is still linked to the elder (copy.server.ts).
			const downloadable = r.kind === 'copy' && r.status === 'fulfilled' && linked.has(r.elder.id)
			return { ...r, kind: r.kind as RightsKind, status: r.status as RightsStatus, dueOn, overdue: isOverdue({ status: r.status, dueOn }, today), downloadable }
		}),
	}
}

const officerSelect = {
	...familySelect,
	user: { select: { name: true, phone: true } },
	filedBy: { select: { name: true } },
	requesterName: true,
	requesterRelation: true,
	identityDocument: true,
	contactPhone: true,
	decidedBy: { select: { name: true } },
	elder: { select: { id: true, name: true, idNumberMasked: true, community: { select: { nameZh: true, nameEn: true } } } },
} as const

/** Open requests of elders in the officer's scope, oldest first (the 100 oldest: the rest once these are answered), each with its due date and whether it is overdue. */
export async function listOpenRightsRequests(user: SessionUser, today = shanghaiDate()) {
	const rows = await prisma.rightsRequest.findMany({ where: { status: 'open', elder: elderScope(user) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 100, select: officerSelect })
	return rows.map((r) => {
		const dueOn = toDateString(r.dueOn)
		return { ...r, kind: r.kind as RightsKind, status: r.status as RightsStatus, dueOn, overdue: isOverdue({ status: r.status, dueOn }, today) }
	})
}

/** Decided (and withdrawn) requests of elders in the officer's scope, newest decision first. */
export async function listDecidedRightsRequests(user: SessionUser, page = 1) {
	const rows = await prisma.rightsRequest.findMany({
		where: { status: { not: 'open' }, elder: elderScope(user) },
		orderBy: [{ decidedAt: 'desc' }, { id: 'asc' }],
		...pageWindow(page, PAGE_SIZE),
		select: officerSelect,
	})
	return { hasMore: rows.length > PAGE_SIZE, requests: rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, kind: r.kind as RightsKind, status: r.status as RightsStatus, dueOn: toDateString(r.dueOn) })) }
}

export async function countOpenRightsRequests(user: SessionUser) {
	return prisma.rightsRequest.count({ where: { status: 'open', elder: elderScope(user) } })
}

/**
 * An officer in scope decides an open request, once: fulfilled with the reply (required for a
 * correction or a deletion: what was changed) or refused with the reasons. Out of scope: 404; already
 * decided: 409 (a conditional update on the status, so two officers at once decide once).
 */
export async function decideRightsRequest(user: SessionUser, input: DecideRightsRequestInput, ip: string | null): Promise<Outcome<'fulfil' | 'refuse'>> {
	return transaction(async (tx) => {
		const request = await tx.rightsRequest.findFirst({
			where: { id: input.requestId, elder: elderScope(user) },
			select: { id: true, kind: true, status: true, userId: true, contactPhone: true, elder: { select: { id: true, name: true, districtId: true } } },
		})
		if (!request) return fail('rights.errors.notFound', 404)
		const fulfil = input.decision === 'fulfil'
		const answer = input.answer ?? null
		if (fulfil && request.kind !== 'copy' && !answer) return fieldFail('answer', 'rights.errors.answerRequired', 400)
		const { count } = await tx.rightsRequest.updateMany({
			where: { id: request.id, status: 'open' },
			data: { status: fulfil ? 'fulfilled' : 'refused', decidedById: user.id, decidedAt: new Date(), answer },
		})
		if (count === 0) return fail('rights.errors.decided', 409)
		if (request.userId) {
			await notify(tx, { userId: request.userId }, fulfil ? 'rights.fulfilled' : 'rights.refused', { params: { kind: request.kind, elder: request.elder.name, answer: answer ?? '' }, dedupe: request.id, sms: true })
		} else if (request.contactPhone) {
			// Made in person: the requester has no account; the text says the answer is at the office.
			await notify(tx, { phone: request.contactPhone }, 'rights.answered_in_person', { dedupe: request.id, sms: true })
		}
		await audit(
			{
				actor: user,
				action: fulfil ? 'rights.request_fulfil' : 'rights.request_refuse',
				entityType: 'rights_request',
				entityId: request.id,
				districtId: request.elder.districtId,
				ip,
				details: { elderId: request.elder.id, kind: request.kind, userId: request.userId, inPerson: request.userId === null, answer: answer ?? '' },
			},
			tx,
		)
		return ok(input.decision)
	})
}

/** The family member who filed an open request takes it back (another's, or one already answered: 404 / 409). Audited. */
export async function withdrawRightsRequest(user: SessionUser, input: WithdrawRightsRequestInput, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'family') return fail('rights.errors.familyOnly', 403)
	return transaction(async (tx) => {
		const request = await tx.rightsRequest.findFirst({ where: { id: input.requestId, userId: user.id }, select: { id: true, kind: true, elder: { select: { id: true, districtId: true } } } })
		if (!request) return fail('rights.errors.notFound', 404)
		const { count } = await tx.rightsRequest.updateMany({ where: { id: request.id, status: 'open' }, data: { status: 'withdrawn', decidedAt: new Date() } })
		if (count === 0) return fail('rights.errors.decided', 409)
		await audit({ actor: user, action: 'rights.request_withdraw', entityType: 'rights_request', entityId: request.id, districtId: request.elder.districtId, ip, details: { elderId: request.elder.id, kind: request.kind } }, tx)
		return ok(null)
	})
}

/** An officer in scope records that whoever made a request in person takes it back (online ones are the family's to withdraw: 404). Audited. */
export async function withdrawInPersonRightsRequest(user: SessionUser, input: WithdrawRightsRequestInput, ip: string | null): Promise<Outcome<null>> {
	if (!RIGHTS_DECIDER_ROLES.includes(user.role)) return fail('rights.errors.officerOnly', 403)
	return transaction(async (tx) => {
		const request = await tx.rightsRequest.findFirst({ where: { id: input.requestId, userId: null, elder: elderScope(user) }, select: { id: true, kind: true, elder: { select: { id: true, districtId: true } } } })
		if (!request) return fail('rights.errors.notFound', 404)
		const { count } = await tx.rightsRequest.updateMany({ where: { id: request.id, status: 'open' }, data: { status: 'withdrawn', decidedAt: new Date() } })
		if (count === 0) return fail('rights.errors.decided', 409)
		await audit({ actor: user, action: 'rights.request_withdraw', entityType: 'rights_request', entityId: request.id, districtId: request.elder.districtId, ip, details: { elderId: request.elder.id, kind: request.kind, inPerson: true } }, tx)
		return ok(null)
	})
}
