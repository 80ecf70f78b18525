// The audit page's filter, read from a query string (bounded, malformed values dropped) and written back.
import type { AuditFilter } from './audit.server.ts'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TOKEN = /^[a-z_.]{1,64}$/
const ID = /^[0-9a-zA-Z-]{1,36}$/

export function auditFilterOf(params: URLSearchParams): AuditFilter {
	const get = (k: string) => params.get(k)?.trim() || undefined
	const date = (k: string) => {
		const v = get(k)
		return v && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined
	}
	const actor = get('actor')?.slice(0, 40)
	const action = get('action')
	const entityType = get('entityType')
	const entityId = get('entityId')
	return {
		...(actor ? { actor } : {}),
		...(action && TOKEN.test(action) ? { action } : {}),
		...(entityType && TOKEN.test(entityType) ? { entityType } : {}),
		...(entityId && ID.test(entityId) ? { entityId } : {}),
		...(date('from') ? { from: date('from') } : {}),
		...(date('to') ? { to: date('to') } : {}),
	}
}

export function auditQuery(filter: AuditFilter): string {
	return new URLSearchParams(Object.entries(filter).filter(([, v]) => !!v) as [string, string][]).toString()
}
