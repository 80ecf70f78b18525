// The subsidy side of a booking, called by the marketplace's booking core: the quote's split
// (once per request, before the booking's transaction), the hold in the booking's transaction, the
// release when a booking ends without service and the capture when it is completed. The grant paying is recorded as the booking's subsidyRef; the
// ledger reference of the hold is the booking id, so each booking holds, captures or releases once.
import type { Db, Tx } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { captureHold, holdCredit, LedgerError, releaseHold, reverseCapture, txSql, pgSql, type Sql } from './ledger.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { splitPrice } from './rules.ts'

export type SubsidyQuote = {
	priceFen: number
	subsidyFen: number
	copayFen: number
	/** Grant paying the subsidy part. */
	grantId: string | null
	/** Why there is no subsidy although the elder holds a grant (for the page). */
	note: 'notCovered' | 'noCredit' | 'stacking' | null
	creditLeftFen: number
	copayBps: number | null
}

type GrantRow = { id: string; policyId: string; coveredCategories: string[]; copayBps: number; effectiveFrom: string; validUntil: string | null; availableFen: number; policyCode: string }

/** The quote of an elder who holds no active grant: the family pays the whole price. */
export function unsubsidised(priceFen: number): SubsidyQuote {
	return { priceFen, subsidyFen: 0, copayFen: priceFen, grantId: null, note: null, creditLeftFen: 0, copayBps: null }
}

/** SQL condition true when elder `elderIdColumn` holds an active grant (when false, the quote is unsubsidised()). */
export const HAS_ACTIVE_GRANT = (elderIdColumn: string) => `EXISTS (SELECT 1 FROM subsidy_grant g WHERE g."elderId" = ${elderIdColumn} AND g.status = 'active')`

/**
 * Splits a price for an elder: among the elder's active grants whose version covers the category
 * and is valid on the service date, the one with the most credit left pays min(credit left,
 * price × (1 − co-pay share)). A grant whose policy excludes another active grant of the elder
 * (stacking) pays nothing. A quote locks nothing: the hold in the booking's transaction is what
 * takes the credit, and the ledger refuses a hold larger than what is left (SubsidyUnavailable).
 */
export async function quoteSubsidy(db: Db | Tx, input: { elderId: string; category: string; priceFen: number; startsAt: Date }): Promise<SubsidyQuote> {
	const day = shanghaiDate(input.startsAt)
	const grants = await sql`
		SELECT g.id, g."policyId", v."coveredCategories", v."copayBps", v."effectiveFrom"::text AS "effectiveFrom", v."validUntil"::text AS "validUntil",
			av."balanceFen"::bigint AS "availableFen", p.code AS "policyCode"
		FROM subsidy_grant g
		JOIN subsidy_policy_version v ON v.id = g."policyVersionId"
		JOIN subsidy_policy p ON p.id = g."policyId"
		JOIN ledger_account av ON av."grantId" = g.id AND av.kind = 'elder_available'
		WHERE g."elderId" = ${input.elderId}::uuid AND g.status = 'active'
		ORDER BY av."balanceFen" DESC, g.id`.rows<GrantRow>()
	const none = (note: SubsidyQuote['note'], creditLeftFen = 0, copayBps: number | null = null): SubsidyQuote => ({ priceFen: input.priceFen, subsidyFen: 0, copayFen: input.priceFen, grantId: null, note, creditLeftFen, copayBps })
	if (!grants.length) return unsubsidised(input.priceFen)
	const covering = grants.filter((g) => g.coveredCategories.includes(input.category) && g.effectiveFrom <= day && (!g.validUntil || g.validUntil >= day))
	if (!covering.length) return none('notCovered')
	// Every active grant counts for stacking, whether or not it could pay for this service.
	const active = await db.subsidyGrant.findMany({ where: { elderId: input.elderId, status: 'active' }, select: { policyId: true } })
	const activePolicies = active.map((g) => g.policyId)
	const exclusions = await db.subsidyPolicyExclusion.findMany({
		where: { OR: [{ policyId: { in: activePolicies } }, { excludedPolicyId: { in: activePolicies } }] },
		select: { policyId: true, excludedPolicyId: true },
	})
	const clashes = (policyId: string) =>
		exclusions.some((e) => (e.policyId === policyId && activePolicies.includes(e.excludedPolicyId)) || (e.excludedPolicyId === policyId && activePolicies.includes(e.policyId)))
	const usable = covering.filter((g) => !clashes(g.policyId))
	if (!usable.length) return none('stacking')
	const grant = usable[0]!
	const available = Number(grant.availableFen)
	const split = splitPrice(input.priceFen, available, grant.copayBps)
	if (split.subsidyFen === 0) return none('noCredit', available, grant.copayBps)
	return { ...split, grantId: grant.id, note: null, creditLeftFen: available, copayBps: grant.copayBps }
}

