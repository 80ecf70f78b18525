// The bureau's side of the monthly run: list and follow runs, approve (maker/checker), reject and
// recompute, export the bank file (disbursement) and import the bank's returned payments.
import { z } from 'zod'
import { prisma, transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { fail as refuse, type Outcome } from '~/lib/outcome.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { runMakers } from './run-submission.server.ts'
import { loadSettingsVersions, startRun } from './engine.server.ts'
import { confirmUnreturned } from './bank-results.server.ts'
import { reconciliation } from './reconciliation.server.ts'
import { settingsForMonth, type SettingsVersion } from './rules.ts'

/** The one Outcome of app/lib/outcome.ts; a refusal's message is its formError. */
export type ActionOutcome<T = undefined> = Outcome<T>

const fail = (error: string, status = 409) => refuse(error, status)

export async function startRunByOfficer(user: SessionUser, month: string, ip: string | null): Promise<ActionOutcome<{ runId: string; created: boolean }>> {
	// A run pays a month that has begun; future months wait for their registry.
	if (month > shanghaiMonth()) return fail('allowance:errors.month.future', 400)
	// Older months are settled by back-pay in a current run, not by a run of their own.
	if (month < addMonths(shanghaiMonth(), -24)) return fail('allowance:errors.month.tooOld', 400)
	const r = await startRun(month, user, { ip })
	return { ok: true, value: { runId: r.runId, created: r.created } }
}

/** Approved runs with payments not yet in any bank file: none exported yet, a district's file still to make, or released holds for a follow-up file. */
export async function countRunsToExport() {
	const row = await sql`SELECT count(*)::int AS n FROM allowance_run r WHERE r.status IN ('approved', 'disbursed')
		AND EXISTS (SELECT 1 FROM allowance_payment p WHERE p."runId" = r.id AND p.status = 'pending')`.first<{ n: number }>()
	return row?.n ?? 0
}

/** Runs waiting for this city officer's approval: not those they started (approveRun refuses its maker). */
export async function countRunsAwaitingApproval(viewer: SessionUser) {
	return prisma.allowanceRun.count({ where: { status: 'awaiting_approval', OR: [{ startedById: null }, { startedById: { not: viewer.id } }] } })
}

export async function listRuns(opts: { take?: number } = {}) {
	const runs = await prisma.allowanceRun.findMany({
		orderBy: [{ month: 'desc' }, { startedAt: 'desc' }],
		take: opts.take ?? 36,
		select: { id: true, month: true, status: true, startedAt: true, chunkCount: true, chunksDone: true, paymentCount: true, totalFen: true, snapshotCount: true },
	})
	return runs.map((r) => ({ ...r, totalFen: r.totalFen === null ? null : Number(r.totalFen) }))
}

async function names(ids: (string | null)[]) {
	const list = ids.filter((x): x is string => !!x)
	const users = await prisma.user.findMany({ where: { id: { in: list } }, select: { id: true, name: true } })
	return new Map(users.map((u) => [u.id, u.name]))
}

/** Progress, who did what, and (once computed) the counts the checker approves. */
export async function getRun(runId: string, viewer: SessionUser) {
	if (!z.uuid().safeParse(runId).success) return null
	const run = await prisma.allowanceRun.findUnique({ where: { id: runId } })
	if (!run) return null
	const who = await names([run.startedById, run.approvedById, run.rejectedById, run.disbursedById])
	const base = {
		id: run.id,
		month: run.month,
		status: run.status,
		snapshotCount: run.snapshotCount,
		chunkCount: run.chunkCount,
		chunksDone: run.chunksDone,
		paymentCount: run.paymentCount,
		totalFen: run.totalFen === null ? null : Number(run.totalFen),
		startedAt: run.startedAt.toISOString(),
		startedBy: run.startedById ? who.get(run.startedById) ?? null : null,
		startedByScheduler: run.startedById === null,
		approvedBy: run.approvedById ? who.get(run.approvedById) ?? null : null,
		approvedAt: run.approvedAt?.toISOString() ?? null,
		rejectedBy: run.rejectedById ? who.get(run.rejectedById) ?? null : null,
		rejectReason: run.rejectReason,
		disbursedBy: run.disbursedById ? who.get(run.disbursedById) ?? null : null,
		disbursedAt: run.disbursedAt?.toISOString() ?? null,
		viewerIsMaker: run.startedById === viewer.id,
	}
	if (run.status === 'computing') return { ...base, summary: null }
	// Lines the bank has not returned in time count as paid before the figures are read.
	if (run.status === 'disbursed') await confirmUnreturned()
	return { ...base, summary: await runSummary(run.id, run.month, viewer) }
}

async function runSummary(runId: string, month: string, viewer: SessionUser) {
	const districtFilter = viewer.role === 'bureau_district' ? viewer.districtId : null
	const [byTier, byDistrict, diff, stops, statuses, held, files, releasable] = await Promise.all([
		sql`SELECT tier, kind, count(*)::int AS n, sum("amountFen")::bigint AS total FROM allowance_payment WHERE "runId" = ${runId} AND (${districtFilter}::text IS NULL OR "districtId" = ${districtFilter}) GROUP BY tier, kind ORDER BY tier, kind`.rows<{ tier: number; kind: string; n: number; total: number }>(),
		sql`SELECT p."districtId", d."nameZh", d."nameEn", count(*)::int AS n, sum(p."amountFen")::bigint AS total
			 FROM allowance_payment p JOIN district d ON d.id = p."districtId" WHERE p."runId" = ${runId} AND (${districtFilter}::text IS NULL OR p."districtId" = ${districtFilter})
			 GROUP BY p."districtId", d."nameZh", d."nameEn", d."sortOrder" ORDER BY d."sortOrder"`.rows<{ districtId: string; nameZh: string; nameEn: string; n: number; total: number }>(),
		// Month-on-month differences of regular payments: this run's month against the month before.
		sql`WITH cur AS (SELECT "elderId", tier FROM allowance_payment WHERE "runId" = ${runId} AND month = ${month} AND (${districtFilter}::text IS NULL OR "districtId" = ${districtFilter})),
			      prev AS (SELECT "elderId", tier FROM allowance_payment WHERE month = ${addMonths(month, -1)} AND (${districtFilter}::text IS NULL OR "districtId" = ${districtFilter}))
			 SELECT CASE
			          WHEN prev."elderId" IS NULL AND EXISTS (SELECT 1 FROM allowance_payment e WHERE e."elderId" = cur."elderId" AND e.month < ${addMonths(month, -1)}) THEN 'resumed'
			          WHEN prev."elderId" IS NULL THEN 'new'
			          WHEN cur."elderId" IS NULL THEN 'stopped'
			          WHEN prev.tier <> cur.tier THEN 'tier_changed'
			          ELSE 'unchanged' END AS kind,
			        count(*)::int AS n
			 FROM cur FULL OUTER JOIN prev ON prev."elderId" = cur."elderId" GROUP BY 1`.rows<{ kind: string; n: number }>(),
		sql`SELECT reason, count(*)::int AS n FROM allowance_stop WHERE "runId" = ${runId} AND (${districtFilter}::text IS NULL OR "districtId" = ${districtFilter}) GROUP BY reason ORDER BY reason`.rows<{ reason: string; n: number }>(),
		sql`SELECT status, count(*)::int AS n FROM allowance_payment WHERE "runId" = ${runId} AND (${districtFilter}::text IS NULL OR "districtId" = ${districtFilter}) GROUP BY status`.rows<{ status: string; n: number }>(),
		// Payments waiting for a card reference, with the elder to open and record it on.
		sql`SELECT p.id AS "paymentId", e.id AS "elderId", e.name, e."idNumberMasked", p.month, p."amountFen", d."nameZh" AS district
			 FROM allowance_payment p JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId"
			 WHERE p."runId" = ${runId} AND p.status = 'held_no_account' AND (${districtFilter}::text IS NULL OR p."districtId" = ${districtFilter})
			 ORDER BY d."sortOrder", e.name, p.month LIMIT 200`.rows<{ paymentId: string; elderId: string; name: string; idNumberMasked: string; month: string; amountFen: number; district: string }>(),
		sql`SELECT f."fileNo", f."fileNumber", f."districtId", d."nameZh" AS "districtZh", d."nameEn" AS "districtEn", f."lineCount" AS n, f."totalFen" AS total, f."createdAt" AS at, f."csvSha256", f."xlsxSha256"
			 FROM allowance_bank_file f LEFT JOIN district d ON d.id = f."districtId" WHERE f."runId" = ${runId} ORDER BY f."fileNo"`.rows<{
			fileNo: number
			fileNumber: string
			districtId: string | null
			districtZh: string | null
			districtEn: string | null
			n: number
			total: number
			at: Date
			csvSha256: string | null
			xlsxSha256: string | null
		}>(),
		// Payable and not in a file yet (a card held in full, recorded since a hold or a return): what a follow-up export carries.
		sql`SELECT count(*)::int AS n FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
			 WHERE p."runId" = ${runId} AND e."bankCardCipher" IS NOT NULL
			   AND (p.status = 'pending' OR p.status = 'held_no_account'
			        OR (p.status = 'returned' AND e."bankCardRecordedAt" > COALESCE((SELECT max(d."sentAt") FROM allowance_disbursement d WHERE d."paymentId" = p.id AND d.status = 'returned'), '-infinity')))`.rows<{ n: number }>(),
	])
	const diffs = Object.fromEntries(['new', 'stopped', 'tier_changed', 'resumed', 'unchanged'].map((k) => [k, diff.find((r) => r.kind === k)?.n ?? 0]))
	return {
		byTier: byTier,
		byDistrict: byDistrict,
		diffs,
		stops: stops,
		statuses: Object.fromEntries(statuses.map((r) => [r.status, r.n])) as Record<string, number>,
		heldCount: statuses.find((r) => r.status === 'held_no_account')?.n ?? 0,
		held: held,
		files: files.map((f) => ({ ...f, total: Number(f.total), at: f.at ? new Date(f.at).toISOString() : null })),
		releasable: releasable[0]?.n ?? 0,
		reconciliation: await reconciliation(runId, viewer),
	}
}

/** Progress only: what the page polls while the run computes. */
export async function runProgress(runId: string) {
	if (!z.uuid().safeParse(runId).success) return null
	return prisma.allowanceRun.findUnique({ where: { id: runId }, select: { status: true, chunkCount: true, chunksDone: true, snapshotCount: true } })
}

/**
 * The checker approves: a city-level officer who did not start the run. The conditional update and
 * the maker/checker trigger decide; a second approval finds the status already moved on.
 */
export async function approveRun(user: SessionUser, runId: string, ip: string | null): Promise<ActionOutcome> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	if (!z.uuid().safeParse(runId).success) return fail('allowance:errors.run.notFound', 404)
	const twoPerson = await twoPersonRefusal(user, await runMakers(runId), { requireMaker: true, sameAccountMessage: 'allowance:errors.run.makerCannotApprove' })
	if (twoPerson) return twoPerson
	return prisma.$transaction(async (tx) => {
		const updated = await tx.allowanceRun.updateMany({
			where: { id: runId, status: 'awaiting_approval', OR: [{ startedById: null }, { startedById: { not: user.id } }] },
			data: { status: 'approved', approvedById: user.id, approvedAt: new Date() },
		})
		if (updated.count === 0) {
			const run = await tx.allowanceRun.findUnique({ where: { id: runId }, select: { status: true, startedById: true } })
			if (!run) return fail('allowance:errors.run.notFound', 404)
			if (run.status === 'approved' || run.status === 'disbursed') return fail('allowance:errors.run.alreadyApproved')
			if (run.status === 'computing') return fail('allowance:errors.run.stillComputing')
			if (run.status === 'rejected') return fail('allowance:errors.run.rejected')
			return fail('allowance:errors.run.makerCannotApprove', 403)
		}
		const run = await tx.allowanceRun.findUniqueOrThrow({ where: { id: runId }, select: { month: true, paymentCount: true, totalFen: true, startedById: true } })
		await audit(
			{ actor: user, action: 'allowance.run_approve', entityType: 'allowance_run', entityId: runId, details: { month: run.month, payments: run.paymentCount, totalFen: Number(run.totalFen ?? 0), makerId: run.startedById }, ip },
			tx,
		)
		return { ok: true as const, value: undefined }
	})
}

