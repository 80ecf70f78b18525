import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { exportClaimCsv } from '~/modules/subsidies/settlement.server.ts'

// The finance office's file: CSV only (see README: exceljs, the usual XLSX writer, has not been
// released since 2023 and pulls in archiver/unzipper; a spreadsheet opens this UTF-8 CSV as is).
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff', ...BUREAU_ROLES])
	const file = await exportClaimCsv(user, params.claimId ?? '', clientIp(request))
	if (!file) throw new Response('Not found, or the claim is not approved yet.', { status: 404 })
	return new Response(file.body, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${file.filename}"`, 'Cache-Control': 'no-store' },
	})
}
