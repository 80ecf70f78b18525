// Appeals (复核) of a subsidy refusal (issue 15 item 2). The family (a user linked to the elder) may
// ask for a review within APPEAL_DAYS days of the refusal, with reasons. It goes one level above the
// officer who refused: community → township (the district where there is no township), township →
// district, district → city; the reviewer is never the decider (twoPersonRefusal). Upheld: the refusal
// stands. Changed: the application becomes an approval (budget committed) and is put on the public
// notice; when the grant opens it starts in the month of the refusal, so the months withheld between
// the refusal and the effect are credited then (back-pay, each month once: see docs/subsidies.md).
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide, townshipIdOf } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { listForNotice } from '~/modules/subsidies/grant-open.server.ts'
import { yearCommitmentFen } from '~/modules/subsidies/rules.ts'
import { addDays, APPEAL_DAYS } from './mask.ts'

type Level = 'township' | 'district' | 'city'

const refusalSelect = {
	id: true, status: true, elderId: true, applicantId: true, districtId: true, townshipId: true, communityId: true, policyId: true,
	communityReviewerId: true, communityReviewedAt: true, townshipReviewerId: true, townshipReviewedAt: true, bureauReviewerId: true, bureauDecidedAt: true,
	elder: { select: { name: true } }, policy: { select: { nameZh: true } }, policyVersion: { select: { monthlyCreditFen: true, validUntil: true } },
} as const

/** The refusal of an application: who made it, when, and the level that reviews it; null if not refused. */
export function refusalOf(app: { status: string; townshipId: string | null; communityReviewerId: string | null; communityReviewedAt: Date | null; townshipReviewerId: string | null; townshipReviewedAt: Date | null; bureauReviewerId: string | null; bureauDecidedAt: Date | null }): { deciderId: string | null; at: Date; level: Level } | null {
	if (app.status === 'community_rejected' && app.communityReviewedAt) return { deciderId: app.communityReviewerId, at: app.communityReviewedAt, level: app.townshipId ? 'township' : 'district' }
	if (app.status === 'township_rejected' && app.townshipReviewedAt) return { deciderId: app.townshipReviewerId, at: app.townshipReviewedAt, level: 'district' }
	if (app.status === 'rejected' && app.bureauDecidedAt) return { deciderId: app.bureauReviewerId, at: app.bureauDecidedAt, level: 'city' }
	return null
}