/** Rejects a computed run before approval (never after) and starts its recomputation. */
export async function rejectAndRecompute(user: SessionUser, runId: string, reason: string, ip: string | null): Promise<ActionOutcome<{ newRunId: string }>> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	if (!z.uuid().safeParse(runId).success) return fail('allowance:errors.run.notFound', 404)
	const outcome = await transaction(async (tx) => {
		const rows = await sql`SELECT status, month FROM allowance_run WHERE id = ${runId} FOR UPDATE`.rows<{ status: string; month: string }>(tx)
		const run = rows[0]
		if (!run) return fail('allowance:errors.run.notFound', 404)
		if (run.status === 'approved' || run.status === 'disbursed') return fail('allowance:errors.run.rejectAfterApproval')
		if (run.status === 'computing') return fail('allowance:errors.run.stillComputing')
		if (run.status === 'rejected') return fail('allowance:errors.run.rejected')
		// Its payments were never approved: remove them so the recomputation writes them afresh.
		await sql`DELETE FROM allowance_payment WHERE "runId" = ${runId}`.run(tx)
		await sql`DELETE FROM allowance_stop WHERE "runId" = ${runId}`.run(tx)
		await sql`DELETE FROM allowance_snapshot WHERE "runId" = ${runId}`.run(tx)
		await sql`UPDATE allowance_run SET status = 'rejected', "rejectedById" = ${user.id}, "rejectedAt" = now(), "rejectReason" = ${reason} WHERE id = ${runId}`.run(tx)
		await audit({ actor: user, action: 'allowance.run_reject', entityType: 'allowance_run', entityId: runId, details: { month: run.month, reason }, ip }, tx)
		return { ok: true as const, value: run.month }
	})
	if (!outcome.ok) return outcome
	const next = await startRun(outcome.value, user, { ip })
	return { ok: true, value: { newRunId: next.runId } }
}


