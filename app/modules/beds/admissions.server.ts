import { transaction, type Tx } from '~/lib/db.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import type { InstitutionStaff } from './access.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { requireApprovedProvider } from '~/modules/marketplace/provider-standing.server.ts'
import { requireAdmissionsOpen } from '~/modules/institutions/admission-stop.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { bedEvent, explainBed } from './inventory.server.ts'
import { reportDeathFromDischarge } from '~/modules/life-events/life-events.server.ts'
import { completeStaysAfterDischarge } from '~/modules/attendance/attendance.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { isUuid } from '~/lib/query.ts'


/**
 * Admits an elder, found by identity number (keyed hash; the registry is never listed), to one of
 * the institution's beds. Both rules hold under concurrency because the database decides: the bed
 * changes by a conditional UPDATE (vacant, or reserved for this stay request), and the partial
 * unique indexes allow one current admission per elder and per bed. A loser gets 409 and nothing.
 */
export async function admitElder(
	staff: InstitutionStaff,
	input: { idNumber: string; bedId: string; admittedOn: string; stayRequestId?: string },
	today = shanghaiDate(),
): Promise<Outcome<{ admissionId: string; elderId: string }>> {
	try {
		const value = await transaction(async (tx) => {
			await requireApprovedProvider(tx, staff.providerId)
			// Findings overdue past the limit stop new admissions (the admission trigger checks the admission date too).
			await requireAdmissionsOpen(tx, staff.providerId, today, input.admittedOn)
			const elder = await sql`SELECT id, "deathDate" FROM elder WHERE "idNumberHash" = ${Buffer.from(hashIdNumber(input.idNumber))}`.rows<{ id: string; deathDate: string | null }>(tx)
			const e = elder[0]
			if (!e) refuse('idNumber', 'beds:errors.elder.notRegistered', 404)
			if (e.deathDate) refuse('idNumber', 'beds:errors.elder.deceased', 409)
			let requestId: string | null = null
			if (input.stayRequestId) {
				const req = await sql`SELECT id FROM stay_request WHERE id = ${input.stayRequestId} AND "providerId" = ${staff.providerId} AND "elderId" = ${e.id} AND status = 'accepted' FOR UPDATE`.rows<{ id: string }>(tx)
				if (!req.length) refuse('idNumber', 'beds:errors.request.notAccepted', 409)
				requestId = req[0]!.id
			}
			// Conditional updates: the bed held for this request, else a vacant bed; never one that changed meanwhile.
			const take = (from: 'reserved' | 'vacant') =>
				sql`UPDATE bed SET status = 'occupied', "reservedForId" = NULL, "updatedAt" = now()
					 WHERE id = ${input.bedId} AND "providerId" = ${staff.providerId} AND status = ${from}::"BedStatus" AND (${from}::text = 'vacant' OR "reservedForId" = ${requestId}::uuid) RETURNING id`.rows(tx)
			let from: 'reserved' | 'vacant' = 'vacant'
			let bed = requestId ? await take('reserved') : null
			if (bed?.length) from = 'reserved'
			else bed = await take('vacant')
			if (!bed.length) await explainBed(tx, staff, input.bedId, 'bedId')
			// A back-dated admission must not overlap an earlier stay of the elder or in the bed.
			const overlap = await sql`SELECT "elderId" = ${e.id} AS elder FROM admission WHERE ("elderId" = ${e.id} OR "bedId" = ${input.bedId}) AND "dischargedOn" > ${input.admittedOn}::date LIMIT 1`.rows<{ elder: boolean }>(tx)
			if (overlap.length) refuse('admittedOn', overlap[0]!.elder ? 'beds:errors.overlapElder' : 'beds:errors.overlapBed', 409)
			const adm = await sql`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "stayRequestId", "admittedById", "updatedAt")
				 VALUES (gen_random_uuid(), ${e.id}, ${input.bedId}, ${staff.providerId}, ${input.admittedOn}::date, ${requestId}, ${staff.id}, now()) RETURNING id`.rows<{ id: string }>(tx)
			const admissionId = adm[0]!.id
			// Admitted from a request to another bed than the one held for it: the held bed is free again.
			const released = requestId
				? await sql`UPDATE bed SET status = 'vacant', "reservedForId" = NULL, "updatedAt" = now() WHERE "reservedForId" = ${requestId} RETURNING id`.rows<{ id: string }>(tx)
				: []
			for (const b of released) await bedEvent(tx, { bedId: b.id, providerId: staff.providerId, kind: 'released', from: 'reserved', to: 'vacant', elderId: e.id, actorId: staff.id })
			await bedEvent(tx, { bedId: input.bedId, providerId: staff.providerId, kind: 'admitted', from, to: 'occupied', elderId: e.id, admissionId, actorId: staff.id, details: { on: input.admittedOn } })
			await tellFamilies(tx, { elderId: e.id, providerId: staff.providerId, admissionId, kind: 'stay.admitted', day: input.admittedOn })
			return { admissionId, elderId: e.id }
		})
		return { ok: true, value }
	} catch (error) {
		return failureOf(error)
	}
}

