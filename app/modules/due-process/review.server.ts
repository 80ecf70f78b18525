// Re-review and the end of grants (issue 15 item 3). Every grant has an end / re-review date
// (`endsOn`, GRANT_TERM_MONTHS after the month it took effect; a database trigger gives one to any
// grant inserted without). The daily job:
//  - stops grants whose elder no longer qualifies (the subsidies eligibility rule `ineligibility`, plus
//    an unverified residence): `endsOn` becomes the last day of the month in which it became known,
//    and the family is told why and how to appeal;
//  - ends grants whose `endsOn` has passed (no credit for later months: the credit job reads status).
// The monthly job lists the grants due for re-review in the coming month per community and tells the
// officers of each community; an officer renews a grant (still eligible) for another term.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, addMonths, dateOnly, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { elderFactsSelect, facts } from '~/modules/subsidies/applications.server.ts'
import { versionRules } from '~/modules/subsidies/policies.server.ts'
import { ineligibility } from '~/modules/subsidies/rules.ts'
import { APPEAL_DAYS, GRANT_TERM_MONTHS, monthEnd } from './mask.ts'
import { officerElderScope, officerHasElder } from './scope.server.ts'

const grantSelect = { id: true, endsOn: true, stopReason: true, applicationId: true, districtId: true, elder: { select: elderFactsSelect }, policyVersion: true, policy: { select: { nameZh: true, topUpOfPolicyId: true } }, application: { select: { applicantId: true } } } as const

async function whyNot(g: { elder: Parameters<typeof facts>[0] & { residenceStatus: string }; policyVersion: Parameters<typeof versionRules>[0]; policy: { topUpOfPolicyId: string | null } }, today: string) {
	if (g.elder.residenceStatus !== 'verified') return 'residenceUnverified'
	const why = ineligibility(await facts(g.elder, today), versionRules(g.policyVersion), today)
	if (why || !g.policy.topUpOfPolicyId) return why
	// A district top-up stops with the city grant it tops up.
	const base = await prisma.subsidyGrant.findFirst({ where: { elderId: g.elder.id, policyId: g.policy.topUpOfPolicyId, status: 'active', stopReason: null }, select: { id: true } })
	return base ? null : 'baseGrantEnded'
}

/** Stops every active grant whose elder no longer qualifies on `today`, at the end of this month. Idempotent. */
export async function stopIneligibleGrants(today: string) {
	const end = monthEnd(today)
	const grants = await prisma.subsidyGrant.findMany({ where: { status: 'active', stopReason: null }, select: grantSelect })
	let stopped = 0
	for (const g of grants) {
		const why = await whyNot(g, today)
		if (!why) continue
		const done = await transaction(async (tx) => {
			const { count } = await tx.subsidyGrant.updateMany({ where: { id: g.id, status: 'active', stopReason: null }, data: { stopReason: why, stopKnownOn: dateOnly(today), ...(toDateString(g.endsOn) > end ? { endsOn: dateOnly(end) } : {}) } })
			if (!count) return false
			const links = await tx.familyLink.findMany({ where: { elderId: g.elder.id }, select: { userId: true } })
			// A text too: the family has APPEAL_DAYS to appeal, and may not open the app before the money stops.
			await notify(tx, [g.application.applicantId, ...links.map((l) => l.userId)].map((userId) => ({ userId })), 'subsidy.grant_stopping', {
				params: { applicationId: g.applicationId, elder: g.elder.name, policy: g.policy.nameZh, reason: why, endsOn: end, appealBy: addDays(today, APPEAL_DAYS) },
				dedupe: g.id,
				sms: true,
			})
			await audit({ actor: null, action: 'subsidy.grant_stopping', entityType: 'subsidy_grant', entityId: g.id, districtId: g.districtId, ip: null, details: { reason: why, endsOn: end } }, tx)
			return true
		})
		if (done) stopped++
	}
	return { stopped }
}

/** Ends every active grant whose end date is before `today`. Idempotent (conditional update). */
export async function endDueGrants(today: string) {
	const rows = await sql`UPDATE subsidy_grant SET status = 'ended', "endedAt" = now() WHERE status = 'active' AND "endsOn" < ${today}::date RETURNING id, "districtId"`.rows<{ id: string; districtId: string }>()
	for (const r of rows) await audit({ actor: null, action: 'subsidy.grant_ended', entityType: 'subsidy_grant', entityId: r.id, districtId: r.districtId, ip: null })
	return { ended: rows.length }
}

