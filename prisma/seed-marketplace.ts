// Marketplace demo data: a profile for every provider, and offerings with weekly schedules for the
// approved ones (the categories of their kind, prices in fen). Deterministic (own PRNG stream).
// Called by prisma/seed.ts inside its transaction; the search benchmark reuses makeOfferings().
import type pg from 'pg'
import { Rng } from './generators.ts'

type Kind = 'home_care' | 'community_centre' | 'institution'

const TEMPLATES: Record<Kind, { category: string; title: string; description: string; price: [number, number]; unit: string; minutes: number }[]> = {
	home_care: [
		{ category: 'meals', title: '助餐送餐上门', description: '营养配餐，按时送到老人家中，可选低盐低糖', price: [1500, 2500], unit: 'per_visit', minutes: 30 },
		{ category: 'bathing', title: '上门助浴', description: '专业护理员携带助浴设备上门，协助老人安全洗浴', price: [6000, 12000], unit: 'per_visit', minutes: 60 },
		{ category: 'cleaning', title: '居家保洁助洁', description: '居室清洁、衣物洗涤、整理收纳', price: [4000, 8000], unit: 'hour', minutes: 60 },
		{ category: 'medical_escort', title: '陪同就医', description: '陪同老人到医院挂号、就诊、取药', price: [6000, 10000], unit: 'per_visit', minutes: 180 },
		{ category: 'emergency_response', title: '紧急呼叫响应', description: '一键呼叫，护理员三十分钟内上门处置', price: [3000, 5000], unit: 'per_visit', minutes: 60 },
		{ category: 'mobility', title: '助行陪护', description: '陪同散步、外出购物、康复行走训练', price: [3000, 6000], unit: 'hour', minutes: 60 },
		{ category: 'nursing', title: '上门护理', description: '测量血压血糖、压疮护理、用药提醒', price: [8000, 15000], unit: 'per_visit', minutes: 60 },
		{ category: 'rehabilitation', title: '康复训练', description: '康复师上门指导肢体功能训练', price: [10000, 18000], unit: 'per_visit', minutes: 60 },
		{ category: 'respite', title: '喘息服务', description: '替换家庭照护者，提供半天照护', price: [12000, 20000], unit: 'per_visit', minutes: 240 },
	],
	community_centre: [
		{ category: 'day_care', title: '日间照料', description: '白天托管，午餐午休，文娱活动', price: [3000, 6000], unit: 'day', minutes: 480 },
		{ category: 'canteen_meals', title: '老年食堂午餐', description: '社区老年食堂，两荤一素一汤', price: [800, 1500], unit: 'per_visit', minutes: 60 },
		{ category: 'activities', title: '文体活动', description: '太极、书法、合唱、健康讲座', price: [500, 1500], unit: 'per_visit', minutes: 120 },
		{ category: 'short_stay', title: '短期托养', description: '家属外出期间短期入住照护', price: [10000, 16000], unit: 'day', minutes: 1440 },
	],
	institution: [
		{ category: 'residential_stay', title: '长期入住', description: '养老机构长期入住，含护理与膳食', price: [200000, 450000], unit: 'month', minutes: 1440 },
		{ category: 'short_stay', title: '短期入住', description: '术后康复或家属外出期间短住', price: [12000, 20000], unit: 'day', minutes: 1440 },
		{ category: 'respite', title: '机构喘息服务', description: '照护者休息期间入住机构', price: [15000, 25000], unit: 'day', minutes: 1440 },
	],
}

export type SeedProvider = { id: string; kind: Kind; status: string; districtId: string; served: string[]; demoStaff?: boolean }

export type OfferingRows = {
	offerings: unknown[][]
	rules: unknown[][]
}

