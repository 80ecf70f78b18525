import type { LoaderFunctionArgs } from '@remix-run/node'
import { REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { templateCsv } from '~/modules/registry-import/report.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	await requireRole(request, REGISTRAR_ROLES)
	return new Response(templateCsv(), {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="registry-import-template.csv"', 'Cache-Control': 'no-store' },
	})
}
