// The month's operating subsidy of one institution, computed set-based and frozen (issue 14 item 4).
// One transaction per institution: the statement row first (`ON CONFLICT ("providerId", month) DO
// NOTHING`: a second computation, by a second job or a re-run, finds the month taken and writes
// nothing), then the bed-day segments it used, the lines, and the totals. The bureau's floor of the
// benchmark (`operatingSubsidyFloorSql`) computes the same amounts for every institution at once from
// the same bed-days.
import { transaction } from '~/lib/db.server.ts'
import { sql, type Sql } from '~/lib/sql.server.ts'
import { monthBounds } from './rules.ts'

/**
 * CTEs `stays` and `rated`: every occupied bed-day of the month (a stay is [admittedOn, dischargedOn),
 * cut to the month), with the level of the assessment in force that day (the latest whose validity
 * covers it, as `elder_disability_on`; 'unassessed' without one) and whether a 特困 status counts
 * that day. Only approved institutions' beds count.
 */
export function ratedBedDays(month: string, providerId: string | null): Sql {
	const { from, to } = monthBounds(month)
	const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000
	const which = providerId ? sql`AND a."providerId" = ${providerId}::uuid` : sql.empty
	return sql`stays AS (
		SELECT a.id AS "admissionId", a."providerId", a."elderId", a."bedId",
		       greatest(a."admittedOn", ${from}::date) AS f, least(coalesce(a."dischargedOn", ${to}::date), ${to}::date) AS t
		FROM admission a JOIN provider p ON p.id = a."providerId"
		WHERE a."admittedOn" < ${to}::date AND (a."dischargedOn" IS NULL OR a."dischargedOn" > ${from}::date)
		  AND p.kind = 'institution' AND p.status = 'approved' ${which}
	),
	rated AS (
		-- One bed-day per resident and day: a stay entered with a start before the previous one ended
		-- (a backdated admission) must not pay a day twice; the earlier stay keeps the day.
		SELECT DISTINCT ON (s."providerId", s."elderId", d.day) s."providerId", s."admissionId", s."elderId", s."bedId", d.day,
		       coalesce((SELECT c.level::text FROM capability_assessment c
		                 WHERE c."elderId" = s."elderId" AND c."assessedOn" <= d.day AND c."validUntil" >= d.day
		                 ORDER BY c."assessedOn" DESC, c."createdAt" DESC LIMIT 1), 'unassessed') AS level,
		       EXISTS (SELECT 1 FROM elder_status t
		               WHERE t."elderId" = s."elderId" AND t.kind = 'tekun' AND t."validFrom" <= d.day
		                 AND (t."validUntil" IS NULL OR t."validUntil" >= d.day)) AS tekun
		-- The month's days from an integer series (the planner knows its length, so estimates stay sane).
		FROM stays s JOIN (SELECT ${from}::date + i AS day FROM generate_series(0, ${days - 1}::int) AS i) d ON d.day >= s.f AND d.day < s.t
		ORDER BY s."providerId", s."elderId", d.day, s.f, s."admissionId"
	)`
}

/** The rate version in force for a month and an institution's grade factor from it. */
const rateOf = (month: string) => sql`(SELECT * FROM operating_subsidy_rate WHERE "effectiveMonth" <= ${monthBounds(month).from}::date ORDER BY "effectiveMonth" DESC LIMIT 1)`
const factorOf = (grade: Sql, r: Sql) =>
	sql`CASE ${grade} WHEN 1 THEN ${r}."grade1Bps" WHEN 2 THEN ${r}."grade2Bps" WHEN 3 THEN ${r}."grade3Bps" WHEN 4 THEN ${r}."grade4Bps" WHEN 5 THEN ${r}."grade5Bps" ELSE ${r}."ungradedBps" END`
/**
 * The institution's grade for the month: its approved grade, unless the last approved grading's
 * validity ended before the month began (an expired grade pays the ungraded factor until it is
 * graded again). A grade kept from before gradings were recorded has no validity and counts.
 */
const gradeInForce = (p: Sql, month: string) =>
	sql`CASE WHEN (SELECT max(g."validUntil") FROM provider_grading g WHERE g."providerId" = ${p}.id AND g.status = 'approved') < ${monthBounds(month).from}::date THEN NULL ELSE ${p}.grade END`
const levelRateOf = (level: Sql, r: Sql) =>
	sql`CASE ${level} WHEN 'intact' THEN ${r}."intactFen" WHEN 'mild' THEN ${r}."mildFen" WHEN 'moderate' THEN ${r}."moderateFen"
		WHEN 'severe' THEN ${r}."severeFen" WHEN 'complete' THEN ${r}."completeFen" ELSE ${r}."unassessedFen" END`
/** rules.ts `lineAmount`, in SQL: level part rounded half up once per line. */
const levelFenOf = (days: Sql, rate: Sql, bps: Sql) => sql`((${days}::bigint * ${rate} * ${bps} + 5000) / 10000)`

export type ComputeResult = { computed: boolean; statementId: string | null; totalFen: number; bedDays: number }

/**
 * Computes and freezes `month` ('YYYY-MM') for one institution, once. Returns computed: false when
 * the month was already computed (nothing written) or the provider is not an approved institution.
 * The caller checks the month has ended (jobs are queued only for ended months).
 */
