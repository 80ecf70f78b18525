import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, type Tx } from '~/lib/db.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { addDays, fromShanghai } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { isUuid } from '~/lib/query.ts'

export type AuditEntry = {
	actor: Pick<SessionUser, 'id' | 'role'> | null
	action: string
	entityType: string
	entityId?: string | null
	districtId?: string | null
	details?: Prisma.InputJsonValue
	ip?: string | null
}

/** Appends to the audit log; pass the transaction so the entry commits with what it records. */
export async function audit(entry: AuditEntry, tx: Tx | typeof prisma = prisma) {
	await tx.auditLog.create({
		data: {
			actorId: entry.actor?.id ?? null,
			actorRole: entry.actor?.role ?? null,
			action: entry.action,
			entityType: entry.entityType,
			entityId: entry.entityId ?? null,
			districtId: entry.districtId ?? null,
			details: entry.details ?? {},
			ip: entry.ip ?? null,
		},
	})
}

export type AuditFilter = {
	/** A name or phone: entries by the accounts it matches. */
	actor?: string
	action?: string
	entityType?: string
	/** An object's id (or its start, as shown). */
	entityId?: string
	/** YYYY-MM-DD, Asia/Shanghai, inclusive. */
	from?: string
	to?: string
}

async function whereOf(user: SessionUser, filter: AuditFilter): Promise<Prisma.AuditLogWhereInput> {
	const and: Prisma.AuditLogWhereInput[] = []
	if (user.role === 'bureau_district') and.push({ districtId: user.districtId })
	if (filter.action) and.push({ action: filter.action })
	if (filter.entityType) and.push({ entityType: filter.entityType })
	if (filter.entityId) and.push({ entityId: { startsWith: filter.entityId } })
	if (filter.from) and.push({ at: { gte: fromShanghai(filter.from) } })
	if (filter.to) and.push({ at: { lt: fromShanghai(addDays(filter.to, 1)) } })
	if (filter.actor) {
		const actors = await prisma.user.findMany({ where: { OR: [{ name: { contains: filter.actor } }, { phone: filter.actor }] }, select: { id: true }, take: 50 })
		and.push({ actorId: { in: actors.map((a) => a.id) } })
	}
	return { AND: and }
}

/**
 * What an entry is about, in words: the elder's, provider's or account's name, the run's month, the
 * booking's service and elder, the bed's room and label — looked up per kind in one query each.
 */
