import { transaction, type Tx } from '~/lib/db.server.ts'
import type { InstitutionStaff } from './access.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { requireApprovedProvider } from '~/modules/marketplace/provider-standing.server.ts'
import type { BedTypeName } from './schemas.ts'
import { isUuid } from '~/lib/query.ts'


export async function bedEvent(
	tx: Tx,
	e: { bedId: string; providerId: string; kind: string; from?: string | null; to?: string | null; elderId?: string | null; admissionId?: string | null; actorId: string | null; details?: Record<string, unknown> },
) {
	await sql`INSERT INTO bed_event ("bedId", "providerId", kind, "fromStatus", "toStatus", "elderId", "admissionId", "actorId", details)
		 VALUES (${e.bedId}, ${e.providerId}, ${e.kind}, ${e.from ?? null}::"BedStatus", ${e.to ?? null}::"BedStatus", ${e.elderId ?? null}, ${e.admissionId ?? null}, ${e.actorId}, ${JSON.stringify(e.details ?? {})})`.run(tx)
}

export async function createRoom(staff: InstitutionStaff, input: { name: string; floor?: number }): Promise<Outcome<{ id: string }>> {
	try {
		const rows = await sql`INSERT INTO room (id, "providerId", name, floor, "updatedAt") VALUES (gen_random_uuid(), ${staff.providerId}, ${input.name}, ${input.floor ?? null}, now()) RETURNING id`.rows<{ id: string }>()
		return { ok: true, value: rows[0]! }
	} catch (error) {
		return failureOf(error)
	}
}

/** Adds `count` beds to one of the institution's rooms, labelled after the room's existing beds. */
export async function addBeds(staff: InstitutionStaff, input: { roomId: string; type: BedTypeName; count: number; price: number }): Promise<Outcome<{ ids: string[] }>> {
	if (!Number.isInteger(input.count) || input.count < 1) return { ok: false, fieldErrors: { count: ['beds:errors.count'] }, status: 400 }
	if (!Number.isSafeInteger(input.price) || input.price < 0) return { ok: false, fieldErrors: { price: ['beds:errors.price'] }, status: 400 }
	try {
		const ids = await transaction(async (tx) => {
			await requireApprovedProvider(tx, staff.providerId)
			// The room row lock serialises two staff adding beds to one room, so labels never collide.
			const room = await sql`SELECT id, name FROM room WHERE id = ${input.roomId} AND "providerId" = ${staff.providerId} FOR UPDATE`.rows<{ id: string; name: string }>(tx)
			if (!room.length) refuse('roomId', 'beds:errors.room.notYours', 404)
			const existing = await sql`SELECT count(*)::int AS n FROM bed WHERE "roomId" = ${input.roomId}`.rows<{ n: number }>(tx)
			const start = existing[0]!.n
			const labels = Array.from({ length: input.count }, (_, i) => `${room[0]!.name}-${start + i + 1}`)
			const inserted = await sql`INSERT INTO bed (id, "providerId", "roomId", label, type, "monthlyPriceFen", "updatedAt")
				 SELECT gen_random_uuid(), ${staff.providerId}, ${input.roomId}, l, ${input.type}::"BedType", ${input.price}, now() FROM unnest(${labels}::text[]) AS l RETURNING id`.rows<{ id: string }>(tx)
			await sql`INSERT INTO bed_event ("bedId", "providerId", kind, "toStatus", "actorId", details)
				 SELECT id, ${staff.providerId}, 'created', 'vacant', ${staff.id}, jsonb_build_object('type', ${input.type}::text, 'monthlyPriceFen', ${input.price}::int) FROM unnest(${inserted.map((r) => r.id)}::uuid[]) AS id`.run(tx)
			return inserted.map((r) => r.id)
		})
		return { ok: true, value: { ids } }
	} catch (error) {
		return failureOf(error)
	}
}

/** Takes a vacant bed out of service or puts it back. Conditional UPDATE: never touches an occupied or reserved bed. */
export async function setBedStatus(staff: InstitutionStaff, input: { bedId: string; status: 'vacant' | 'out_of_service' }): Promise<Outcome<null>> {
	const from = input.status === 'vacant' ? 'out_of_service' : 'vacant'
	try {
		await transaction(async (tx) => {
			const res = await sql`UPDATE bed SET status = ${input.status}::"BedStatus", "updatedAt" = now() WHERE id = ${input.bedId} AND "providerId" = ${staff.providerId} AND status = ${from}::"BedStatus" RETURNING id`.rows(tx)
			if (!res.length) await explainBed(tx, staff, input.bedId, 'bedId')
			await bedEvent(tx, { bedId: input.bedId, providerId: staff.providerId, kind: 'status', from, to: input.status, actorId: staff.id })
		})
		return { ok: true, value: null }
	} catch (error) {
		return failureOf(error)
	}
}

