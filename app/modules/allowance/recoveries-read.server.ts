// What the recoveries page, the home page and the finance office's file read (追回): payments for
// months after the elder's death, each with what came back so far (receipts) and what was written off
// (a waiver of the remainder). A payment is outstanding while amount − recovered − waived > 0; its rows
// are listed a page at a time (keyset), the totals over everything in the viewer's scope.
import { randomUUID } from 'node:crypto'
import { sql } from '~/lib/sql.server.ts'
import { countChangesToDecide, listPendingChanges } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { RecoveryMethod } from './rules.ts'

/** Rows per page of either list. */
export const RECOVERIES_PAGE_SIZE = 50

/** Officers who settle recoveries: a district's bureau (its own district) and the city (all). */
export const mayRecord = (user: SessionUser) => user.role === 'bureau_district' || user.role === 'bureau_city'

/** The payments a viewer sees (p): their district for a district officer, all for the city. */
export function districtScope(user: SessionUser) {
	return user.role === 'bureau_district' ? sql`p."districtId" = ${user.districtId ?? '-'}` : sql`TRUE`
}

/** A payment for a month after the month of death (p joined with its elder e). */
export const AFTER_DEATH = sql`e."deathDate" IS NOT NULL AND p.month > to_char(e."deathDate", 'YYYY-MM')`

/** What the payment p's receipts and waivers took, in fen. */
export const TAKEN = sql`(SELECT coalesce(sum(r."amountFen"), 0) FROM allowance_recovery r WHERE r."paymentId" = p.id)`

/** Payments (p, with elder e) after death, in the viewer's scope, with something still to get back: the list and its count share it. */
export const unsettled = (user: SessionUser) => sql`${AFTER_DEATH} AND ${districtScope(user)} AND p."amountFen" > ${TAKEN}`

/** Unsettled payments paid or still at the bank: the outstanding list, its settle card and the file share it. */
export const outstandingWhere = (user: SessionUser) => sql`p.status IN ('paid', 'sent') AND ${unsettled(user)}`

/** What was recovered and waived of payment p (a lateral join named rs). */
const SO_FAR = sql`CROSS JOIN LATERAL (SELECT coalesce(sum(r."amountFen") FILTER (WHERE r.outcome = 'recovered'), 0)::int AS "recoveredFen",
	coalesce(sum(r."amountFen") FILTER (WHERE r.outcome = 'waived'), 0)::int AS "waivedFen" FROM allowance_recovery r WHERE r."paymentId" = p.id) rs`

export type OutstandingRecovery = {
	paymentId: string
	elderId: string
	name: string
	idNumberMasked: string
	deathDate: string
	month: string
	amountFen: number
	recoveredFen: number
	remainingFen: number
	district: string
	inTransit: boolean
	waiverPending: boolean
}

const OUTSTANDING_COLUMNS = sql`p.id AS "paymentId", e.id AS "elderId", e.name, e."idNumberMasked", e."deathDate"::text AS "deathDate", p.month, p."amountFen", d."nameZh" AS district,
	rs."recoveredFen", (p."amountFen" - rs."recoveredFen" - rs."waivedFen")::int AS "remainingFen", p.status = 'sent' AS "inTransit",
	EXISTS (SELECT 1 FROM pending_change c WHERE c.kind = 'allowance_waiver' AND c.status = 'pending' AND c."subjectId" = p.id::text) AS "waiverPending"`

