// The operating subsidy's statements after computation: who sees which (the institution its own, a
// district officer the district's, the city all), the district's review, the city's approval (a
// different officer: twoPersonRefusal, and the trigger operating_subsidy_two_person behind it), the
// bureau's request to compute an ended month, and the export of approved statements.
import { z } from 'zod'
import { failureOf } from '~/lib/db-rules.server.ts'
import { transaction } from '~/lib/db.server.ts'
import { toCsv, toXlsx } from '~/lib/export.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import { enqueueOperatingMonth } from '~/jobs/operating-subsidy.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { maskName } from '~/modules/due-process/mask.ts'
import { monthBounds, monthHasEnded } from './rules.ts'

export type StatementRow = {
	id: string
	providerId: string
	providerName: string
	districtId: string
	month: string
	grade: number | null
	gradeFactorBps: number
	bedDays: number
	tekunBedDays: number
	levelFen: number
	supplementFen: number
	totalFen: number
	status: 'computed' | 'reviewed' | 'approved'
	reviewedById: string | null
}

export type StatementLine = {
	elderName: string
	elderIdMasked: string
	level: string
	tekun: boolean
	days: number
	levelRateFen: number
	tekunRateFen: number
	levelFen: number
	supplementFen: number
	amountFen: number
}

/** Which statements a user may see, as a SQL condition on `s` (statement) — nothing for others. */
function scopeOf(user: SessionUser) {
	if (isCityWide(user)) return sql`true`
	if (user.role === 'bureau_district' && user.districtId) return sql`s."districtId" = ${user.districtId}`
	if (user.role === 'provider_staff' && user.providerId) return sql`s."providerId" = ${user.providerId}::uuid`
	return sql`false`
}

const STATEMENT_COLUMNS = sql`s.id, s."providerId", p.name AS "providerName", s."districtId", to_char(s.month, 'YYYY-MM') AS month, s.grade,
	s."gradeFactorBps", coalesce(s."bedDays", 0) AS "bedDays", coalesce(s."tekunBedDays", 0) AS "tekunBedDays",
	coalesce(s."levelFen", 0)::bigint AS "levelFen", coalesce(s."supplementFen", 0)::bigint AS "supplementFen", coalesce(s."totalFen", 0)::bigint AS "totalFen",
	s.status::text AS status, s."reviewedById"`

/** The statements of a month in the user's scope (provider staff: every month of their institution when month is null). */
/** Last month's statements waiting for this officer: the district reviews those computed, the city approves those reviewed (/bureau/operating-subsidy shows that month). */
export async function countStatementsToDecide(user: SessionUser, month: string) {
	const status = user.role === 'bureau_district' ? 'computed' : user.role === 'bureau_city' ? 'reviewed' : null
	if (!status) return 0
	const row = await sql`SELECT count(*)::int AS n FROM operating_subsidy_statement s WHERE s.status = ${status}::"OperatingSubsidyStatus" AND s.month = ${monthBounds(month).from}::date AND ${scopeOf(user)}`.first<{ n: number }>()
	return row?.n ?? 0
}

export async function listStatements(user: SessionUser, month: string | null): Promise<StatementRow[]> {
	const byMonth = month ? sql`AND s.month = ${monthBounds(month).from}::date` : sql.empty
	return sql`SELECT ${STATEMENT_COLUMNS} FROM operating_subsidy_statement s JOIN provider p ON p.id = s."providerId"
		WHERE ${scopeOf(user)} ${byMonth} ORDER BY s.month DESC, s."districtId", p.name`.rows<StatementRow>()
}

/** One statement in scope, without its lines (for the decisions on it), or null. */
export async function findStatement(user: SessionUser, statementId: string): Promise<StatementRow | null> {
	if (!z.uuid().safeParse(statementId).success) return null
	return (
		(await sql`SELECT ${STATEMENT_COLUMNS} FROM operating_subsidy_statement s JOIN provider p ON p.id = s."providerId"
		WHERE s.id = ${statementId}::uuid AND ${scopeOf(user)}`.first<StatementRow>()) ?? null
	)
}

/** One statement in scope with its lines (resident masked), or null. */
export async function getStatement(user: SessionUser, statementId: string): Promise<(StatementRow & { lines: StatementLine[] }) | null> {
	const statement = await findStatement(user, statementId)
	if (!statement) return null
	return { ...statement, lines: (await linesOf([statementId])).get(statementId) ?? [] }
}

