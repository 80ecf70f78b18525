// The statuses and assessments part of the elder's timeline (issue 10 item 9): each line says what,
// when and who. Families see what was decided and when; officers' names and the evidence are for
// officers (a family sees the assessment organisation, not the assessor's name).
import { sql } from '~/lib/sql.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export type TimelineItem = {
	key: string
	at: Date
	kind: 'statusRecorded' | 'statusEnded' | 'assessed' | 'requested'
	who: string | null
	params: Record<string, string | number | null>
}

export async function statusTimeline(viewer: SessionUser, elderId: string): Promise<TimelineItem[]> {
	const officer = viewer.role !== 'family' && viewer.role !== 'provider_staff'
	const statuses = await sql`
		SELECT s.id, s.kind, s."validFrom", s."validUntil", s."recordedAt", s."endedAt", r.name AS "recordedBy", x.name AS "endedBy", s.source
		FROM elder_status s LEFT JOIN app_user r ON r.id = s."recordedById" LEFT JOIN app_user x ON x.id = s."endedById"
		WHERE s."elderId" = ${elderId}::uuid`.rows<{ id: string; kind: string; validFrom: string; validUntil: string | null; recordedAt: Date; endedAt: Date | null; recordedBy: string | null; endedBy: string | null; source: string }>()
	const assessments = await sql`
		SELECT a.id, a.level, a.total, a."assessedOn", a."validUntil", a."createdAt", u.name AS assessor, o.name AS org
		FROM capability_assessment a LEFT JOIN app_user u ON u.id = a."assessorId" LEFT JOIN assessment_org o ON o.id = a."orgId"
		WHERE a."elderId" = ${elderId}::uuid`.rows<{ id: string; level: string; total: number | null; assessedOn: string; validUntil: string; createdAt: Date; assessor: string | null; org: string | null }>()
	const requests = await sql`
		SELECT q.id, q."createdAt", u.name AS "requestedBy" FROM reassessment_request q JOIN app_user u ON u.id = q."requestedById"
		WHERE q."elderId" = ${elderId}::uuid`.rows<{ id: string; createdAt: Date; requestedBy: string }>()
	const items: TimelineItem[] = []
	for (const s of statuses) {
		items.push({ key: `s-${s.id}`, at: s.recordedAt, kind: 'statusRecorded', who: officer ? s.recordedBy : null, params: { kind: s.kind, from: s.validFrom, until: s.endedAt ? null : s.validUntil, source: officer ? s.source : null } })
		if (s.endedAt) items.push({ key: `e-${s.id}`, at: s.endedAt, kind: 'statusEnded', who: officer ? s.endedBy : null, params: { kind: s.kind, until: s.validUntil } })
	}
	for (const a of assessments) items.push({ key: `a-${a.id}`, at: a.createdAt, kind: 'assessed', who: [officer ? a.assessor : null, a.org].filter(Boolean).join(' · ') || null, params: { level: a.level, total: a.total, assessedOn: a.assessedOn, until: a.validUntil } })
	for (const q of requests) items.push({ key: `q-${q.id}`, at: q.createdAt, kind: 'requested', who: q.requestedBy, params: {} })
	return items.sort((x, y) => y.at.getTime() - x.at.getTime())
}