/** Builds offering and rule columns for the given providers (for unnest inserts). */
export function makeOfferings(rng: Rng, providers: SeedProvider[], perProvider?: number): OfferingRows {
	const offerings: unknown[][] = [[], [], [], [], [], [], [], [], [], []]
	const rules: unknown[][] = [[], [], [], [], [], []]
	for (const p of providers) {
		if (p.status !== 'approved') continue
		const templates = rng.shuffle([...TEMPLATES[p.kind]])
		const n = perProvider ?? (p.demoStaff ? templates.length : rng.int(Math.min(2, templates.length), templates.length))
		for (let i = 0; i < n; i++) {
			const tpl = templates[i % templates.length]!
			const id = rng.uuid()
			const price = Math.round(rng.int(tpl.price[0], tpl.price[1]) / 100) * 100
			const suffix = i >= templates.length ? `（${Math.floor(i / templates.length) + 1}）` : ''
			offerings[0]!.push(id)
			offerings[1]!.push(p.id)
			offerings[2]!.push(tpl.category)
			offerings[3]!.push(tpl.title + suffix)
			offerings[4]!.push(tpl.description)
			offerings[5]!.push(p.demoStaff && tpl.category === 'bathing' ? 8000 : price)
			offerings[6]!.push(tpl.unit)
			offerings[7]!.push(tpl.minutes)
			offerings[8]!.push(`{${p.served.join(',')}}`)
			offerings[9]!.push(true)
			// Home visits: Monday–Saturday 08:00–18:00 (the demo provider every day until 20:00);
			// centres: weekdays; institutions: every day, one daily intake.
			const days = p.demoStaff ? [1, 2, 3, 4, 5, 6, 7] : p.kind === 'community_centre' ? [1, 2, 3, 4, 5] : p.kind === 'institution' ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5, 6]
			const [start, end] = tpl.minutes >= 1440 ? [0, 1440] : tpl.minutes >= 480 ? [480, 960] : [480, p.demoStaff ? 1200 : 1080]
			const capacity = p.kind === 'institution' ? rng.int(2, 6) : p.kind === 'community_centre' ? rng.int(10, 40) : rng.int(1, 3)
			for (const weekday of days) {
				rules[0]!.push(rng.uuid())
				rules[1]!.push(id)
				rules[2]!.push(weekday)
				rules[3]!.push(start)
				rules[4]!.push(end)
				rules[5]!.push(p.demoStaff ? 2 : capacity)
			}
		}
	}
	return { offerings, rules }
}

export async function insertOfferings(client: pg.PoolClient | pg.Client, rows: OfferingRows) {
	await client.query(
		`INSERT INTO offering (id, "providerId", category, title, description, "priceFen", unit, "durationMinutes", "districtIds", active, "createdAt", "updatedAt")
		 SELECT t.id, t.pid, t.cat::"ServiceCategory", t.title, t.descr, t.price, t.unit::"PriceUnit", t.minutes, t.districts::text[], t.active, now(), now()
		 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::bool[])
		   AS t(id, pid, cat, title, descr, price, unit, minutes, districts, active)`,
		rows.offerings,
	)
	await client.query(
		`INSERT INTO availability_rule (id, "offeringId", weekday, "startMinute", "endMinute", capacity)
		 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::int[], $6::int[])`,
		rows.rules,
	)
}

/** Profiles for every provider and the catalogue of the approved ones. Returns the offering count. */
export async function seedMarketplace(client: pg.PoolClient, seed: number): Promise<number> {
	const { rows: providers } = await client.query<{ id: string; kind: Kind; status: string; districtId: string; served: string[]; demoStaff: boolean }>(
		`SELECT p.id, p.kind::text AS kind, p.status::text AS status, p."districtId",
		        array_agg(pd."districtId" ORDER BY pd."districtId") AS served,
		        EXISTS (SELECT 1 FROM app_user u WHERE u."providerId" = p.id AND u.phone = '13800000011') AS "demoStaff"
		 FROM provider p JOIN provider_district pd ON pd."providerId" = p.id
		 GROUP BY p.id ORDER BY p."licenceNo"`,
	)
	await client.query(`INSERT INTO provider_profile ("providerId", "updatedAt") SELECT id, now() FROM provider ON CONFLICT DO NOTHING`)
	const rows = makeOfferings(Rng.for('marketplace', seed), providers)
	await insertOfferings(client, rows)
	return rows.offerings[0]!.length
}