// ---------------------------------------------------------------- settings

export async function listSettings() {
	const versions = await loadSettingsVersions()
	const current = settingsForMonth(versions, shanghaiMonth())
	return { versions: [...versions].reverse(), current }
}

/** Adds (or replaces) the version taking effect in a month no run has computed yet. */
export async function saveSettingsVersion(user: SessionUser, v: SettingsVersion, ip: string | null): Promise<ActionOutcome> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	return transaction(async (tx) => {
		// Serialises with run starts: a version never changes a month already being paid.
		await sql`LOCK TABLE allowance_run IN SHARE ROW EXCLUSIVE MODE`.run(tx)
		const rows = await sql`SELECT 1 FROM allowance_run WHERE status <> 'rejected' AND month >= ${v.effectiveMonth} LIMIT 1`.rows(tx)
		if (rows.length) return fail('allowance:errors.settings.monthAlreadyRun', 400)
		await sql`INSERT INTO allowance_setting ("effectiveMonth", "tier80Fen", "tier90Fen", "tier100Fen", "livenessWindowMonths", "backPayAllowed", "createdById")
			 VALUES (${v.effectiveMonth}, ${v.tier80Fen}, ${v.tier90Fen}, ${v.tier100Fen}, ${v.livenessWindowMonths}, ${v.backPayAllowed}, ${user.id})
			 ON CONFLICT ("effectiveMonth") DO UPDATE SET "tier80Fen" = EXCLUDED."tier80Fen", "tier90Fen" = EXCLUDED."tier90Fen", "tier100Fen" = EXCLUDED."tier100Fen",
			   "livenessWindowMonths" = EXCLUDED."livenessWindowMonths", "backPayAllowed" = EXCLUDED."backPayAllowed", "createdById" = EXCLUDED."createdById", "createdAt" = now()`.run(tx)
		await audit({ actor: user, action: 'allowance.settings_save', entityType: 'allowance_setting', entityId: v.effectiveMonth, details: v, ip }, tx)
		return { ok: true as const, value: undefined }
	})
}

