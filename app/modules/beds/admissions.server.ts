import { pool, type Tx } from '~/lib/db.server.ts'
import { bedsTransaction } from './tx.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import type { InstitutionStaff } from './access.server.ts'
import { asResult, Refusal, type Result } from './errors.server.ts'
import { bedEvent, explainBed } from './inventory.server.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Admits an elder, found by identity number (keyed hash; the registry is never listed), to one of
 * the institution's beds. Both rules hold under concurrency because the database decides: the bed
 * changes by a conditional UPDATE (vacant, or reserved for this stay request), and the partial
 * unique indexes allow one current admission per elder and per bed. A loser gets 409 and nothing.
 */
export async function admitElder(
	staff: InstitutionStaff,
	input: { idNumber: string; bedId: string; admittedOn: string; stayRequestId?: string },
): Promise<Result<{ admissionId: string; elderId: string }>> {
	try {
		const value = await bedsTransaction(async (client) => {
			const elder = await client.query<{ id: string; deathDate: string | null }>(`SELECT id, "deathDate" FROM elder WHERE "idNumberHash" = $1`, [Buffer.from(hashIdNumber(input.idNumber))])
			const e = elder.rows[0]
			if (!e) throw new Refusal('idNumber', 'beds:errors.elder.notRegistered', 404)
			if (e.deathDate) throw new Refusal('idNumber', 'beds:errors.elder.deceased', 409)
			let requestId: string | null = null
			if (input.stayRequestId) {
				const req = await client.query<{ id: string }>(
					`SELECT id FROM stay_request WHERE id = $1 AND "providerId" = $2 AND "elderId" = $3 AND status = 'accepted' FOR UPDATE`,
					[input.stayRequestId, staff.providerId, e.id],
				)
				if (!req.rowCount) throw new Refusal('idNumber', 'beds:errors.request.notAccepted', 409)
				requestId = req.rows[0]!.id
			}
			// Conditional updates: the bed held for this request, else a vacant bed; never one that changed meanwhile.
			const take = (from: 'reserved' | 'vacant') =>
				client.query(
					`UPDATE bed SET status = 'occupied', "reservedForId" = NULL, "updatedAt" = now()
					 WHERE id = $1 AND "providerId" = $2 AND status = $3::"BedStatus" AND ($3::text = 'vacant' OR "reservedForId" = $4::uuid) RETURNING id`,
					[input.bedId, staff.providerId, from, requestId],
				)
			let from: 'reserved' | 'vacant' = 'vacant'
			let bed = requestId ? await take('reserved') : null
			if (bed?.rowCount) from = 'reserved'
			else bed = await take('vacant')
			if (!bed.rowCount) await explainBed(client, staff, input.bedId, 'bedId')
			// A back-dated admission must not overlap an earlier stay of the elder or in the bed.
			const overlap = await client.query<{ elder: boolean }>(
				`SELECT "elderId" = $1 AS elder FROM admission WHERE ("elderId" = $1 OR "bedId" = $2) AND "dischargedOn" > $3::date LIMIT 1`,
				[e.id, input.bedId, input.admittedOn],
			)
			if (overlap.rowCount) throw new Refusal('admittedOn', overlap.rows[0]!.elder ? 'beds:errors.overlapElder' : 'beds:errors.overlapBed', 409)
			const adm = await client.query<{ id: string }>(
				`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "stayRequestId", "admittedById", "updatedAt")
				 VALUES (gen_random_uuid(), $1, $2, $3, $4::date, $5, $6, now()) RETURNING id`,
				[e.id, input.bedId, staff.providerId, input.admittedOn, requestId, staff.id],
			)
			const admissionId = adm.rows[0]!.id
			// Admitted from a request to another bed than the one held for it: the held bed is free again.
			const released = requestId
				? await client.query<{ id: string }>(`UPDATE bed SET status = 'vacant', "reservedForId" = NULL, "updatedAt" = now() WHERE "reservedForId" = $1 RETURNING id`, [requestId])
				: { rows: [] }
			for (const b of released.rows) await bedEvent(client, { bedId: b.id, providerId: staff.providerId, kind: 'released', from: 'reserved', to: 'vacant', elderId: e.id, actorId: staff.id })
			await bedEvent(client, { bedId: input.bedId, providerId: staff.providerId, kind: 'admitted', from, to: 'occupied', elderId: e.id, admissionId, actorId: staff.id, details: { on: input.admittedOn } })
			return { admissionId, elderId: e.id }
		})
		return { ok: true, value }
	} catch (error) {
		return asResult(error)
	}
}

async function lockOpenAdmission(client: import('pg').PoolClient, staff: InstitutionStaff, admissionId: string) {
	if (!UUID.test(admissionId)) throw new Refusal('admissionId', 'beds:errors.admission.notFound', 404)
	const res = await client.query<{ id: string; elderId: string; bedId: string; admittedOn: string }>(
		`SELECT id, "elderId", "bedId", "admittedOn" FROM admission WHERE id = $1 AND "providerId" = $2 AND "dischargedOn" IS NULL FOR UPDATE`,
		[admissionId, staff.providerId],
	)
	if (!res.rowCount) throw new Refusal('admissionId', 'beds:errors.admission.notFound', 404)
	return res.rows[0]!
}

