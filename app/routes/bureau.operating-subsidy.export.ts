import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { clientIp, notFoundUnless } from '~/lib/http.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { monthQuerySchema } from '~/modules/operating-subsidy/schemas.ts'
import { exportMonth } from '~/modules/operating-subsidy/statements.server.ts'

const formatSchema = z.enum(['csv', 'xlsx']).default('csv')

// The approved operating subsidy of a month in the officer's scope, for the finance office:
// ?month=YYYY-MM&format=csv (default) or xlsx. Through the one formula-safe writer; audited.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const query = new URL(request.url).searchParams
	const month = monthQuerySchema.safeParse(query.get('month'))
	const format = formatSchema.safeParse(query.get('format') ?? undefined)
	if (!month.success || !format.success) throw new Response('Give month=YYYY-MM and format=csv or xlsx.', { status: 400 })
	const file = notFoundUnless(await exportMonth(user, month.data, format.data, clientIp(request)), 'Nothing approved for that month yet.')
	return new Response(file.body, { headers: { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename}"`, 'Cache-Control': 'no-store' } })
}
