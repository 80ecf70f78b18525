import { transaction } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { toCsv } from '~/lib/export.server.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { sql, type Runner, type Sql } from '~/lib/sql.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { computeIndicators, sumCounts, type IndicatorCounts, type Indicators } from './indicators.ts'

// Indicator counts per district in ONE set-based statement: beds summed from bed_tally (kept by a
// trigger on bed, a few rows per institution), coverage over the communities. Only what the bureau
// has approved counts: beds in service at approved institutions, approved institutions, communities
// with an approved centre (a provider that signed itself up, or was suspended, adds nothing).
// `year` picks the population year (an expression, so the snapshot can choose it in SQL too).
function countsSql(year: Sql, districtId: string | null) {
	return sql`
SELECT d.id AS "districtId", d."nameZh", d."nameEn", y.year AS "populationYear", y.years,
       ps."aged60Plus", ps."aged80Plus",
       coalesce(i.institutions, 0)::int AS institutions,
       coalesce(b.beds, 0)::int AS beds,
       coalesce(b.nursing, 0)::int AS "nursingBeds",
       coalesce(b.dementia, 0)::int AS "dementiaBeds",
       coalesce(b.beds, 0)::int AS "bedsInService",
       coalesce(b.occupied, 0)::int AS "occupiedBeds",
       coalesce(c.urban, 0)::int AS "urbanCommunities",
       coalesce(c.urban_centre, 0)::int AS "urbanWithCentre",
       coalesce(c.villages, 0)::int AS villages,
       coalesce(c.village_centre, 0)::int AS "villagesWithCentre"
FROM district d
CROSS JOIN (
  -- The requested year if the bureau has figures for it, else the latest; and every year it has.
  SELECT coalesce(max(year) FILTER (WHERE year = ${year}), max(year)) AS year, array_agg(DISTINCT year ORDER BY year) AS years FROM population_stat
) y
LEFT JOIN population_stat ps ON ps."districtId" = d.id AND ps.year = y.year
LEFT JOIN (SELECT "districtId", count(*) AS institutions FROM provider WHERE kind = 'institution' AND status = 'approved' GROUP BY 1) i ON i."districtId" = d.id
LEFT JOIN (
  SELECT t."districtId", sum(t.n) AS beds,
         sum(t.n) FILTER (WHERE t.type = 'nursing') AS nursing,
         sum(t.n) FILTER (WHERE t.type = 'dementia') AS dementia,
         sum(t.n) FILTER (WHERE t.status = 'occupied') AS occupied
  FROM bed_tally t JOIN provider p ON p.id = t."providerId" AND p.status = 'approved'
  WHERE t.status <> 'out_of_service'
  GROUP BY 1
) b ON b."districtId" = d.id
LEFT JOIN (
  SELECT c."districtId",
         count(*) FILTER (WHERE c.kind = 'urban_community') AS urban,
         count(*) FILTER (WHERE c.kind = 'urban_community' AND c.has_centre) AS urban_centre,
         count(*) FILTER (WHERE c.kind = 'village') AS villages,
         count(*) FILTER (WHERE c.kind = 'village' AND c.has_centre) AS village_centre
  FROM (SELECT "districtId", kind, id IN (SELECT "communityId" FROM provider WHERE kind = 'community_centre' AND status = 'approved' AND "communityId" IS NOT NULL) AS has_centre FROM community) c
  GROUP BY 1
) c ON c."districtId" = d.id
WHERE ${districtId === null ? sql`true` : sql`d.id = ${districtId}`}
ORDER BY d."sortOrder"`
}

type DistrictRow = IndicatorCounts & { districtId: string; nameZh: string; nameEn: string }
export type DistrictIndicators = Indicators & { districtId: string; nameZh: string; nameEn: string }

/** The districts a user may see indicators of: their own, or every one for city officers. */
export function indicatorScope(user: SessionUser, requested?: string | null): string | null {
	if (isCityWide(user)) return requested || null
	if (!user.districtId) throw new Response('Your account has no district.', { status: 403 })
	return user.districtId
}

