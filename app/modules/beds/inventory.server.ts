import type pg from 'pg'
import { pool } from '~/lib/db.server.ts'
import { bedsTransaction } from './tx.server.ts'
import type { InstitutionStaff } from './access.server.ts'
import { asResult, Refusal, type Result } from './errors.server.ts'
import type { BedTypeName } from './schemas.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function bedEvent(
	client: pg.PoolClient,
	e: { bedId: string; providerId: string; kind: string; from?: string | null; to?: string | null; elderId?: string | null; admissionId?: string | null; actorId: string | null; details?: Record<string, unknown> },
) {
	await client.query(
		`INSERT INTO bed_event ("bedId", "providerId", kind, "fromStatus", "toStatus", "elderId", "admissionId", "actorId", details)
		 VALUES ($1, $2, $3, $4::"BedStatus", $5::"BedStatus", $6, $7, $8, $9)`,
		[e.bedId, e.providerId, e.kind, e.from ?? null, e.to ?? null, e.elderId ?? null, e.admissionId ?? null, e.actorId, JSON.stringify(e.details ?? {})],
	)
}

export async function createRoom(staff: InstitutionStaff, input: { name: string; floor?: number }): Promise<Result<{ id: string }>> {
	try {
		const { rows } = await pool.query<{ id: string }>(
			`INSERT INTO room (id, "providerId", name, floor, "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id`,
			[staff.providerId, input.name, input.floor ?? null],
		)
		return { ok: true, value: rows[0]! }
	} catch (error) {
		return asResult(error)
	}
}