/** Discharges a resident on a date (not before the admission: the database refuses that too). */
export async function dischargeElder(staff: InstitutionStaff, input: { admissionId: string; on: string; reason: string; note?: string }): Promise<Result<null>> {
	try {
		await bedsTransaction(async (client) => {
			const adm = await lockOpenAdmission(client, staff, input.admissionId)
			if (input.on < adm.admittedOn) throw new Refusal('on', 'beds:errors.dischargeBeforeAdmission', 400)
			await client.query(`UPDATE admission SET "dischargedOn" = $2::date, "endReason" = $3, "endNote" = $4, "dischargedById" = $5, "updatedAt" = now() WHERE id = $1`, [
				adm.id,
				input.on,
				input.reason,
				input.note || null,
				staff.id,
			])
			await client.query(`UPDATE bed SET status = 'vacant', "updatedAt" = now() WHERE id = $1 AND status = 'occupied'`, [adm.bedId])
			await bedEvent(client, { bedId: adm.bedId, providerId: staff.providerId, kind: 'discharged', from: 'occupied', to: 'vacant', elderId: adm.elderId, admissionId: adm.id, actorId: staff.id, details: { on: input.on, reason: input.reason } })
		})
		return { ok: true, value: null }
	} catch (error) {
		return asResult(error)
	}
}

/** Moves a resident to another vacant bed of the same institution: closes one admission, opens the next. */
export async function transferElder(staff: InstitutionStaff, input: { admissionId: string; bedId: string; on: string }): Promise<Result<{ admissionId: string }>> {
	try {
		const value = await bedsTransaction(async (client) => {
			const adm = await lockOpenAdmission(client, staff, input.admissionId)
			if (input.on < adm.admittedOn) throw new Refusal('on', 'beds:errors.dischargeBeforeAdmission', 400)
			if (adm.bedId === input.bedId) throw new Refusal('bedId', 'beds:errors.bed.same', 400)
			const bed = await client.query(`UPDATE bed SET status = 'occupied', "updatedAt" = now() WHERE id = $1 AND "providerId" = $2 AND status = 'vacant' RETURNING id`, [input.bedId, staff.providerId])
			if (!bed.rowCount) await explainBed(client, staff, input.bedId, 'bedId')
			const overlap = await client.query(`SELECT 1 FROM admission WHERE "bedId" = $1 AND "dischargedOn" > $2::date LIMIT 1`, [input.bedId, input.on])
			if (overlap.rowCount) throw new Refusal('on', 'beds:errors.overlapBed', 409)
			await client.query(`UPDATE admission SET "dischargedOn" = $2::date, "endReason" = 'transferred', "dischargedById" = $3, "updatedAt" = now() WHERE id = $1`, [adm.id, input.on, staff.id])
			await client.query(`UPDATE bed SET status = 'vacant', "updatedAt" = now() WHERE id = $1 AND status = 'occupied'`, [adm.bedId])
			const next = await client.query<{ id: string }>(
				`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "transferredFromId", "admittedById", "updatedAt")
				 VALUES (gen_random_uuid(), $1, $2, $3, $4::date, $5, $6, now()) RETURNING id`,
				[adm.elderId, input.bedId, staff.providerId, input.on, adm.id, staff.id],
			)
			const admissionId = next.rows[0]!.id
			await bedEvent(client, { bedId: adm.bedId, providerId: staff.providerId, kind: 'transferred_out', from: 'occupied', to: 'vacant', elderId: adm.elderId, admissionId: adm.id, actorId: staff.id, details: { on: input.on } })
			await bedEvent(client, { bedId: input.bedId, providerId: staff.providerId, kind: 'transferred_in', from: 'vacant', to: 'occupied', elderId: adm.elderId, admissionId, actorId: staff.id, details: { on: input.on } })
			return { admissionId }
		})
		return { ok: true, value }
	} catch (error) {
		return asResult(error)
	}
}

/**
 * Whether an elder stayed in an institution on a Shanghai calendar date: an admission with
 * admittedOn <= date < dischargedOn (or not discharged). For other capabilities (e.g. the
 * marketplace's visit verification). Returns the admission, or null.
 */
export async function admissionOn(elderId: string, date: string): Promise<{ admissionId: string; providerId: string; bedId: string; admittedOn: string; dischargedOn: string | null } | null> {
	if (!UUID.test(elderId)) return null
	const res = await pool.query<{ admissionId: string; providerId: string; bedId: string; admittedOn: string; dischargedOn: string | null }>(
		`SELECT id AS "admissionId", "providerId", "bedId", "admittedOn", "dischargedOn" FROM admission
		 WHERE "elderId" = $1 AND "admittedOn" <= $2::date AND ("dischargedOn" IS NULL OR "dischargedOn" > $2::date)
		 ORDER BY "admittedOn" DESC LIMIT 1`,
		[elderId, date],
	)
	return res.rows[0] ?? null
}