/** Active grants (in the officer's scope) whose end date falls before the end of next month. */
function dueForReviewWhere(user: SessionUser, today: string) {
	const until = monthEnd(`${addMonths(today.slice(0, 7), 1)}-01`)
	return { status: 'active', endsOn: { lte: dateOnly(until) }, elder: officerElderScope(user) } satisfies Prisma.SubsidyGrantWhereInput
}

export async function countGrantsDueForReview(user: SessionUser, today: string) {
	return prisma.subsidyGrant.count({ where: dueForReviewWhere(user, today) })
}

/** The same grants, soonest end first (the re-review list). */
export async function grantsDueForReview(user: SessionUser, today: string) {
	const rows = await prisma.subsidyGrant.findMany({
		where: dueForReviewWhere(user, today),
		orderBy: [{ endsOn: 'asc' }],
		take: 500,
		select: { id: true, endsOn: true, stopReason: true, policy: { select: { nameZh: true } }, elder: { select: { name: true, community: { select: { nameZh: true } } } } },
	})
	return rows.map((r) => ({ id: r.id, endsOn: toDateString(r.endsOn), stopReason: r.stopReason, policy: r.policy.nameZh, elder: r.elder.name, community: r.elder.community?.nameZh ?? '' }))
}

/** The monthly job: counts per community of grants due for re-review, told to the community's officers. */
export async function listDueForReview(today: string) {
	const until = monthEnd(`${addMonths(today.slice(0, 7), 1)}-01`)
	const rows = await sql`SELECT e."communityId", count(*)::int AS n FROM subsidy_grant g JOIN elder e ON e.id = g."elderId"
		WHERE g.status = 'active' AND g."endsOn" <= ${until}::date AND e."communityId" IS NOT NULL GROUP BY e."communityId"`.rows<{ communityId: string; n: number }>()
	for (const r of rows) {
		const officers = await prisma.user.findMany({ where: { role: 'community_officer', communityId: r.communityId, active: true }, select: { id: true } })
		for (const o of officers) {
			const exists = await prisma.notification.count({ where: { userId: o.id, kind: 'subsidy.review_due', params: { path: ['month'], equals: today.slice(0, 7) } } })
			if (!exists) await notify(prisma, { userId: o.id }, 'subsidy.review_due', { params: { month: today.slice(0, 7), count: r.n }, dedupe: `${r.communityId}:${today.slice(0, 7)}` })
		}
	}
	return { communities: rows.length, grants: rows.reduce((s, r) => s + r.n, 0) }
}

/** An officer in scope re-reviews a grant: still eligible, it runs another term from its end date. */
export async function renewGrant(user: SessionUser, input: { grantId: string }, ip: string | null, today: string): Promise<Outcome<{ endsOn: string }>> {
	const g = await prisma.subsidyGrant.findUnique({ where: { id: input.grantId }, select: { ...grantSelect, status: true, elderId: true } })
	if (!g || !(await officerHasElder(user, g.elderId))) return fail('subsidies:dueProcess.errors.notInScope', 404)
	if (g.status !== 'active' || g.stopReason) return fail('subsidies:dueProcess.errors.grantStopped', 409)
	const why = await whyNot(g, today)
	if (why) return fail(`subsidies:errors.ineligible.${why}`, 409)
	const endsOn = monthEnd(`${addMonths(toDateString(g.endsOn).slice(0, 7), GRANT_TERM_MONTHS)}-01`)
	const done = await transaction(async (tx) => {
		const { count } = await tx.subsidyGrant.updateMany({ where: { id: g.id, status: 'active', endsOn: g.endsOn }, data: { endsOn: dateOnly(endsOn), reviewedAt: new Date(), reviewedById: user.id } })
		if (count) await audit({ actor: user, action: 'subsidy.grant_renewed', entityType: 'subsidy_grant', entityId: g.id, districtId: g.districtId, ip, details: { endsOn } }, tx)
		return count > 0
	})
	return done ? ok({ endsOn }) : fail('subsidies:errors.outOfOrder', 409)
}
