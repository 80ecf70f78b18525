// Allowance paid for months after the elder's death (追回). Each such payment is listed until it is
// settled, once (allowance_recovery, keyed by the payment): recovered (the bank reversed it or the
// family repaid it, with the reference of the receipt), recorded by an officer of the payment's
// district or the city; or waived (written off, with the reason), proposed by such an officer and
// approved by a second city officer (a pending change of kind 'allowance_waiver'; the database
// refuses a waiver without two different people). A payment still at the bank ('sent') waits: the
// bank may yet return it.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma } from '~/lib/db.server.ts'
import { refuse, transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { countChangesToDecide, decideChange, listPendingChanges, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { RecoveryMethod } from './rules.ts'

const E = (key: string) => `allowance:recoveries.errors.${key}`

/** Officers who settle recoveries: a district's bureau (its own district) and the city (all). */
const mayRecord = (user: SessionUser) => user.role === 'bureau_district' || user.role === 'bureau_city'

/** The payments a viewer sees (p): their district for a district officer, all for the city. */
function districtScope(user: SessionUser) {
	return user.role === 'bureau_district' ? sql`p."districtId" = ${user.districtId ?? '-'}` : sql`TRUE`
}

/** A payment for a month after the month of death (p joined with its elder e). */
const AFTER_DEATH = sql`e."deathDate" IS NOT NULL AND p.month > to_char(e."deathDate", 'YYYY-MM')`

/** Payments (p, with elder e) after death, in the viewer's scope, not yet settled: the list and its count share it. */
const unsettled = (user: SessionUser) => sql`${AFTER_DEATH} AND ${districtScope(user)} AND NOT EXISTS (SELECT 1 FROM allowance_recovery r WHERE r."paymentId" = p.id)`

export type OutstandingRecovery = {
	paymentId: string
	elderId: string
	name: string
	idNumberMasked: string
	deathDate: string
	month: string
	amountFen: number
	district: string
	inTransit: boolean
	waiverPending: boolean
}

/** Payments after death not yet settled, by elder and month, with whether a waiver waits for approval. */
async function outstanding(user: SessionUser) {
	return sql`SELECT p.id AS "paymentId", e.id AS "elderId", e.name, e."idNumberMasked", e."deathDate"::text AS "deathDate", p.month, p."amountFen", d."nameZh" AS district,
			p.status = 'sent' AS "inTransit",
			EXISTS (SELECT 1 FROM pending_change c WHERE c.kind = 'allowance_waiver' AND c.status = 'pending' AND c."subjectId" = p.id::text) AS "waiverPending"
		 FROM allowance_payment p JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId"
		 WHERE p.status IN ('paid', 'sent') AND ${unsettled(user)}
		 ORDER BY e.name, p.month LIMIT 2000`.rows<OutstandingRecovery>()
}

/** How many payments after death the district officer still has to settle (the home page). */
export async function countRecoveriesOutstanding(user: SessionUser) {
	if (user.role !== 'bureau_district') return 0
	const row = await sql`SELECT count(*)::int AS n FROM allowance_payment p JOIN elder e ON e.id = p."elderId" WHERE p.status = 'paid' AND ${unsettled(user)}`.first<{ n: number }>()
	return row?.n ?? 0
}

/** Waivers another officer proposed, waiting for this city officer's approval (the home page). */
export async function countWaiversToDecide(user: SessionUser) {
	return user.role === 'bureau_city' ? countChangesToDecide(['allowance_waiver'], user) : 0
}

/** Settled payments in scope, newest first. */
function settledRows(user: SessionUser, limit: number) {
	return sql`SELECT r."paymentId", e.name, e."idNumberMasked", e."deathDate"::text AS "deathDate", d."nameZh" AS district, p.month, p."amountFen",
			r.outcome, r.method, r.reference, r.reason, r."settledOn"::text AS "settledOn", ru.name AS "recordedBy", au.name AS "approvedBy"
		FROM allowance_recovery r JOIN allowance_payment p ON p.id = r."paymentId" JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId"
		JOIN app_user ru ON ru.id = r."recordedById" LEFT JOIN app_user au ON au.id = r."approvedById"
		WHERE ${districtScope(user)} ORDER BY r."createdAt" DESC LIMIT ${limit}`.rows<{
		paymentId: string
		name: string
		idNumberMasked: string
		deathDate: string
		district: string
		month: string
		amountFen: number
		outcome: 'recovered' | 'waived'
		method: RecoveryMethod | null
		reference: string | null
		reason: string | null
		settledOn: string
		recordedBy: string
		approvedBy: string | null
	}>()
}

/** Everything the page shows, in full, for the finance office's file: outstanding first, then settled (newest first). */
export async function recoveriesForExport(user: SessionUser) {
	const [rows, settled] = await Promise.all([outstanding(user), settledRows(user, 20_000)])
	return { rows, settled }
}

/** The recoveries page: what is outstanding, the waivers waiting for a second officer, what was settled lately, and the totals. */
export async function recoveriesPage(user: SessionUser) {
	const [rows, pendingChanges, settled, totals] = await Promise.all([
		outstanding(user),
		listPendingChanges(['allowance_waiver'], user),
		settledRows(user, 200),
		sql`SELECT coalesce(sum(p."amountFen") FILTER (WHERE r.outcome = 'recovered'), 0)::int AS "recoveredFen",
			coalesce(sum(p."amountFen") FILTER (WHERE r.outcome = 'waived'), 0)::int AS "waivedFen"
		FROM allowance_recovery r JOIN allowance_payment p ON p.id = r."paymentId" WHERE ${districtScope(user)}`.first<{ recoveredFen: number; waivedFen: number }>(),
	])
	// A waiver shows the payment it gives up; one outside the viewer's district is not theirs to see.
	const byPayment = new Map(rows.map((r) => [r.paymentId, r]))
	const waivers = pendingChanges.flatMap((c) => {
		const payload = c.payload as { paymentId: string; reason: string }
		const payment = byPayment.get(payload.paymentId)
		return payment ? [{ ...c, reason: payload.reason, name: payment.name, month: payment.month, amountFen: payment.amountFen }] : []
	})
	return {
		rows,
		waivers,
		settled,
		totals: { outstandingFen: rows.reduce((a, r) => a + r.amountFen, 0), recoveredFen: totals?.recoveredFen ?? 0, waivedFen: totals?.waivedFen ?? 0 },
		mayRecord: mayRecord(user),
		mayApprove: user.role === 'bureau_city',
	}
}

/** The payment to settle, if the officer may settle it: after death, in their scope, paid and not yet settled. */
async function settleable(user: SessionUser, paymentId: string): Promise<Outcome<{ id: string; districtId: string; amountFen: number; month: string; elderId: string }>> {
	if (!mayRecord(user)) return fail(E('notInScope'), 403)
	const p = await sql`SELECT p.id, p."districtId", p."amountFen", p.month, p.status::text AS status, p."elderId",
			EXISTS (SELECT 1 FROM allowance_recovery r WHERE r."paymentId" = p.id) AS settled
		FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
		WHERE p.id = ${paymentId}::uuid AND ${AFTER_DEATH} AND ${districtScope(user)}`.first<{ id: string; districtId: string; amountFen: number; month: string; status: string; elderId: string; settled: boolean }>()
	if (!p) return fieldFail('paymentId', E('unknown'), 404)
	if (p.settled) return fail(E('alreadySettled'), 409)
	if (p.status === 'sent') return fail(E('inTransit'), 409)
	if (p.status !== 'paid') return fail(E('notPaid'), 409)
	return ok(p)
}

/** Records money that came back for a payment after death. Audited; final. */
export async function recordRecovery(
	user: SessionUser,
	input: { paymentId: string; method: RecoveryMethod; reference: string; settledOn: string },
	ip: string | null,
	today = shanghaiDate(),
): Promise<Outcome<null>> {
	if (input.settledOn > today) return fieldFail('settledOn', E('settledOnFuture'))
	const payment = await settleable(user, input.paymentId)
	if (!payment.ok) return payment
	const p = payment.value
	return transactionOutcome(async (tx) => {
		const inserted = await sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, method, reference, "settledOn", "recordedById")
			VALUES (${p.id}::uuid, ${p.districtId}, 'recovered', ${input.method}, ${input.reference}, ${input.settledOn}::date, ${user.id}::uuid)
			ON CONFLICT ("paymentId") DO NOTHING RETURNING 1 AS x`.first(tx)
		if (!inserted) refuse(null, E('alreadySettled'), 409)
		await audit({ actor: user, action: 'allowance.recovery_record', entityType: 'allowance_payment', entityId: p.id, districtId: p.districtId, ip, details: { elderId: p.elderId, month: p.month, amountFen: p.amountFen, method: input.method, reference: input.reference, settledOn: input.settledOn } }, tx)
		return ok(null)
	})
}

/** Proposes to give up a payment after death (the family cannot repay, the estate is closed…): a second city officer decides. */
export async function proposeWaiver(user: SessionUser, input: { paymentId: string; reason: string }, ip: string | null): Promise<Outcome<{ id: string }>> {
	const payment = await settleable(user, input.paymentId)
	if (!payment.ok) return payment
	if (await prisma.pendingChange.count({ where: { kind: 'allowance_waiver', status: 'pending', subjectId: input.paymentId } })) return fail(E('waiverPending'), 409)
	return proposeChange(user, 'allowance_waiver', { paymentId: input.paymentId, reason: input.reason } satisfies Prisma.InputJsonValue, input.paymentId, ip)
}

/** A second city officer approves (the payment is written off, final) or rejects a proposed waiver. */
export async function decideWaiver(user: SessionUser, input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null }, ip: string | null, today = shanghaiDate()): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail(E('cityApproves'), 403)
	return decideChange(
		user,
		input,
		['allowance_waiver'],
		async (change, tx) => {
			const { paymentId, reason } = change.payload as { paymentId: string; reason: string }
			const p = await sql`SELECT p."districtId", p."amountFen", p.month, p."elderId" FROM allowance_payment p WHERE p.id = ${paymentId}::uuid`.first<{ districtId: string; amountFen: number; month: string; elderId: string }>(tx)
			if (!p) return fail(E('unknown'), 404)
			const inserted = await sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, reason, "settledOn", "recordedById", "approvedById")
				VALUES (${paymentId}::uuid, ${p.districtId}, 'waived', ${reason}, ${today}::date, ${change.proposedById}::uuid, ${user.id}::uuid)
				ON CONFLICT ("paymentId") DO NOTHING RETURNING 1 AS x`.first(tx)
			if (!inserted) return fail(E('alreadySettled'), 409)
			await audit({ actor: user, action: 'allowance.recovery_waive', entityType: 'allowance_payment', entityId: paymentId, districtId: p.districtId, ip, details: { elderId: p.elderId, month: p.month, amountFen: p.amountFen, reason, proposedById: change.proposedById } }, tx)
			return ok(null)
		},
		ip,
	)
}
