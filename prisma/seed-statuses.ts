// Seed of statuses and capability assessment (issue 10 items 5–6): the seeded `categories` and
// `disabilityLevel` columns become dated records (the same function the migration ran), one status
// in 龙泉社区 falls due for re-review within 30 days, an assessment organisation covers 东宝区 and
// 掇刀区 with the demo assessor 13800000061, and 龙泉社区's officers may assess. Deterministic ids.
import type pg from 'pg'
import { SEED_SCALE } from '~/modules/assessment/scale.ts'
import { Rng } from './generators.ts'

export async function seedStatusesAndAssessment(client: pg.PoolClient, opts: { today: string; seed: number | string; communityId: string; assessorPhone: string; cityOfficerId: string }) {
	const rng = Rng.for('statuses', opts.seed)
	await client.query(`SELECT elder_records_from_legacy_columns($1::date)`, [opts.today])
	// About three in ten 特困 persons chose concentrated support (集中供养); the rest live at home.
	await client.query(`UPDATE elder_status SET "supportMode" = CASE WHEN abs(hashtext("elderId"::text)) % 10 < 3 THEN 'concentrated' ELSE 'dispersed' END WHERE kind = 'tekun'`)
	// One 低收入 status of 龙泉社区 ends in 20 days: it is on the re-review list after the first night.
	await client.query(
		`INSERT INTO elder_status (id, "elderId", kind, "validFrom", "validUntil", source, "recordedById")
		 SELECT $1::uuid, e.id, 'low_income', ($2::date - interval '11 months')::date, ($2::date + 20)::date, '东民低收〔2025〕12号', $4::uuid
		 FROM elder e WHERE e."communityId" = $3::uuid AND e."deathDate" IS NULL AND cardinality(e.categories) = 0 ORDER BY e.id LIMIT 1`,
		[rng.uuid(), opts.today, opts.communityId, opts.cityOfficerId],
	)
	await client.query(`INSERT INTO assessment_scale (version, "effectiveFrom", "table", note) VALUES (1, '2023-01-01', $1::jsonb, 'GB/T 42195-2022, as read by the team') ON CONFLICT DO NOTHING`, [JSON.stringify(SEED_SCALE)])
	const orgId = rng.uuid()
	await client.query(`INSERT INTO assessment_org (id, name, "licenceNo", "districtIds", "createdById") VALUES ($1::uuid, '荆门市康宁老年人能力评估中心', 'JMPG-2026-001', '{dongbao,duodao}', $2::uuid)`, [orgId, opts.cityOfficerId])
	await client.query(`UPDATE app_user SET "assessmentOrgId" = $1::uuid WHERE phone = $2`, [orgId, opts.assessorPhone])
	await client.query(`INSERT INTO assessment_community_permit ("communityId", "allowedById") VALUES ($1::uuid, $2::uuid)`, [opts.communityId, opts.cityOfficerId])
}
