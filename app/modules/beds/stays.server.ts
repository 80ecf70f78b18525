import { shanghaiDate } from '~/lib/time.ts'
import { transaction } from '~/lib/db.server.ts'
import { requireApprovedProvider } from '~/modules/marketplace/provider-standing.server.ts'
import { requireAdmissionsOpen } from '~/modules/institutions/admission-stop.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { InstitutionStaff } from './access.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { bedEvent, explainBed } from './inventory.server.ts'
import { BED_TYPES, type BedTypeName } from './schemas.ts'

export type VacancyFilter = { districtId?: string; providerId?: string; bedType?: BedTypeName }

/** Vacant beds per approved institution and bed type, with the lowest monthly price and the grade. */
export async function listVacancies(filter: VacancyFilter) {
	const bedType = filter.bedType && (BED_TYPES as readonly string[]).includes(filter.bedType) ? filter.bedType : null
	const res = await sql`SELECT p.id AS "providerId", p.name, p."districtId", d."nameZh" AS "districtZh", d."nameEn" AS "districtEn", p.address, p.phone, p.grade,
		        b.type, count(*)::int AS vacant, min(b."monthlyPriceFen")::int AS "minPriceFen", max(b."monthlyPriceFen")::int AS "maxPriceFen"
		 FROM bed b JOIN provider p ON p.id = b."providerId" JOIN district d ON d.id = p."districtId"
		 WHERE b.status = 'vacant' AND p.kind = 'institution' AND p.status = 'approved'
		   AND (${filter.districtId || null}::text IS NULL OR p."districtId" = ${filter.districtId || null}) AND (${filter.providerId ?? null}::uuid IS NULL OR p.id = ${filter.providerId ?? null}::uuid) AND (${bedType}::"BedType" IS NULL OR b.type = ${bedType}::"BedType")
		 GROUP BY p.id, d.id, b.type ORDER BY d."sortOrder", p.grade DESC NULLS LAST, p.name, b.type`.rows<{ providerId: string; name: string; districtId: string; districtZh: string; districtEn: string; address: string | null; phone: string | null; grade: number | null; type: BedTypeName; vacant: number; minPriceFen: number; maxPriceFen: number }>()
	return res
}

export async function approvedInstitutions() {
	const res = await sql`SELECT id, name, "districtId" FROM provider WHERE kind = 'institution' AND status = 'approved' ORDER BY name`.rows<{ id: string; name: string; districtId: string }>()
	return res
}

export async function familyElders(user: SessionUser) {
	const res = await sql`SELECT e.id, e.name FROM family_link f JOIN elder e ON e.id = f."elderId" WHERE f."userId" = ${user.id} ORDER BY e.name`.rows<{ id: string; name: string }>()
	return res
}

/** A family asks an approved institution for a stay of one of its own elders. */
export async function requestStay(user: SessionUser, input: { elderId: string; providerId: string; bedType: BedTypeName; desiredStartOn: string; note?: string }): Promise<Outcome<{ id: string }>> {
	try {
		const value = await transaction(async (tx) => {
			const own = await sql`SELECT 1 FROM family_link WHERE "userId" = ${user.id} AND "elderId" = ${input.elderId}`.rows(tx)
			if (!own.length) refuse('elderId', 'beds:errors.elder.notYours', 404)
			const inst = await sql`SELECT 1 FROM provider WHERE id = ${input.providerId} AND kind = 'institution' AND status = 'approved'`.rows(tx)
			if (!inst.length) refuse('providerId', 'beds:errors.institution.unknown', 404)
			const res = await sql`INSERT INTO stay_request (id, "familyUserId", "elderId", "providerId", "bedType", "desiredStartOn", note, "updatedAt")
				 VALUES (gen_random_uuid(), ${user.id}, ${input.elderId}, ${input.providerId}, ${input.bedType}::"BedType", ${input.desiredStartOn}::date, ${input.note || null}, now()) RETURNING id`.rows<{ id: string }>(tx)
			return res[0]!
		})
		return { ok: true, value }
	} catch (error) {
		return failureOf(error)
	}
}

export async function familyRequests(user: SessionUser) {
	const res = await sql`SELECT s.id, e.name AS "elderName", p.name AS "providerName", s."bedType", s."desiredStartOn", s.status, s.reason, b.label AS "bedLabel", s."createdAt"
		 FROM stay_request s JOIN elder e ON e.id = s."elderId" JOIN provider p ON p.id = s."providerId" LEFT JOIN bed b ON b."reservedForId" = s.id
		 WHERE s."familyUserId" = ${user.id} ORDER BY s."createdAt" DESC LIMIT 100`.rows<{ id: string; elderName: string; providerName: string; bedType: string; desiredStartOn: string; status: string; reason: string | null; bedLabel: string | null; createdAt: Date }>()
	return res.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
}

