// Reading imports: the officer's own imports, one import's state (counts, progress) and its report.
import { z } from 'zod'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { communityScope } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export type ImportView = {
	id: string
	fileName: string
	format: string
	encoding: string
	status: 'uploading' | 'classifying' | 'classified' | 'applying' | 'applied' | 'failed'
	lineCount: number
	newCount: number
	changedCount: number
	unchangedCount: number
	rejectedCount: number
	chunkCount: number
	chunksDone: number
	createdAt: Date
	appliedAt: Date | null
}

const COLUMNS = sql.raw(`id, "fileName", format, encoding, status, "lineCount", "newCount", "changedCount", "unchangedCount", "rejectedCount", "chunkCount", "chunksDone", "createdAt", "appliedAt"`)

/** An import its officer may see (only their own): null is a 404. */
export async function importView(user: SessionUser, importId: string): Promise<ImportView | null> {
	if (!z.uuid().safeParse(importId).success) return null
	return (await sql`SELECT ${COLUMNS} FROM registry_import WHERE id = ${importId}::uuid AND "createdById" = ${user.id}::uuid AND status <> 'uploading'`.first<ImportView>()) ?? null
}

export async function listImports(user: SessionUser): Promise<ImportView[]> {
	return sql`SELECT ${COLUMNS} FROM registry_import WHERE "createdById" = ${user.id}::uuid AND status <> 'uploading' ORDER BY "createdAt" DESC LIMIT 20`.rows<ImportView>()
}

export type ReportLine = { line: number; outcome: string | null; reason: string | null; changedFields: string[]; name: string; idMasked: string | null; townshipCode: string; communityCode: string }

/** The report's lines in order, a page at a time (keyset on the line number): never the whole file in memory. */
export async function* reportLines(importId: string, pageSize = 5000): AsyncGenerator<ReportLine[]> {
	let after = 0
	for (;;) {
		const rows = await sql`SELECT line, outcome, reason, "changedFields", name, "idMasked", "townshipCode", "communityCode" FROM registry_import_line
			 WHERE "importId" = ${importId}::uuid AND line > ${after} ORDER BY line LIMIT ${pageSize}`.rows<ReportLine>()
		if (!rows.length) return
		yield rows
		after = rows[rows.length - 1]!.line
	}
}

/**
 * The first lines of each kind, shown on the page (the full list is the downloadable report):
 * rejected ones first (by the dry run or by the upload's own checks: two small partial indexes),
 * then new and changed ones in line order. Reads at most `limit` of each, never the whole import:
 * the page reloads every second while an import is applied.
 */
export async function sampleLines(importId: string, limit = 50): Promise<ReportLine[]> {
	return sql`SELECT s.line, s.outcome, s.reason, s."changedFields", l.name, l."idMasked", l."townshipCode", l."communityCode"
		 FROM (
		   (SELECT line, outcome, reason, "changedFields" FROM registry_import_verdict WHERE "importId" = ${importId}::uuid AND outcome = 'rejected' ORDER BY line LIMIT ${limit})
		   UNION ALL
		   (SELECT line, outcome, reason, '{}'::text[] FROM registry_import_staged_line WHERE "importId" = ${importId}::uuid AND outcome = 'rejected' ORDER BY line LIMIT ${limit})
		   UNION ALL
		   (SELECT line, outcome, reason, "changedFields" FROM registry_import_verdict WHERE "importId" = ${importId}::uuid AND outcome IN ('new', 'changed') ORDER BY line LIMIT ${limit})
		 ) s
		 JOIN registry_import_staged_line l ON l."importId" = ${importId}::uuid AND l.line = s.line
		 ORDER BY (s.outcome = 'rejected') DESC, s.line LIMIT ${limit}`.rows<ReportLine>()
}

export async function unfinishedImports(): Promise<{ id: string; status: string }[]> {
	return sql`SELECT id, status FROM registry_import WHERE status IN ('classifying', 'applying')`.rows<{ id: string; status: string }>()
}

/** Days a dry run nobody confirmed keeps its staged lines (sealed numbers, contacts) and verdicts. */
export const UNCONFIRMED_DRY_RUN_DAYS = 30

/**
 * The nightly sweep (job 'sweep'): an upload abandoned mid-stream (the web process died) after a
 * day, and a dry run never confirmed (确认导入) after UNCONFIRMED_DRY_RUN_DAYS, are deleted with their
 * staged lines, verdicts and chunks (a city file is half a million lines; its report is stale by
 * then, and an officer uploads the file again to import it). The upload's audit entry stays. Applied
 * imports keep their lines: the report and the elders' timelines read them.
 */
export async function sweepImports(): Promise<{ uploads: number; dryRuns: number }> {
	const uploads = await sql`DELETE FROM registry_import WHERE status = 'uploading' AND "createdAt" < now() - interval '1 day'`.run()
	const dryRuns = await sql`DELETE FROM registry_import WHERE status = 'classified' AND "classifiedAt" < now() - make_interval(days => ${UNCONFIRMED_DRY_RUN_DAYS}::int)`.run()
	return { uploads, dryRuns }
}

/** The township and community codes of the officer's area, for filling the file (at most 400). */
export async function areaCodes(user: SessionUser) {
	const rows = await prisma.community.findMany({
		where: { AND: [communityScope(user), { retiredAt: null, code: { not: null } }] },
		orderBy: [{ township: { code: 'asc' } }, { code: 'asc' }],
		take: 400,
		select: { code: true, nameZh: true, township: { select: { code: true, nameZh: true } } },
	})
	return rows.map((r) => ({ communityCode: r.code!, community: r.nameZh, townshipCode: r.township?.code ?? '', township: r.township?.nameZh ?? '' }))
}
