// The recoveries for the finance office as CSV (formula-safe through app/lib/export.server.ts, masked
// identity numbers), in the officer's scope: every payment still outstanding (amount, recovered so far,
// remaining), then every receipt and waiver, newest first. Read a page at a time (the lists' own keyset
// queries) and streamed, so the file is complete however long it grows; the export is audited first.
import type { TFunction } from 'i18next'
import { toCsv, type CellValue } from '~/lib/export.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { districtScope, entriesPage, outstandingPage, outstandingWhere } from './recoveries-read.server.ts'
import { fenToYuanString } from './rules.ts'

const PAGE = 1000

async function* csvPages(user: SessionUser, t: TFunction): AsyncGenerator<CellValue[][]> {
	const k = (key: string) => t(`allowance:recoveries.${key}`)
	const yuan = fenToYuanString
	yield [[k('name'), k('idNumber'), k('district'), k('deathDate'), k('month'), k('amount'), k('recoveredSoFar'), k('remaining'), k('entryAmount'), k('outcome'), k('referenceOrReason'), k('settledOn'), k('by')]]
	let after: string | null = null
	do {
		const page: Awaited<ReturnType<typeof outstandingPage>> = await outstandingPage(user, after, PAGE)
		yield page.rows.map((r) => [r.name, r.idNumberMasked, r.district, r.deathDate, r.month, yuan(r.amountFen), yuan(r.recoveredFen), yuan(r.remainingFen), '', r.inTransit ? k('inTransit') : r.waiverPending ? k('waiverPendingState') : k('open'), '', '', ''])
		after = page.next
	} while (after)
	do {
		const page: Awaited<ReturnType<typeof entriesPage>> = await entriesPage(user, { after, limit: PAGE })
		yield page.rows.map((s) => [
			s.name,
			s.idNumberMasked,
			s.district,
			s.deathDate,
			s.month,
			yuan(s.paymentFen),
			'',
			'',
			yuan(s.amountFen),
			s.outcome === 'recovered' && s.method ? `${k('outcomes.recovered')} · ${k(`methods.${s.method}`)}` : k('outcomes.waived'),
			s.reference ?? s.reason ?? '',
			s.settledOn,
			s.approvedBy ? `${s.recordedBy} / ${s.approvedBy}` : s.recordedBy,
		])
		after = page.next
	} while (after)
}

/** Audits the export (with how many rows it holds) and returns the file as a stream. */
export async function recoveriesCsv(user: SessionUser, t: TFunction, ip: string | null): Promise<ReadableStream<Uint8Array>> {
	const counts = await sql`SELECT
			(SELECT count(*)::int FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
			  WHERE ${outstandingWhere(user)}) AS outstanding,
			(SELECT count(*)::int FROM allowance_recovery r JOIN allowance_payment p ON p.id = r."paymentId" WHERE ${districtScope(user)}) AS settled`.first<{ outstanding: number; settled: number }>()
	await audit({ actor: user, action: 'allowance.recoveries_export', entityType: 'allowance_payment', entityId: null, districtId: user.role === 'bureau_district' ? user.districtId : null, details: { outstanding: counts?.outstanding ?? 0, settled: counts?.settled ?? 0 }, ip })
	const encoder = new TextEncoder()
	const pages = csvPages(user, t)
	let first = true
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const next = await pages.next()
			if (next.done) return controller.close()
			controller.enqueue(encoder.encode(toCsv(next.value, { bom: first })))
			first = false
		},
	})
}
