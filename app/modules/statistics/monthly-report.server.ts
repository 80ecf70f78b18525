// The monthly statistical report for the province (养老服务统计月报 style): four tables with fixed
// layouts, computed from the registry, the allowance payments, the subsidy ledger and the bed census
// in one pass each, for the city or one district. The page and the XLSX (one sheet per table) render
// the same data, so what an officer checks on screen is what the province receives.
import { toXlsxWorkbook, type XlsxCell } from '~/lib/export.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addMonths, bornOnOrBefore, shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'

export type ColumnKind = 'count' | 'fen' | 'ratio'
export type StatColumn = { key: string; kind: ColumnKind }
export type StatRow = { labelZh: string; labelEn: string; cells: (number | null)[] }
export type StatTable = { key: 'population' | 'allowance' | 'subsidies' | 'beds'; columns: StatColumn[]; rows: StatRow[]; total: (number | null)[]; source: 'live' | 'snapshot' | 'none' | null }
export type MonthlyReport = { month: string; asOf: string; districtId: string | null; computedAt: string; tables: StatTable[] }

const AGE_BANDS = [60, 70, 80, 90, 100] as const
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/** The month a report may be asked for: a valid YYYY-MM from 2016 up to the current month. */
export function reportMonth(input: string | null | undefined): string | null {
	const current = shanghaiMonth()
	if (!input) return current
	return MONTH.test(input) && input >= '2016-01' && input <= current ? input : null
}

function lastDayOf(month: string): string {
	const next = new Date(`${addMonths(month, 1)}-01T00:00:00Z`)
	return new Date(next.getTime() - 86_400_000).toISOString().slice(0, 10)
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v))

function sumColumns(rows: StatRow[], kinds: StatColumn[]): (number | null)[] {
	return kinds.map((c, i) => (c.kind === 'ratio' ? null : rows.reduce((a, r) => a + n(r.cells[i]), 0)))
}

async function populationTable(district: string | null, asOf: string): Promise<StatTable> {
	const [t70, t80, t90, t100] = [70, 80, 90, 100].map((y) => bornOnOrBefore(asOf, y))
	const t60 = bornOnOrBefore(asOf, 60)
	const rows = await sql`
		SELECT d.id, d."nameZh", d."nameEn",
			count(e.id) FILTER (WHERE e."birthDate" > ${t70}::date) AS b60,
			count(e.id) FILTER (WHERE e."birthDate" <= ${t70}::date AND e."birthDate" > ${t80}::date) AS b70,
			count(e.id) FILTER (WHERE e."birthDate" <= ${t80}::date AND e."birthDate" > ${t90}::date) AS b80,
			count(e.id) FILTER (WHERE e."birthDate" <= ${t90}::date AND e."birthDate" > ${t100}::date) AS b90,
			count(e.id) FILTER (WHERE e."birthDate" <= ${t100}::date) AS b100
		FROM district d
		LEFT JOIN elder e ON e."districtId" = d.id AND e."birthDate" <= ${t60}::date
			AND (e."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date <= ${asOf}::date
			AND (e."deathDate" IS NULL OR e."deathDate" > ${asOf}::date)
			AND (e."movedOutOn" IS NULL OR e."movedOutOn" > ${asOf}::date)
		WHERE (${district}::text IS NULL OR d.id = ${district})
		GROUP BY d.id ORDER BY d."sortOrder"`.rows<{ nameZh: string; nameEn: string; b60: string; b70: string; b80: string; b90: string; b100: string }>()
	const columns: StatColumn[] = [...AGE_BANDS.map((b) => ({ key: `age${b}`, kind: 'count' as const })), { key: 'total60', kind: 'count' }, { key: 'total80', kind: 'count' }]
	const out = rows.map((r) => {
		const bands = [r.b60, r.b70, r.b80, r.b90, r.b100].map(n)
		return { labelZh: r.nameZh, labelEn: r.nameEn, cells: [...bands, bands.reduce((a, b) => a + b, 0), bands[2]! + bands[3]! + bands[4]!] }
	})
	return { key: 'population', columns, rows: out, total: sumColumns(out, columns), source: null }
}