/** Raised inside a booking transaction when the credit was taken meanwhile: the booking must be re-quoted. */
export class SubsidyUnavailable extends Error {
	constructor() {
		super('subsidy credit no longer available')
	}
}

export async function holdForBooking(tx: Tx, booking: { id: string; subsidyFen: number; subsidyRef: string | null; providerId: string; category: string }) {
	if (booking.subsidyFen <= 0) return
	if (!booking.subsidyRef) throw new SubsidyUnavailable()
	try {
		await holdCredit(txSql(tx), { grantId: booking.subsidyRef, ref: booking.id, amountFen: booking.subsidyFen, category: booking.category, providerId: booking.providerId })
	} catch (error) {
		if (error instanceof LedgerError) throw new SubsidyUnavailable()
		throw error
	}
}

/** Cancelled, declined or expired: the held credit returns to the elder (once). */
export async function releaseForBooking(tx: Tx, booking: { id: string; subsidyFen: number }) {
	await settleOnce(tx, booking, releaseHold)
}

/** Completed: the held credit is spent (once); settlement pays it to the provider for verified visits. */
export async function captureForBooking(tx: Tx, booking: { id: string; subsidyFen: number }) {
	await settleOnce(tx, booking, captureHold)
}

/** Settles a booking's held credit one way or the other; a hold already settled is left as it is. */
async function settleOnce(tx: Tx, booking: { id: string; subsidyFen: number }, settle: typeof releaseHold | typeof captureHold) {
	if (booking.subsidyFen <= 0) return
	try {
		await settle(txSql(tx), booking.id)
	} catch (error) {
		if (error instanceof LedgerError && error.reason === 'alreadySettled') return
		throw error
	}
}

/**
 * The bureau rejected the booking's flagged visit: the captured credit goes back to the elder
 * (once; null when there was nothing captured or it was already given back). Settlement never
 * claims it: claims take verified visits only, and a reversed capture is excluded as well.
 */
export async function reverseForBooking(tx: Tx, booking: { id: string; familyUserId: string; elderName: string }) {
	const reversed = await reverseCapture(txSql(tx), booking.id)
	if (reversed) await notify(tx, { userId: booking.familyUserId }, 'subsidy.visit_rejected', { params: { elder: booking.elderName, amountFen: reversed.amountFen, amount: (reversed.amountFen / 100).toFixed(2) }, bookingId: booking.id, dedupe: booking.id })
	return reversed
}

/** For the family's pages: each elder's grants and the credit left. */
export async function creditForElders(elderIds: string[], sql: Sql = pgSql()) {
	if (!elderIds.length) return []
	return sql.query<{ elderId: string; grantId: string; policyNameZh: string; policyNameEn: string; availableFen: number; heldFen: number; coveredCategories: string[]; copayBps: number }>(
		`SELECT g."elderId", g.id AS "grantId", p."nameZh" AS "policyNameZh", p."nameEn" AS "policyNameEn", v."coveredCategories", v."copayBps",
			av."balanceFen"::bigint AS "availableFen", hd."balanceFen"::bigint AS "heldFen"
		 FROM subsidy_grant g JOIN subsidy_policy p ON p.id = g."policyId" JOIN subsidy_policy_version v ON v.id = g."policyVersionId"
		 JOIN ledger_account av ON av."grantId" = g.id AND av.kind = 'elder_available'
		 JOIN ledger_account hd ON hd."grantId" = g.id AND hd.kind = 'elder_held'
		 WHERE g."elderId" = ANY($1::uuid[]) AND g.status = 'active'`,
		[elderIds],
	)
}

