import type { LoaderFunctionArgs } from '@remix-run/node'
import { toCsv } from '~/lib/export.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { recoveriesForExport } from '~/modules/allowance/recoveries.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'

// The recoveries for the finance office as CSV (formula-safe, masked identity numbers): what is still
// to recover, then what was recovered or waived, in the officer's scope. Audited.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['bureau_district', 'bureau_city'])
	const { locale } = await getPreferences(request)
	const t = getT(locale)
	const { rows, settled } = await recoveriesForExport(user)
	await audit({ actor: user, action: 'allowance.recoveries_export', entityType: 'allowance_payment', entityId: null, districtId: user.role === 'bureau_district' ? user.districtId : null, details: { outstanding: rows.length, settled: settled.length }, ip: clientIp(request) })
	const k = (key: string) => t(`allowance:recoveries.${key}`)
	const yuan = (fen: number) => (fen / 100).toFixed(2)
	const body = toCsv([
		[k('name'), k('idNumber'), k('district'), k('deathDate'), k('month'), k('amount'), k('outcome'), k('referenceOrReason'), k('settledOn'), k('by')],
		...rows.map((r) => [r.name, r.idNumberMasked, r.district, r.deathDate, r.month, yuan(r.amountFen), r.inTransit ? k('inTransit') : r.waiverPending ? k('waiverPendingState') : k('open'), '', '', '']),
		...settled.map((s) => [
			s.name,
			s.idNumberMasked,
			s.district,
			s.deathDate,
			s.month,
			yuan(s.amountFen),
			s.outcome === 'recovered' && s.method ? `${k('outcomes.recovered')} · ${k(`methods.${s.method}`)}` : k('outcomes.waived'),
			s.reference ?? s.reason ?? '',
			s.settledOn,
			s.approvedBy ? `${s.recordedBy} / ${s.approvedBy}` : s.recordedBy,
		]),
	])
	return new Response(body, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="allowance-recoveries-${shanghaiDate()}.csv"`, 'Cache-Control': 'no-store' },
	})
}