async function allowanceTable(district: string | null, month: string): Promise<StatTable> {
	const rows = await sql`
		SELECT d.id, d."nameZh", d."nameEn",
			count(p.id) FILTER (WHERE p.tier = 80) AS n80, coalesce(sum(p."amountFen") FILTER (WHERE p.tier = 80), 0) AS f80,
			count(p.id) FILTER (WHERE p.tier = 90) AS n90, coalesce(sum(p."amountFen") FILTER (WHERE p.tier = 90), 0) AS f90,
			count(p.id) FILTER (WHERE p.tier = 100) AS n100, coalesce(sum(p."amountFen") FILTER (WHERE p.tier = 100), 0) AS f100,
			coalesce(sum(p."amountFen") FILTER (WHERE p.status = 'paid'), 0) AS paid
		FROM district d
		LEFT JOIN allowance_payment p ON p."districtId" = d.id AND p.month = ${month}
			AND EXISTS (SELECT 1 FROM allowance_run r WHERE r.id = p."runId" AND r.status IN ('approved', 'disbursed'))
		WHERE (${district}::text IS NULL OR d.id = ${district})
		GROUP BY d.id ORDER BY d."sortOrder"`.rows<Record<string, string>>()
	const columns: StatColumn[] = [
		{ key: 'tier80Count', kind: 'count' },
		{ key: 'tier80Amount', kind: 'fen' },
		{ key: 'tier90Count', kind: 'count' },
		{ key: 'tier90Amount', kind: 'fen' },
		{ key: 'tier100Count', kind: 'count' },
		{ key: 'tier100Amount', kind: 'fen' },
		{ key: 'recipients', kind: 'count' },
		{ key: 'amount', kind: 'fen' },
		{ key: 'paidAmount', kind: 'fen' },
	]
	const out = rows.map((r) => {
		const [n80, f80, n90, f90, n100, f100] = [r.n80, r.f80, r.n90, r.f90, r.n100, r.f100].map(n) as [number, number, number, number, number, number]
		return { labelZh: r.nameZh!, labelEn: r.nameEn!, cells: [n80, f80, n90, f90, n100, f100, n80 + n90 + n100, f80 + f90 + f100, n(r.paid)] }
	})
	return { key: 'allowance', columns, rows: out, total: sumColumns(out, columns), source: null }
}

async function subsidyTable(district: string | null, month: string): Promise<StatTable> {
	// Spending is net of reversals and dated by the service, as in the subsidy reports.
	const rows = await sql`
		WITH grants AS (
			SELECT g."policyId", count(DISTINCT g."elderId") AS recipients, sum(t."amountFen") AS issued
			FROM ledger_txn t JOIN subsidy_grant g ON g.id = t."grantId"
			WHERE t.kind = 'grant' AND t.month = ${`${month}-01`}::date AND (${district}::text IS NULL OR g."districtId" = ${district})
			GROUP BY 1
		),
		served AS (
			SELECT g."policyId", count(*) FILTER (WHERE coalesce(r."amountFen", 0) < c."amountFen") AS services,
				count(DISTINCT g."elderId") FILTER (WHERE coalesce(r."amountFen", 0) < c."amountFen") AS served,
				sum(c."amountFen" - coalesce(r."amountFen", 0)) AS spent, sum(coalesce(r."amountFen", 0)) AS reversed
			FROM ledger_txn c JOIN subsidy_grant g ON g.id = c."grantId"
			LEFT JOIN ledger_txn r ON r.ref = c.ref AND r.kind = 'reversal'
			WHERE c.kind = 'capture' AND to_char(c."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = ${month}
				AND (${district}::text IS NULL OR g."districtId" = ${district})
			GROUP BY 1
		)
		SELECT p."nameZh", p."nameEn", coalesce(gr.recipients, 0) AS recipients, coalesce(gr.issued, 0) AS issued,
			coalesce(s.served, 0) AS served, coalesce(s.services, 0) AS services, coalesce(s.spent, 0) AS spent, coalesce(s.reversed, 0) AS reversed
		FROM subsidy_policy p
		LEFT JOIN grants gr ON gr."policyId" = p.id
		LEFT JOIN served s ON s."policyId" = p.id
		WHERE gr."policyId" IS NOT NULL OR s."policyId" IS NOT NULL OR p.id IN (SELECT "policyId" FROM subsidy_grant)
		ORDER BY p."nameZh"`.rows<Record<string, string>>()
	const columns: StatColumn[] = [
		{ key: 'grantRecipients', kind: 'count' },
		{ key: 'creditIssued', kind: 'fen' },
		{ key: 'eldersServed', kind: 'count' },
		{ key: 'services', kind: 'count' },
		{ key: 'spent', kind: 'fen' },
		{ key: 'reversed', kind: 'fen' },
	]
	const out = rows.map((r) => ({ labelZh: r.nameZh!, labelEn: r.nameEn!, cells: [r.recipients, r.issued, r.served, r.services, r.spent, r.reversed].map(n) }))
	return { key: 'subsidies', columns, rows: out, total: sumColumns(out, columns), source: null }
}