/** The lines of statements (already in the reader's scope), by statement, residents masked, in the order a statement shows them. */
async function linesOf(statementIds: string[]): Promise<Map<string, StatementLine[]>> {
	const rows = await sql`SELECT l."statementId", e.name AS "elderName", e."idNumberMasked" AS "elderIdMasked", l.level, l.tekun, l.days, l."levelRateFen", l."tekunRateFen",
			l."levelFen", l."supplementFen", l."amountFen"
		FROM operating_subsidy_line l JOIN elder e ON e.id = l."elderId"
		WHERE l."statementId" = ANY(${statementIds}::uuid[]) ORDER BY l."statementId", e."idNumberMasked", l.level, l.tekun`.rows<StatementLine & { statementId: string }>()
	const byStatement = new Map<string, StatementLine[]>()
	for (const { statementId, ...line } of rows) {
		const list = byStatement.get(statementId) ?? []
		if (!byStatement.has(statementId)) byStatement.set(statementId, list)
		list.push({ ...line, elderName: maskName(line.elderName) })
	}
	return byStatement
}

/** A district officer of the institution's district passes a computed statement to the city. */
export async function reviewStatement(user: SessionUser, statementId: string, note: string, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_district') return fail('beds:operating.errors.districtReviews', 403)
	const statement = await findStatement(user, statementId)
	if (!statement) return fail('beds:operating.errors.notFound', 404)
	const done = await transaction(async (tx) => {
		const row = await sql`UPDATE operating_subsidy_statement SET status = 'reviewed', "reviewedById" = ${user.id}::uuid, "reviewedAt" = now(), "reviewNote" = ${note || null}
			WHERE id = ${statementId}::uuid AND status = 'computed' AND "totalFen" IS NOT NULL RETURNING id`.first(tx)
		if (!row) return false
		await audit({ actor: user, action: 'operating_subsidy.review', entityType: 'operating_subsidy_statement', entityId: statementId, districtId: statement.districtId, ip, details: { month: statement.month, totalFen: statement.totalFen, note } }, tx)
		return true
	})
	return done ? ok() : fail('beds:operating.errors.outOfOrder', 409)
}

/** A city officer approves a reviewed statement; never the officer who reviewed it (nor one related to them). */
export async function approveStatement(user: SessionUser, statementId: string, note: string, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail('beds:operating.errors.cityApproves', 403)
	const statement = await findStatement(user, statementId)
	if (!statement) return fail('beds:operating.errors.notFound', 404)
	if (statement.status !== 'reviewed') return fail('beds:operating.errors.outOfOrder', 409)
	const refusal = await twoPersonRefusal(user, [statement.reviewedById])
	if (refusal) return refusal
	try {
		const done = await transaction(async (tx) => {
			const row = await sql`UPDATE operating_subsidy_statement SET status = 'approved', "approvedById" = ${user.id}::uuid, "approvedAt" = now(), "approvalNote" = ${note || null}
				WHERE id = ${statementId}::uuid AND status = 'reviewed' RETURNING id`.first(tx)
			if (!row) return false
			await audit({ actor: user, action: 'operating_subsidy.approve', entityType: 'operating_subsidy_statement', entityId: statementId, districtId: statement.districtId, ip, details: { month: statement.month, totalFen: statement.totalFen, note } }, tx)
			return true
		})
		return done ? ok() : fail('beds:operating.errors.outOfOrder', 409)
	} catch (error) {
		return failureOf(error)
	}
}

/**
 * A city officer asks for an ended month to be computed now (the scheduler does it on the 1st).
 * Refused: a month not ended yet (its bed-days are not all known), or before the first rate version.
 */
export async function requestMonth(user: SessionUser, month: string, ip: string | null, now = new Date()): Promise<Outcome<{ month: string }>> {
	if (user.role !== 'bureau_city') return fail('beds:operating.errors.cityApproves', 403)
	if (!monthHasEnded(month, shanghaiMonth(now))) return { ok: false, status: 409, fieldErrors: { month: ['beds:operating.errors.monthNotEnded'] } }
	const rate = await sql`SELECT 1 FROM operating_subsidy_rate WHERE "effectiveMonth" <= ${monthBounds(month).from}::date LIMIT 1`.first()
	if (!rate) return { ok: false, status: 409, fieldErrors: { month: ['beds:operating.errors.noRate'] } }
	await enqueueOperatingMonth(month)
	await audit({ actor: user, action: 'operating_subsidy.request', entityType: 'operating_subsidy_month', entityId: month, ip, details: { month } })
	return ok({ month })
}

type ApprovedAdjustment = { providerName: string; districtId: string; statementMonth: string; amountFen: number; reason: string }

