import type { LoaderFunctionArgs } from '@remix-run/node'
import { i18nFor } from '~/lib/i18n.ts'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { importView } from '~/modules/registry-import/read.server.ts'
import { reportStream } from '~/modules/registry-import/report.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const imp = notFoundUnless(await importView(user, requireId(params, 'importId')))
	const { locale } = await getPreferences(request)
	return new Response(reportStream(imp.id, i18nFor(locale).t), {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="registry-import-${imp.id.slice(0, 8)}.csv"`, 'Cache-Control': 'no-store' },
	})
}
