// The people behind a run's counts (issue 11 item 5): who is new this month, who stopped and why,
// whose tier changed, who resumed, whose payment is held for a card, and every elder of age the run
// did not pay with the reason. The same classification as the run summary's counts, so a count and
// its list always agree; filterable by district and name, paged, exportable.
import { z } from 'zod'
import { sql, type Sql } from '~/lib/sql.server.ts'
import { addMonths } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

import { PEOPLE_KINDS, STOP_REASONS } from './run-people.ts'
import { isSingleLine } from '~/lib/text.ts'

export const peopleFilterSchema = z.object({
	kind: z.enum(PEOPLE_KINDS).catch('new'),
	reason: z.enum(STOP_REASONS).optional().catch(undefined),
	district: z.string().trim().regex(/^[a-z]{2,40}$/).optional().catch(undefined),
	q: z.string().trim().max(20).refine(isSingleLine).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type PeopleFilter = z.infer<typeof peopleFilterSchema>

export type RunPerson = {
	elderId: string
	name: string
	idNumberMasked: string
	districtId: string
	districtZh: string
	districtEn: string
	previousTier: number | null
	tier: number | null
	amountFen: number | null
	status: string | null
	reason: string | null
}

function rowsSql(run: { id: string; month: string }, viewer: SessionUser, f: PeopleFilter): Sql {
	// A district officer sees their district only, whatever the filter says.
	const district = viewer.role === 'bureau_district' ? (viewer.districtId ?? '-') : (f.district ?? null)
	const name = f.q ? `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null
	const prevMonth = addMonths(run.month, -1)
	const scope = sql`(${district}::text IS NULL OR "districtId" = ${district})`
	const classified =
		f.kind === 'stop'
			? sql`SELECT s."elderId", s."districtId", NULL::int AS "previousTier", NULL::int AS tier, NULL::int AS "amountFen", NULL::text AS status, s.reason::text AS reason
				FROM allowance_stop s WHERE s."runId" = ${run.id}::uuid AND ${scope} AND (${f.reason ?? null}::text IS NULL OR s.reason::text = ${f.reason ?? null})`
			: f.kind === 'held'
				? sql`SELECT p."elderId", p."districtId", NULL::int AS "previousTier", p.tier, p."amountFen", p.status::text AS status, NULL::text AS reason
					FROM allowance_payment p WHERE p."runId" = ${run.id}::uuid AND p.status = 'held_no_account' AND ${scope}`
				: sql`SELECT * FROM (
					SELECT coalesce(cur."elderId", prev."elderId") AS "elderId", coalesce(cur."districtId", prev."districtId") AS "districtId",
						prev.tier AS "previousTier", cur.tier, cur."amountFen", cur.status::text AS status, s.reason::text AS reason,
						CASE
							WHEN prev."elderId" IS NULL AND EXISTS (SELECT 1 FROM allowance_payment e WHERE e."elderId" = cur."elderId" AND e.month < ${prevMonth}) THEN 'resumed'
							WHEN prev."elderId" IS NULL THEN 'new'
							WHEN cur."elderId" IS NULL THEN 'stopped'
							WHEN prev.tier <> cur.tier THEN 'tier_changed'
							ELSE 'unchanged' END AS kind
					FROM (SELECT "elderId", "districtId", tier, "amountFen", status FROM allowance_payment WHERE "runId" = ${run.id}::uuid AND month = ${run.month} AND ${scope}) cur
					FULL OUTER JOIN (SELECT "elderId", "districtId", tier FROM allowance_payment WHERE month = ${prevMonth} AND ${scope}) prev ON prev."elderId" = cur."elderId"
					LEFT JOIN allowance_stop s ON s."runId" = ${run.id}::uuid AND s."elderId" = prev."elderId" AND cur."elderId" IS NULL
				) c WHERE kind = ${f.kind}`
	return sql`SELECT c."elderId", e.name, e."idNumberMasked", c."districtId", d."nameZh" AS "districtZh", d."nameEn" AS "districtEn",
			c."previousTier", c.tier, c."amountFen", c.status, c.reason
		FROM (${classified}) c JOIN elder e ON e.id = c."elderId" JOIN district d ON d.id = c."districtId"
		WHERE (${name}::text IS NULL OR e.name LIKE ${name})
		ORDER BY d."sortOrder", e.name, c."elderId"`
}

export const PEOPLE_PAGE_SIZE = 50

/** One page of the people behind a count. */
export async function runPeople(run: { id: string; month: string }, viewer: SessionUser, f: PeopleFilter) {
	const rows = await sql`${rowsSql(run, viewer, f)} LIMIT ${PEOPLE_PAGE_SIZE + 1} OFFSET ${(f.page - 1) * PEOPLE_PAGE_SIZE}`.rows<RunPerson>()
	return { people: rows.slice(0, PEOPLE_PAGE_SIZE), hasMore: rows.length > PEOPLE_PAGE_SIZE }
}

export const PEOPLE_EXPORT_LIMIT = 200_000

/** Every person behind a count, for the CSV (masked identity numbers only). */
export function allRunPeople(run: { id: string; month: string }, viewer: SessionUser, f: PeopleFilter) {
	return sql`${rowsSql(run, viewer, f)} LIMIT ${PEOPLE_EXPORT_LIMIT}`.rows<RunPerson>()
}