export async function isElderAdmittedOn(elderId: string, date: string): Promise<boolean> {
	return (await admissionOn(elderId, date)) !== null
}

export async function currentResidents(staff: InstitutionStaff) {
	const res = await pool.query<{ admissionId: string; elderName: string; idNumberMasked: string; bedId: string; bedLabel: string; bedType: string; admittedOn: string }>(
		`SELECT a.id AS "admissionId", e.name AS "elderName", e."idNumberMasked", b.id AS "bedId", b.label AS "bedLabel", b.type AS "bedType", a."admittedOn"
		 FROM admission a JOIN elder e ON e.id = a."elderId" JOIN bed b ON b.id = a."bedId"
		 WHERE a."providerId" = $1 AND a."dischargedOn" IS NULL ORDER BY b.label`,
		[staff.providerId],
	)
	return res.rows
}

export async function vacantBeds(staff: InstitutionStaff) {
	const res = await pool.query<{ id: string; label: string; type: string; status: string; reservedForId: string | null }>(
		`SELECT id, label, type, status, "reservedForId" FROM bed WHERE "providerId" = $1 AND status IN ('vacant', 'reserved') ORDER BY label`,
		[staff.providerId],
	)
	return res.rows
}

/** The institution's own figures: beds by type and status, occupancy, turnover, waiting requests. */
export async function institutionOverview(staff: InstitutionStaff, today: string) {
	const res = await pool.query<{
		beds: number
		nursing: number
		dementia: number
		vacant: number
		reserved: number
		occupied: number
		outOfService: number
		admitted30: number
		discharged30: number
		admitted365: number
		discharged365: number
		avgStayDays: number | null
		waiting: number
		accepted: number
	}>(
		`SELECT
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1) AS beds,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1 AND type = 'nursing') AS nursing,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1 AND type = 'dementia') AS dementia,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1 AND status = 'vacant') AS vacant,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1 AND status = 'reserved') AS reserved,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1 AND status = 'occupied') AS occupied,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = $1 AND status = 'out_of_service') AS "outOfService",
		   (SELECT count(*)::int FROM admission WHERE "providerId" = $1 AND "transferredFromId" IS NULL AND "admittedOn" > $2::date - 30) AS admitted30,
		   (SELECT count(*)::int FROM admission WHERE "providerId" = $1 AND "endReason" <> 'transferred' AND "dischargedOn" > $2::date - 30) AS discharged30,
		   (SELECT count(*)::int FROM admission WHERE "providerId" = $1 AND "transferredFromId" IS NULL AND "admittedOn" > $2::date - 365) AS admitted365,
		   (SELECT count(*)::int FROM admission WHERE "providerId" = $1 AND "endReason" <> 'transferred' AND "dischargedOn" > $2::date - 365) AS discharged365,
		   (SELECT round(avg("dischargedOn" - "admittedOn"))::int FROM admission WHERE "providerId" = $1 AND "endReason" <> 'transferred' AND "dischargedOn" > $2::date - 365) AS "avgStayDays",
		   (SELECT count(*)::int FROM stay_request WHERE "providerId" = $1 AND status = 'requested') AS waiting,
		   (SELECT count(*)::int FROM stay_request s WHERE "providerId" = $1 AND status = 'accepted' AND NOT EXISTS (SELECT 1 FROM admission a WHERE a."stayRequestId" = s.id)) AS accepted`,
		[staff.providerId, today],
	)
	const r = res.rows[0]!
	const inService = r.beds - r.outOfService
	return {
		...r,
		inService,
		occupancy: inService > 0 ? r.occupied / inService : null,
		// Discharges in the last 12 months per bed in service: how often a bed changes hands in a year.
		turnover: inService > 0 ? r.discharged365 / inService : null,
	}
}

/**
 * Whether an elder held an institution bed on any day from `fromDate` to `toDate` (Shanghai
 * dates, inclusive). A stay covers admittedOn <= D < dischargedOn. Takes the caller's transaction,
 * so visit verification reads it in the same snapshot as the visit it flags.
 */
export async function wasAdmittedBetween(db: Pick<Tx, '$queryRaw'>, elderId: string, fromDate: string, toDate: string): Promise<boolean> {
	const rows = await db.$queryRaw<{ found: boolean }[]>`
		SELECT EXISTS (
			SELECT 1 FROM admission
			WHERE "elderId" = ${elderId}::uuid AND "admittedOn" <= ${toDate}::date AND ("dischargedOn" IS NULL OR "dischargedOn" > ${fromDate}::date)
		) AS found`
	return rows[0]?.found === true
}
