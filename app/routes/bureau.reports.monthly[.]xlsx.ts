import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp } from '~/lib/http.server.ts'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { districtChoices } from '~/modules/beds/indicators.server.ts'
import { monthlyReport, monthlyReportWorkbook, reportMonth } from '~/modules/statistics/monthly-report.server.ts'

// The province's monthly workbook: aggregates only (no personal data), so a GET for bureau officers;
// each download is audited with its month and scope.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const { locale } = await getPreferences(request)
	const t = getT(locale)
	const month = reportMonth(new URL(request.url).searchParams.get('month'))
	if (!month) return new Response(t('monthlyReport.badMonth'), { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
	const [report, districts] = await Promise.all([monthlyReport(user, month), districtChoices(user)])
	const zh = locale === 'zh-CN'
	const district = districts.find((d) => d.id === report.districtId)
	const scope = district ? (zh ? district.nameZh : district.nameEn) : t('reportMeta.city')
	const file = await monthlyReportWorkbook(
		user,
		report,
		{
			title: (key) => t(`monthlyReport.tables.${key}`),
			column: (key) => t(`monthlyReport.columns.${key}`),
			rowHeader: (key) => t(key === 'subsidies' ? 'monthlyReport.policy' : 'monthlyReport.district'),
			total: t('monthlyReport.total'),
			meta: `${t('reportMeta.line', { period: report.month, scope, computedAt: formatShanghai(new Date(report.computedAt), locale) })}；${t('monthlyReport.asOf', { date: report.asOf })}`,
			unit: t('monthlyReport.unit'),
			source: (source) => t(`monthlyReport.source.${source}`),
		},
		zh,
		clientIp(request),
	)
	return new Response(file.body, {
		headers: {
			'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'Content-Disposition': `attachment; filename="${file.filename}"`,
			'Cache-Control': 'no-store',
		},
	})
}