/** Adds `count` beds to one of the institution's rooms, labelled after the room's existing beds. */
export async function addBeds(staff: InstitutionStaff, input: { roomId: string; type: BedTypeName; count: number; price: number }): Promise<Result<{ ids: string[] }>> {
	if (!Number.isInteger(input.count) || input.count < 1) return { ok: false, fieldErrors: { count: ['beds:errors.count'] }, status: 400 }
	if (!Number.isSafeInteger(input.price) || input.price < 0) return { ok: false, fieldErrors: { price: ['beds:errors.price'] }, status: 400 }
	try {
		const ids = await bedsTransaction(async (client) => {
			// The room row lock serialises two staff adding beds to one room, so labels never collide.
			const room = await client.query<{ id: string; name: string }>(`SELECT id, name FROM room WHERE id = $1 AND "providerId" = $2 FOR UPDATE`, [input.roomId, staff.providerId])
			if (!room.rowCount) throw new Refusal('roomId', 'beds:errors.room.notYours', 404)
			const existing = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bed WHERE "roomId" = $1`, [input.roomId])
			const start = existing.rows[0]!.n
			const labels = Array.from({ length: input.count }, (_, i) => `${room.rows[0]!.name}-${start + i + 1}`)
			const inserted = await client.query<{ id: string }>(
				`INSERT INTO bed (id, "providerId", "roomId", label, type, "monthlyPriceFen", "updatedAt")
				 SELECT gen_random_uuid(), $1, $2, l, $3::"BedType", $4, now() FROM unnest($5::text[]) AS l RETURNING id`,
				[staff.providerId, input.roomId, input.type, input.price, labels],
			)
			await client.query(
				`INSERT INTO bed_event ("bedId", "providerId", kind, "toStatus", "actorId", details)
				 SELECT id, $1, 'created', 'vacant', $2, jsonb_build_object('type', $3::text, 'monthlyPriceFen', $4::int) FROM unnest($5::uuid[]) AS id`,
				[staff.providerId, staff.id, input.type, input.price, inserted.rows.map((r) => r.id)],
			)
			return inserted.rows.map((r) => r.id)
		})
		return { ok: true, value: { ids } }
	} catch (error) {
		return asResult(error)
	}
}

/** Takes a vacant bed out of service or puts it back. Conditional UPDATE: never touches an occupied or reserved bed. */
export async function setBedStatus(staff: InstitutionStaff, input: { bedId: string; status: 'vacant' | 'out_of_service' }): Promise<Result<null>> {
	const from = input.status === 'vacant' ? 'out_of_service' : 'vacant'
	try {
		await bedsTransaction(async (client) => {
			const res = await client.query(
				`UPDATE bed SET status = $3::"BedStatus", "updatedAt" = now() WHERE id = $1 AND "providerId" = $2 AND status = $4::"BedStatus" RETURNING id`,
				[input.bedId, staff.providerId, input.status, from],
			)
			if (!res.rowCount) await explainBed(client, staff, input.bedId, 'bedId')
			await bedEvent(client, { bedId: input.bedId, providerId: staff.providerId, kind: 'status', from, to: input.status, actorId: staff.id })
		})
		return { ok: true, value: null }
	} catch (error) {
		return asResult(error)
	}
}

/**
 * Changes a bed's type or monthly price. The type only while nobody is in it or holding it
 * (conditional UPDATE on the status), so an occupied bed's indicators never shift under a resident.
 */
export async function updateBed(staff: InstitutionStaff, input: { bedId: string; type: BedTypeName; price: number }): Promise<Result<null>> {
	if (!Number.isSafeInteger(input.price) || input.price < 0) return { ok: false, fieldErrors: { price: ['beds:errors.price'] }, status: 400 }
	try {
		await bedsTransaction(async (client) => {
			const before = await client.query<{ type: BedTypeName; monthlyPriceFen: number; status: string }>(
				`SELECT type, "monthlyPriceFen", status FROM bed WHERE id = $1 AND "providerId" = $2 FOR UPDATE`,
				[input.bedId, staff.providerId],
			)
			const b = before.rows[0]
			if (!b) throw new Refusal('bedId', 'beds:errors.bed.notYours', 404)
			if (b.type !== input.type) {
				const res = await client.query(`UPDATE bed SET type = $2::"BedType", "updatedAt" = now() WHERE id = $1 AND status IN ('vacant', 'out_of_service') RETURNING id`, [input.bedId, input.type])
				if (!res.rowCount) throw new Refusal('type', 'beds:errors.bed.typeWhileInUse', 409)
				await bedEvent(client, { bedId: input.bedId, providerId: staff.providerId, kind: 'type', actorId: staff.id, details: { from: b.type, to: input.type } })
			}
			if (b.monthlyPriceFen !== input.price) {
				await client.query(`UPDATE bed SET "monthlyPriceFen" = $2, "updatedAt" = now() WHERE id = $1`, [input.bedId, input.price])
				await bedEvent(client, { bedId: input.bedId, providerId: staff.providerId, kind: 'price', actorId: staff.id, details: { from: b.monthlyPriceFen, to: input.price } })
			}
		})
		return { ok: true, value: null }
	} catch (error) {
		return asResult(error)
	}
}

/** After a conditional UPDATE matched nothing: says why (not this institution's bed → 404, else its state). */
export async function explainBed(client: pg.PoolClient, staff: InstitutionStaff, bedId: string, field: string): Promise<never> {
	const bed = UUID.test(bedId) ? await client.query<{ status: string }>(`SELECT status FROM bed WHERE id = $1 AND "providerId" = $2`, [bedId, staff.providerId]) : null
	const status = bed?.rows[0]?.status
	if (!status) throw new Refusal(field, 'beds:errors.bed.notYours', 404)
	throw new Refusal(field, `beds:errors.bed.${status}`, 409)
}

export async function listRoomsAndBeds(staff: InstitutionStaff) {
	const [rooms, beds] = await Promise.all([
		pool.query<{ id: string; name: string; floor: number | null }>(`SELECT id, name, floor FROM room WHERE "providerId" = $1 ORDER BY floor NULLS LAST, name`, [staff.providerId]),
		pool.query<{ id: string; roomId: string; label: string; type: BedTypeName; status: string; monthlyPriceFen: number; elderName: string | null; admissionId: string | null }>(
			`SELECT b.id, b."roomId", b.label, b.type, b.status, b."monthlyPriceFen", e.name AS "elderName", a.id AS "admissionId"
			 FROM bed b LEFT JOIN admission a ON a."bedId" = b.id AND a."dischargedOn" IS NULL LEFT JOIN elder e ON e.id = a."elderId"
			 WHERE b."providerId" = $1 ORDER BY b.label`,
			[staff.providerId],
		),
	])
	return rooms.rows.map((r) => ({ ...r, beds: beds.rows.filter((b) => b.roomId === r.id) }))
}

export async function bedHistory(staff: InstitutionStaff, bedId: string) {
	if (!UUID.test(bedId)) return null
	const bed = await pool.query<{ id: string; label: string; type: BedTypeName; status: string; monthlyPriceFen: number }>(`SELECT id, label, type, status, "monthlyPriceFen" FROM bed WHERE id = $1 AND "providerId" = $2`, [bedId, staff.providerId])
	if (!bed.rowCount) return null
	const events = await pool.query<{ id: string; at: Date; kind: string; fromStatus: string | null; toStatus: string | null; elderName: string | null; actorName: string | null }>(
		`SELECT ev.id::text, ev.at, ev.kind, ev."fromStatus", ev."toStatus", e.name AS "elderName", u.name AS "actorName"
		 FROM bed_event ev LEFT JOIN elder e ON e.id = ev."elderId" LEFT JOIN app_user u ON u.id = ev."actorId"
		 WHERE ev."bedId" = $1 ORDER BY ev.id DESC LIMIT 200`,
		[bedId],
	)
	return { bed: bed.rows[0]!, events: events.rows.map((e) => ({ ...e, at: e.at.toISOString() })) }
}