export async function computeInstitutionMonth(providerId: string, month: string): Promise<ComputeResult> {
	const r = sql.raw('r')
	return transaction(async (tx) => {
		// One institution's month is a few thousand rows: JIT compiling the statements (the planner's
		// cost crosses jit_above_cost) took half a second each, ten times the work itself.
		await sql`SET LOCAL jit = off`.run(tx)
		const statement = await sql`INSERT INTO operating_subsidy_statement ("providerId", "districtId", month, "rateMonth", grade, "gradeFactorBps")
			SELECT p.id, p."districtId", ${monthBounds(month).from}::date, r."effectiveMonth", ${gradeInForce(sql.raw('p'), month)}, ${factorOf(gradeInForce(sql.raw('p'), month), r)}
			FROM provider p, ${rateOf(month)} r
			WHERE p.id = ${providerId}::uuid AND p.kind = 'institution' AND p.status = 'approved'
			ON CONFLICT ("providerId", month) DO NOTHING
			RETURNING id`.first<{ id: string }>(tx)
		if (!statement) return { computed: false, statementId: null, totalFen: 0, bedDays: 0 }
		// The frozen basis: runs of consecutive days of one admission with the same level and 特困 status.
		await sql`WITH ${ratedBedDays(month, providerId)},
			runs AS (SELECT rated.*, rated.day - (row_number() OVER (PARTITION BY "admissionId", level, tekun ORDER BY day))::int AS run FROM rated)
			INSERT INTO operating_subsidy_bed_day ("statementId", "admissionId", "elderId", "bedId", level, tekun, "fromDay", "toDay", days)
			SELECT ${statement.id}::uuid, "admissionId", "elderId", "bedId", level, tekun, min(day), max(day), count(*)::int
			FROM runs GROUP BY "admissionId", "elderId", "bedId", level, tekun, run`.run(tx)
		await sql`WITH s AS (SELECT st.id, st."gradeFactorBps", r.* FROM operating_subsidy_statement st JOIN operating_subsidy_rate r ON r."effectiveMonth" = st."rateMonth" WHERE st.id = ${statement.id}::uuid),
			g AS (SELECT "elderId", level, tekun, sum(days)::int AS days FROM operating_subsidy_bed_day WHERE "statementId" = ${statement.id}::uuid GROUP BY "elderId", level, tekun),
			priced AS (
				SELECT g.*, ${levelRateOf(sql`g.level`, sql.raw('s'))} AS "levelRateFen", s."tekunFen" AS "tekunRateFen",
				       ${levelFenOf(sql`g.days`, levelRateOf(sql`g.level`, sql.raw('s')), sql`s."gradeFactorBps"`)}::int AS "levelFen",
				       (CASE WHEN g.tekun THEN g.days * s."tekunFen" ELSE 0 END)::int AS "supplementFen"
				FROM g, s
			)
			INSERT INTO operating_subsidy_line ("statementId", "elderId", level, tekun, days, "levelRateFen", "tekunRateFen", "levelFen", "supplementFen", "amountFen")
			SELECT ${statement.id}::uuid, "elderId", level, tekun, days, "levelRateFen", "tekunRateFen", "levelFen", "supplementFen", "levelFen" + "supplementFen" FROM priced`.run(tx)
		const totals = await sql`UPDATE operating_subsidy_statement st SET
				"bedDays" = t.days, "tekunBedDays" = t.tekun_days, "levelFen" = t.level_fen, "supplementFen" = t.supplement_fen, "totalFen" = t.total
			FROM (SELECT coalesce(sum(days), 0)::int AS days, coalesce(sum(days) FILTER (WHERE tekun), 0)::int AS tekun_days,
			             coalesce(sum("levelFen"), 0)::bigint AS level_fen, coalesce(sum("supplementFen"), 0)::bigint AS supplement_fen,
			             coalesce(sum("amountFen"), 0)::bigint AS total
			      FROM operating_subsidy_line WHERE "statementId" = ${statement.id}::uuid) t
			WHERE st.id = ${statement.id}::uuid
			RETURNING st."totalFen", st."bedDays"`.first<{ totalFen: number; bedDays: number }>(tx)
		return { computed: true, statementId: statement.id, totalFen: Number(totals!.totalFen), bedDays: totals!.bedDays }
	})
}

/**
 * The benchmark's floor: ONE statement computing every approved institution's amounts for the month
 * from the same bed-days, rates and grade factors, writing nothing.
 */
export function operatingSubsidyFloorSql(month: string): Sql {
	const r = sql.raw('r')
	return sql`WITH ${ratedBedDays(month, null)},
		g AS (SELECT "providerId", "elderId", level, tekun, count(*)::int AS days FROM rated GROUP BY "providerId", "elderId", level, tekun),
		priced AS (
			SELECT g."providerId", g.days, g.tekun,
			       ${levelFenOf(sql`g.days`, levelRateOf(sql`g.level`, r), factorOf(gradeInForce(sql.raw('p'), month), r))}
			       + (CASE WHEN g.tekun THEN g.days * r."tekunFen" ELSE 0 END) AS amount
			FROM g JOIN provider p ON p.id = g."providerId", ${rateOf(month)} r
		)
		SELECT "providerId", sum(days)::int AS "bedDays", sum(amount)::bigint AS "totalFen" FROM priced GROUP BY "providerId"`
}

/** The approved institutions whose month is not computed yet (the month job fans out over these). */
export async function institutionsToCompute(month: string): Promise<string[]> {
	const rows = await sql`SELECT p.id FROM provider p
		WHERE p.kind = 'institution' AND p.status = 'approved'
		  AND NOT EXISTS (SELECT 1 FROM operating_subsidy_statement s WHERE s."providerId" = p.id AND s.month = ${monthBounds(month).from}::date)
		ORDER BY p.id`.rows<{ id: string }>()
	return rows.map((r) => r.id)
}