/** The dashboard: per district and, for city officers, the city; against a chosen population year (default the latest). */
export async function dashboard(user: SessionUser, opts: { year?: number | null; districtId?: string | null }) {
	const scope = indicatorScope(user, opts.districtId)
	// One statement: the population year is chosen in SQL (requested, else the latest).
	const rows = await countsSql(sql`${opts.year ?? null}::int`, scope).rows<DistrictRow & { populationYear: number | null; years: number[] | null }>()
	const years = rows[0]?.years ?? []
	const latest = years.at(-1) ?? null
	const year = rows[0]?.populationYear ?? null
	const districts: DistrictIndicators[] = rows.map((r) => ({ ...computeIndicators(r), districtId: r.districtId, nameZh: r.nameZh, nameEn: r.nameEn }))
	const city = scope ? null : computeIndicators(sumCounts(rows))
	return { year, years, latestYear: latest, scope, districts, city }
}

export async function districtChoices(user: SessionUser) {
	const scope = isCityWide(user) ? null : (user.districtId ?? '-')
	return sql`SELECT id, "nameZh", "nameEn" FROM district WHERE (${scope}::text IS NULL OR id = ${scope}) ORDER BY "sortOrder"`.rows<{ id: string; nameZh: string; nameEn: string }>()
}

export async function listPopulation(user: SessionUser) {
	const scope = isCityWide(user) ? null : (user.districtId ?? '-')
	const rows = await sql`SELECT "districtId", year, "aged60Plus", "aged80Plus", "updatedAt" FROM population_stat WHERE (${scope}::text IS NULL OR "districtId" = ${scope}) ORDER BY year DESC, "districtId"`.rows<{
		districtId: string
		year: number
		aged60Plus: number
		aged80Plus: number
		updatedAt: Date
	}>()
	return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }))
}

/** The bureau enters (or corrects) the official 60+ and 80+ population of a district for a year; audited. */
export async function savePopulation(user: SessionUser, input: { districtId: string; year: number; aged60Plus: number; aged80Plus: number }, ip: string | null): Promise<Outcome<null>> {
	if (!isCityWide(user) && user.districtId !== input.districtId) return { ok: false, fieldErrors: { districtId: ['errors.district.outOfScope'] }, status: 403 }
	try {
		await transaction(async (tx) => {
			const d = await sql`SELECT 1 FROM district WHERE id = ${input.districtId}`.rows(tx)
			if (!d.length) refuse('districtId', 'errors.district.unknown', 400)
			const before = await sql`SELECT "aged60Plus", "aged80Plus" FROM population_stat WHERE "districtId" = ${input.districtId} AND year = ${input.year} FOR UPDATE`.first<{ aged60Plus: number; aged80Plus: number }>(tx)
			await sql`INSERT INTO population_stat ("districtId", year, "aged60Plus", "aged80Plus", "updatedAt", "updatedById") VALUES (${input.districtId}, ${input.year}, ${input.aged60Plus}, ${input.aged80Plus}, now(), ${user.id})
				 ON CONFLICT ("districtId", year) DO UPDATE SET "aged60Plus" = EXCLUDED."aged60Plus", "aged80Plus" = EXCLUDED."aged80Plus", "updatedAt" = now(), "updatedById" = EXCLUDED."updatedById"`.run(tx)
			await audit(
				{
					actor: user,
					action: 'population.save',
					entityType: 'population_stat',
					entityId: `${input.districtId}/${input.year}`,
					districtId: input.districtId,
					details: { before: before ?? null, after: { aged60Plus: input.aged60Plus, aged80Plus: input.aged80Plus } },
					ip,
				},
				tx,
			)
		})
		return { ok: true, value: null }
	} catch (error) {
		return failureOf(error)
	}
}

/**
 * Records the indicators of every district for a month (YYYY-MM) against that year's population
 * (or the latest earlier one). Idempotent: UNIQUE(month, districtId) with ON CONFLICT DO NOTHING,
 * so a retried or duplicated job writes nothing twice. Returns the rows written.
 */
export async function takeSnapshot(month: string, tx?: Runner): Promise<number> {
	if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`not a month: ${month}`)
	const year = Number(month.slice(0, 4))
	// The month's year if the bureau has figures for it, else the latest earlier one (else the first).
	const chosen = sql`coalesce((SELECT max(year) FROM population_stat WHERE year <= ${year}), (SELECT min(year) FROM population_stat))`
	return sql`
		WITH counts AS (${countsSql(chosen, null)})
		INSERT INTO indicator_snapshot (id, month, "districtId", "populationYear", "aged60Plus", "aged80Plus", institutions, beds, "nursingBeds", "dementiaBeds",
		  "bedsInService", "occupiedBeds", "urbanCommunities", "urbanWithCentre", villages, "villagesWithCentre")
		SELECT gen_random_uuid(), ${month}, "districtId", CASE WHEN "aged60Plus" IS NULL THEN NULL ELSE "populationYear" END, "aged60Plus", "aged80Plus", institutions, beds, "nursingBeds", "dementiaBeds",
		  "bedsInService", "occupiedBeds", "urbanCommunities", "urbanWithCentre", villages, "villagesWithCentre"
		FROM counts ON CONFLICT (month, "districtId") DO NOTHING`.run(tx)
}

