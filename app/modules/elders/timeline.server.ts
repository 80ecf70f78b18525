// The elder's one timeline (issue 10 item 9): registration, residence verification, statuses,
// assessments, life events, registry imports, allowance months, subsidy grants and services
// (bookings, visits, stays), newest first, each line with when and who.
//
// The caller has already checked the viewer may see the elder (getElder's scope: the family linked
// to the elder, officers of its area, the bureau). Officers see who did it and the evidence; a
// family sees what happened to its elder and when, the provider or organisation that did it, but
// not officers' or caregivers' names, references, evidence or decision notes.
//
// Bounded: each source gives at most `limit + 1` of its newest lines, the merge keeps `limit`, and
// `more` says whether anything older was left out (the page asks again with a larger limit). Import
// lines are found through the dry run's verdicts by elder (indexed), never by scanning an import.
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { lifeEventsOf } from '~/modules/life-events/life-events.server.ts'
import { statusTimeline } from '~/modules/statuses/timeline.server.ts'

export const TIMELINE_PAGE = 30
export const TIMELINE_MAX = 1000

export type TimelineKind =
	| 'registered'
	| 'verified'
	| 'lifeEvent'
	| 'imported'
	| 'statusRecorded'
	| 'statusEnded'
	| 'assessed'
	| 'requested'
	| 'allowance'
	| 'grantStarted'
	| 'grantEnded'
	| 'grantStopped'
	| 'booking'
	| 'visit'
	| 'admitted'
	| 'discharged'

type Param = string | number | boolean | null | string[]

export type TimelineLine = {
	key: string
	kind: TimelineKind
	/** The day the line is placed on (Shanghai), YYYY-MM-DD. */
	on: string
	/** When it was recorded: orders lines of the same day. */
	at: string
	/** Who did it, as far as the viewer may know. */
	who: string | null
	params: Record<string, Param>
}

export type ElderTimeline = { lines: TimelineLine[]; more: boolean; limit: number }

/** The allowance month's state as a family reads it: owed (not yet sent), sent to the bank, paid, returned. */
export type AllowanceState = 'owed' | 'sent' | 'paid' | 'returned'

const day = (d: Date) => shanghaiDate(d)

/**
 * One line per month: its latest state, from the payment and its latest bank-file attempt. The
 * attempts are reached through the two partial indexes by payment (live: sent or paid; returned),
 * which between them cover every status the table's CHECK allows; a lookup by payment alone has
 * no index and scanned every line ever sent (61 ms a month shown with one month's 110,000 lines).
 */
export function allowanceMonths(elderId: string, take: number) {
	return sql`SELECT p.id, p.month, p.kind, p."amountFen", p.status, d.status AS attempt, COALESCE(p."paidAt", d."paidAt", d."returnedAt", d."sentAt", p."failedAt", r."approvedAt", r."startedAt") AS at, a.name AS "approvedBy"
		 FROM allowance_payment p JOIN allowance_run r ON r.id = p."runId" LEFT JOIN app_user a ON a.id = r."approvedById"
		 LEFT JOIN LATERAL (SELECT y.status, y."sentAt", y."paidAt", y."returnedAt" FROM (
		     SELECT x.serial, x.status, x."sentAt", x."paidAt", x."returnedAt" FROM allowance_disbursement x WHERE x."paymentId" = p.id AND x.status IN ('sent', 'paid')
		     UNION ALL
		     SELECT x.serial, x.status, x."sentAt", x."paidAt", x."returnedAt" FROM allowance_disbursement x WHERE x."paymentId" = p.id AND x.status = 'returned') y
		   ORDER BY y.serial DESC LIMIT 1) d ON true
		 WHERE p."elderId" = ${elderId}::uuid ORDER BY p.month DESC LIMIT ${take}`
}

