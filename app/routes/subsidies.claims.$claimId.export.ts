import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { exportClaim } from '~/modules/subsidies/settlement.server.ts'

const formatSchema = z.enum(['csv', 'xlsx']).default('csv')

// The finance office's file of an approved claim: ?format=csv (default) or ?format=xlsx.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff', ...BUREAU_ROLES])
	const format = formatSchema.safeParse(new URL(request.url).searchParams.get('format') ?? undefined)
	if (!format.success) throw new Response('Unknown format: use csv or xlsx.', { status: 400 })
	const file = notFoundUnless(await exportClaim(user, requireId(params, 'claimId'), format.data, clientIp(request)), 'Not found, or the claim is not approved yet.')
	return new Response(file.body, {
		headers: { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename}"`, 'Cache-Control': 'no-store' },
	})
}