/** Every family linked to the elder hears of an admission or discharge (in-app and SMS), in the same transaction. */
async function tellFamilies(tx: Tx, o: { elderId: string; providerId: string; admissionId: string; kind: 'stay.admitted' | 'stay.discharged'; day: string }) {
	const families = await sql`SELECT f."userId", e.name AS elder, p.name AS institution
		 FROM family_link f JOIN app_user u ON u.id = f."userId" JOIN elder e ON e.id = f."elderId" JOIN provider p ON p.id = ${o.providerId}
		 WHERE f."elderId" = ${o.elderId} AND u.active`.rows<{ userId: string; elder: string; institution: string }>(tx)
	for (const f of families) {
		await notify(tx, { userId: f.userId }, o.kind, { sms: true, params: { elder: f.elder, institution: f.institution, day: o.day, elderId: o.elderId }, dedupe: o.admissionId })
	}
}

async function lockOpenAdmission(tx: Tx, staff: InstitutionStaff, admissionId: string) {
	if (!isUuid(admissionId)) refuse('admissionId', 'beds:errors.admission.notFound', 404)
	const res = await sql`SELECT id, "elderId", "bedId", "admittedOn" FROM admission WHERE id = ${admissionId} AND "providerId" = ${staff.providerId} AND "dischargedOn" IS NULL FOR UPDATE`.rows<{ id: string; elderId: string; bedId: string; admittedOn: string }>(tx)
	if (!res.length) refuse('admissionId', 'beds:errors.admission.notFound', 404)
	return res[0]!
}

/** Discharges a resident on a date (not before the admission: the database refuses that too). */
export async function dischargeElder(staff: InstitutionStaff, input: { admissionId: string; on: string; reason: string; note?: string }): Promise<Outcome<null>> {
	try {
		const elderId = await transaction(async (tx) => {
			const adm = await lockOpenAdmission(tx, staff, input.admissionId)
			if (input.on < adm.admittedOn) refuse('on', 'beds:errors.dischargeBeforeAdmission', 400)
			await sql`UPDATE admission SET "dischargedOn" = ${input.on}::date, "endReason" = ${input.reason}, "endNote" = ${input.note || null}, "dischargedById" = ${staff.id}, "updatedAt" = now() WHERE id = ${adm.id}`.run(tx)
			await sql`UPDATE bed SET status = 'vacant', "updatedAt" = now() WHERE id = ${adm.bedId} AND status = 'occupied'`.run(tx)
			await bedEvent(tx, { bedId: adm.bedId, providerId: staff.providerId, kind: 'discharged', from: 'occupied', to: 'vacant', elderId: adm.elderId, admissionId: adm.id, actorId: staff.id, details: { on: input.on, reason: input.reason } })
			// A resident who died: a death for the community to confirm (issue 10 item 7), not a silent update.
			if (input.reason === 'deceased') await reportDeathFromDischarge(tx, { elderId: adm.elderId, on: input.on, admissionId: adm.id, actor: staff })
			await tellFamilies(tx, { elderId: adm.elderId, providerId: staff.providerId, admissionId: adm.id, kind: 'stay.discharged', day: input.on })
			return adm.elderId
		})
		// Issue 14 item 5: the discharge completes the elder's stay bookings here (after commit).
		await completeStaysAfterDischarge(staff, elderId).catch(() => 0)
		return { ok: true, value: null }
	} catch (error) {
		return failureOf(error)
	}
}

/** Moves a resident to another vacant bed of the same institution: closes one admission, opens the next. */
export async function transferElder(staff: InstitutionStaff, input: { admissionId: string; bedId: string; on: string }): Promise<Outcome<{ admissionId: string }>> {
	try {
		const value = await transaction(async (tx) => {
			const adm = await lockOpenAdmission(tx, staff, input.admissionId)
			if (input.on < adm.admittedOn) refuse('on', 'beds:errors.dischargeBeforeAdmission', 400)
			if (adm.bedId === input.bedId) refuse('bedId', 'beds:errors.bed.same', 400)
			const bed = await sql`UPDATE bed SET status = 'occupied', "updatedAt" = now() WHERE id = ${input.bedId} AND "providerId" = ${staff.providerId} AND status = 'vacant' RETURNING id`.rows(tx)
			if (!bed.length) await explainBed(tx, staff, input.bedId, 'bedId')
			const overlap = await sql`SELECT 1 FROM admission WHERE "bedId" = ${input.bedId} AND "dischargedOn" > ${input.on}::date LIMIT 1`.rows(tx)
			if (overlap.length) refuse('on', 'beds:errors.overlapBed', 409)
			await sql`UPDATE admission SET "dischargedOn" = ${input.on}::date, "endReason" = 'transferred', "dischargedById" = ${staff.id}, "updatedAt" = now() WHERE id = ${adm.id}`.run(tx)
			await sql`UPDATE bed SET status = 'vacant', "updatedAt" = now() WHERE id = ${adm.bedId} AND status = 'occupied'`.run(tx)
			const next = await sql`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "transferredFromId", "admittedById", "updatedAt")
				 VALUES (gen_random_uuid(), ${adm.elderId}, ${input.bedId}, ${staff.providerId}, ${input.on}::date, ${adm.id}, ${staff.id}, now()) RETURNING id`.rows<{ id: string }>(tx)
			const admissionId = next[0]!.id
			await bedEvent(tx, { bedId: adm.bedId, providerId: staff.providerId, kind: 'transferred_out', from: 'occupied', to: 'vacant', elderId: adm.elderId, admissionId: adm.id, actorId: staff.id, details: { on: input.on } })
			await bedEvent(tx, { bedId: input.bedId, providerId: staff.providerId, kind: 'transferred_in', from: 'vacant', to: 'occupied', elderId: adm.elderId, admissionId, actorId: staff.id, details: { on: input.on } })
			return { admissionId }
		})
		return { ok: true, value }
	} catch (error) {
		return failureOf(error)
	}
}

