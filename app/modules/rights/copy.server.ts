// A copy of an elder's record for the family member whose copy request an officer fulfilled (PIPL
// art. 45, exercised for the elder). What the family may see of the registry, as the elder's page
// shows it: the name, the masked identity number only and the age (never the birth date beside the
// mask), residence, contacts, statuses, assessments, grants and allowance payments; no officer's or
// assessor's name, reference or note. Bounded per kind; audited on each download. The office prints
// the same copy for a request made in person.
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate, toDateString } from '~/lib/time.ts'
import { DATA_COPY_MAX_ROWS } from '~/modules/accounts/privacy.ts'
import { assessmentsOf } from '~/modules/assessment/assessments.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { elderScope } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { getElder } from '~/modules/elders/elders.server.ts'
import { allowanceMonths } from '~/modules/elders/timeline.server.ts'
import { statusesOf } from '~/modules/statuses/records.server.ts'
import { requestSelect, RIGHTS_DECIDER_ROLES } from './requests.server.ts'
import type { RightsKind, RightsStatus } from './rules.ts'

/** Rows of one kind a copy carries at most (newest first); an elder has far fewer. */
const MAX_ROWS = Math.min(DATA_COPY_MAX_ROWS, 1000)

const yuan = (fen: number) => (fen / 100).toFixed(2)

type ElderInScope = NonNullable<Awaited<ReturnType<typeof getElder>>>

/** The record a copy carries, as `user` may see it (getElder's scope decided that already). */
async function recordOf(user: SessionUser, elder: ElderInScope) {
	const today = shanghaiDate()
	const [statuses, { assessments }, grants, payments] = await Promise.all([
		statusesOf(user, elder.id, today),
		assessmentsOf(elder.id, today),
		sql`SELECT pol."nameZh" AS policy, g.status, g."startMonth", g."createdAt", g."endedAt", g."stopReason"
			 FROM subsidy_grant g JOIN subsidy_policy pol ON pol.id = g."policyId"
			 WHERE g."elderId" = ${elder.id}::uuid ORDER BY g."createdAt" DESC LIMIT ${MAX_ROWS}`.rows<{ policy: string; status: string; startMonth: string; createdAt: Date; endedAt: Date | null; stopReason: string | null }>(),
		allowanceMonths(elder.id, MAX_ROWS).rows<{ month: string; kind: string; amountFen: number; status: string; attempt: string | null }>(),
	])
	return {
		elder: {
			name: elder.name,
			idNumber: elder.idNumberMasked,
			gender: elder.gender,
			age: elder.age,
			district: elder.district.nameZh,
			township: elder.community?.township?.nameZh ?? null,
			community: elder.community?.nameZh ?? null,
			settlement: elder.settlement,
			residenceStatus: elder.residenceStatus,
			residencyStatus: elder.residencyStatus,
			deathDate: elder.deathDate ? toDateString(elder.deathDate) : null,
			lastLiveness: elder.lastLivenessAt ? toDateString(elder.lastLivenessAt) : null,
			phone: elder.phone,
			emergencyContact: elder.emergencyContactName ? { name: elder.emergencyContactName, phone: elder.emergencyContactPhone } : null,
		},
		statuses: statuses.slice(0, MAX_ROWS).map((s) => ({ kind: s.kind, validFrom: s.validFrom, validUntil: s.validUntil, inForce: s.inForce, disabilityGrade: s.disabilityGrade, supportMode: s.supportMode, ended: s.endedAt !== null })),
		assessments: assessments.slice(0, MAX_ROWS).map((a) => ({ assessedOn: a.assessedOn, validUntil: a.validUntil, level: a.level, total: a.total, organisation: a.org, inForce: a.inForce })),
		grants: grants.map((g) => ({ policy: g.policy, status: g.status, startMonth: g.startMonth, since: g.createdAt.toISOString(), endedAt: g.endedAt?.toISOString() ?? null, stopReason: g.stopReason })),
		allowancePayments: payments.map((p) => ({ month: p.month, kind: p.kind, amountYuan: yuan(p.amountFen), status: p.attempt === 'returned' ? 'returned' : p.status })),
	}
}
export type ElderRecordCopy = Awaited<ReturnType<typeof recordOf>>

/**
 * The copy for a fulfilled copy request of this family member, while still linked to the elder
 * (getElder's family scope); null (404) for anything else: another's request, not a copy, not yet
 * fulfilled, the link ended.
 */
export async function elderRecordCopy(user: SessionUser, requestId: string, ip: string | null) {
	if (user.role !== 'family') return null
	const request = await prisma.rightsRequest.findFirst({ where: { id: requestId, userId: user.id, kind: 'copy', status: 'fulfilled' }, select: { id: true, elderId: true, decidedAt: true, answer: true } })
	if (!request) return null
	const elder = await getElder(user, request.elderId)
	if (!elder) return null
	const record = await recordOf(user, elder)
	await audit({ actor: user, action: 'rights.record_copy', entityType: 'rights_request', entityId: request.id, districtId: elder.districtId, ip, details: { elderId: elder.id } })
	return { format: 'yiyang-elder-record/1', madeAt: new Date().toISOString(), request: { id: request.id, fulfilledAt: request.decidedAt?.toISOString() ?? null, answer: request.answer }, ...record }
}

/**
 * What the office prints for a request made in person, for an officer in scope (else null, 404): a
 * receipt while it is open (with its due date), the written answer once decided and, for a fulfilled
 * copy request, the copy of the record itself (the same as a family's download; audited each time).
 */
export async function inPersonRequestPaper(user: SessionUser, requestId: string, ip: string | null) {
	if (!RIGHTS_DECIDER_ROLES.includes(user.role)) return null
	const request = await prisma.rightsRequest.findFirst({
		where: { id: requestId, userId: null, elder: elderScope(user) },
		select: {
			...requestSelect,
			requesterName: true,
			requesterRelation: true,
			elderId: true,
			filedBy: { select: { name: true } },
			decidedBy: { select: { name: true } },
		},
	})
	if (!request) return null
	const elder = await getElder(user, request.elderId)
	if (!elder) return null
	const withRecord = request.kind === 'copy' && request.status === 'fulfilled'
	const record = withRecord ? await recordOf(user, elder) : null
	if (withRecord) await audit({ actor: user, action: 'rights.record_print', entityType: 'rights_request', entityId: request.id, districtId: elder.districtId, ip, details: { elderId: elder.id } })
	return {
		request: { ...request, kind: request.kind as RightsKind, status: request.status as RightsStatus, dueOn: toDateString(request.dueOn) },
		elder: { name: elder.name, idNumberMasked: elder.idNumberMasked, community: elder.community?.nameZh ?? null, district: elder.district.nameZh },
		record,
	}
}
