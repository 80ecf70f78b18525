// Beds, rooms, admissions and the indicator history (issue 6), seeded after providers and elders.
//
// city: the plan's 80 institutions hold 15,472 beds in all (30 per 1,000 of the 2015 population of
// 515,700), about 28% nursing-type, about 65% occupied by registry elders. demo: 20–60 beds per
// institution, some occupied by demo elders. Everything set-based: a few INSERT … SELECT FROM
// unnest(…) statements, never a row at a time. Deterministic for a given day.
import type pg from 'pg'
import { takeSnapshot } from '~/modules/beds/indicators.server.ts'
import { apportion, Rng } from './generators.ts'

export const CITY_BEDS_2015 = 15_472
const SEED = 20_161_231

export type BedSeedResult = { rooms: number; beds: number; nursing: number; occupied: number; admissions: number; snapshots: number }

export async function seedBeds(client: pg.PoolClient, opts: { scale: 'demo' | 'city'; today: string; log?: (line: string) => void }): Promise<BedSeedResult> {
	const rng = Rng.for(`beds/${opts.scale}`, SEED)
	const { rows: institutions } = await client.query<{ id: string; districtId: string }>(`SELECT id, "districtId" FROM provider WHERE kind = 'institution' AND status IN ('approved', 'suspended') ORDER BY "licenceNo"`)
	if (institutions.length === 0) return { rooms: 0, beds: 0, nursing: 0, occupied: 0, admissions: 0, snapshots: 0 }
	const existing = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bed`)
	if (existing.rows[0]!.n > 0) throw new Error('beds are already seeded')

	const perInstitution =
		opts.scale === 'city'
			? apportion(CITY_BEDS_2015, institutions.map(() => 0.3 + rng.next() * 1.7))
			: institutions.map(() => rng.int(20, 60))

	const room = { id: [] as string[], providerId: [] as string[], name: [] as string[], floor: [] as number[] }
	const bed = { id: [] as string[], providerId: [] as string[], roomId: [] as string[], label: [] as string[], type: [] as string[], status: [] as string[], price: [] as number[], occupy: [] as boolean[] }
	const descriptions: { id: string; text: string }[] = []
	institutions.forEach((inst, i) => {
		const total = perInstitution[i]!
		// Nursing share varies by institution around 28% (the plan wants 40% by 2020); a few dementia beds.
		const nursingShare = 0.12 + rng.next() * 0.32
		const dementiaShare = rng.chance(0.4) ? 0.03 + rng.next() * 0.07 : 0
		const occupancy = 0.5 + rng.next() * 0.3
		const base = { self_care: rng.int(16, 30) * 10_000, nursing: rng.int(30, 55) * 10_000, dementia: rng.int(40, 65) * 10_000 }
		let made = 0
		let nursingCount = 0
		for (let r = 0; made < total; r++) {
			const floor = 1 + Math.floor(r / 20)
			const roomId = rng.uuid()
			const name = `${floor}${String((r % 20) + 1).padStart(2, '0')}`
			room.id.push(roomId)
			room.providerId.push(inst.id)
			room.name.push(name)
			room.floor.push(floor)
			const size = Math.min(total - made, rng.weightedIndex([1, 5, 3, 1]) + 1)
			const typeDraw = rng.next()
			const type = typeDraw < nursingShare ? 'nursing' : typeDraw < nursingShare + dementiaShare ? 'dementia' : 'self_care'
			for (let b = 0; b < size; b++) {
				bed.id.push(rng.uuid())
				bed.providerId.push(inst.id)
				bed.roomId.push(roomId)
				bed.label.push(`${name}-${b + 1}`)
				bed.type.push(type)
				const outOfService = rng.chance(0.02)
				bed.status.push(outOfService ? 'out_of_service' : 'vacant')
				bed.occupy.push(!outOfService && rng.chance(occupancy))
				bed.price.push(base[type as keyof typeof base] + rng.int(0, 10) * 5_000)
				if (type === 'nursing') nursingCount++
			}
			made += size
		}
		descriptions.push({ id: inst.id, text: `床位${total}张，其中护理型床位${nursingCount}张` })
	})

	await client.query(
		`INSERT INTO room (id, "providerId", name, floor, "createdAt", "updatedAt") SELECT *, now(), now() FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[])`,
		[room.id, room.providerId, room.name, room.floor],
	)
	// The plan's 2015 beds were built before the construction subsidy began (2016): not new beds.
	await client.query(
		`INSERT INTO bed (id, "providerId", "roomId", label, type, status, "monthlyPriceFen", "createdAt", "updatedAt")
		 SELECT t.id, t.p, t.r, t.l, t.ty::"BedType", t.s::"BedStatus", t.price, TIMESTAMP '2015-12-31 00:00', now()
		 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[]) AS t(id, p, r, l, ty, s, price)`,
		[bed.id, bed.providerId, bed.roomId, bed.label, bed.type, bed.status, bed.price],
	)
	await client.query(
		`UPDATE provider p SET description = d.text FROM unnest($1::uuid[], $2::text[]) AS d(id, text) WHERE p.id = d.id`,
		[descriptions.map((d) => d.id), descriptions.map((d) => d.text)],
	)

	// Occupied beds get a registry elder of the same district: the k-th bed to occupy in a district
	// pairs with the k-th eligible elder in a stable pseudo-random order (md5 of the id). Elders linked
	// to a demo family stay free, so the demo can admit them. At most a quarter of a district's elders
	// live in an institution; past that a bed stays vacant (the demo registry is small).
	const wanted = bed.id.filter((_, i) => bed.occupy[i])
	await client.query(
		`WITH beds AS (
		   SELECT b.id, b."providerId", p."districtId", row_number() OVER (PARTITION BY p."districtId" ORDER BY md5(b.id::text)) AS k
		   FROM bed b JOIN provider p ON p.id = b."providerId" WHERE b.id = ANY($1::uuid[])
		 ), elders AS (
		   SELECT e.id, e."districtId", row_number() OVER (PARTITION BY e."districtId" ORDER BY md5(e.id::text)) AS k,
		          count(*) OVER (PARTITION BY e."districtId") AS n
		   FROM elder e WHERE e."deathDate" IS NULL AND e."residencyStatus" = 'resident' AND e."birthDate" <= $2::date - interval '65 years'
		     AND NOT EXISTS (SELECT 1 FROM family_link f WHERE f."elderId" = e.id)
		 ), ins AS (
		   INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "createdAt", "updatedAt")
		   SELECT gen_random_uuid(), e.id, b.id, b."providerId", $2::date - (('x' || substr(md5(b.id::text), 1, 6))::bit(24)::int % 1400 + 7), now(), now()
		   FROM beds b JOIN elders e ON e."districtId" = b."districtId" AND e.k = b.k AND e.k <= greatest(1, e.n / 4)
		   RETURNING "bedId"
		 ), occ AS (
		   UPDATE bed SET status = 'occupied' FROM ins WHERE bed.id = ins."bedId" RETURNING bed.id
		 )
		 SELECT count(*)::int AS n FROM occ`,
		[wanted, opts.today],
	)
	// Every bed's history starts with its creation (and its admission, where occupied).
	await client.query(
		`INSERT INTO bed_event ("bedId", "providerId", kind, "toStatus", at, details)
		 SELECT id, "providerId", 'created', 'vacant', "createdAt", jsonb_build_object('type', type, 'monthlyPriceFen', "monthlyPriceFen") FROM bed`,
	)
	await client.query(
		`INSERT INTO bed_event ("bedId", "providerId", kind, "fromStatus", "toStatus", "elderId", "admissionId", at, details)
		 SELECT a."bedId", a."providerId", 'admitted', 'vacant', 'occupied', a."elderId", a.id, a."createdAt", jsonb_build_object('on', a."admittedOn") FROM admission a`,
	)
	await client.query(`INSERT INTO bed_event ("bedId", "providerId", kind, "fromStatus", "toStatus", at) SELECT id, "providerId", 'status', 'vacant', 'out_of_service', "createdAt" FROM bed WHERE status = 'out_of_service'`)

	// This month's snapshot from the real counts, and eleven earlier months of illustrative history
	// (beds and nursing beds a little fewer each month back) so the charts have a line to draw.
	const month = opts.today.slice(0, 7)
	let snapshots = await takeSnapshot(month, client)
	const back = await client.query(
		`INSERT INTO indicator_snapshot (id, month, "districtId", "populationYear", "aged60Plus", "aged80Plus", institutions, beds, "nursingBeds", "dementiaBeds",
		   "bedsInService", "occupiedBeds", "urbanCommunities", "urbanWithCentre", villages, "villagesWithCentre", "takenAt")
		 SELECT gen_random_uuid(), to_char(to_date(s.month, 'YYYY-MM') - make_interval(months => k), 'YYYY-MM'), s."districtId", s."populationYear", s."aged60Plus", s."aged80Plus",
		   s.institutions, b.beds, least(b.beds - s."dementiaBeds", round(s."nursingBeds" * (1 - 0.012 * k))::int), least(s."dementiaBeds", b.beds),
		   least(b.beds, s."bedsInService"), least(b.beds, s."bedsInService", round(s."occupiedBeds" * (1 - 0.004 * k))::int),
		   s."urbanCommunities", s."urbanWithCentre", s.villages, s."villagesWithCentre", now()
		 FROM indicator_snapshot s CROSS JOIN generate_series(1, 11) AS k
		 CROSS JOIN LATERAL (SELECT round(s.beds * (1 - 0.004 * k))::int AS beds) b
		 WHERE s.month = $1
		 ON CONFLICT (month, "districtId") DO NOTHING`,
		[month],
	)
	snapshots += back.rowCount ?? 0

	const totals = await client.query<{ beds: number; nursing: number; occupied: number; rooms: number; admissions: number }>(
		`SELECT (SELECT count(*)::int FROM bed) AS beds, (SELECT count(*)::int FROM bed WHERE type = 'nursing') AS nursing,
		        (SELECT count(*)::int FROM bed WHERE status = 'occupied') AS occupied, (SELECT count(*)::int FROM room) AS rooms, (SELECT count(*)::int FROM admission) AS admissions`,
	)
	const t = totals.rows[0]!
	opts.log?.(`  beds: ${t.beds.toLocaleString('en')} in ${t.rooms.toLocaleString('en')} rooms, ${t.nursing.toLocaleString('en')} nursing, ${t.occupied.toLocaleString('en')} occupied; ${snapshots} snapshots`)
	return { ...t, snapshots }
}