async function bedsTable(district: string | null, month: string): Promise<StatTable> {
	const columns: StatColumn[] = [
		{ key: 'institutions', kind: 'count' },
		{ key: 'beds', kind: 'count' },
		{ key: 'nursingBeds', kind: 'count' },
		{ key: 'occupiedBeds', kind: 'count' },
		{ key: 'occupancy', kind: 'ratio' },
	]
	// The current month from the live census (approved institutions, beds in service); an earlier one
	// from the snapshot the monthly job took then (nothing is back-computed from today's beds).
	const live = month === shanghaiMonth()
	const rows = live
		? await sql`
			SELECT d."nameZh", d."nameEn",
				(SELECT count(*) FROM provider p WHERE p."districtId" = d.id AND p.kind = 'institution' AND p.status = 'approved') AS institutions,
				coalesce(sum(t.n), 0) AS beds, coalesce(sum(t.n) FILTER (WHERE t.type = 'nursing'), 0) AS nursing, coalesce(sum(t.n) FILTER (WHERE t.status = 'occupied'), 0) AS occupied
			FROM district d
			LEFT JOIN (bed_tally t JOIN provider p ON p.id = t."providerId" AND p.status = 'approved') ON t."districtId" = d.id AND t.status <> 'out_of_service'
			WHERE (${district}::text IS NULL OR d.id = ${district})
			GROUP BY d.id ORDER BY d."sortOrder"`.rows<Record<string, string>>()
		: await sql`
			SELECT d."nameZh", d."nameEn", s.institutions, s."bedsInService" AS beds, s."nursingBeds" AS nursing, s."occupiedBeds" AS occupied, s.id IS NOT NULL AS found
			FROM district d LEFT JOIN indicator_snapshot s ON s."districtId" = d.id AND s.month = ${month}
			WHERE (${district}::text IS NULL OR d.id = ${district})
			ORDER BY d."sortOrder"`.rows<Record<string, string | boolean | null>>()
	const found = live || rows.some((r) => r.found)
	const out = rows.map((r) => {
		const counts = [r.institutions, r.beds, r.nursing, r.occupied].map((v) => (v === null ? null : n(v)))
		const occupancy = counts[1] ? n(counts[3]) / n(counts[1]) : null
		return { labelZh: String(r.nameZh), labelEn: String(r.nameEn), cells: [...counts, occupancy] }
	})
	const total = sumColumns(out, columns)
	total[4] = total[1] ? n(total[3]) / n(total[1]) : null
	return { key: 'beds', columns, rows: out, total, source: found ? (live ? 'live' : 'snapshot') : 'none' }
}

/** The month's four tables for the user's scope (a district officer: their district; city: every district). */
export async function monthlyReport(user: SessionUser, month: string): Promise<MonthlyReport> {
	const district = isCityWide(user) ? null : (user.districtId ?? '-')
	const today = shanghaiDate()
	const end = lastDayOf(month)
	const asOf = end < today ? end : today
	const tables = await Promise.all([populationTable(district, asOf), allowanceTable(district, month), subsidyTable(district, month), bedsTable(district, month)])
	return { month, asOf, districtId: district, computedAt: new Date().toISOString(), tables }
}

export type SheetLabels = {
	title: (table: StatTable['key']) => string
	column: (key: string) => string
	rowHeader: (table: StatTable['key']) => string
	total: string
	meta: string
	unit: string
	source: (source: NonNullable<StatTable['source']>) => string
}

/** The workbook the province takes: one sheet per table, title and meta lines, header, rows, total. */
export async function monthlyReportWorkbook(user: SessionUser, report: MonthlyReport, labels: SheetLabels, zh: boolean, ip: string | null) {
	const bold = (value: string | number | null): XlsxCell => ({ value, fontWeight: 'bold' })
	const valueCell = (kind: ColumnKind, v: number | null): XlsxCell =>
		v === null ? { value: '' } : kind === 'fen' ? { value: v / 100, type: Number, format: '#,##0.00' } : kind === 'ratio' ? { value: v, type: Number, format: '0.0%' } : { value: v, type: Number, format: '#,##0' }
	const sheets = report.tables.map((table) => {
		const rows: XlsxCell[][] = [
			[bold(labels.title(table.key))],
			[{ value: labels.meta }],
			[{ value: table.source ? `${labels.unit}；${labels.source(table.source)}` : labels.unit }],
			[],
			[bold(labels.rowHeader(table.key)), ...table.columns.map((c) => bold(labels.column(c.key)))],
			...table.rows.map((r) => [{ value: zh ? r.labelZh : r.labelEn }, ...table.columns.map((c, i) => valueCell(c.kind, r.cells[i] ?? null))]),
			[bold(labels.total), ...table.columns.map((c, i) => valueCell(c.kind, table.total[i] ?? null))],
		]
		return { sheet: labels.title(table.key).slice(0, 31), rows, columns: [{ width: 26 }, ...table.columns.map(() => ({ width: 16 }))], stickyRowsCount: 5 }
	})
	const body = await toXlsxWorkbook(sheets)
	await audit({ actor: user, action: 'statistics.monthly_export', entityType: 'monthly_report', entityId: report.month, districtId: report.districtId, details: { month: report.month, asOf: report.asOf }, ip })
	return { body, filename: `monthly-report-${report.month}${report.districtId ? `-${report.districtId}` : ''}.xlsx` }
}