export async function elderTimeline(viewer: SessionUser, elderId: string, opts: { limit?: number } = {}): Promise<ElderTimeline> {
	const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? TIMELINE_PAGE)), TIMELINE_MAX)
	const take = limit + 1
	const officer = viewer.role !== 'family'
	const name = (n: string | null | undefined) => (officer ? (n ?? null) : null)
	const [head, events, imports, statuses, allowance, grants, bookings, visits, stays] = await Promise.all([
		sql`SELECT e."createdAt", e."residenceVerifiedAt", r.name AS "registeredBy", v.name AS "verifiedBy" FROM elder e
			 LEFT JOIN app_user r ON r.id = e."registeredById" LEFT JOIN app_user v ON v.id = e."residenceVerifiedById" WHERE e.id = ${elderId}::uuid`.first<{
			createdAt: Date
			residenceVerifiedAt: Date | null
			registeredBy: string | null
			verifiedBy: string | null
		}>(),
		lifeEventsOf(elderId),
		sql`SELECT l."importId", l.line, l.outcome, l."changedFields", c."doneAt", u.name FROM registry_import_verdict l JOIN registry_import i ON i.id = l."importId"
			 JOIN registry_import_chunk c ON c."importId" = l."importId" AND l.line BETWEEN c."lineFrom" AND c."lineTo" AND c.done
			 LEFT JOIN app_user u ON u.id = COALESCE(i."appliedById", i."createdById")
			 WHERE l."elderId" = ${elderId}::uuid AND l.outcome IN ('new', 'changed')
			 ORDER BY c."doneAt" DESC LIMIT ${take}`.rows<{ importId: string; line: number; outcome: string; changedFields: string[]; doneAt: Date; name: string | null }>(),
		statusTimeline(viewer, elderId),
		allowanceMonths(elderId, take).rows<{ id: string; month: string; kind: string; amountFen: number; status: string; attempt: string | null; at: Date; approvedBy: string | null }>(),
		sql`SELECT g.id, g.status, g."startMonth", g."createdAt", g."endedAt", g."stopReason", pol."nameZh", pol."nameEn", ap.name AS "grantedBy", rv.name AS "reviewedBy"
			 FROM subsidy_grant g JOIN subsidy_policy pol ON pol.id = g."policyId" LEFT JOIN subsidy_application a ON a.id = g."applicationId"
			 LEFT JOIN app_user ap ON ap.id = a."bureauReviewerId" LEFT JOIN app_user rv ON rv.id = g."reviewedById"
			 WHERE g."elderId" = ${elderId}::uuid ORDER BY COALESCE(g."endedAt", g."createdAt") DESC LIMIT ${take}`.rows<{
			id: string
			status: string
			startMonth: string
			createdAt: Date
			endedAt: Date | null
			stopReason: string | null
			nameZh: string
			nameEn: string
			grantedBy: string | null
			reviewedBy: string | null
		}>(),
		sql`SELECT b.id, b.status, b."startsAt", b."createdAt", o.title, o.category, pr.name AS provider
			 FROM booking b JOIN offering o ON o.id = b."offeringId" JOIN provider pr ON pr.id = b."providerId"
			 WHERE b."elderId" = ${elderId}::uuid ORDER BY b."startsAt" DESC LIMIT ${take}`.rows<{ id: string; status: string; startsAt: Date; createdAt: Date; title: string; category: string; provider: string }>(),
		sql`SELECT v.id, v."checkInAt", v."checkOutAt", v.verified, o.title, pr.name AS provider, cg.name AS caregiver
			 FROM visit v JOIN booking b ON b.id = v."bookingId" JOIN offering o ON o.id = b."offeringId" JOIN provider pr ON pr.id = v."providerId" LEFT JOIN app_user cg ON cg.id = v."caregiverId"
			 WHERE v."elderId" = ${elderId}::uuid ORDER BY v."checkInAt" DESC LIMIT ${take}`.rows<{ id: string; checkInAt: Date; checkOutAt: Date | null; verified: boolean; title: string; provider: string; caregiver: string | null }>(),
		sql`SELECT a.id, a."admittedOn", a."dischargedOn", a."endReason", a."createdAt", a."updatedAt", pr.name AS provider, ad.name AS "admittedBy", di.name AS "dischargedBy"
			 FROM admission a JOIN provider pr ON pr.id = a."providerId" LEFT JOIN app_user ad ON ad.id = a."admittedById" LEFT JOIN app_user di ON di.id = a."dischargedById"
			 WHERE a."elderId" = ${elderId}::uuid ORDER BY COALESCE(a."dischargedOn", a."admittedOn") DESC LIMIT ${take}`.rows<{
			id: string
			admittedOn: string
			dischargedOn: string | null
			endReason: string | null
			createdAt: Date
			updatedAt: Date
			provider: string
			admittedBy: string | null
			dischargedBy: string | null
		}>(),
	])
	if (!head) return { lines: [], more: false, limit }
	const lines: TimelineLine[] = []
	const push = (line: Omit<TimelineLine, 'at'> & { at: Date | string }) => lines.push({ ...line, at: typeof line.at === 'string' ? line.at : line.at.toISOString() })

	push({ key: 'registered', kind: 'registered', on: day(head.createdAt), at: head.createdAt, who: name(head.registeredBy), params: {} })
	if (head.residenceVerifiedAt) push({ key: 'verified', kind: 'verified', on: day(head.residenceVerifiedAt), at: head.residenceVerifiedAt, who: name(head.verifiedBy), params: {} })
	for (const e of events)
		push({
			key: `ev-${e.id}`,
			kind: 'lifeEvent',
			on: e.occurredOn,
			at: e.createdAt,
			who: name(e.recordedBy),
			params: { event: e.kind, status: e.status, source: e.source, reference: officer ? e.reference : null, decidedBy: name(e.decidedBy), decisionNote: officer ? e.decisionNote : null },
		})
	for (const i of imports) push({ key: `im-${i.importId}-${i.line}`, kind: 'imported', on: day(i.doneAt), at: i.doneAt, who: name(i.name), params: { created: i.outcome === 'new', fields: i.changedFields } })
	// statusTimeline applies the same rule (names and evidence for officers; the organisation for everyone).
	for (const s of statuses) push({ key: s.key, kind: s.kind, on: day(s.at), at: s.at, who: s.who, params: s.params })
	for (const p of allowance) {
		const state: AllowanceState = p.status === 'paid' ? 'paid' : p.status === 'sent' ? 'sent' : p.status === 'returned' || p.status === 'failed' ? 'returned' : 'owed'
		push({ key: `al-${p.id}`, kind: 'allowance', on: day(p.at), at: p.at, who: name(p.approvedBy), params: { month: p.month, amountFen: p.amountFen, state, backPay: p.kind === 'back_pay', held: p.status === 'held_no_account' } })
	}
	for (const g of grants) {
		const policy = { policyZh: g.nameZh, policyEn: g.nameEn }
		push({ key: `gs-${g.id}`, kind: 'grantStarted', on: day(g.createdAt), at: g.createdAt, who: name(g.grantedBy), params: { ...policy, from: g.startMonth.slice(0, 7) } })
		if (g.endedAt) push({ key: `ge-${g.id}`, kind: g.stopReason ? 'grantStopped' : 'grantEnded', on: day(g.endedAt), at: g.endedAt, who: name(g.reviewedBy), params: { ...policy, reason: g.stopReason } })
	}
	for (const b of bookings) push({ key: `bk-${b.id}`, kind: 'booking', on: day(b.startsAt), at: b.startsAt, who: b.provider, params: { title: b.title, status: b.status } })
	for (const v of visits) push({ key: `vi-${v.id}`, kind: 'visit', on: day(v.checkInAt), at: v.checkInAt, who: officer ? [v.caregiver, v.provider].filter(Boolean).join(' · ') : v.provider, params: { title: v.title, done: v.checkOutAt !== null, verified: v.verified } })
	for (const a of stays) {
		push({ key: `ad-${a.id}`, kind: 'admitted', on: a.admittedOn, at: a.createdAt, who: officer ? [name(a.admittedBy), a.provider].filter(Boolean).join(' · ') : a.provider, params: {} })
		if (a.dischargedOn) push({ key: `di-${a.id}`, kind: 'discharged', on: a.dischargedOn, at: a.updatedAt, who: officer ? [name(a.dischargedBy), a.provider].filter(Boolean).join(' · ') : a.provider, params: { reason: a.endReason } })
	}
	// Newest first: by day, then by when it was recorded; the key keeps equal lines in a fixed order.
	lines.sort((x, y) => (x.on !== y.on ? (x.on < y.on ? 1 : -1) : x.at !== y.at ? (x.at < y.at ? 1 : -1) : x.key < y.key ? -1 : 1))
	return { lines: lines.slice(0, limit), more: lines.length > limit, limit }
}