/** The month a run at `at` records: the job runs on the 1st at 03:00 Shanghai time, for the month just begun. */
export function snapshotMonth(at: Date = new Date()) {
	return shanghaiMonth(at)
}

/** Monthly history for the charts: one point per month, summed over the districts in scope. */
export async function snapshotHistory(user: SessionUser, opts: { districtId?: string | null; months?: number }) {
	const scope = indicatorScope(user, opts.districtId)
	const since = addMonths(shanghaiMonth(), -(opts.months ?? 60))
	const rows = await sql`SELECT month, count(*)::int AS districts,
		   CASE WHEN bool_and("aged60Plus" IS NOT NULL) THEN sum("aged60Plus")::int END AS "aged60Plus",
		   CASE WHEN bool_and("aged80Plus" IS NOT NULL) THEN sum("aged80Plus")::int END AS "aged80Plus",
		   sum(institutions)::int AS institutions, sum(beds)::int AS beds, sum("nursingBeds")::int AS "nursingBeds", sum("dementiaBeds")::int AS "dementiaBeds",
		   sum("bedsInService")::int AS "bedsInService", sum("occupiedBeds")::int AS "occupiedBeds", sum("urbanCommunities")::int AS "urbanCommunities",
		   sum("urbanWithCentre")::int AS "urbanWithCentre", sum(villages)::int AS villages, sum("villagesWithCentre")::int AS "villagesWithCentre"
		 FROM indicator_snapshot WHERE month >= ${since} AND (${scope}::text IS NULL OR "districtId" = ${scope}) GROUP BY month ORDER BY month`.rows<IndicatorCounts & { month: string; districts: number }>()
	return rows.map((r) => ({ month: r.month, ...computeIndicators(r) }))
}

const CSV_COLUMNS = [
	'aged60Plus', 'aged80Plus', 'institutions', 'beds', 'nursingBeds', 'dementiaBeds', 'bedsInService', 'occupiedBeds',
	'bedsPer1000', 'nursingShare', 'occupancy', 'bedsNeeded', 'urbanCommunities', 'urbanWithCentre', 'urbanCoverage', 'villages', 'villagesWithCentre', 'villageCoverage',
] as const

const num = (v: number | null) => (v === null ? '' : Number.isInteger(v) ? String(v) : v.toFixed(4))

/** Everything as CSV: today's indicators per district (and the city), then the monthly history per district. */
export async function exportCsv(user: SessionUser, opts: { year?: number | null; districtId?: string | null }) {
	const board = await dashboard(user, opts)
	const rows: string[][] = [['section', 'populationYear', 'month', 'districtId', 'district', ...CSV_COLUMNS]]
	for (const d of board.districts) rows.push(['current', String(board.year ?? ''), '', d.districtId, d.nameZh, ...CSV_COLUMNS.map((c) => num(d[c]))])
	if (board.city) rows.push(['current', String(board.year ?? ''), '', 'city', '荆门市', ...CSV_COLUMNS.map((c) => num(board.city![c]))])
	const hist = await sql`SELECT s.*, d."nameZh" FROM indicator_snapshot s JOIN district d ON d.id = s."districtId" WHERE (${board.scope}::text IS NULL OR s."districtId" = ${board.scope}) ORDER BY s.month, d."sortOrder"`.rows<
		IndicatorCounts & { month: string; districtId: string; nameZh: string; populationYear: number | null }
	>()
	for (const h of hist) {
		const ind = computeIndicators(h)
		rows.push(['snapshot', String(h.populationYear ?? ''), h.month, h.districtId, h.nameZh, ...CSV_COLUMNS.map((c) => num(ind[c]))])
	}
	// With a byte-order mark so spreadsheet programs read the Chinese names as UTF-8.
	return toCsv(rows)
}