/** Shanghai date of a timestamp. */
function dayOf(at: Date) {
	return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

export type AppealInput = { applicationId: string; reasons: string }

export async function lodgeAppeal(user: SessionUser, input: AppealInput, ip: string | null, today: string): Promise<Outcome<{ id: string; deadline: string }>> {
	const app = await prisma.subsidyApplication.findUnique({ where: { id: input.applicationId }, select: refusalSelect })
	if (!app) return fail('subsidies:dueProcess.errors.noApplication', 404)
	const linked = user.role === 'family' && (await prisma.familyLink.count({ where: { elderId: app.elderId, userId: user.id } })) > 0
	if (!linked) return fail('subsidies:errors.notYourElder', 403)
	const refusal = refusalOf(app)
	if (!refusal) return fail('subsidies:dueProcess.errors.notRefused', 409)
	if (!input.reasons.trim()) return fieldFail('reasons', 'subsidies:errors.reasonRequired', 400)
	const refusedOn = dayOf(refusal.at)
	const deadline = addDays(refusedOn, APPEAL_DAYS)
	if (today > deadline) return fail('subsidies:dueProcess.errors.appealLate', 409)
	try {
		const created = await transaction(async (tx) => {
			const row = await tx.subsidyAppeal.create({
				data: { applicationId: app.id, elderId: app.elderId, appellantId: user.id, districtId: app.districtId, townshipId: app.townshipId, refusedStatus: app.status, deciderId: refusal.deciderId, refusedOn: dateOnly(refusedOn), level: refusal.level, deadline: dateOnly(deadline), lodgedOn: dateOnly(today), reasons: input.reasons },
				select: { id: true },
			})
			await audit({ actor: user, action: 'subsidy.appeal', entityType: 'subsidy_appeal', entityId: row.id, districtId: app.districtId, ip, details: { applicationId: app.id, level: refusal.level } }, tx)
			return row
		})
		return ok({ id: created.id, deadline })
	} catch (error) {
		return failureOf(error)
	}
}

/** Whether the officer sits at the level that reviews this appeal, in its place. */
async function mayReview(user: SessionUser, appeal: { level: string; districtId: string; townshipId: string | null }) {
	if (appeal.level === 'city') return isCityWide(user)
	if (appeal.level === 'district') return isCityWide(user) || (user.role === 'bureau_district' && user.districtId === appeal.districtId)
	return user.role === 'township_officer' && !!appeal.townshipId && user.districtId === appeal.districtId && (await townshipIdOf(user)) === appeal.townshipId
}

/** Appeals waiting for this officer's level and place. */
export async function appealQueue(user: SessionUser) {
	const rows = await prisma.subsidyAppeal.findMany({ where: { status: 'pending' }, orderBy: { lodgedOn: 'asc' }, take: 200, select: { id: true, level: true, districtId: true, townshipId: true, reasons: true, lodgedOn: true, deadline: true, refusedStatus: true, refusedOn: true, applicationId: true, deciderId: true } })
	const mine = []
	for (const r of rows) if (r.deciderId !== user.id && (await mayReview(user, r))) mine.push(r)
	const apps = await prisma.subsidyApplication.findMany({ where: { id: { in: mine.map((r) => r.applicationId) } }, select: { id: true, elder: { select: { name: true } }, policy: { select: { nameZh: true } } } })
	return mine.map((r) => {
		const app = apps.find((a) => a.id === r.applicationId)
		return { ...r, lodgedOn: toDateString(r.lodgedOn), deadline: toDateString(r.deadline), refusedOn: toDateString(r.refusedOn), elder: app?.elder.name ?? '', policy: app?.policy.nameZh ?? '' }
	})
}

/** The family's appeals and the refusals they may still appeal. */
export async function familyAppeals(user: SessionUser, today: string) {
	const apps = await prisma.subsidyApplication.findMany({ where: { elder: { families: { some: { userId: user.id } } }, status: { in: ['community_rejected', 'township_rejected', 'rejected'] } }, take: 50, orderBy: { createdAt: 'desc' }, select: refusalSelect })
	const appeals = await prisma.subsidyAppeal.findMany({ where: { applicationId: { in: apps.map((a) => a.id) } }, select: { applicationId: true, status: true, outcomeReason: true, deadline: true } })
	return apps.map((a) => {
		const refusal = refusalOf(a)
		const deadline = refusal ? addDays(dayOf(refusal.at), APPEAL_DAYS) : null
		const appeal = appeals.find((x) => x.applicationId === a.id)
		return { applicationId: a.id, elder: a.elder.name, policy: a.policy.nameZh, deadline, open: !!deadline && today <= deadline && !appeal, appeal: appeal ? { status: appeal.status, outcomeReason: appeal.outcomeReason } : null }
	})
}

export type AppealDecisionInput = { appealId: string; outcome: 'upheld' | 'changed'; reason: string }

export async function decideAppeal(user: SessionUser, input: AppealDecisionInput, ip: string | null, today: string): Promise<Outcome<{ noticeId: string | null }>> {
	const appeal = await prisma.subsidyAppeal.findUnique({ where: { id: input.appealId }, select: { id: true, status: true, level: true, districtId: true, townshipId: true, deciderId: true, appellantId: true, applicationId: true, refusedOn: true } })
	if (!appeal || !(await mayReview(user, appeal))) return fail('subsidies:dueProcess.errors.notInScope', 404)
	const twoPerson = await twoPersonRefusal(user, [appeal.deciderId, appeal.appellantId], { sameAccountMessage: 'subsidies:dueProcess.errors.sameDecider' })
	if (twoPerson) return twoPerson
	if (!input.reason.trim()) return fieldFail('reason', 'subsidies:errors.reasonRequired', 400)
	const month = today.slice(0, 7)
	try {
		const noticeId = await transaction(async (tx) => {
			const { count } = await tx.subsidyAppeal.updateMany({ where: { id: appeal.id, status: 'pending' }, data: { status: input.outcome, outcomeReason: input.reason, reviewerId: user.id, decidedAt: new Date() } })
			if (count === 0) refuse(null, 'subsidies:dueProcess.errors.alreadyDecided', 409)
			const app = await tx.subsidyApplication.findUniqueOrThrow({ where: { id: appeal.applicationId }, select: refusalSelect })
			const family = [app.applicantId, appeal.appellantId]
			let listedId: string | null = null
			if (input.outcome === 'changed') {
				const { count: changed } = await tx.subsidyApplication.updateMany({ where: { id: app.id, status: app.status }, data: { status: 'approved', bureauReviewerId: user.id, bureauDecidedAt: new Date(), bureauReason: input.reason } })
				if (changed === 0) refuse(null, 'subsidies:errors.outOfOrder', 409)
				const commitment = yearCommitmentFen(app.policyVersion.monthlyCreditFen, month, app.policyVersion.validUntil ? toDateString(app.policyVersion.validUntil) : null)
				// An appeal's change is committed like an approval: upserted, since a refusal may have been made before any budget row existed.
				await sql`INSERT INTO subsidy_budget ("policyId", "districtId", year, "amountFen", "committedFen", "updatedAt") VALUES (${app.policyId}::uuid, ${app.districtId}, ${Number(month.slice(0, 4))}, 0, ${commitment}, now())
					ON CONFLICT ("policyId", "districtId", year) DO UPDATE SET "committedFen" = subsidy_budget."committedFen" + EXCLUDED."committedFen", "updatedAt" = now()`.run(tx)
				const listed = await listForNotice(tx, { applicationId: app.id, elderId: app.elderId, elderName: app.elder.name, districtId: app.districtId, communityId: app.communityId, monthlyCreditFen: app.policyVersion.monthlyCreditFen, commitmentFen: commitment, backPayFrom: toDateString(appeal.refusedOn).slice(0, 7) }, today)
				listedId = listed.noticeId
			}
			for (const userId of new Set(family)) await tx.notification.create({ data: { userId, kind: `subsidy.appeal_${input.outcome}`, params: { applicationId: app.id, elder: app.elder.name, policy: app.policy.nameZh, reason: input.reason } } })
			await audit({ actor: user, action: `subsidy.appeal_${input.outcome}`, entityType: 'subsidy_appeal', entityId: appeal.id, districtId: appeal.districtId, ip, details: { reason: input.reason, applicationId: app.id } }, tx)
			return listedId
		})
		return ok({ noticeId })
	} catch (error) {
		return failureOf(error)
	}
}
