// The reconciliation the finance office checks: every payment of a run is in exactly one state, so
// per run and per district owed = paid + sent + re-issued + returned + still held, in count and in
// amount. "Re-issued" is a payment on its way again after a return (its live attempt is not its
// first); "still held" is not in any file yet (no card held in full, or waiting for the next file).
import { toCsv, toXlsx, type XlsxCell } from '~/lib/export.server.ts'
import { sql } from '~/lib/sql.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { fenToYuanString } from './rules.ts'

export const BUCKETS = ['paid', 'sent', 'reissued', 'returned', 'held'] as const
export type Bucket = (typeof BUCKETS)[number]
export type Figures = { owed: { n: number; fen: number } } & Record<Bucket, { n: number; fen: number }>
export type ReconciliationRow = { districtId: string; nameZh: string; nameEn: string } & Figures

function empty(): Figures {
	return { owed: { n: 0, fen: 0 }, paid: { n: 0, fen: 0 }, sent: { n: 0, fen: 0 }, reissued: { n: 0, fen: 0 }, returned: { n: 0, fen: 0 }, held: { n: 0, fen: 0 } }
}

export async function reconciliation(runId: string, viewer: SessionUser): Promise<{ districts: ReconciliationRow[]; total: Figures }> {
	const districtFilter = viewer.role === 'bureau_district' ? viewer.districtId : null
	const rows = await sql`SELECT p."districtId", d."nameZh", d."nameEn",
		        CASE WHEN p.status = 'paid' THEN 'paid'
		             WHEN p.status = 'sent' AND EXISTS (SELECT 1 FROM allowance_disbursement a WHERE a."paymentId" = p.id AND a.status = 'returned') THEN 'reissued'
		             WHEN p.status = 'sent' THEN 'sent'
		             WHEN p.status IN ('returned', 'failed') THEN 'returned'
		             ELSE 'held' END AS bucket,
		        count(*)::int AS n, COALESCE(sum(p."amountFen"), 0)::bigint AS fen
		 FROM allowance_payment p JOIN district d ON d.id = p."districtId"
		 WHERE p."runId" = ${runId} AND (${districtFilter}::text IS NULL OR p."districtId" = ${districtFilter})
		 GROUP BY 1, 2, 3, 4, d."sortOrder" ORDER BY d."sortOrder"`.rows<{ districtId: string; nameZh: string; nameEn: string; bucket: Bucket; n: number; fen: number }>()
	const byDistrict = new Map<string, ReconciliationRow>()
	const total = empty()
	for (const r of rows) {
		let row = byDistrict.get(r.districtId)
		if (!row) byDistrict.set(r.districtId, (row = { districtId: r.districtId, nameZh: r.nameZh, nameEn: r.nameEn, ...empty() }))
		for (const f of [row, total]) {
			f[r.bucket].n += r.n
			f[r.bucket].fen += Number(r.fen)
			f.owed.n += r.n
			f.owed.fen += Number(r.fen)
		}
	}
	return { districts: [...byDistrict.values()], total }
}

const HEADER = ['区县', '应发笔数', '应发金额', '已确认笔数', '已确认金额', '已发送笔数', '已发送金额', '重发中笔数', '重发中金额', '退回笔数', '退回金额', '暂缓笔数', '暂缓金额']

function cells(name: string, f: Figures) {
	return [name, ...(['owed', ...BUCKETS] as const).flatMap((k) => [f[k].n, fenToYuanString(f[k].fen)])]
}

/** The reconciliation as the finance office downloads it, through the one formula-safe writer. */
export async function reconciliationFile(runId: string, viewer: SessionUser, format: 'csv' | 'xlsx'): Promise<Uint8Array<ArrayBuffer> | string> {
	const r = await reconciliation(runId, viewer)
	const rows = [HEADER, ...r.districts.map((d) => cells(d.nameZh, d)), cells('合计', r.total)]
	if (format === 'csv') return toCsv(rows)
	return toXlsx(
		rows.map((row, i) => row.map((value) => ({ value, fontWeight: i === 0 ? ('bold' as const) : undefined }) as XlsxCell)),
		{ sheet: '对账' },
	)
}
