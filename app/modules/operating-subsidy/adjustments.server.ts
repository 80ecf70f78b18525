// Corrections of an approved operating subsidy statement (补发 / 扣减). A statement is computed once and
// frozen; when it was wrong (an admission recorded late, a level corrected on appeal) a district
// officer proposes a signed amount with the reason, and a city officer who did not propose it (nor is
// related to the proposer: twoPersonRefusal, and the trigger operating_subsidy_adjustment_guard behind
// it) approves or rejects it. An approved adjustment is paid with the export of the month it was
// approved in (statements.server.ts, exportMonth); what a month pays never goes below zero.
import { z } from 'zod'
import { failureOf } from '~/lib/db-rules.server.ts'
import { transaction, type Tx } from '~/lib/db.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { findStatement } from './statements.server.ts'

export type Adjustment = {
	id: string
	amountFen: number
	reason: string
	status: 'proposed' | 'approved' | 'rejected'
	proposedById: string
	proposedByName: string
	proposedAt: string
	decidedByName: string | null
	decidedAt: string | null
	decisionNote: string | null
}

/** The adjustments of a statement the user may see (getStatement's scope), oldest first. */
export async function listAdjustments(statementId: string): Promise<Adjustment[]> {
	return sql`SELECT a.id, a."amountFen", a.reason, a.status, a."proposedById", p.name AS "proposedByName", a."proposedAt", d.name AS "decidedByName", a."decidedAt", a."decisionNote"
		FROM operating_subsidy_adjustment a JOIN app_user p ON p.id = a."proposedById" LEFT JOIN app_user d ON d.id = a."decidedById"
		WHERE a."statementId" = ${statementId}::uuid ORDER BY a."proposedAt", a.id`
		.rows<Omit<Adjustment, 'proposedAt' | 'decidedAt'> & { proposedAt: Date; decidedAt: Date | null }>()
		.then((rows) => rows.map((r) => ({ ...r, proposedAt: r.proposedAt.toISOString(), decidedAt: r.decidedAt?.toISOString() ?? null })))
}

/** What the month pays the institution after its approved adjustments. */
async function paidAfterAdjustments(statementId: string, tx: Tx) {
	const row = await sql`SELECT coalesce(s."totalFen", 0)::bigint + coalesce((SELECT sum(a."amountFen") FROM operating_subsidy_adjustment a WHERE a."statementId" = s.id AND a.status = 'approved'), 0)::bigint AS paid
		FROM operating_subsidy_statement s WHERE s.id = ${statementId}::uuid FOR UPDATE OF s`.first<{ paid: number }>(tx)
	return Number(row?.paid ?? 0)
}

/** A district officer of the institution's district proposes a correction of an approved statement. */
export async function proposeAdjustment(user: SessionUser, statementId: string, input: { amountFen: number; reason: string }, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (user.role !== 'bureau_district') return fail('beds:operating.errors.districtReviews', 403)
	const statement = await findStatement(user, statementId)
	if (!statement) return fail('beds:operating.errors.notFound', 404)
	if (statement.status !== 'approved') return fail('beds:operating.errors.adjustApprovedOnly', 409)
	try {
		return await transaction(async (tx) => {
			// The statement row is locked: proposals and decisions on one statement take turns.
			const paid = await paidAfterAdjustments(statementId, tx)
			if (paid + input.amountFen < 0) return fieldFail('amount', 'beds:operating.errors.adjustmentBelowZero', 409)
			const row = await sql`INSERT INTO operating_subsidy_adjustment ("statementId", "providerId", "districtId", "amountFen", reason, "proposedById")
				VALUES (${statementId}::uuid, ${statement.providerId}::uuid, ${statement.districtId}, ${input.amountFen}, ${input.reason}, ${user.id}::uuid) RETURNING id`.first<{ id: string }>(tx)
			await audit({ actor: user, action: 'operating_subsidy.adjustment_propose', entityType: 'operating_subsidy_statement', entityId: statementId, districtId: statement.districtId, ip, details: { adjustmentId: row!.id, month: statement.month, amountFen: input.amountFen, reason: input.reason } }, tx)
			return ok({ id: row!.id })
		})
	} catch (error) {
		return failureOf(error)
	}
}

/** A city officer approves or rejects the open proposal of a statement; never its proposer (nor one related to them). */
export async function decideAdjustment(user: SessionUser, statementId: string, input: { adjustmentId: string; decision: 'approve' | 'reject'; note: string }, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail('beds:operating.errors.cityApproves', 403)
	const statement = await findStatement(user, statementId)
	if (!statement || !z.uuid().safeParse(input.adjustmentId).success) return fail('beds:operating.errors.notFound', 404)
	const proposal = await sql`SELECT "proposedById", "amountFen", status FROM operating_subsidy_adjustment WHERE id = ${input.adjustmentId}::uuid AND "statementId" = ${statementId}::uuid`.first<{
		proposedById: string
		amountFen: number
		status: string
	}>()
	if (!proposal) return fail('beds:operating.errors.notFound', 404)
	if (proposal.status !== 'proposed') return fail('beds:operating.errors.outOfOrder', 409)
	const refusal = await twoPersonRefusal(user, [proposal.proposedById])
	if (refusal) return refusal
	if (input.decision === 'reject' && !input.note) return fieldFail('note', 'beds:operating.errors.rejectNote')
	try {
		return await transaction(async (tx) => {
			const paid = await paidAfterAdjustments(statementId, tx)
			if (input.decision === 'approve' && paid + proposal.amountFen < 0) return fail('beds:operating.errors.adjustmentBelowZero', 409)
			const status = input.decision === 'approve' ? 'approved' : 'rejected'
			const row = await sql`UPDATE operating_subsidy_adjustment SET status = ${status}, "decidedById" = ${user.id}::uuid, "decidedAt" = now(), "decisionNote" = ${input.note || null}
				WHERE id = ${input.adjustmentId}::uuid AND status = 'proposed' RETURNING id`.first(tx)
			if (!row) return fail('beds:operating.errors.outOfOrder', 409)
			// The institution hears of it in its inbox (in-app only: no SMS template for it).
			await notify(tx, { providerId: statement.providerId }, input.decision === 'approve' ? 'operating.adjustment_approved' : 'operating.adjustment_rejected', {
				params: { month: statement.month, amountFen: proposal.amountFen, note: input.note, statementId },
				dedupe: input.adjustmentId,
			})
			await audit(
				{ actor: user, action: `operating_subsidy.adjustment_${input.decision}`, entityType: 'operating_subsidy_statement', entityId: statementId, districtId: statement.districtId, ip, details: { adjustmentId: input.adjustmentId, month: statement.month, amountFen: proposal.amountFen, note: input.note } },
				tx,
			)
			return ok()
		})
	} catch (error) {
		return failureOf(error)
	}
}
