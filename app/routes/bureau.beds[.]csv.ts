import type { LoaderFunctionArgs } from '@remix-run/node'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { exportCsv } from '~/modules/beds/indicators.server.ts'
import { intParam, textParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const url = new URL(request.url)
	const csv = await exportCsv(user, { year: intParam(url.searchParams, 'year', 1900, 2200), districtId: textParam(url.searchParams, 'district', 40) })
	return new Response(csv, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="beds-indicators.csv"', 'Cache-Control': 'no-store' },
	})
}
