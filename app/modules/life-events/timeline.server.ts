// The elder's timeline (issue 10 item 9, for what this capability adds): registration, residence
// verification, life events and registry-import changes, each with who and when. The caller has
// already checked the viewer may see the elder; a family sees what happened but not officers' names.
import { sql } from '~/lib/sql.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { lifeEventsOf } from './life-events.server.ts'

export type TimelineEntry =
	| { kind: 'registered' | 'verified'; on: string; at: string; by: string | null }
	| { kind: 'lifeEvent'; on: string; at: string; by: string | null; eventId: string; event: string; status: string; source: string; reference: string | null; decidedBy: string | null; decisionNote: string | null }
	| { kind: 'imported'; on: string; at: string; by: string | null; fields: string[]; created: boolean }

export async function elderTimeline(user: SessionUser, elderId: string): Promise<TimelineEntry[]> {
	const showNames = user.role !== 'family'
	const name = (n: string | null) => (showNames ? n : null)
	const day = (d: Date) => d.toISOString().slice(0, 10)
	const [head, events, imports] = await Promise.all([
		sql`SELECT e."createdAt", e."residenceVerifiedAt", r.name AS "registeredBy", v.name AS "verifiedBy" FROM elder e
			 LEFT JOIN app_user r ON r.id = e."registeredById" LEFT JOIN app_user v ON v.id = e."residenceVerifiedById" WHERE e.id = ${elderId}::uuid`.first<{ createdAt: Date; residenceVerifiedAt: Date | null; registeredBy: string | null; verifiedBy: string | null }>(),
		lifeEventsOf(elderId),
		sql`SELECT l.outcome, l."changedFields", c."doneAt", u.name FROM registry_import_line l JOIN registry_import i ON i.id = l."importId"
			 JOIN registry_import_chunk c ON c."importId" = l."importId" AND l.line BETWEEN c."lineFrom" AND c."lineTo" AND c.done
			 LEFT JOIN app_user u ON u.id = COALESCE(i."appliedById", i."createdById")
			 WHERE l."elderId" = ${elderId}::uuid AND l.outcome IN ('new', 'changed') ORDER BY c."doneAt" DESC LIMIT 20`.rows<{ outcome: string; changedFields: string[]; doneAt: Date; name: string | null }>(),
	])
	if (!head) return []
	const out: TimelineEntry[] = [{ kind: 'registered', on: day(head.createdAt), at: head.createdAt.toISOString(), by: name(head.registeredBy) }]
	if (head.residenceVerifiedAt) out.push({ kind: 'verified', on: day(head.residenceVerifiedAt), at: head.residenceVerifiedAt.toISOString(), by: name(head.verifiedBy) })
	for (const e of events)
		out.push({ kind: 'lifeEvent', on: e.occurredOn, at: e.createdAt.toISOString(), by: name(e.recordedBy), eventId: e.id, event: e.kind, status: e.status, source: e.source, reference: showNames ? e.reference : null, decidedBy: name(e.decidedBy), decisionNote: showNames ? e.decisionNote : null })
	for (const i of imports) out.push({ kind: 'imported', on: day(i.doneAt), at: i.doneAt.toISOString(), by: name(i.name), fields: i.changedFields, created: i.outcome === 'new' })
	return out.sort((a, b) => (a.on === b.on ? (a.at < b.at ? 1 : -1) : a.on < b.on ? 1 : -1))
}
