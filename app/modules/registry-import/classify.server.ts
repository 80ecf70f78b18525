// The dry run: every staged line classified as new / changed (which fields) / unchanged / rejected
// (with its reason), set-based, in one transaction over the import's lines. Nothing outside the
// import's own rows is written. Lines already rejected by their own checks (upload.server.ts) keep
// their reason; the first problem found is the one reported.
import { transaction, type Tx } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { APPLY_CHUNK_LINES } from './columns.ts'

const SET_BASED = { timeout: 10 * 60_000 }

type ImportRow = { id: string; status: string; scopeKind: string; scopeId: string | null }

function reject(tx: Tx, importId: string, reason: string, where: ReturnType<typeof sql>) {
	return sql`UPDATE registry_import_line l SET outcome = 'rejected', reason = ${reason} WHERE l."importId" = ${importId}::uuid AND l.outcome IS NULL AND ${where}`.run(tx)
}

/** The community filter of the import's scope, on a community row aliased `c`. */
function inScope(imp: ImportRow) {
	switch (imp.scopeKind) {
		case 'city':
			return sql`true`
		case 'district':
			return sql`c."districtId" = ${imp.scopeId}`
		case 'township':
			return sql`c."townshipId" = ${imp.scopeId}::uuid`
		default:
			return sql`c.id = ${imp.scopeId}::uuid`
	}
}

