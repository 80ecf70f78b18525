import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp } from '~/lib/http.server.ts'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { recoveriesCsv } from '~/modules/allowance/recoveries-export.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'

// The recoveries for the finance office as CSV (formula-safe, masked identity numbers): every payment
// still outstanding, then every receipt and waiver, in the officer's scope; streamed, complete. Audited.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['bureau_district', 'bureau_city'])
	const { locale } = await getPreferences(request)
	const body = await recoveriesCsv(user, getT(locale), clientIp(request))
	return new Response(body, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="allowance-recoveries-${shanghaiDate()}.csv"`, 'Cache-Control': 'no-store' },
	})
}
