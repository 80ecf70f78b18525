import type { LoaderFunctionArgs } from '@remix-run/node'
import { toCsv } from '~/lib/export.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { exportAuditLog } from '~/modules/audit/audit.server.ts'
import { auditFilterOf } from '~/modules/audit/filter.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'

// The filtered audit log as CSV (through the formula-safe writer); the export is itself audited.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const { locale } = await getPreferences(request)
	const t = getT(locale)
	const rows = await exportAuditLog(user, auditFilterOf(new URL(request.url).searchParams), clientIp(request))
	const body = toCsv([
		[t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.entity'), t('audit.objectName'), t('audit.entityId')],
		...rows.map((e) => [
			formatShanghai(e.at, locale),
			e.actorName ? `${e.actorName}${e.actorRole ? ` · ${t(`roles.${e.actorRole}`)}` : ''}` : t('audit.system'),
			t(`audit.actions.${e.action}`, { defaultValue: e.action }),
			t(`audit.entities.${e.entityType}`, { defaultValue: e.entityType }),
			e.objectLabel ?? '',
			e.entityId ?? '',
		]),
	])
	return new Response(body, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="audit-log.csv"', 'Cache-Control': 'no-store' } })
}