/** Classifies an import's lines once (a repeat of the job finds it classified and does nothing). */
export async function classifyImport(importId: string, opts: { chunkLines?: number } = {}): Promise<{ status: string }> {
	const chunkLines = opts.chunkLines ?? APPLY_CHUNK_LINES
	return transaction(async (tx) => {
		const imp = await sql`SELECT id, status, "scopeKind", "scopeId" FROM registry_import WHERE id = ${importId}::uuid FOR UPDATE`.first<ImportRow>(tx)
		if (!imp) return { status: 'missing' }
		if (imp.status !== 'classifying') return { status: imp.status }
		const id = importId
		// Places: the community by its code (in service), its township and district.
		await sql`UPDATE registry_import_line l SET "communityId" = c.id, "districtId" = c."districtId", settlement = c.kind
			 FROM community c WHERE l."importId" = ${id}::uuid AND l.outcome IS NULL AND c.code = l."communityCode" AND c."retiredAt" IS NULL`.run(tx)
		await reject(tx, id, 'unknownTownship', sql`NOT EXISTS (SELECT 1 FROM township t WHERE t.code = l."townshipCode" AND t."retiredAt" IS NULL)`)
		await reject(tx, id, 'unknownCommunity', sql`l."communityId" IS NULL`)
		await reject(tx, id, 'communityNotInTownship', sql`NOT EXISTS (SELECT 1 FROM community c JOIN township t ON t.id = c."townshipId" WHERE c.id = l."communityId" AND t.code = l."townshipCode")`)
		await reject(tx, id, 'outOfScope', sql`NOT EXISTS (SELECT 1 FROM community c WHERE c.id = l."communityId" AND ${inScope(imp)})`)
		// The same person twice in the file: the first line stands, the others are rejected.
		await sql`UPDATE registry_import_line l SET outcome = 'rejected', reason = 'duplicateInFile'
			 FROM (SELECT "idHash", min(line) AS first FROM registry_import_line WHERE "importId" = ${id}::uuid AND "idHash" IS NOT NULL GROUP BY "idHash" HAVING count(*) > 1) d
			 WHERE l."importId" = ${id}::uuid AND l."idHash" = d."idHash" AND l.line > d.first AND l.outcome IS NULL`.run(tx)
		// Existing elders, by the identity number's keyed hash.
		await sql`UPDATE registry_import_line l SET "elderId" = e.id FROM elder e WHERE l."importId" = ${id}::uuid AND l.outcome IS NULL AND e."idNumberHash" = l."idHash"`.run(tx)
		await reject(tx, id, 'elderOutOfScope', sql`l."elderId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM elder e JOIN community c ON c.id = e."communityId" WHERE e.id = l."elderId" AND ${inScope(imp)})`)
		// A verified record is not renamed by a file: the officer checks the person first.
		await reject(tx, id, 'conflictsVerified', sql`EXISTS (SELECT 1 FROM elder e WHERE e.id = l."elderId" AND e."residenceStatus" = 'verified' AND e.name <> l.name)`)
		await reject(tx, id, 'deathOtherDate', sql`l."eventKind" = 'death' AND EXISTS (SELECT 1 FROM life_event ev WHERE ev."elderId" = l."elderId" AND ev.kind = 'death' AND ev.status = 'recorded' AND ev."occurredOn" <> l."eventOn")`)
		await sql`UPDATE registry_import_line l SET outcome = 'new' WHERE l."importId" = ${id}::uuid AND l.outcome IS NULL AND l."elderId" IS NULL`.run(tx)
		await sql`UPDATE registry_import_line l SET "changedFields" = f.changed, outcome = CASE WHEN cardinality(f.changed) > 0 THEN 'changed' ELSE 'unchanged' END
			 FROM (SELECT l2.line, array_remove(ARRAY[
			          CASE WHEN e.name <> l2.name THEN 'name' END,
			          CASE WHEN e."communityId" IS DISTINCT FROM l2."communityId" THEN 'residence' END,
			          CASE WHEN e."residenceStatus" <> 'verified' THEN 'residenceStatus' END,
			          CASE WHEN l2.phone IS NOT NULL AND e.phone IS DISTINCT FROM l2.phone THEN 'phone' END,
			          CASE WHEN l2."emergencyContactName" IS NOT NULL AND e."emergencyContactName" IS DISTINCT FROM l2."emergencyContactName" THEN 'emergencyContactName' END,
			          CASE WHEN l2."emergencyContactPhone" IS NOT NULL AND e."emergencyContactPhone" IS DISTINCT FROM l2."emergencyContactPhone" THEN 'emergencyContactPhone' END,
			          CASE WHEN l2."eventKind" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM life_event ev WHERE ev."elderId" = e.id AND ev.kind = l2."eventKind" AND ev."occurredOn" = l2."eventOn" AND ev.status = 'recorded') THEN l2."eventKind"::text END
			        ], NULL) AS changed
			       FROM registry_import_line l2 JOIN elder e ON e.id = l2."elderId" WHERE l2."importId" = ${id}::uuid AND l2.outcome IS NULL) f
			 WHERE l."importId" = ${id}::uuid AND l.line = f.line`.run(tx)
		await sql`UPDATE registry_import_line SET "changedFields" = ARRAY["eventKind"::text] WHERE "importId" = ${id}::uuid AND outcome = 'new' AND "eventKind" IS NOT NULL`.run(tx)
		const max = await sql`SELECT COALESCE(max(line), 0)::int AS max FROM registry_import_line WHERE "importId" = ${id}::uuid`.first<{ max: number }>(tx)
		const chunks = Math.ceil(max!.max / chunkLines)
		await sql`INSERT INTO registry_import_chunk ("importId", no, "lineFrom", "lineTo")
			 SELECT ${id}::uuid, g, (g - 1) * ${chunkLines}::int + 1, g * ${chunkLines}::int FROM generate_series(1, ${chunks}::int) g`.run(tx)
		await sql`UPDATE registry_import r SET status = 'classified', "classifiedAt" = now(), "chunkCount" = ${chunks}::int,
			        "newCount" = t.n, "changedCount" = t.c, "unchangedCount" = t.u, "rejectedCount" = t.r
			 FROM (SELECT count(*) FILTER (WHERE outcome = 'new')::int AS n, count(*) FILTER (WHERE outcome = 'changed')::int AS c,
			              count(*) FILTER (WHERE outcome = 'unchanged')::int AS u, count(*) FILTER (WHERE outcome = 'rejected')::int AS r
			       FROM registry_import_line WHERE "importId" = ${id}::uuid) t
			 WHERE r.id = ${id}::uuid`.run(tx)
		return { status: 'classified' }
	}, SET_BASED)
}