/**
 * Changes a bed's type or monthly price. The type only while nobody is in it or holding it
 * (conditional UPDATE on the status), so an occupied bed's indicators never shift under a resident.
 */
export async function updateBed(staff: InstitutionStaff, input: { bedId: string; type: BedTypeName; price: number }): Promise<Outcome<null>> {
	if (!Number.isSafeInteger(input.price) || input.price < 0) return { ok: false, fieldErrors: { price: ['beds:errors.price'] }, status: 400 }
	try {
		await transaction(async (tx) => {
			const before = await sql`SELECT type, "monthlyPriceFen", status FROM bed WHERE id = ${input.bedId} AND "providerId" = ${staff.providerId} FOR UPDATE`.rows<{ type: BedTypeName; monthlyPriceFen: number; status: string }>(tx)
			const b = before[0]
			if (!b) refuse('bedId', 'beds:errors.bed.notYours', 404)
			if (b.type !== input.type) {
				const res = await sql`UPDATE bed SET type = ${input.type}::"BedType", "updatedAt" = now() WHERE id = ${input.bedId} AND status IN ('vacant', 'out_of_service') RETURNING id`.rows(tx)
				if (!res.length) refuse('type', 'beds:errors.bed.typeWhileInUse', 409)
				await bedEvent(tx, { bedId: input.bedId, providerId: staff.providerId, kind: 'type', actorId: staff.id, details: { from: b.type, to: input.type } })
			}
			if (b.monthlyPriceFen !== input.price) {
				await sql`UPDATE bed SET "monthlyPriceFen" = ${input.price}, "updatedAt" = now() WHERE id = ${input.bedId}`.run(tx)
				await bedEvent(tx, { bedId: input.bedId, providerId: staff.providerId, kind: 'price', actorId: staff.id, details: { from: b.monthlyPriceFen, to: input.price } })
			}
		})
		return { ok: true, value: null }
	} catch (error) {
		return failureOf(error)
	}
}

/** After a conditional UPDATE matched nothing: says why (not this institution's bed → 404, else its state). */
export async function explainBed(tx: Tx, staff: InstitutionStaff, bedId: string, field: string): Promise<never> {
	const bed = isUuid(bedId) ? await sql`SELECT status FROM bed WHERE id = ${bedId} AND "providerId" = ${staff.providerId}`.rows<{ status: string }>(tx) : []
	const status = bed[0]?.status
	if (!status) refuse(field, 'beds:errors.bed.notYours', 404)
	refuse(field, `beds:errors.bed.${status}`, 409)
}

export async function listRoomsAndBeds(staff: InstitutionStaff) {
	const [rooms, beds] = await Promise.all([
		sql`SELECT id, name, floor FROM room WHERE "providerId" = ${staff.providerId} ORDER BY floor NULLS LAST, name`.rows<{ id: string; name: string; floor: number | null }>(),
		sql`SELECT b.id, b."roomId", b.label, b.type, b.status, b."monthlyPriceFen", e.name AS "elderName", a.id AS "admissionId"
			 FROM bed b LEFT JOIN admission a ON a."bedId" = b.id AND a."dischargedOn" IS NULL LEFT JOIN elder e ON e.id = a."elderId"
			 WHERE b."providerId" = ${staff.providerId} ORDER BY b.label`.rows<{ id: string; roomId: string; label: string; type: BedTypeName; status: string; monthlyPriceFen: number; elderName: string | null; admissionId: string | null }>(),
	])
	return rooms.map((r) => ({ ...r, beds: beds.filter((b) => b.roomId === r.id) }))
}

export async function bedHistory(staff: InstitutionStaff, bedId: string) {
	if (!isUuid(bedId)) return null
	const bed = await sql`SELECT id, label, type, status, "monthlyPriceFen" FROM bed WHERE id = ${bedId} AND "providerId" = ${staff.providerId}`.rows<{ id: string; label: string; type: BedTypeName; status: string; monthlyPriceFen: number }>()
	if (!bed.length) return null
	const events = await sql`SELECT ev.id::text, ev.at, ev.kind, ev."fromStatus", ev."toStatus", e.name AS "elderName", u.name AS "actorName"
		 FROM bed_event ev LEFT JOIN elder e ON e.id = ev."elderId" LEFT JOIN app_user u ON u.id = ev."actorId"
		 WHERE ev."bedId" = ${bedId} ORDER BY ev.id DESC LIMIT 200`.rows<{ id: string; at: Date; kind: string; fromStatus: string | null; toStatus: string | null; elderName: string | null; actorName: string | null }>()
	return { bed: bed[0]!, events: events.map((e) => ({ ...e, at: e.at.toISOString() })) }
}