/** Payments after death with something still to get back, by elder, month and id, after the payment `after` (keyset). */
export async function outstandingPage(user: SessionUser, after: string | null, limit = RECOVERIES_PAGE_SIZE) {
	const from = after
		? sql`AND (e.name, p.month, p.id) > (SELECT e2.name, p2.month, p2.id FROM allowance_payment p2 JOIN elder e2 ON e2.id = p2."elderId" WHERE p2.id = ${after}::uuid)`
		: sql.empty
	const rows = await sql`SELECT ${OUTSTANDING_COLUMNS}
		 FROM allowance_payment p JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId" ${SO_FAR}
		 WHERE ${outstandingWhere(user)} ${from}
		 ORDER BY e.name, p.month, p.id LIMIT ${limit + 1}`.rows<OutstandingRecovery>()
	return { rows: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.paymentId : null }
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

export type RecoveryEntry = {
	id: string
	paymentId: string
	name: string
	idNumberMasked: string
	deathDate: string
	district: string
	month: string
	paymentFen: number
	amountFen: number
	outcome: 'recovered' | 'waived'
	method: RecoveryMethod | null
	reference: string | null
	reason: string | null
	settledOn: string
	recordedBy: string
	approvedBy: string | null
}

/** Receipts and waivers in scope, newest first, after the row `after` (keyset on createdAt, id); or those of one payment, oldest first. */
export async function entriesPage(user: SessionUser, opts: { after?: string | null; paymentId?: string; limit?: number }) {
	const limit = opts.limit ?? RECOVERIES_PAGE_SIZE
	const where = opts.paymentId
		? sql`r."paymentId" = ${opts.paymentId}::uuid`
		: opts.after
			? sql`(r."createdAt", r.id) < (SELECT r2."createdAt", r2.id FROM allowance_recovery r2 WHERE r2.id = ${opts.after}::uuid)`
			: sql`TRUE`
	const rows = await sql`SELECT r.id, r."paymentId", e.name, e."idNumberMasked", e."deathDate"::text AS "deathDate", d."nameZh" AS district, p.month, p."amountFen" AS "paymentFen", r."amountFen",
			r.outcome, r.method, r.reference, r.reason, r."settledOn"::text AS "settledOn", ru.name AS "recordedBy", au.name AS "approvedBy"
		FROM allowance_recovery r JOIN allowance_payment p ON p.id = r."paymentId" JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId"
		JOIN app_user ru ON ru.id = r."recordedById" LEFT JOIN app_user au ON au.id = r."approvedById"
		WHERE ${districtScope(user)} AND ${where} ORDER BY ${opts.paymentId ? sql`r."createdAt", r.id` : sql`r."createdAt" DESC, r.id DESC`} LIMIT ${limit + 1}`.rows<RecoveryEntry>()
	return { rows: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.id : null }
}

/**
 * Totals over every payment after death in the viewer's scope (paid, or still at the bank), read in
 * one statement so that outstanding + recovered + waived = paid after death, always.
 */
export async function recoveryTotals(user: SessionUser) {
	const row = await sql`SELECT coalesce(sum(p."amountFen" - rs."recoveredFen" - rs."waivedFen"), 0)::int AS "outstandingFen",
			coalesce(sum(rs."recoveredFen"), 0)::int AS "recoveredFen", coalesce(sum(rs."waivedFen"), 0)::int AS "waivedFen", coalesce(sum(p."amountFen"), 0)::int AS "paidAfterDeathFen"
		FROM allowance_payment p JOIN elder e ON e.id = p."elderId" ${SO_FAR}
		WHERE p.status IN ('paid', 'sent') AND ${AFTER_DEATH} AND ${districtScope(user)}`.first<{ outstandingFen: number; recoveredFen: number; waivedFen: number; paidAfterDeathFen: number }>()
	return row ?? { outstandingFen: 0, recoveredFen: 0, waivedFen: 0, paidAfterDeathFen: 0 }
}

/** One outstanding payment in the viewer's scope (the settle card), or null. */
async function outstandingPayment(user: SessionUser, paymentId: string) {
	return sql`SELECT ${OUTSTANDING_COLUMNS}
		 FROM allowance_payment p JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId" ${SO_FAR}
		 WHERE p.id = ${paymentId}::uuid AND ${outstandingWhere(user)}`.first<OutstandingRecovery>()
}

/**
 * The recoveries page: a page of what is outstanding and a page of receipts and waivers (each with
 * the cursor of the next), the waivers waiting for a second officer, the totals, and the payment
 * chosen to settle with its receipts so far and a fresh key for the form (a form sent twice records once).
 */
export async function recoveriesPage(user: SessionUser, query: { after: string | null; settledAfter: string | null; payment: string | null }) {
	const [outstanding, settled, pendingChanges, totals, chosen] = await Promise.all([
		outstandingPage(user, query.after),
		entriesPage(user, { after: query.settledAfter }),
		listPendingChanges(['allowance_waiver'], user),
		recoveryTotals(user),
		query.payment && mayRecord(user) ? outstandingPayment(user, query.payment) : null,
	])
	// A waiver shows the payment it gives up; one outside the viewer's district is not theirs to see.
	const proposed = pendingChanges.map((c) => c.payload as { paymentId: string; reason: string; amountFen?: number })
	const payments = proposed.length
		? new Map(
				(
					await sql`SELECT p.id, e.name, p.month, p."amountFen" FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
					WHERE p.id = ANY(${proposed.map((w) => w.paymentId)}::uuid[]) AND ${districtScope(user)}`.rows<{ id: string; name: string; month: string; amountFen: number }>()
				).map((p) => [p.id, p]),
			)
		: new Map<string, { name: string; month: string; amountFen: number }>()
	const waivers = pendingChanges.flatMap((c, i) => {
		const payload = proposed[i]!
		const payment = payments.get(payload.paymentId)
		return payment ? [{ ...c, reason: payload.reason, name: payment.name, month: payment.month, amountFen: payload.amountFen ?? payment.amountFen }] : []
	})
	const settle = chosen && !chosen.inTransit ? { payment: chosen, entries: (await entriesPage(user, { paymentId: chosen.paymentId, limit: 200 })).rows, idempotencyKey: randomUUID().replaceAll('-', '') } : null
	return {
		rows: outstanding.rows,
		next: outstanding.next,
		settled: settled.rows,
		settledNext: settled.next,
		waivers,
		totals,
		settle,
		mayRecord: mayRecord(user),
		mayApprove: user.role === 'bureau_city',
	}
}
