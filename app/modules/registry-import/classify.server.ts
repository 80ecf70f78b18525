// The dry run: every staged line classified as new / changed (which fields) / unchanged / rejected
// (with its reason), set-based, in one transaction over the import's lines. Nothing outside the
// import's own rows is written: the verdicts go to registry_import_verdict, the lines stay as staged. Lines already rejected by their own checks (upload.server.ts) keep
// their reason; the first problem found is the one reported.
import { transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { APPLY_CHUNK_LINES } from './columns.ts'

const SET_BASED = { timeout: 10 * 60_000 }

type ImportRow = { id: string; status: string; scopeKind: string; scopeId: string | null }

/** The community filter of the import's scope, on a community row aliased `alias`. */
function inScope(imp: ImportRow, alias: string) {
	const c = sql.raw(alias)
	switch (imp.scopeKind) {
		case 'city':
			return sql`true`
		case 'district':
			return sql`${c}."districtId" = ${imp.scopeId}`
		case 'township':
			return sql`${c}."townshipId" = ${imp.scopeId}::uuid`
		default:
			return sql`${c}.id = ${imp.scopeId}::uuid`
	}
}

/**
 * Classifies an import's lines once (a repeat of the job finds it classified and does nothing).
 * One INSERT writes the verdict (place, elder, outcome, reason, changed fields) of every line that
 * is new, changed or rejected into registry_import_verdict, a narrow table: the staged lines are
 * never rewritten. An unchanged line gets no verdict: in a classified import a line without one is
 * unchanged (`lineOutcome` in read.server.ts), so the dry run of a file the registry already has
 * writes nothing but its counts. The first problem in this order is the reason: unknown
 * township, unknown community, community not in that township, outside the officer's area, a
 * duplicate in the file (the first line stands), an existing elder outside the area, a name
 * conflicting with a verified record, a death already recorded on another date. A new line is given
 * the id its elder will have, so applying it writes the elder without rewriting the line. Chunks
 * with nothing to write are done at once.
 */
export async function classifyImport(importId: string, opts: { chunkLines?: number } = {}): Promise<{ status: string }> {
	const chunkLines = opts.chunkLines ?? APPLY_CHUNK_LINES
	return transaction(async (tx) => {
		const imp = await sql`SELECT id, status, "scopeKind", "scopeId" FROM registry_import WHERE id = ${importId}::uuid FOR UPDATE`.first<ImportRow>(tx)
		if (!imp) return { status: 'missing' }
		if (imp.status !== 'classifying') return { status: imp.status }
		const id = importId
		// The staged lines were just written: the planner needs their statistics (a plan guessed for
		// an empty table joins half a million lines by nested loops). The duplicate check groups a
		// whole city's numbers: room to do it in memory. (ANALYZE's lock lasts until the commit, so two
		// dry runs at once take turns; uploads and applies are not held up.)
		await sql`ANALYZE registry_import_staged_line`.run(tx)
		await sql`SET LOCAL work_mem = '64MB'`.run(tx)
		await sql`WITH dups AS MATERIALIZED (SELECT "idHash", min(line) AS first FROM registry_import_staged_line WHERE "importId" = ${id}::uuid AND "idHash" IS NOT NULL GROUP BY "idHash" HAVING count(*) > 1)
			 INSERT INTO registry_import_verdict ("importId", line, outcome, reason, "changedFields", "elderId", "districtId", "communityId", settlement)
			 SELECT ${id}::uuid, x.line, CASE WHEN x.reason IS NOT NULL THEN 'rejected' WHEN x.existing IS NULL THEN 'new' ELSE 'changed' END,
			        x.reason, x.changed, x."elderId", x."districtId", x."communityId", x.settlement
			 FROM (
			   SELECT y.line, y."communityId", y."districtId", y.settlement, y.reason, y.existing,
			          CASE WHEN y.placed IS NOT NULL THEN NULL WHEN y.existing IS NULL THEN gen_random_uuid() ELSE y.existing END AS "elderId",
			          CASE WHEN y.reason IS NOT NULL THEN '{}'::text[]
			               WHEN y.existing IS NULL THEN CASE WHEN y."eventKind" IS NOT NULL THEN ARRAY[y."eventKind"::text] ELSE '{}'::text[] END
			               ELSE array_remove(ARRAY[
			                 CASE WHEN y."elderName" <> y.name THEN 'name' END,
			                 CASE WHEN y."elderCommunityId" IS DISTINCT FROM y."communityId" THEN 'residence' END,
			                 CASE WHEN y."residenceStatus" <> 'verified' THEN 'residenceStatus' END,
			                 CASE WHEN y.phone IS NOT NULL AND y."elderPhone" IS DISTINCT FROM y.phone THEN 'phone' END,
			                 CASE WHEN y."emergencyContactName" IS NOT NULL AND y."elderContactName" IS DISTINCT FROM y."emergencyContactName" THEN 'emergencyContactName' END,
			                 CASE WHEN y."emergencyContactPhone" IS NOT NULL AND y."elderContactPhone" IS DISTINCT FROM y."emergencyContactPhone" THEN 'emergencyContactPhone' END,
			                 CASE WHEN y."eventKind" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM life_event ev WHERE ev."elderId" = y.existing AND ev.kind = y."eventKind" AND ev."occurredOn" = y."eventOn" AND ev.status = 'recorded') THEN y."eventKind"::text END
			               ], NULL) END AS changed
			   FROM (
			     SELECT z.*, COALESCE(z.placed,
			              CASE WHEN z.existing IS NOT NULL AND NOT COALESCE(z."elderInScope", false) THEN 'elderOutOfScope'
			                   WHEN z."residenceStatus" = 'verified' AND z."elderName" <> z.name THEN 'conflictsVerified'
			                   WHEN z."eventKind" = 'death' AND z.existing IS NOT NULL AND EXISTS (SELECT 1 FROM life_event ev WHERE ev."elderId" = z.existing AND ev.kind = 'death' AND ev.status = 'recorded' AND ev."occurredOn" <> z."eventOn") THEN 'deathOtherDate'
			              END) AS reason
			     FROM (
			       SELECT l.line, l.name, l.phone, l."emergencyContactName", l."emergencyContactPhone", l."eventKind", l."eventOn",
			              c.id AS "communityId", c."districtId", c.kind AS settlement, p.placed,
			              CASE WHEN p.placed IS NULL THEN e.id END AS existing,
			              e.name AS "elderName", e."communityId" AS "elderCommunityId", e."residenceStatus", e.phone AS "elderPhone",
			              e."emergencyContactName" AS "elderContactName", e."emergencyContactPhone" AS "elderContactPhone", ${inScope(imp, 'ec')} AND ec.id IS NOT NULL AS "elderInScope"
			       FROM registry_import_staged_line l
			       LEFT JOIN township lt ON lt.code = l."townshipCode" AND lt."retiredAt" IS NULL
			       LEFT JOIN community c ON c.code = l."communityCode" AND c."retiredAt" IS NULL
			       LEFT JOIN township ct ON ct.id = c."townshipId"
			       LEFT JOIN dups d ON d."idHash" = l."idHash"
			       CROSS JOIN LATERAL (SELECT CASE
			              WHEN lt.id IS NULL THEN 'unknownTownship'
			              WHEN c.id IS NULL THEN 'unknownCommunity'
			              WHEN ct.code IS DISTINCT FROM l."townshipCode" THEN 'communityNotInTownship'
			              WHEN NOT (${inScope(imp, 'c')}) THEN 'outOfScope'
			              WHEN l.line > d.first THEN 'duplicateInFile'
			            END AS placed) p
			       LEFT JOIN elder e ON e."idNumberHash" = l."idHash"
			       LEFT JOIN community ec ON ec.id = e."communityId"
			       WHERE l."importId" = ${id}::uuid AND l.outcome IS NULL
			     ) z
			   ) y
			 ) x
			 WHERE x.reason IS NOT NULL OR x.existing IS NULL OR cardinality(x.changed) > 0
			 ORDER BY x.line`.run(tx)
		// The verdicts are written in line order (ORDER BY above), so a chunk's verdicts share a few
		// pages: in the join's order, each 5,000-line chunk of the apply read (and set hint bits on)
		// 3,700 pages scattered over the whole table.
		// Statistics of the verdicts just written: the apply's per-chunk statements pick their plan from them.
		await sql`ANALYZE registry_import_verdict`.run(tx)
		const max = await sql`SELECT COALESCE(max(line), 0)::int AS max FROM registry_import_staged_line WHERE "importId" = ${id}::uuid`.first<{ max: number }>(tx)
		const chunks = Math.ceil(max!.max / chunkLines)
		// A chunk with no new or changed line has nothing to apply: it is done from the start.
		await sql`INSERT INTO registry_import_chunk ("importId", no, "lineFrom", "lineTo", done, "doneAt")
			 SELECT ${id}::uuid, g.no, g."lineFrom", g."lineTo", w.no IS NULL, CASE WHEN w.no IS NULL THEN now() END
			 FROM (SELECT g AS no, (g - 1) * ${chunkLines}::int + 1 AS "lineFrom", g * ${chunkLines}::int AS "lineTo" FROM generate_series(1, ${chunks}::int) g) g
			 LEFT JOIN (SELECT DISTINCT (line - 1) / ${chunkLines}::int + 1 AS no FROM registry_import_verdict WHERE "importId" = ${id}::uuid AND outcome IN ('new', 'changed')) w ON w.no = g.no`.run(tx)
		// Unchanged: every line without a verdict that its own checks did not reject at upload.
		await sql`UPDATE registry_import r SET status = 'classified', "classifiedAt" = now(), "chunkCount" = ${chunks}::int,
			        "chunksDone" = (SELECT count(*)::int FROM registry_import_chunk WHERE "importId" = ${id}::uuid AND done),
			        "newCount" = v.n, "changedCount" = v.c, "unchangedCount" = l.n - v.n - v.c - v.r - l.r, "rejectedCount" = v.r + l.r
			 FROM (SELECT count(*) FILTER (WHERE outcome = 'new')::int AS n, count(*) FILTER (WHERE outcome = 'changed')::int AS c, count(*) FILTER (WHERE outcome = 'rejected')::int AS r
			       FROM registry_import_verdict WHERE "importId" = ${id}::uuid) v,
			      (SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome = 'rejected')::int AS r FROM registry_import_staged_line WHERE "importId" = ${id}::uuid) l
			 WHERE r.id = ${id}::uuid`.run(tx)
		return { status: 'classified' }
	}, SET_BASED)
}
