// The audit page's filter, read from a query string (bounded, malformed values dropped) and written back.
import { dateParam, textParam } from '~/lib/query.ts'
import type { AuditFilter } from './audit.server.ts'

const TOKEN = /^[a-z_.]{1,64}$/
const ID = /^[0-9a-zA-Z-]{1,36}$/

export function auditFilterOf(params: URLSearchParams): AuditFilter {
	const get = (k: string) => params.get(k)?.trim() || undefined
	const actor = textParam(params, 'actor', 40)
	const action = get('action')
	const entityType = get('entityType')
	const entityId = get('entityId')
	const from = dateParam(params, 'from')
	const to = dateParam(params, 'to')
	return {
		...(actor ? { actor } : {}),
		...(action && TOKEN.test(action) ? { action } : {}),
		...(entityType && TOKEN.test(entityType) ? { entityType } : {}),
		...(entityId && ID.test(entityId) ? { entityId } : {}),
		...(from ? { from } : {}),
		...(to ? { to } : {}),
	}
}

export function auditQuery(filter: AuditFilter): string {
	return new URLSearchParams(Object.entries(filter).filter(([, v]) => !!v) as [string, string][]).toString()
}
