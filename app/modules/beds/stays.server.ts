import { pool } from '~/lib/db.server.ts'
import { bedsTransaction } from './tx.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { InstitutionStaff } from './access.server.ts'
import { asResult, Refusal, type Result } from './errors.server.ts'
import { bedEvent, explainBed } from './inventory.server.ts'
import { BED_TYPES, type BedTypeName } from './schemas.ts'

export type VacancyFilter = { districtId?: string; providerId?: string; bedType?: BedTypeName }

/** Vacant beds per approved institution and bed type, with the lowest monthly price and the grade. */
export async function listVacancies(filter: VacancyFilter) {
	const bedType = filter.bedType && (BED_TYPES as readonly string[]).includes(filter.bedType) ? filter.bedType : null
	const res = await pool.query<{ providerId: string; name: string; districtId: string; districtZh: string; districtEn: string; address: string | null; phone: string | null; grade: number | null; type: BedTypeName; vacant: number; minPriceFen: number; maxPriceFen: number }>(
		`SELECT p.id AS "providerId", p.name, p."districtId", d."nameZh" AS "districtZh", d."nameEn" AS "districtEn", p.address, p.phone, p.grade,
		        b.type, count(*)::int AS vacant, min(b."monthlyPriceFen")::int AS "minPriceFen", max(b."monthlyPriceFen")::int AS "maxPriceFen"
		 FROM bed b JOIN provider p ON p.id = b."providerId" JOIN district d ON d.id = p."districtId"
		 WHERE b.status = 'vacant' AND p.kind = 'institution' AND p.status = 'approved'
		   AND ($1::text IS NULL OR p."districtId" = $1) AND ($2::uuid IS NULL OR p.id = $2::uuid) AND ($3::"BedType" IS NULL OR b.type = $3::"BedType")
		 GROUP BY p.id, d.id, b.type ORDER BY d."sortOrder", p.grade DESC NULLS LAST, p.name, b.type`,
		[filter.districtId || null, filter.providerId && /^[0-9a-f-]{36}$/i.test(filter.providerId) ? filter.providerId : null, bedType],
	)
	return res.rows
}

export async function approvedInstitutions() {
	const res = await pool.query<{ id: string; name: string; districtId: string }>(`SELECT id, name, "districtId" FROM provider WHERE kind = 'institution' AND status = 'approved' ORDER BY name`)
	return res.rows
}

export async function familyElders(user: SessionUser) {
	const res = await pool.query<{ id: string; name: string }>(`SELECT e.id, e.name FROM family_link f JOIN elder e ON e.id = f."elderId" WHERE f."userId" = $1 ORDER BY e.name`, [user.id])
	return res.rows
}

/** A family asks an approved institution for a stay of one of its own elders. */
export async function requestStay(user: SessionUser, input: { elderId: string; providerId: string; bedType: BedTypeName; desiredStartOn: string; note?: string }): Promise<Result<{ id: string }>> {
	try {
		const value = await bedsTransaction(async (client) => {
			const own = await client.query(`SELECT 1 FROM family_link WHERE "userId" = $1 AND "elderId" = $2`, [user.id, input.elderId])
			if (!own.rowCount) throw new Refusal('elderId', 'beds:errors.elder.notYours', 404)
			const inst = await client.query(`SELECT 1 FROM provider WHERE id = $1 AND kind = 'institution' AND status = 'approved'`, [input.providerId])
			if (!inst.rowCount) throw new Refusal('providerId', 'beds:errors.institution.unknown', 404)
			const res = await client.query<{ id: string }>(
				`INSERT INTO stay_request (id, "familyUserId", "elderId", "providerId", "bedType", "desiredStartOn", note, "updatedAt")
				 VALUES (gen_random_uuid(), $1, $2, $3, $4::"BedType", $5::date, $6, now()) RETURNING id`,
				[user.id, input.elderId, input.providerId, input.bedType, input.desiredStartOn, input.note || null],
			)
			return res.rows[0]!
		})
		return { ok: true, value }
	} catch (error) {
		return asResult(error)
	}
}

export async function familyRequests(user: SessionUser) {
	const res = await pool.query<{ id: string; elderName: string; providerName: string; bedType: string; desiredStartOn: string; status: string; reason: string | null; bedLabel: string | null; createdAt: Date }>(
		`SELECT s.id, e.name AS "elderName", p.name AS "providerName", s."bedType", s."desiredStartOn", s.status, s.reason, b.label AS "bedLabel", s."createdAt"
		 FROM stay_request s JOIN elder e ON e.id = s."elderId" JOIN provider p ON p.id = s."providerId" LEFT JOIN bed b ON b."reservedForId" = s.id
		 WHERE s."familyUserId" = $1 ORDER BY s."createdAt" DESC LIMIT 100`,
		[user.id],
	)
	return res.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
}

