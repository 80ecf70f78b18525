import { cachedByVersion } from '~/lib/cache.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { dashboard, districtChoices, indicatorScope, snapshotHistory } from './indicators.server.ts'

// The dashboard page's data behind a Redis cache (kept apart from indicators.server.ts so the seed
// and workers that take snapshots never open a Redis connection).

/** The version of everything the dashboards read (bumped at commit by the census_version triggers). */
async function censusVersion(): Promise<string> {
	const row = await sql`SELECT version, epoch FROM census_version WHERE id = 1`.prepared().first<{ version: number; epoch: string }>()
	return row ? `${row.epoch}:${row.version}` : 'none'
}

/**
 * What the dashboard page shows (indicators, monthly history, district choices), cached under the
 * census version: a page is computed once per change of the data, and never served stale.
 */
export async function dashboardPage(user: SessionUser, opts: { year?: number | null; districtId?: string | null }) {
	const scope = indicatorScope(user, opts.districtId)
	// Years outside any plausible population year fall back to the latest, as the SQL would.
	const year = opts.year && opts.year >= 1990 && opts.year <= 2100 ? opts.year : null
	const viewer = isCityWide(user) ? 'city' : user.districtId
	const version = await censusVersion()
	return cachedByVersion(`beds-dashboard:${viewer}:${scope ?? 'all'}:${year ?? 'latest'}`, version, async () => {
		const [board, history, districts] = await Promise.all([dashboard(user, { year, districtId: scope }), snapshotHistory(user, { districtId: scope }), districtChoices(user)])
		return { board, history, districts }
	})
}
