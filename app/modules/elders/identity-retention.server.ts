// How long the registry holds a deceased elder's readable identity number and bank card (PIPL art.
// 47): the bureau sets a period in whole years after the death (two city officers: one proposes,
// another approves), and the daily retention sweep erases both once that many full years have
// passed. With no period set, nothing is erased. Erasing keeps the keyed hash (an import or a
// registration of the same number finds the elder, never a second one), the mask and everything
// else of the record; the bank files keep their own sealed copies as accounting records. An elder
// with a payment still at the bank or owed (pending, sent, returned) keeps them until it settles.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { bornOnOrBefore, shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { countChangesToDecide, decideChange, listPendingChanges, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

/** Elders erased per statement: short locks, whatever the backlog. */
const BATCH = 1000

export type RetentionProposal = { deceasedYears: number | null }

/** The period in force (null: kept), with when and by whom it was set; null when never set. */
export async function countRetentionChangesToDecide(viewer: SessionUser) {
	return viewer.role === 'bureau_city' ? countChangesToDecide(['identity_retention'], viewer) : 0
}

export async function retentionInForce(db: Tx | typeof prisma = prisma) {
	return db.identityRetention.findFirst({
		orderBy: { createdAt: 'desc' },
		select: { deceasedYears: true, createdAt: true, proposedById: true, approvedById: true },
	})
}

/** The latest date of death whose number is erased on `today` under `years`: that many full years since (the rule of ageOn). */
export function erasableDiedOnOrBefore(today: string, years: number): string {
	return bornOnOrBefore(today, years)
}

/** What the page shows: the period, its history, the pending proposals, and how many numbers a period would erase today. */
export async function retentionOverview(viewer: SessionUser) {
	const [history, pending, held] = await Promise.all([
		sql`SELECT r."deceasedYears", r."createdAt", p.name AS "proposedBy", a.name AS "approvedBy" FROM identity_retention r
			JOIN app_user p ON p.id = r."proposedById" JOIN app_user a ON a.id = r."approvedById" ORDER BY r."createdAt" DESC LIMIT 20`.rows<{
			deceasedYears: number | null
			createdAt: Date
			proposedBy: string
			approvedBy: string
		}>(),
		listPendingChanges(['identity_retention'], viewer),
		sql`SELECT count(*)::int AS held FROM elder WHERE "deathDate" IS NOT NULL AND "idNumberCipher" IS NOT NULL`.first<{ held: number }>(),
	])
	return { history, pending, heldDeceased: held?.held ?? 0 }
}

/** How many deceased elders' numbers `years` would erase today (the page shows it beside a proposal). */
export async function erasableCount(years: number, today = shanghaiDate()) {
	const row = await sql`SELECT count(*)::int AS n FROM elder e WHERE e."deathDate" IS NOT NULL AND e."idNumberCipher" IS NOT NULL
		AND e."deathDate" <= ${erasableDiedOnOrBefore(today, years)}::date AND NOT ${owedSql()}`.first<{ n: number }>()
	return row?.n ?? 0
}

/** An elder with a payment still owed or at the bank: kept until it settles. */
const owedSql = () => sql`EXISTS (SELECT 1 FROM allowance_payment p WHERE p."elderId" = e.id AND p.status IN ('pending', 'sent', 'returned'))`

const cityOnly = (user: SessionUser) => (user.role === 'bureau_city' ? null : fail('retention.errors.cityOnly', 403))

/** A city officer proposes a period (or none: kept); another city officer approves it. */
export async function proposeRetention(user: SessionUser, proposal: RetentionProposal, ip: string | null): Promise<Outcome<{ id: string }>> {
	const refused = cityOnly(user)
	if (refused) return refused
	return proposeChange(user, 'identity_retention', proposal as unknown as Prisma.InputJsonValue, null, ip)
}

/** A second city officer (not related to the proposer by account creation) decides; approving writes the period in force. */
export async function decideRetention(user: SessionUser, input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null }, ip: string | null): Promise<Outcome<null>> {
	const refused = cityOnly(user)
	if (refused) return refused
	return decideChange(
		user,
		input,
		['identity_retention'],
		async (change, tx) => {
			const v = change.payload as unknown as RetentionProposal
			const row = await tx.identityRetention.create({ data: { deceasedYears: v.deceasedYears, proposedById: change.proposedById, approvedById: user.id }, select: { id: true } })
			await audit({ actor: user, action: 'retention.period_version', entityType: 'identity_retention', entityId: row.id, details: { deceasedYears: v.deceasedYears, proposedById: change.proposedById }, ip }, tx)
			return ok(null)
		},
		ip,
	)
}

/**
 * The sweep's part (accounts/retention.server.ts, daily): erases the readable identity number and
 * bank card of every deceased elder past the period in force, in batches, each batch audited with
 * the elders it erased. Idempotent: a second run the same day finds nothing left to erase.
 */
export async function eraseDeceasedIdentities(today = shanghaiDate()) {
	const period = await retentionInForce()
	if (!period?.deceasedYears) return 0
	const diedOnOrBefore = erasableDiedOnOrBefore(today, period.deceasedYears)
	let total = 0
	for (;;) {
		const erased = await transaction(async (tx) => {
			const rows = await sql`UPDATE elder e SET "idNumberCipher" = NULL, "idNumberErasedAt" = now(),
					"bankCardCipher" = NULL, "bankCardRef" = NULL, "bankName" = NULL, "bankAccountHolder" = NULL, "bankCardRecordedAt" = NULL
				WHERE e.id IN (SELECT e.id FROM elder e WHERE e."deathDate" IS NOT NULL AND e."idNumberCipher" IS NOT NULL
					AND e."deathDate" <= ${diedOnOrBefore}::date AND NOT ${owedSql()} ORDER BY e."deathDate", e.id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
				RETURNING e.id`.rows<{ id: string }>(tx)
			if (rows.length)
				await audit(
					{ actor: null, action: 'registry.identity_erased', entityType: 'elder', details: { count: rows.length, deceasedYears: period.deceasedYears, diedOnOrBefore, elderIds: rows.map((r) => r.id) } },
					tx,
				)
			return rows.length
		})
		total += erased
		if (erased < BATCH) return total
	}
}
