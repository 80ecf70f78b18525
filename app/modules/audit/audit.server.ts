import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, type Tx } from '~/lib/db.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

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

export async function listAuditLog(user: SessionUser, opts: { page: number; pageSize?: number; action?: string }) {
	const pageSize = opts.pageSize ?? 50
	const where: Prisma.AuditLogWhereInput = {
		...(user.role === 'bureau_district' ? { districtId: user.districtId } : {}),
		...(opts.action ? { action: opts.action } : {}),
	}
	const rows = await prisma.auditLog.findMany({
		where,
		orderBy: { id: 'desc' },
		skip: (opts.page - 1) * pageSize,
		take: pageSize + 1,
		select: { id: true, at: true, actorId: true, actorRole: true, action: true, entityType: true, entityId: true, districtId: true, details: true },
	})
	const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))]
	const actors = await prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })
	const names = new Map(actors.map((a) => [a.id, a.name]))
	return {
		hasMore: rows.length > pageSize,
		entries: rows.slice(0, pageSize).map((r) => ({ ...r, id: String(r.id), actorName: r.actorId ? names.get(r.actorId) ?? null : null })),
	}
}
