import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { paidCsv } from '~/modules/institutions/construction.server.ts'

// Construction subsidies paid, one line per bed, in the officer's scope (audited).
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return new Response(await paidCsv(user, clientIp(request)), {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="construction-subsidies.csv"', 'Cache-Control': 'no-store' },
	})
}
