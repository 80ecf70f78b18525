import { cachedByVersion } from '~/lib/cache.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { limitOnSql, overdueByDistrictQuery, type OverdueRow } from '~/modules/institutions/inspections.server.ts'
import { dashboard, districtChoices, indicatorScope, snapshotHistory } from './indicators.server.ts'
import { PLAN_PERIODS_QUERY, planPeriodsOf, type PlanPeriodRow } from './plan-periods.server.ts'

// The dashboard page's data behind a cache keyed by the census version (kept apart from
// indicators.server.ts so the seed and workers that take snapshots never open a Redis connection).

/**
 * What a view of the dashboard page shows, in one round trip on every request: the census version
 * (read before any cached figure, so what is stored under it is never older), the plan periods, the
 * overdue inspection findings and their limit on `today` (these two change with the date, so they
 * are never cached); then the figures, cached under the version.
 */
export async function dashboardView(user: SessionUser, opts: { year?: number | null; districtId?: string | null }, today: string) {
	const scope = indicatorScope(user, opts.districtId)
	// Years outside any plausible population year fall back to the latest, as the SQL would.
	const year = opts.year && opts.year >= 1990 && opts.year <= 2100 ? opts.year : null
	const viewer = isCityWide(user) ? 'city' : user.districtId
	const now = await sql`SELECT (SELECT epoch::text || ':' || version FROM census_version WHERE id = 1) AS version,
			(SELECT coalesce(json_agg(p ORDER BY p."startYear", p.id), '[]'::json) FROM (${PLAN_PERIODS_QUERY}) p) AS periods,
			(SELECT coalesce(json_agg(o ORDER BY d."sortOrder", d.id), '[]'::json) FROM (${overdueByDistrictQuery(user, today)}) o JOIN district d ON d.id = o."districtId") AS overdue,
			${limitOnSql(today)} AS "limitDays"`
		.prepared()
		.first<{ version: string | null; periods: PlanPeriodRow[]; overdue: OverdueRow[]; limitDays: number }>()
	const page = await cachedByVersion(`beds-dashboard:${viewer}:${scope ?? 'all'}:${year ?? 'latest'}`, now?.version ?? 'none', async () => {
		const [board, history, districts] = await Promise.all([dashboard(user, { year, districtId: scope }), snapshotHistory(user, { districtId: scope }), districtChoices(user)])
		return { board, history, districts }
	})
	return { ...page, periods: planPeriodsOf(now?.periods ?? []), overdue: now?.overdue ?? [], limitDays: now?.limitDays ?? 30 }
}