/**
 * Whether an elder stayed in an institution on a Shanghai calendar date: an admission with
 * admittedOn <= date < dischargedOn (or not discharged). For other capabilities (e.g. the
 * marketplace's visit verification). Returns the admission, or null.
 */
export async function admissionOn(elderId: string, date: string): Promise<{ admissionId: string; providerId: string; bedId: string; admittedOn: string; dischargedOn: string | null } | null> {
	if (!isUuid(elderId)) return null
	const res = await sql`SELECT id AS "admissionId", "providerId", "bedId", "admittedOn", "dischargedOn" FROM admission
		 WHERE "elderId" = ${elderId} AND "admittedOn" <= ${date}::date AND ("dischargedOn" IS NULL OR "dischargedOn" > ${date}::date)
		 ORDER BY "admittedOn" DESC LIMIT 1`.rows<{ admissionId: string; providerId: string; bedId: string; admittedOn: string; dischargedOn: string | null }>()
	return res[0] ?? null
}

export async function isElderAdmittedOn(elderId: string, date: string): Promise<boolean> {
	return (await admissionOn(elderId, date)) !== null
}

export async function currentResidents(staff: InstitutionStaff) {
	const res = await sql`SELECT a.id AS "admissionId", e.name AS "elderName", e."idNumberMasked", b.id AS "bedId", b.label AS "bedLabel", b.type AS "bedType", a."admittedOn"
		 FROM admission a JOIN elder e ON e.id = a."elderId" JOIN bed b ON b.id = a."bedId"
		 WHERE a."providerId" = ${staff.providerId} AND a."dischargedOn" IS NULL ORDER BY b.label`.rows<{ admissionId: string; elderName: string; idNumberMasked: string; bedId: string; bedLabel: string; bedType: string; admittedOn: string }>()
	return res
}

export async function vacantBeds(staff: InstitutionStaff) {
	const res = await sql`SELECT id, label, type, status, "reservedForId" FROM bed WHERE "providerId" = ${staff.providerId} AND status IN ('vacant', 'reserved') ORDER BY label`.rows<{ id: string; label: string; type: string; status: string; reservedForId: string | null }>()
	return res
}

/** The institution's own figures: beds by type and status, occupancy, turnover, waiting requests. */
export async function institutionOverview(staff: InstitutionStaff, today: string) {
	const res = await sql`SELECT
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId}) AS beds,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId} AND type = 'nursing') AS nursing,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId} AND type = 'dementia') AS dementia,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId} AND status = 'vacant') AS vacant,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId} AND status = 'reserved') AS reserved,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId} AND status = 'occupied') AS occupied,
		   (SELECT count(*)::int FROM bed WHERE "providerId" = ${staff.providerId} AND status = 'out_of_service') AS "outOfService",
		   (SELECT count(*)::int FROM admission WHERE "providerId" = ${staff.providerId} AND "transferredFromId" IS NULL AND "admittedOn" > ${today}::date - 30) AS admitted30,
		   (SELECT count(*)::int FROM admission WHERE "providerId" = ${staff.providerId} AND "endReason" <> 'transferred' AND "dischargedOn" > ${today}::date - 30) AS discharged30,
		   (SELECT count(*)::int FROM admission WHERE "providerId" = ${staff.providerId} AND "transferredFromId" IS NULL AND "admittedOn" > ${today}::date - 365) AS admitted365,
		   (SELECT count(*)::int FROM admission WHERE "providerId" = ${staff.providerId} AND "endReason" <> 'transferred' AND "dischargedOn" > ${today}::date - 365) AS discharged365,
		   (SELECT round(avg("dischargedOn" - "admittedOn"))::int FROM admission WHERE "providerId" = ${staff.providerId} AND "endReason" <> 'transferred' AND "dischargedOn" > ${today}::date - 365) AS "avgStayDays",
		   (SELECT count(*)::int FROM stay_request WHERE "providerId" = ${staff.providerId} AND status = 'requested') AS waiting,
		   (SELECT count(*)::int FROM stay_request s WHERE "providerId" = ${staff.providerId} AND status = 'accepted' AND NOT EXISTS (SELECT 1 FROM admission a WHERE a."stayRequestId" = s.id)) AS accepted`.rows<{
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
	}>()
	const r = res[0]!
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
