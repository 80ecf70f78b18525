import type { LoaderFunctionArgs } from '@remix-run/node'
import { toCsv } from '~/lib/export.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { allRunPeople, peopleFilterSchema } from '~/modules/allowance/run-people.server.ts'
import { getRun } from '~/modules/allowance/runs.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'

// The people behind a count as CSV: names and masked identity numbers only; the export is audited.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const run = notFoundUnless(await getRun(requireId(params, 'runId'), user))
	const filter = peopleFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams))
	const { locale } = await getPreferences(request)
	const t = getT(locale)
	const zh = locale === 'zh-CN'
	const people = await allRunPeople(run, user, filter)
	await audit({ actor: user, action: 'allowance.people_export', entityType: 'allowance_run', entityId: run.id, districtId: user.role === 'bureau_district' ? user.districtId : null, details: { filter, rows: people.length }, ip: clientIp(request) })
	const tier = (n: number | null) => (n ? t('allowance:people.tier', { tier: n }) : '')
	const body = toCsv([
		[t('allowance:people.name'), t('allowance:people.idNumber'), t('allowance:run.district'), t('allowance:people.previousTier'), t('allowance:people.thisTier'), t('allowance:run.amount'), t('allowance:people.state')],
		...people.map((p) => [
			p.name,
			p.idNumberMasked,
			zh ? p.districtZh : p.districtEn,
			tier(p.previousTier),
			tier(p.tier),
			p.amountFen === null ? '' : (p.amountFen / 100).toFixed(2),
			p.reason ? t(`allowance:stop.${p.reason}`) : p.status ? t(`allowance:paymentStatus.${p.status}`) : '',
		]),
	])
	return new Response(body, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="allowance-${run.month}-${filter.kind}.csv"`, 'Cache-Control': 'no-store' },
	})
}
