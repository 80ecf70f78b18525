import type { ActionFunctionArgs } from '@remix-run/node'
import { getT } from '~/lib/i18n.ts'
import { clientIp, requireId } from '~/lib/http.server.ts'
import type { Failure } from '~/lib/outcome.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { bankFileCsv, bankFileName, bankFileXlsx, exportBankFile, findBankFile } from '~/modules/allowance/disbursement.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// A bank file is a POST: making one sends its payments to the bank. It carries full identity and
// card numbers, so only a city-level officer who entered the password within five minutes gets it
// (a district officer gets the module's clear 403 first); the bytes are streamed, never stored.
export async function loader() {
	return new Response('Use the export button on the run page.', { status: 405, headers: { Allow: 'POST' } })
}

async function refusal(request: Request, outcome: Failure) {
	const t = getT((await getPreferences(request)).locale)
	return new Response(t(outcome.formError ?? ''), { status: outcome.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const runId = requireId(params, 'runId')
	const formData = await readProtectedForm(request)
	if (user.role !== 'bureau_city') return refusal(request, { ok: false, status: 403, formError: 'allowance:errors.run.cityOnly', fieldErrors: {} })
	await requireRecentAuth(request, user, `/bureau/allowance/runs/${runId}`)
	const format = String(formData.get('format') ?? 'csv')
	if (format !== 'csv' && format !== 'xlsx') return refusal(request, { ok: false, status: 400, formError: 'allowance:errors.export.format', fieldErrors: {} })
	// A file number downloads a file already made; without one, the next file is made (district: one county's).
	const rawNo = String(formData.get('fileNo') ?? '').trim()
	const rawDistrict = String(formData.get('districtId') ?? '').trim()
	const ip = clientIp(request)
	const outcome =
		rawNo !== ''
			? await findBankFile(user, runId, /^\d{1,4}$/.test(rawNo) ? Number(rawNo) : 0)
			: await exportBankFile(user, runId, rawDistrict === '' || rawDistrict === 'all' ? null : rawDistrict, ip)
	if (!outcome.ok) return refusal(request, outcome)
	const file = outcome.value
	const headers = {
		'Content-Disposition': `attachment; filename="${bankFileName(file, format)}"`,
		'Cache-Control': 'no-store',
		'X-Bank-File-Number': file.fileNumber,
	}
	if (format === 'xlsx') {
		return new Response(await bankFileXlsx(user, file, ip), { headers: { ...headers, 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } })
	}
	return new Response(bankFileCsv(user, file, ip), { headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8' } })
}