async function objectLabels(rows: { entityType: string; entityId: string | null }[]): Promise<Map<string, string>> {
	const ids = (type: string) => [...new Set(rows.filter((r) => r.entityType === type && r.entityId && isUuid(r.entityId)).map((r) => r.entityId!))]
	const out = new Map<string, string>()
	const put = (type: string, list: { id: string; label: string }[]) => list.forEach((r) => out.set(`${type}:${r.id}`, r.label))
	const elders = ids('elder')
	const providers = ids('provider')
	const users = [...ids('user'), ...ids('app_user'), ...ids('account')]
	const runs = ids('allowance_run')
	const applications = ids('subsidy_application')
	const grants = ids('subsidy_grant')
	const policies = ids('subsidy_policy')
	const bookings = ids('booking')
	const beds = ids('bed')
	const visits = ids('visit')
	const complaints = ids('complaint')
	const rightsRequests = ids('rights_request')
	await Promise.all([
		elders.length && prisma.elder.findMany({ where: { id: { in: elders } }, select: { id: true, name: true } }).then((r) => put('elder', r.map((e) => ({ id: e.id, label: e.name })))),
		providers.length && prisma.provider.findMany({ where: { id: { in: providers } }, select: { id: true, name: true } }).then((r) => put('provider', r.map((p) => ({ id: p.id, label: p.name })))),
		users.length &&
			prisma.user.findMany({ where: { id: { in: users } }, select: { id: true, name: true } }).then((r) => ['user', 'app_user', 'account'].forEach((type) => put(type, r.map((u) => ({ id: u.id, label: u.name }))))),
		runs.length && prisma.allowanceRun.findMany({ where: { id: { in: runs } }, select: { id: true, month: true } }).then((r) => put('allowance_run', r.map((x) => ({ id: x.id, label: x.month })))),
		applications.length &&
			prisma.subsidyApplication.findMany({ where: { id: { in: applications } }, select: { id: true, elder: { select: { name: true } }, policy: { select: { nameZh: true } } } }).then((r) => put('subsidy_application', r.map((a) => ({ id: a.id, label: `${a.elder.name} · ${a.policy.nameZh}` })))),
		grants.length &&
			prisma.subsidyGrant.findMany({ where: { id: { in: grants } }, select: { id: true, elder: { select: { name: true } }, policy: { select: { nameZh: true } } } }).then((r) => put('subsidy_grant', r.map((g) => ({ id: g.id, label: `${g.elder.name} · ${g.policy.nameZh}` })))),
		policies.length && prisma.subsidyPolicy.findMany({ where: { id: { in: policies } }, select: { id: true, nameZh: true } }).then((r) => put('subsidy_policy', r.map((p) => ({ id: p.id, label: p.nameZh })))),
		bookings.length &&
			prisma.booking.findMany({ where: { id: { in: bookings } }, select: { id: true, offering: { select: { title: true } }, elder: { select: { name: true } } } }).then((r) => put('booking', r.map((b) => ({ id: b.id, label: `${b.offering.title} · ${b.elder.name}` })))),
		beds.length &&
			prisma.bed.findMany({ where: { id: { in: beds } }, select: { id: true, label: true, room: { select: { name: true } }, provider: { select: { name: true } } } }).then((r) => put('bed', r.map((b) => ({ id: b.id, label: `${b.provider.name} ${b.room.name} ${b.label}` })))),
		visits.length &&
			prisma.visit.findMany({ where: { id: { in: visits } }, select: { id: true, booking: { select: { offering: { select: { title: true } }, elder: { select: { name: true } } } } } }).then((r) => put('visit', r.map((v) => ({ id: v.id, label: `${v.booking.offering.title} · ${v.booking.elder.name}` })))),
		complaints.length && prisma.complaint.findMany({ where: { id: { in: complaints } }, select: { id: true, provider: { select: { name: true } } } }).then((r) => put('complaint', r.map((c) => ({ id: c.id, label: c.provider.name })))),
		rightsRequests.length &&
			prisma.rightsRequest.findMany({ where: { id: { in: rightsRequests } }, select: { id: true, elder: { select: { name: true } } } }).then((r) => put('rights_request', r.map((q) => ({ id: q.id, label: q.elder.name })))),
	])
	return out
}


export type AuditRow = { id: string; at: Date; actorId: string | null; actorRole: string | null; actorName: string | null; action: string; entityType: string; entityId: string | null; objectLabel: string | null; districtId: string | null }

async function readable(rows: { id: bigint; at: Date; actorId: string | null; actorRole: string | null; action: string; entityType: string; entityId: string | null; districtId: string | null }[]): Promise<AuditRow[]> {
	const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))]
	const [actors, labels] = await Promise.all([prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } }), objectLabels(rows)])
	const names = new Map(actors.map((a) => [a.id, a.name]))
	return rows.map((r) => ({
		...r,
		id: String(r.id),
		actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
		objectLabel: r.entityId ? (labels.get(`${r.entityType}:${r.entityId}`) ?? null) : null,
	}))
}

const rowSelect = { id: true, at: true, actorId: true, actorRole: true, action: true, entityType: true, entityId: true, districtId: true } as const

/** One page of the log in the user's scope (a district officer: their district), filtered, with names. */
export async function listAuditLog(user: SessionUser, opts: { page: number; pageSize?: number } & AuditFilter) {
	const pageSize = opts.pageSize ?? 50
	const rows = await prisma.auditLog.findMany({ where: await whereOf(user, opts), orderBy: { id: 'desc' }, ...pageWindow(opts.page, pageSize), select: rowSelect })
	return { hasMore: rows.length > pageSize, entries: await readable(rows.slice(0, pageSize)) }
}

export const AUDIT_EXPORT_LIMIT = 10_000

/** The filtered log for export (newest first, at most AUDIT_EXPORT_LIMIT rows); the export itself is audited. */
export async function exportAuditLog(user: SessionUser, filter: AuditFilter, ip: string | null) {
	const rows = await prisma.auditLog.findMany({ where: await whereOf(user, filter), orderBy: { id: 'desc' }, take: AUDIT_EXPORT_LIMIT, select: rowSelect })
	await audit({ actor: user, action: 'audit.export', entityType: 'audit_log', districtId: user.role === 'bureau_district' ? user.districtId : null, details: { filter, rows: rows.length }, ip })
	return readable(rows)
}