/** The family withdraws an open request; a bed held for it is released. */
export async function cancelStayRequest(user: SessionUser, requestId: string): Promise<Outcome<null>> {
	try {
		await transaction(async (tx) => {
			const res = await sql`UPDATE stay_request SET status = 'cancelled', reason = 'cancelled by the family', "updatedAt" = now()
				 WHERE id = ${requestId} AND "familyUserId" = ${user.id} AND status IN ('requested', 'accepted')
				   AND NOT EXISTS (SELECT 1 FROM admission a WHERE a."stayRequestId" = stay_request.id) RETURNING "providerId"`.rows<{ providerId: string }>(tx)
			if (!res.length) refuse('requestId', 'beds:errors.request.notOpen', 409)
			const bed = await sql`UPDATE bed SET status = 'vacant', "reservedForId" = NULL, "updatedAt" = now() WHERE "reservedForId" = ${requestId} RETURNING id`.rows<{ id: string }>(tx)
			for (const b of bed) await bedEvent(tx, { bedId: b.id, providerId: res[0]!.providerId, kind: 'released', from: 'reserved', to: 'vacant', actorId: user.id })
		})
		return { ok: true, value: null }
	} catch (error) {
		return failureOf(error)
	}
}

/** Stay requests waiting for the institution's decision (the home page of its staff). */
export async function countStayRequestsToDecide(user: SessionUser) {
	if (user.role !== 'provider_staff' || !user.providerId) return 0
	const row = await sql`SELECT count(*)::int AS n FROM stay_request WHERE "providerId" = ${user.providerId}::uuid AND status = 'requested'`.first<{ n: number }>()
	return row?.n ?? 0
}

export async function institutionRequests(staff: InstitutionStaff) {
	const res = await sql`SELECT s.id, e.name AS "elderName", e."idNumberMasked", u.name AS "familyName", u.phone AS "familyPhone", s."bedType", s."desiredStartOn", s.status, s.reason, s.note,
		        b.id AS "bedId", b.label AS "bedLabel", EXISTS (SELECT 1 FROM admission a WHERE a."stayRequestId" = s.id) AS admitted, s."createdAt"
		 FROM stay_request s JOIN elder e ON e.id = s."elderId" JOIN app_user u ON u.id = s."familyUserId" LEFT JOIN bed b ON b."reservedForId" = s.id
		 WHERE s."providerId" = ${staff.providerId} ORDER BY (s.status = 'requested') DESC, s."createdAt" DESC LIMIT 200`.rows<{ id: string; elderName: string; idNumberMasked: string; familyName: string; familyPhone: string; bedType: string; desiredStartOn: string; status: string; reason: string | null; note: string | null; bedId: string | null; bedLabel: string | null; admitted: boolean; createdAt: Date }>()
	return res.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
}

/** Accepting reserves one vacant bed for the request (conditional UPDATE); declining needs a reason. */
export async function decideStayRequest(
	staff: InstitutionStaff,
	input: { intent: 'accept'; requestId: string; bedId: string } | { intent: 'decline'; requestId: string; reason: string },
	today = shanghaiDate(),
): Promise<Outcome<null>> {
	try {
		await transaction(async (tx) => {
			const req = await sql`SELECT id, "elderId" FROM stay_request WHERE id = ${input.requestId} AND "providerId" = ${staff.providerId} FOR UPDATE`.rows<{ id: string; elderId: string }>(tx)
			if (!req.length) refuse('requestId', 'beds:errors.request.notFound', 404)
			const moved = await sql`UPDATE stay_request SET status = ${input.intent === 'accept' ? 'accepted' : 'declined'}::"StayRequestStatus", reason = ${input.intent === 'decline' ? input.reason : null}, "decidedById" = ${staff.id}, "decidedAt" = now(), "updatedAt" = now()
				 WHERE id = ${input.requestId} AND "providerId" = ${staff.providerId} AND status = 'requested' RETURNING id`.rows(tx)
			if (!moved.length) refuse('requestId', 'beds:errors.request.alreadyDecided', 409)
			if (input.intent === 'accept') {
				await requireApprovedProvider(tx, staff.providerId)
				await requireAdmissionsOpen(tx, staff.providerId, today)
				const bed = await sql`UPDATE bed SET status = 'reserved', "reservedForId" = ${input.requestId}, "updatedAt" = now() WHERE id = ${input.bedId} AND "providerId" = ${staff.providerId} AND status = 'vacant' RETURNING id`.rows(tx)
				if (!bed.length) await explainBed(tx, staff, input.bedId, 'bedId')
				await bedEvent(tx, { bedId: input.bedId, providerId: staff.providerId, kind: 'reserved', from: 'vacant', to: 'reserved', elderId: req[0]!.elderId, actorId: staff.id, details: { stayRequestId: input.requestId } })
			}
			// The institution's decision on a family's request is audited with it.
			await audit(
				{
					actor: { id: staff.id, role: 'provider_staff' },
					action: `stay_request.${input.intent}`,
					entityType: 'stay_request',
					entityId: input.requestId,
					districtId: staff.districtId,
					details: input.intent === 'accept' ? { bedId: input.bedId } : { reason: input.reason },
				},
				tx,
			)
		})
		return { ok: true, value: null }
	} catch (error) {
		return failureOf(error)
	}
}
