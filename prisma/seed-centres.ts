// Seed for issue 14 item 2: the facts of every seeded institution, deterministic by licence order.
// Every third institution is a rural 特困 support institution (敬老院, publicly run) with places for
// 特困 residents; the rest are elderly-care institutions of mixed ownership.
import type pg from 'pg'

export async function seedInstitutionFacts(client: pg.PoolClient | pg.Client): Promise<number> {
	const res = await client.query(`
		INSERT INTO institution_facts ("providerId", ownership, "facilityKind", "filingNo", "filingDate", "tekunCapacity")
		SELECT id,
		       CASE WHEN rn % 3 = 0 THEN 'public_public' ELSE (ARRAY['public_built_private_run', 'public_private_run', 'private', 'private'])[1 + rn % 4] END::"InstitutionOwnership",
		       CASE WHEN rn % 3 = 0 THEN 'rural_tekun_support' WHEN rn % 7 = 1 THEN 'medical_care' ELSE 'elderly_care' END::"InstitutionFacilityKind",
		       '荆民养备' || lpad(rn::text, 4, '0'),
		       DATE '2017-03-01' + (rn * 37),
		       CASE WHEN rn % 3 = 0 THEN 20 + (rn % 5) * 10 ELSE 0 END
		  FROM (SELECT id, row_number() OVER (ORDER BY "licenceNo")::int AS rn FROM provider WHERE kind = 'institution') p
		ON CONFLICT ("providerId") DO NOTHING`)
	return res.rowCount ?? 0
}
