// Re-review of statuses (复核): the nightly job (app/jobs/status-review.server.ts) lists every status,
// not ended, whose end or review date falls within the next 30 days; officers read the list of
// their area per community (/statuses/review). Listing is idempotent: one row per status and due day.
import { sql, type Sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { isRegistrar, townshipIdOf } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export const REVIEW_WINDOW_DAYS = 30

/** The nightly listing for `today` (Shanghai): returns how many statuses were newly listed and how many are due. */
export async function listStatusesDueForReview(today = shanghaiDate()) {
	const until = toDateString(new Date(dateOnly(today).getTime() + REVIEW_WINDOW_DAYS * 86_400_000))
	const listed = await sql`
		INSERT INTO elder_status_review ("statusId", "dueOn", "communityId", "districtId", "listedOn")
		SELECT s.id, LEAST(s."validUntil", s."reviewOn"), e."communityId", e."districtId", ${today}::date
		FROM elder_status s JOIN elder e ON e.id = s."elderId"
		WHERE s."endedAt" IS NULL AND e."deathDate" IS NULL
		  AND LEAST(s."validUntil", s."reviewOn") BETWEEN ${today}::date AND ${until}::date
		ON CONFLICT ("statusId", "dueOn") DO NOTHING`.run()
	return { today, until, listed }
}

export type ReviewRow = { statusId: string; elderId: string; elderName: string; kind: string; dueOn: string; validUntil: string | null; reviewOn: string | null; source: string; communityId: string | null; communityName: string | null; listedOn: string }

/** The officer's area as a condition on elder_status_review r joined with community c; null for those who review no statuses. */
async function reviewScope(user: SessionUser) {
	if (!isRegistrar(user) && user.role !== 'admin') return null
	if (user.role === 'community_officer') return user.communityId ? sql`r."communityId" = ${user.communityId}::uuid` : sql`r."districtId" = ${user.districtId ?? '-'}`
	if (user.role === 'township_officer') return sql`c."townshipId" = ${(await townshipIdOf(user)) ?? '00000000-0000-0000-0000-000000000000'}::uuid`
	if (user.role === 'bureau_district') return sql`r."districtId" = ${user.districtId ?? '-'}`
	return sql`TRUE`
}

/** Listed statuses still due: not ended, dates unchanged since listed, due today or later. */
function dueReviews(scope: Sql, today: string) {
	return sql`FROM elder_status_review r
		JOIN elder_status s ON s.id = r."statusId"
		JOIN elder e ON e.id = s."elderId"
		LEFT JOIN community c ON c.id = r."communityId"
		WHERE ${scope} AND s."endedAt" IS NULL AND LEAST(s."validUntil", s."reviewOn") = r."dueOn" AND r."dueOn" >= ${today}::date`
}

/** The listed statuses of the officer's area still due, by community then due day. */
export async function reviewList(user: SessionUser, today = shanghaiDate()): Promise<ReviewRow[]> {
	const scope = await reviewScope(user)
	if (!scope) return []
	return sql`
		SELECT r."statusId", e.id AS "elderId", e.name AS "elderName", s.kind, r."dueOn", s."validUntil", s."reviewOn", s.source,
		       r."communityId", c."nameZh" AS "communityName", r."listedOn"
		${dueReviews(scope, today)}
		ORDER BY c."nameZh" NULLS LAST, r."dueOn", e.name
		LIMIT 500`.rows<ReviewRow>()
}

/** How many statuses of the officer's area are due for review (all of them; the list shows the first 500). */
export async function countDueReviews(user: SessionUser, today: string) {
	const scope = await reviewScope(user)
	if (!scope) return 0
	return (await sql`SELECT count(*)::int AS n ${dueReviews(scope, today)}`.first<{ n: number }>())?.n ?? 0
}