/** The family withdraws an open request; a bed held for it is released. */
export async function cancelStayRequest(user: SessionUser, requestId: string): Promise<Result<null>> {
	try {
		await bedsTransaction(async (client) => {
			const res = await client.query<{ providerId: string }>(
				`UPDATE stay_request SET status = 'cancelled', reason = 'cancelled by the family', "updatedAt" = now()
				 WHERE id = $1 AND "familyUserId" = $2 AND status IN ('requested', 'accepted')
				   AND NOT EXISTS (SELECT 1 FROM admission a WHERE a."stayRequestId" = stay_request.id) RETURNING "providerId"`,
				[requestId, user.id],
			)
			if (!res.rowCount) throw new Refusal('requestId', 'beds:errors.request.notOpen', 409)
			const bed = await client.query<{ id: string }>(`UPDATE bed SET status = 'vacant', "reservedForId" = NULL, "updatedAt" = now() WHERE "reservedForId" = $1 RETURNING id`, [requestId])
			for (const b of bed.rows) await bedEvent(client, { bedId: b.id, providerId: res.rows[0]!.providerId, kind: 'released', from: 'reserved', to: 'vacant', actorId: user.id })
		})
		return { ok: true, value: null }
	} catch (error) {
		return asResult(error)
	}
}

export async function institutionRequests(staff: InstitutionStaff) {
	const res = await pool.query<{ id: string; elderName: string; idNumberMasked: string; familyName: string; familyPhone: string; bedType: string; desiredStartOn: string; status: string; reason: string | null; note: string | null; bedId: string | null; bedLabel: string | null; admitted: boolean; createdAt: Date }>(
		`SELECT s.id, e.name AS "elderName", e."idNumberMasked", u.name AS "familyName", u.phone AS "familyPhone", s."bedType", s."desiredStartOn", s.status, s.reason, s.note,
		        b.id AS "bedId", b.label AS "bedLabel", EXISTS (SELECT 1 FROM admission a WHERE a."stayRequestId" = s.id) AS admitted, s."createdAt"
		 FROM stay_request s JOIN elder e ON e.id = s."elderId" JOIN app_user u ON u.id = s."familyUserId" LEFT JOIN bed b ON b."reservedForId" = s.id
		 WHERE s."providerId" = $1 ORDER BY (s.status = 'requested') DESC, s."createdAt" DESC LIMIT 200`,
		[staff.providerId],
	)
	return res.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
}

/** Accepting reserves one vacant bed for the request (conditional UPDATE); declining needs a reason. */
export async function decideStayRequest(
	staff: InstitutionStaff,
	input: { intent: 'accept'; requestId: string; bedId: string } | { intent: 'decline'; requestId: string; reason: string },
): Promise<Result<null>> {
	try {
		await bedsTransaction(async (client) => {
			const req = await client.query<{ id: string; elderId: string }>(`SELECT id, "elderId" FROM stay_request WHERE id = $1 AND "providerId" = $2 FOR UPDATE`, [input.requestId, staff.providerId])
			if (!req.rowCount) throw new Refusal('requestId', 'beds:errors.request.notFound', 404)
			const moved = await client.query(
				`UPDATE stay_request SET status = $3::"StayRequestStatus", reason = $4, "decidedById" = $5, "decidedAt" = now(), "updatedAt" = now()
				 WHERE id = $1 AND "providerId" = $2 AND status = 'requested' RETURNING id`,
				[input.requestId, staff.providerId, input.intent === 'accept' ? 'accepted' : 'declined', input.intent === 'decline' ? input.reason : null, staff.id],
			)
			if (!moved.rowCount) throw new Refusal('requestId', 'beds:errors.request.alreadyDecided', 409)
			if (input.intent === 'accept') {
				const bed = await client.query(`UPDATE bed SET status = 'reserved', "reservedForId" = $3, "updatedAt" = now() WHERE id = $1 AND "providerId" = $2 AND status = 'vacant' RETURNING id`, [
					input.bedId,
					staff.providerId,
					input.requestId,
				])
				if (!bed.rowCount) await explainBed(client, staff, input.bedId, 'bedId')
				await bedEvent(client, { bedId: input.bedId, providerId: staff.providerId, kind: 'reserved', from: 'vacant', to: 'reserved', elderId: req.rows[0]!.elderId, actorId: staff.id, details: { stayRequestId: input.requestId } })
			}
			// The institution's decision on a family's request is audited with it.
			await client.query(
				`INSERT INTO audit_log ("actorId", "actorRole", action, "entityType", "entityId", "districtId", details) VALUES ($1, 'provider_staff', $2, 'stay_request', $3, $4, $5)`,
				[staff.id, `stay_request.${input.intent}`, input.requestId, staff.districtId, JSON.stringify(input.intent === 'accept' ? { bedId: input.bedId } : { reason: input.reason })],
			)
		})
		return { ok: true, value: null }
	} catch (error) {
		return asResult(error)
	}
}
