import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { getRun } from '~/modules/allowance/runs.server.ts'
import { reconciliationFile } from '~/modules/allowance/reconciliation.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'

// The run's reconciliation (owed / paid / sent / re-issued / returned / held, per district) for the
// finance office: counts and amounts only, no personal data, so a plain GET for bureau officers.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const run = notFoundUnless(await getRun(requireId(params, 'runId'), user))
	const format = new URL(request.url).searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv'
	const body = await reconciliationFile(run.id, user, format)
	return new Response(body, {
		headers: {
			'Content-Type': format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="allowance-${run.month}-reconciliation.${format}"`,
			'Cache-Control': 'no-store',
		},
	})
}
