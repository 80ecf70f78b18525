// Changes that take effect only when a second officer approves them: allowance settings (tier
// amounts), subsidy policies, institution settings, the retention period and allowance waivers. The
// proposal is a row with the validated input; the decision locks the row, applies the change (the
// domain module's function, given the transaction) and records who decided, all or nothing. The
// two-person check refuses the proposer and anyone related to them by account creation; a CHECK
// constraint refuses decider = proposer in the database too.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, Refused } from '~/lib/db-rules.server.ts'
import { fail, ok, type Failure, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from './session.server.ts'
import { twoPersonRefusal } from './two-person.server.ts'

export type ChangeKind = 'allowance_settings' | 'subsidy_policy_create' | 'subsidy_policy_version' | 'construction_rate' | 'grading_criteria' | 'inspection_limit' | 'identity_retention' | 'allowance_waiver'

export async function proposeChange(user: SessionUser, kind: ChangeKind, payload: Prisma.InputJsonValue, subjectId: string | null, ip: string | null): Promise<Outcome<{ id: string }>> {
	const row = await transaction(async (tx) => {
		const created = await tx.pendingChange.create({ data: { kind, payload, subjectId, proposedById: user.id }, select: { id: true } })
		await audit({ actor: user, action: 'change.propose', entityType: 'pending_change', entityId: created.id, details: { kind, subjectId, payload }, ip }, tx)
		return created
	})
	return ok(row)
}

/** Pending changes of these kinds someone other than the viewer proposed: what waits for their second pair of eyes. */
export async function countChangesToDecide(kinds: readonly ChangeKind[], viewer: SessionUser) {
	return prisma.pendingChange.count({ where: { kind: { in: [...kinds] }, status: 'pending', proposedById: { not: viewer.id } } })
}

/** Pending changes of these kinds, oldest first, with who proposed them. */
export async function listPendingChanges(kinds: readonly ChangeKind[], viewer: SessionUser) {
	const rows = await prisma.pendingChange.findMany({
		where: { kind: { in: [...kinds] }, status: 'pending' },
		orderBy: { proposedAt: 'asc' },
		take: 100,
		select: { id: true, kind: true, subjectId: true, payload: true, proposedById: true, proposedAt: true },
	})
	const names = new Map((await prisma.user.findMany({ where: { id: { in: rows.map((r) => r.proposedById) } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]))
	return rows.map((r) => ({ ...r, proposedAt: r.proposedAt.toISOString(), proposedBy: names.get(r.proposedById) ?? '', viewerIsProposer: r.proposedById === viewer.id }))
}

/**
 * A second officer approves or rejects a pending change. `apply` writes the change inside the
 * decision's transaction and may refuse it (the change then stays pending). `proposer` is passed so
 * the written rows can name their maker.
 */
export async function decideChange(
	approver: SessionUser,
	input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null },
	kinds: readonly ChangeKind[],
	apply: (change: { kind: ChangeKind; payload: Prisma.JsonValue; proposedById: string }, tx: Tx) => Promise<Outcome<unknown> | Failure>,
	ip: string | null,
): Promise<Outcome<null>> {
	const row = await prisma.pendingChange.findUnique({ where: { id: input.changeId }, select: { kind: true, proposedById: true } })
	if (!row || !kinds.includes(row.kind as ChangeKind)) return fail('errors.change.unknown', 404)
	const twoPerson = await twoPersonRefusal(approver, [row.proposedById], { sameAccountMessage: 'errors.change.ownProposal' })
	if (twoPerson) return twoPerson
	try {
		return await transaction(async (tx) => {
		const locked = await sql`SELECT kind, payload, status, "proposedById" FROM pending_change WHERE id = ${input.changeId}::uuid FOR UPDATE`.first<{ kind: ChangeKind; payload: Prisma.JsonValue; status: string; proposedById: string }>(tx)
		if (!locked) return fail('errors.change.unknown', 404)
		if (locked.status !== 'pending') return fail('errors.change.alreadyDecided', 409)
		if (input.decision === 'approve') {
			const applied = await apply({ kind: locked.kind, payload: locked.payload, proposedById: locked.proposedById }, tx)
			// A refusal rolls back whatever the change wrote; the change stays pending.
			if (!applied.ok) throw new Refused(applied)
		}
		await tx.pendingChange.update({
			where: { id: input.changeId },
			data: { status: input.decision === 'approve' ? 'approved' : 'rejected', decidedById: approver.id, decidedAt: new Date(), decisionNote: input.note || null },
		})
		await audit({ actor: approver, action: `change.${input.decision}`, entityType: 'pending_change', entityId: input.changeId, details: { kind: locked.kind, proposedById: locked.proposedById, note: input.note ?? '' }, ip }, tx)
		return ok()
		})
	} catch (error) {
		return failureOf(error)
	}
}
