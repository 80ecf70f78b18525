// Allowance paid for months after the elder's death (追回) comes back in parts: the bank reverses
// what is left in the elder's 一卡通 account, the family repays the rest, sometimes in instalments.
// Each receipt (amount, method, reference, date) is recorded by an officer of the payment's district
// or the city; what cannot be got back is waived: one officer proposes to write off the remainder (the
// amount fixed when proposed) and a second city officer approves it (a pending change of kind
// 'allowance_waiver'; the database refuses a waiver without two different people). Receipts and
// waivers never add up to more than the payment (the payment row is locked; a trigger checks it
// too), and are final. A payment still at the bank ('sent') waits: the bank may yet return it.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, type Tx } from '~/lib/db.server.ts'
import { refuse, transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { decideChange, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { AFTER_DEATH, districtScope, mayRecord, TAKEN } from './recoveries-read.server.ts'
import type { RecoveryMethod } from './rules.ts'

const E = (key: string) => `allowance:recoveries.errors.${key}`

type Payment = { id: string; districtId: string; amountFen: number; month: string; status: string; elderId: string; remainingFen: number }

/**
 * A payment after death in the officer's scope, with what its receipts and waivers left of it; in a
 * transaction, its row locked (FOR NO KEY UPDATE: two recordings for one payment wait for each other).
 */
function paymentAfterDeath(user: SessionUser, paymentId: string, tx?: Tx) {
	return sql`SELECT p.id, p."districtId", p."amountFen", p.month, p.status::text AS status, p."elderId",
			(p."amountFen" - ${TAKEN})::int AS "remainingFen"
		FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
		WHERE p.id = ${paymentId}::uuid AND ${AFTER_DEATH} AND ${districtScope(user)} ${tx ? sql`FOR NO KEY UPDATE OF p` : sql.empty}`.first<Payment>(tx)
}

/** Why a payment cannot take a receipt or a waiver now, if it cannot: still at the bank, never paid, nothing left. */
function notOpen(p: Payment): Outcome<never> | null {
	if (p.status === 'sent') return fail(E('inTransit'), 409)
	if (p.status !== 'paid') return fail(E('notPaid'), 409)
	if (p.remainingFen <= 0) return fail(E('alreadySettled'), 409)
	return null
}

/**
 * Records money that came back for a payment after death: at most what remains. The form carries a
 * key; the same form sent again (a double click, a retried request) records nothing more and answers
 * as the first did. Audited; final.
 */
export async function recordRecovery(
	user: SessionUser,
	input: { paymentId: string; amountFen: number; method: RecoveryMethod; reference: string; settledOn: string; idempotencyKey: string },
	ip: string | null,
	today = shanghaiDate(),
): Promise<Outcome<{ duplicate: boolean; remainingFen: number }>> {
	if (!mayRecord(user)) return fail(E('notInScope'), 403)
	if (input.settledOn > today) return fieldFail('settledOn', E('settledOnFuture'))
	return transactionOutcome(async (tx) => {
		const p = await paymentAfterDeath(user, input.paymentId, tx)
		if (!p) refuse('paymentId', E('unknown'), 404)
		const first = await sql`SELECT "paymentId" FROM allowance_recovery WHERE "recordedById" = ${user.id}::uuid AND "idempotencyKey" = ${input.idempotencyKey}`.first<{ paymentId: string }>(tx)
		if (first) return first.paymentId === p.id ? ok({ duplicate: true, remainingFen: p.remainingFen }) : fail(E('formExpired'), 409)
		const closed = notOpen(p)
		if (closed) return closed
		const { remainingFen } = p
		if (input.amountFen > remainingFen) refuse('amount', E('exceedsRemaining'), 409)
		await sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, "amountFen", method, reference, "settledOn", "recordedById", "idempotencyKey")
			VALUES (${p.id}::uuid, ${p.districtId}, 'recovered', ${input.amountFen}, ${input.method}, ${input.reference}, ${input.settledOn}::date, ${user.id}::uuid, ${input.idempotencyKey})`.run(tx)
		await audit(
			{
				actor: user,
				action: 'allowance.recovery_record',
				entityType: 'allowance_payment',
				entityId: p.id,
				districtId: p.districtId,
				ip,
				details: { elderId: p.elderId, month: p.month, paymentFen: p.amountFen, amountFen: input.amountFen, remainingFen: remainingFen - input.amountFen, method: input.method, reference: input.reference, settledOn: input.settledOn },
			},
			tx,
		)
		return ok({ duplicate: false, remainingFen: remainingFen - input.amountFen })
	})
}

/**
 * Proposes to write off what remains of a payment after death (the family cannot repay, the estate is
 * closed…): the amount is fixed now; a second city officer decides.
 */
export async function proposeWaiver(user: SessionUser, input: { paymentId: string; reason: string }, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (!mayRecord(user)) return fail(E('notInScope'), 403)
	const p = await paymentAfterDeath(user, input.paymentId)
	if (!p) return fieldFail('paymentId', E('unknown'), 404)
	const closed = notOpen(p)
	if (closed) return closed
	if (await prisma.pendingChange.count({ where: { kind: 'allowance_waiver', status: 'pending', subjectId: input.paymentId } })) return fail(E('waiverPending'), 409)
	return proposeChange(user, 'allowance_waiver', { paymentId: input.paymentId, reason: input.reason, amountFen: p.remainingFen } satisfies Prisma.InputJsonValue, input.paymentId, ip)
}

/**
 * A second city officer approves (the remainder is written off, final) or rejects a proposed waiver.
 * An approval is refused when the remainder is no longer the amount proposed (money came back since):
 * the proposal is then rejected and proposed again for what remains.
 */
export async function decideWaiver(user: SessionUser, input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null }, ip: string | null, today = shanghaiDate()): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail(E('cityApproves'), 403)
	return decideChange(
		user,
		input,
		['allowance_waiver'],
		async (change, tx) => {
			// A proposal made before waivers were of the remainder gave up the whole payment.
			const { paymentId, reason, amountFen: proposedFen } = change.payload as { paymentId: string; reason: string; amountFen?: number }
			const p = await paymentAfterDeath(user, paymentId, tx)
			if (!p) return fail(E('unknown'), 404)
			const closed = notOpen(p)
			if (closed) return closed
			const { remainingFen } = p
			if (remainingFen !== (proposedFen ?? p.amountFen)) return fail(E('remainderChanged'), 409)
			await sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, "amountFen", reason, "settledOn", "recordedById", "approvedById", "changeId")
				VALUES (${paymentId}::uuid, ${p.districtId}, 'waived', ${remainingFen}, ${reason}, ${today}::date, ${change.proposedById}::uuid, ${user.id}::uuid, ${input.changeId}::uuid)`.run(tx)
			await audit(
				{ actor: user, action: 'allowance.recovery_waive', entityType: 'allowance_payment', entityId: paymentId, districtId: p.districtId, ip, details: { elderId: p.elderId, month: p.month, paymentFen: p.amountFen, amountFen: remainingFen, reason, proposedById: change.proposedById } },
				tx,
			)
			return ok(null)
		},
		ip,
	)
}