/** Adjustments (adjustments.server.ts) approved during `month`, Shanghai time, in scope: paid with that month's export. */
async function adjustmentsApprovedIn(user: SessionUser, month: string): Promise<ApprovedAdjustment[]> {
	return sql`SELECT p.name AS "providerName", a."districtId", to_char(s.month, 'YYYY-MM') AS "statementMonth", a."amountFen", a.reason
		FROM operating_subsidy_adjustment a JOIN operating_subsidy_statement s ON s.id = a."statementId" JOIN provider p ON p.id = a."providerId"
		WHERE a.status = 'approved' AND to_char(a."decidedAt" AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = ${month} AND ${scopeOf(user)}
		ORDER BY a."districtId", p.name, a."decidedAt"`.rows<ApprovedAdjustment>()
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const EXPORT_HEADER = ['机构 institution', '区 district', '月份 month', '等级 grade', '系数 factor', '老人 resident', '身份证号 ID (masked)', '能力等级 level', '特困 tekun', '床日 bed-days', '日标准 rate/day', '特困补助/日 tekun rate/day', '金额 amount']
export type OperatingFile = { filename: string; contentType: string; body: string | Uint8Array<ArrayBuffer> }

/**
 * The approved statements of a month in scope, line by line, then the adjustments approved during the
 * month (for statements of any month), for the finance office (audited).
 */
export async function exportMonth(user: SessionUser, month: string, format: 'csv' | 'xlsx', ip: string | null): Promise<OperatingFile | null> {
	if (user.role !== 'bureau_district' && !isCityWide(user)) return null
	const statements = (await listStatements(user, month)).filter((s) => s.status === 'approved')
	const adjustments = await adjustmentsApprovedIn(user, month)
	if (!statements.length && !adjustments.length) return null
	const rows: { text: string[]; fen: number }[] = []
	let total = 0
	// Every statement's lines in one query, not one per statement.
	const lines = statements.length ? await linesOf(statements.map((s) => s.id)) : new Map<string, StatementLine[]>()
	for (const s of statements) {
		for (const l of lines.get(s.id) ?? []) {
			rows.push({
				text: [s.providerName, s.districtId, s.month, s.grade ? String(s.grade) : '-', (s.gradeFactorBps / 10000).toFixed(2), l.elderName, l.elderIdMasked, l.level, l.tekun ? '是' : '', String(l.days), (l.levelRateFen / 100).toFixed(2), l.tekun ? (l.tekunRateFen / 100).toFixed(2) : ''],
				fen: l.amountFen,
			})
		}
		total += s.totalFen
	}
	for (const a of adjustments) {
		rows.push({ text: [a.providerName, a.districtId, a.statementMonth, '', '', `调整 adjustment：${a.reason}`, '', '', '', '', '', ''], fen: a.amountFen })
		total += a.amountFen
	}
	const totalText = ['合计 total', '', month, '', '', '', '', '', '', String(statements.reduce((a, s) => a + s.bedDays, 0)), '', '']
	const filename = `operating-subsidy-${month}.${format}`
	let file: OperatingFile
	if (format === 'csv') {
		const yuan = (fen: number) => (fen / 100).toFixed(2)
		file = { filename, contentType: 'text/csv; charset=utf-8', body: toCsv([EXPORT_HEADER, ...rows.map((r) => [...r.text, yuan(r.fen)]), [...totalText, yuan(total)]]) }
	} else {
		const amount = (fen: number, bold = false) => ({ value: fen / 100, type: Number, format: '#,##0.00', ...(bold ? { fontWeight: 'bold' as const } : {}) })
		const sheet = [
			EXPORT_HEADER.map((value) => ({ value, fontWeight: 'bold' as const })),
			...rows.map((r) => [...r.text.map((value) => ({ value })), amount(r.fen)]),
			[...totalText.map((value) => ({ value, fontWeight: 'bold' as const })), amount(total, true)],
		]
		file = { filename, contentType: XLSX_TYPE, body: await toXlsx(sheet, { sheet: month, columns: EXPORT_HEADER.map((h) => ({ width: Math.max(12, h.length + 2) })), stickyRowsCount: 1 }) }
	}
	await audit({ actor: user, action: 'operating_subsidy.export', entityType: 'operating_subsidy_month', entityId: month, districtId: user.role === 'bureau_district' ? user.districtId : null, ip, details: { month, statements: statements.length, adjustments: adjustments.length, lines: rows.length, totalFen: total, format } })
	return file
}
