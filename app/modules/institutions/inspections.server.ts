// Inspections and rectification (issue 14 item 7). An officer of the institution's district records
// an inspection (kinds: safety, fire, food, care) with findings, each with a deadline after the
// inspection; the institution answers each open finding with its rectification (open|reopened →
// answered); the officer closes it (accepted) or reopens it with a reason. Overdue: open or reopened
// past its deadline. A finding not closed more than the *default* limit past its deadline stops new
// admissions (admission-stop.server.ts). Every decision is audited. `today` is a parameter (the
// Shanghai date of the request) so tests freeze the clock.
import { prisma } from '~/lib/db.server.ts'
import { refuse, transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { InstitutionStaff } from '~/modules/beds/access.server.ts'
import type { InspectionKind, Severity } from './inspection-schemas.ts'
import type { Photo } from './photos.server.ts'
import { isUuid } from '~/lib/query.ts'

export type FindingStatus = 'open' | 'answered' | 'reopened' | 'closed'
export type FindingInput = { category: InspectionKind; severity: Severity; description: string; deadline: string }

const E = (k: string) => `beds:inspections.errors.${k}`

/** The inspector: a district officer of the institution's district (city officers read only). */
const mayInspect = (user: SessionUser, districtId: string) => user.role === 'bureau_district' && canActInDistrict(user, districtId)

/** An officer records an inspection with its findings (and up to 3 photos). Audited. */
export async function recordInspection(
	officer: SessionUser,
	input: { providerId: string; inspectedOn: string; kinds: InspectionKind[]; note?: string; findings: FindingInput[]; photos?: Photo[] },
	ip: string | null,
	today: string,
): Promise<Outcome<{ id: string; findings: number }>> {
	const provider = await prisma.provider.findUnique({ where: { id: input.providerId }, select: { id: true, kind: true, districtId: true } })
	if (!provider || provider.kind !== 'institution' || !mayInspect(officer, provider.districtId)) return fail(E('notInScope'), 403)
	if (input.inspectedOn > today) return fieldFail('inspectedOn', E('futureDate'))
	const late = input.findings.findIndex((f) => f.deadline <= input.inspectedOn)
	if (late >= 0) return fieldFail(`findings[${late}].deadline`, E('deadlineAfter'))
	return transactionOutcome(async (tx) => {
		const row = await sql`INSERT INTO inspection ("providerId", "districtId", "inspectedOn", "inspectorId", kinds, note)
			VALUES (${provider.id}::uuid, ${provider.districtId}, ${input.inspectedOn}::date, ${officer.id}::uuid, ${input.kinds}::text[], ${input.note || null}) RETURNING id`.first<{ id: string }>(tx)
		const id = row!.id
		for (const f of input.findings)
			await sql`INSERT INTO inspection_finding ("inspectionId", "providerId", "districtId", category, severity, description, deadline)
				VALUES (${id}::uuid, ${provider.id}::uuid, ${provider.districtId}, ${f.category}, ${f.severity}, ${f.description}, ${f.deadline}::date)`.run(tx)
		for (const photo of input.photos ?? []) await sql`INSERT INTO inspection_photo ("inspectionId", "contentType", bytes) VALUES (${id}::uuid, ${photo.contentType}, ${Buffer.from(photo.bytes)})`.run(tx)
		await audit(
			{ actor: officer, action: 'inspection.record', entityType: 'inspection', entityId: id, districtId: provider.districtId, details: { providerId: provider.id, inspectedOn: input.inspectedOn, kinds: input.kinds, findings: input.findings, photos: input.photos?.length ?? 0 }, ip },
			tx,
		)
		return ok({ id, findings: input.findings.length })
	})
}

/** The institution answers an open (or reopened) finding of its own with its rectification. Audited. */
export async function answerFinding(staff: InstitutionStaff, input: { findingId: string; rectification: string; photos?: Photo[] }, ip: string | null, today: string): Promise<Outcome<null>> {
	if (!isUuid(input.findingId)) return fieldFail('findingId', E('unknown'), 404)
	return transactionOutcome(async (tx) => {
		const row = await sql`UPDATE inspection_finding SET status = 'answered', rectification = ${input.rectification}, "answeredById" = ${staff.id}::uuid, "answeredOn" = ${today}::date, "answeredAt" = now()
			WHERE id = ${input.findingId}::uuid AND "providerId" = ${staff.providerId}::uuid AND status IN ('open', 'reopened') RETURNING "inspectionId"`.first<{ inspectionId: string }>(tx)
		if (!row) {
			// Another institution's finding is not found; one of ours already answered or closed is a conflict.
			const mine = await sql`SELECT 1 AS x FROM inspection_finding WHERE id = ${input.findingId}::uuid AND "providerId" = ${staff.providerId}::uuid`.first(tx)
			if (!mine) refuse('findingId', E('unknown'), 404)
			refuse(null, E('notOpen'), 409)
		}
		for (const photo of input.photos ?? [])
			await sql`INSERT INTO inspection_photo ("inspectionId", "findingId", "contentType", bytes) VALUES (${row.inspectionId}::uuid, ${input.findingId}::uuid, ${photo.contentType}, ${Buffer.from(photo.bytes)})`.run(tx)
		await audit({ actor: staff, action: 'inspection.answer', entityType: 'inspection_finding', entityId: input.findingId, districtId: staff.districtId, details: { rectification: input.rectification, photos: input.photos?.length ?? 0, on: today }, ip }, tx)
		return ok(null)
	})
}

/** An officer of the finding's district closes an answered finding (accepted) or reopens it with a reason. Audited. */
export async function decideFinding(officer: SessionUser, input: { findingId: string; decision: 'close' | 'reopen'; reason?: string }, ip: string | null): Promise<Outcome<null>> {
	const finding = isUuid(input.findingId) ? await prisma.inspectionFinding.findUnique({ where: { id: input.findingId }, select: { id: true, districtId: true, providerId: true } }) : null
	if (!finding) return fieldFail('findingId', E('unknown'), 404)
	if (!mayInspect(officer, finding.districtId)) return fail(E('notInScope'), 403)
	if (input.decision === 'reopen' && !input.reason) return fieldFail('reason', E('reasonRequired'))
	return transactionOutcome(async (tx) => {
		const to = input.decision === 'close' ? 'closed' : 'reopened'
		const n = await sql`UPDATE inspection_finding SET status = ${to}::"FindingStatus", "reopenReason" = ${input.decision === 'reopen' ? input.reason! : null}, "decidedById" = ${officer.id}::uuid, "decidedAt" = now()
			WHERE id = ${finding.id}::uuid AND status = 'answered'`.run(tx)
		if (!n) return fail(E('notAnswered'), 409)
		await audit({ actor: officer, action: `inspection.${input.decision}`, entityType: 'inspection_finding', entityId: finding.id, districtId: finding.districtId, details: { providerId: finding.providerId, reason: input.reason ?? '' }, ip }, tx)
		return ok(null)
	})
}

export type FindingRow = {
	id: string
	inspectionId: string
	providerId: string
	providerName: string
	districtId: string
	category: InspectionKind
	severity: Severity
	description: string
	deadline: string
	status: FindingStatus
	rectification: string | null
	answeredOn: string | null
	reopenReason: string | null
	overdue: boolean
	daysOverdue: number
	blocking: boolean
	photoIds: string[]
}

/** Findings with whether they are overdue (open or reopened past the deadline) and whether they stop admissions, on `today`. */
function findingsWhere(where: ReturnType<typeof sql>, today: string, limit = 200) {
	return sql`SELECT f.id, f."inspectionId", f."providerId", p.name AS "providerName", f."districtId", f.category, f.severity, f.description, f.deadline, f.status::text AS status,
			f.rectification, f."answeredOn", f."reopenReason",
			(f.status IN ('open', 'reopened') AND ${today}::date > f.deadline) AS overdue,
			greatest(${today}::date - f.deadline, 0) AS "daysOverdue",
			(f.status <> 'closed' AND ${today}::date > f.deadline + coalesce(inspection_limit_on(${today}::date), 30)
			  AND NOT (f.status = 'answered' AND f."answeredOn" <= f.deadline + coalesce(inspection_limit_on(${today}::date), 30))) AS blocking,
			coalesce((SELECT array_agg(ph.id::text ORDER BY ph."createdAt") FROM inspection_photo ph WHERE ph."findingId" = f.id), '{}') AS "photoIds"
		FROM inspection_finding f JOIN provider p ON p.id = f."providerId"
		WHERE ${where} ORDER BY (f.status = 'closed'), f.deadline, f."createdAt" LIMIT ${limit}`.rows<FindingRow>()
}

function inspectionsOf(providerId: string) {
	return sql`SELECT i.id, i."inspectedOn", i.kinds, i.note, u.name AS inspector,
			coalesce((SELECT array_agg(ph.id::text ORDER BY ph."createdAt") FROM inspection_photo ph WHERE ph."inspectionId" = i.id AND ph."findingId" IS NULL), '{}') AS "photoIds"
		FROM inspection i LEFT JOIN app_user u ON u.id = i."inspectorId" WHERE i."providerId" = ${providerId}::uuid ORDER BY i."inspectedOn" DESC, i."createdAt" DESC LIMIT 50`.rows<{
		id: string
		inspectedOn: string
		kinds: InspectionKind[]
		note: string | null
		inspector: string | null
		photoIds: string[]
	}>()
}

/** What the institution sees: its findings (open first), its inspections, whether admissions are stopped. */
export async function inspectionsForInstitution(staff: InstitutionStaff, today: string) {
	const [findings, inspections] = await Promise.all([findingsWhere(sql`f."providerId" = ${staff.providerId}::uuid`, today), inspectionsOf(staff.providerId)])
	return { findings, inspections, stopped: findings.some((f) => f.blocking), limitDays: await limitOn(today) }
}

/** The limit (days past a deadline before admissions stop) in force on `today`. */
/** The limit in days on `today` (30 before any was set), as an expression (the bed dashboard composes it). */
export function limitOnSql(today: string) {
	return sql`coalesce(inspection_limit_on(${today}::date), 30)`
}

export async function limitOn(today: string) {
	const row = await sql`SELECT ${limitOnSql(today)} AS days`.prepared().first<{ days: number }>()
	return row?.days ?? 30
}

/** Answered findings waiting for the district officer to close or reopen (the home page). */
export async function countFindingsToDecide(user: SessionUser) {
	if (user.role !== 'bureau_district') return 0
	const row = await sql`SELECT count(*)::int AS n FROM inspection_finding f WHERE f."districtId" = ${user.districtId ?? ''} AND f.status = 'answered'`.first<{ n: number }>()
	return row?.n ?? 0
}

/** Findings open or reopened that the provider's staff have to answer (the home page; only institutions are inspected). */
export async function countFindingsToAnswer(user: SessionUser) {
	if (user.role !== 'provider_staff' || !user.providerId) return 0
	const row = await sql`SELECT count(*)::int AS n FROM inspection_finding f WHERE f."providerId" = ${user.providerId}::uuid AND f.status IN ('open', 'reopened')`.first<{ n: number }>()
	return row?.n ?? 0
}

/** The officers' page: institutions in scope with their open and overdue findings, the chosen institution, the overdue list. */
export async function inspectionsForOfficer(user: SessionUser, opts: { providerId?: string | null }, today: string) {
	const providerScope = isCityWide(user) ? sql`TRUE` : sql`p."districtId" = ${user.districtId ?? ''}`
	const findingScope = isCityWide(user) ? sql`TRUE` : sql`f."districtId" = ${user.districtId ?? ''}`
	const [institutions, overdue] = await Promise.all([
		sql`SELECT p.id, p.name, p."districtId",
				count(f.id) FILTER (WHERE f.status <> 'closed')::int AS "notClosed",
				count(f.id) FILTER (WHERE f.status = 'answered')::int AS answered,
				count(f.id) FILTER (WHERE f.status IN ('open', 'reopened') AND ${today}::date > f.deadline)::int AS overdue,
				inspection_findings_blocking(p.id, ${today}::date) > 0 AS stopped
			FROM provider p LEFT JOIN inspection_finding f ON f."providerId" = p.id
			WHERE p.kind = 'institution' AND p.status IN ('approved', 'suspended') AND ${providerScope}
			GROUP BY p.id ORDER BY count(f.id) FILTER (WHERE f.status IN ('open', 'reopened') AND ${today}::date > f.deadline) DESC, count(f.id) FILTER (WHERE f.status = 'answered') DESC, p.name LIMIT 300`.rows<{
			id: string
			name: string
			districtId: string
			notClosed: number
			answered: number
			overdue: number
			stopped: boolean
		}>(),
		findingsWhere(sql`${findingScope} AND f.status IN ('open', 'reopened') AND ${today}::date > f.deadline`, today, 100),
	])
	const selected =
		opts.providerId && isUuid(opts.providerId)
			? await sql`SELECT p.id, p.name, p."districtId" FROM provider p WHERE p.id = ${opts.providerId}::uuid AND p.kind = 'institution' AND ${providerScope}`.first<{ id: string; name: string; districtId: string }>()
			: undefined
	return {
		institutions,
		overdue,
		limitDays: await limitOn(today),
		selected: selected
			? { ...selected, mayInspect: mayInspect(user, selected.districtId), inspections: await inspectionsOf(selected.id), findings: await findingsWhere(sql`f."providerId" = ${selected.id}::uuid`, today) }
			: null,
	}
}

export type OverdueRow = { districtId: string; nameZh: string; nameEn: string; overdue: number; stopped: number }

/** The query of overdueByDistrict, in district order (the bed dashboard composes it into its one statement per view). */
export function overdueByDistrictQuery(user: SessionUser, today: string) {
	const scope = isCityWide(user) ? sql`TRUE` : sql`d.id = ${user.districtId ?? ''}`
	return sql`SELECT d.id AS "districtId", d."nameZh", d."nameEn",
			count(f.id) FILTER (WHERE f.status IN ('open', 'reopened') AND ${today}::date > f.deadline)::int AS overdue,
			count(DISTINCT f."providerId") FILTER (WHERE f.status <> 'closed' AND inspection_findings_blocking(f."providerId", ${today}::date) > 0)::int AS stopped
		FROM district d LEFT JOIN inspection_finding f ON f."districtId" = d.id AND f.status <> 'closed'
		WHERE ${scope} GROUP BY d.id ORDER BY d."sortOrder"`
}

/**
 * Overdue findings per district on `today` (for the bed dashboard). Not cached: overdue changes with
 * the date as well as the data, so it is computed on every request (one indexed statement).
 */
export async function overdueByDistrict(user: SessionUser, today: string) {
	return overdueByDistrictQuery(user, today).prepared().rows<OverdueRow>()
}

/** A photo of an inspection or a rectification: for the institution, or an officer of its district (or the city); null otherwise. */
export async function inspectionPhoto(user: SessionUser, photoId: string) {
	if (!isUuid(photoId)) return null
	const row = await sql`SELECT ph."contentType", ph.bytes, i."providerId", i."districtId" FROM inspection_photo ph JOIN inspection i ON i.id = ph."inspectionId" WHERE ph.id = ${photoId}::uuid`.first<{ contentType: string; bytes: Buffer; providerId: string; districtId: string }>()
	if (!row) return null
	const mayView = user.providerId === row.providerId || ((user.role === 'bureau_district' || isCityWide(user)) && canActInDistrict(user, row.districtId))
	return mayView ? row : null
}
