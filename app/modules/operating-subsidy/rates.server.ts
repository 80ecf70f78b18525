// The operating subsidy's rates as versions by month (*default*, changeable without a deploy): one
// city officer proposes a version from a future month, another approves it (twoPersonRefusal; the
// table's CHECK refuses decider = proposer too), and only then is it a row of operating_subsidy_rate
// (append-only). A version never takes effect for a month that has begun, so no computed month is
// ever read against rates other than those it used.
import { z } from 'zod'
import { transactionOutcome } from '~/lib/db-rules.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { RATE_FEN_FIELDS, RATE_BPS_FIELDS, type RateValues } from './schemas.ts'

export type RateVersion = RateValues & { effectiveMonth: string; note: string | null }

/** Every version, newest first, and the proposals waiting for a second officer. */
export async function listRates(viewer: SessionUser) {
	const versions = await sql`SELECT to_char("effectiveMonth", 'YYYY-MM') AS "effectiveMonth", "intactFen", "mildFen", "moderateFen", "severeFen", "completeFen", "unassessedFen", "tekunFen",
		"grade1Bps", "grade2Bps", "grade3Bps", "grade4Bps", "grade5Bps", "ungradedBps", note FROM operating_subsidy_rate ORDER BY "effectiveMonth" DESC`.rows<RateVersion>()
	const pending = await sql`SELECT p.id, to_char(p."effectiveMonth", 'YYYY-MM') AS "effectiveMonth", p.rates, u.name AS "proposedBy", p."proposedById" = ${viewer.id}::uuid AS "viewerIsProposer"
		FROM operating_subsidy_rate_proposal p JOIN app_user u ON u.id = p."proposedById" WHERE p.status = 'pending' ORDER BY p."effectiveMonth"`.rows<{ id: string; effectiveMonth: string; rates: RateValues; proposedBy: string; viewerIsProposer: boolean }>()
	return { versions, pending }
}

/** A city officer proposes a version taking effect from a month after this one. */
export async function proposeRates(user: SessionUser, input: RateValues & { effectiveMonth: string }, ip: string | null, now = new Date()): Promise<Outcome<{ id: string }>> {
	if (user.role !== 'bureau_city') return fail('beds:operating.errors.cityApproves', 403)
	if (input.effectiveMonth <= shanghaiMonth(now)) return fieldFail('effectiveMonth', 'beds:operating.errors.rateMonthFuture', 409)
	if (await prisma.operatingSubsidyRate.findUnique({ where: { effectiveMonth: new Date(`${input.effectiveMonth}-01T00:00:00Z`) }, select: { effectiveMonth: true } })) {
		return fieldFail('effectiveMonth', 'beds:operating.errors.rateExists', 409)
	}
	const { effectiveMonth, ...rates } = input
	return transactionOutcome(async (tx) => {
		const row = await sql`INSERT INTO operating_subsidy_rate_proposal ("effectiveMonth", rates, "proposedById") VALUES (${`${effectiveMonth}-01`}::date, ${JSON.stringify(rates)}::jsonb, ${user.id}::uuid) RETURNING id`.first<{ id: string }>(tx)
		await audit({ actor: user, action: 'operating_subsidy.rate_propose', entityType: 'operating_subsidy_rate_proposal', entityId: row!.id, ip, details: { effectiveMonth, ...rates } }, tx)
		return ok({ id: row!.id })
	})
}

/** Another city officer approves (the version is written) or rejects a proposal. */
export async function decideRates(user: SessionUser, input: { proposalId: string; decision: 'approve' | 'reject'; note: string }, ip: string | null, now = new Date()): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail('beds:operating.errors.cityApproves', 403)
	if (!z.uuid().safeParse(input.proposalId).success) return fail('beds:operating.errors.notFound', 404)
	const proposal = await prisma.operatingSubsidyRateProposal.findUnique({ where: { id: input.proposalId }, select: { proposedById: true } })
	if (!proposal) return fail('beds:operating.errors.notFound', 404)
	const refusal = await twoPersonRefusal(user, [proposal.proposedById])
	if (refusal) return refusal
	return transactionOutcome(async (tx) => {
		const locked = await sql`SELECT to_char("effectiveMonth", 'YYYY-MM') AS month, rates, status, "proposedById" FROM operating_subsidy_rate_proposal WHERE id = ${input.proposalId}::uuid FOR UPDATE`.first<{ month: string; rates: RateValues; status: string; proposedById: string }>(tx)
		if (!locked || locked.status !== 'pending') return fail('beds:operating.errors.outOfOrder', 409)
		if (input.decision === 'approve') {
			// Approved late: the month may have begun meanwhile; a version never applies to a month under way.
			if (locked.month <= shanghaiMonth(now)) return fail('beds:operating.errors.rateMonthFuture', 409)
			const r = locked.rates
			const inserted = await sql`INSERT INTO operating_subsidy_rate ("effectiveMonth", ${sql.raw([...RATE_FEN_FIELDS, ...RATE_BPS_FIELDS].map((f) => `"${f}"`).join(', '))}, note, "createdById")
				VALUES (${`${locked.month}-01`}::date, ${sql.join([...RATE_FEN_FIELDS, ...RATE_BPS_FIELDS].map((f) => sql`${r[f]}::int`))}, ${input.note || null}, ${locked.proposedById}::uuid)
				ON CONFLICT ("effectiveMonth") DO NOTHING`.run(tx)
			if (!inserted) return fail('beds:operating.errors.rateExists', 409)
		}
		await sql`UPDATE operating_subsidy_rate_proposal SET status = ${input.decision === 'approve' ? 'approved' : 'rejected'}, "decidedById" = ${user.id}::uuid, "decidedAt" = now(), "decisionNote" = ${input.note || null}
			WHERE id = ${input.proposalId}::uuid`.run(tx)
		await audit({ actor: user, action: `operating_subsidy.rate_${input.decision}`, entityType: 'operating_subsidy_rate_proposal', entityId: input.proposalId, ip, details: { effectiveMonth: locked.month, proposedById: locked.proposedById, note: input.note } }, tx)
		return ok()
	})
}
