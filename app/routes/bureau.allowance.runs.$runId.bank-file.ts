import type { ActionFunctionArgs } from '@remix-run/node'
import { getT } from '~/lib/i18n.ts'
import { clientIp, requireId } from '~/lib/http.server.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { exportBankFile } from '~/modules/allowance/runs.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// The bank file is a POST: its first export disburses the run (marks the payments paid).
export async function loader() {
	return new Response('Use the export button on the run page.', { status: 405, headers: { Allow: 'POST' } })
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const runId = requireId(params, 'runId')
	// Exporting a bank file is a sensitive act: password or TOTP again after five minutes (back to the run page).
	await requireRecentAuth(request, user, `/bureau/allowance/runs/${runId}`)
	// A file number re-downloads a file already made; without one, the next file is made.
	const raw = String(formData.get('fileNo') ?? '').trim()
	const fileNo = raw === '' ? null : /^\d{1,4}$/.test(raw) ? Number(raw) : 0
	const outcome = await exportBankFile(user, runId, clientIp(request), fileNo)
	if (!outcome.ok) {
		const t = getT((await getPreferences(request)).locale)
		return new Response(t(outcome.formError ?? ''), { status: outcome.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
	}
	return new Response(outcome.value.body, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="${outcome.value.filename}"`,
			'Cache-Control': 'no-store',
		},
	})
}
