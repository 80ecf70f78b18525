// Applications: family applies → community reviews (with the household economic-status check) →
// the township (乡镇/街道 民政办) reviews → a bureau officer of the elder's district approves (budget commitment and the public notice 公示;
// the grant, its accounts and first credit open when the notice ends) or rejects. Each step notifies the family and is audited; each is a conditional
// update on the expected status, so a step out of order or a double submission changes nothing.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide, townshipIdOf } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { listForNotice } from './grant-open.server.ts'
import { exclusiveWith, versionOn, versionRules } from './policies.server.ts'
import { ineligibility, yearCommitmentFen, type ElderFacts } from './rules.ts'
import type { ApplyInput, BureauDecisionInput, CommunityReviewInput, TownshipReviewInput } from './schemas.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { eligibilityFactsOn } from '~/modules/statuses/records.server.ts'

const fail = (formError: string, status = 400, fieldErrors: Record<string, string[]> = {}) => ({ ok: false as const, fieldErrors, formError, status })

export const elderFactsSelect = { id: true, birthDate: true, districtId: true, communityId: true, deathDate: true, residencyStatus: true, name: true, residenceStatus: true, community: { select: { townshipId: true } } } as const

/**
 * The elder's facts on `day`: categories from the statuses in force that day (身份类别) and the
 * disability level of the capability assessment in force, not the free columns of `elder`.
 */
export async function facts(e: { id: string; birthDate: Date; districtId: string; deathDate: Date | null; residencyStatus: ElderFacts['residencyStatus'] }, day: string, tx?: Tx): Promise<ElderFacts> {
	const onDay = await eligibilityFactsOn(e.id, day, tx)
	return { birthDate: toDateString(e.birthDate), districtId: e.districtId, categories: onDay.categories, disabilityLevel: onDay.disabilityLevel, deathDate: e.deathDate ? toDateString(e.deathDate) : null, residencyStatus: e.residencyStatus }
}

/** A district top-up is for elders who hold an active grant of the city policy it tops up. */
async function lacksBaseGrant(policyId: string, elderId: string, tx: Tx | typeof prisma = prisma): Promise<boolean> {
	const policy = await tx.subsidyPolicy.findUnique({ where: { id: policyId }, select: { topUpOfPolicyId: true } })
	if (!policy?.topUpOfPolicyId) return false
	return !(await tx.subsidyGrant.findFirst({ where: { elderId, policyId: policy.topUpOfPolicyId, status: 'active' }, select: { id: true } }))
}

export async function applyForSubsidy(user: SessionUser, input: ApplyInput): Promise<Outcome<{ id: string }>> {
	if (user.role !== 'family') return fail('subsidies:errors.familyOnly', 403)
	const today = shanghaiDate()
	const elder = await prisma.elder.findFirst({ where: { id: input.elderId, families: { some: { userId: user.id } } }, select: elderFactsSelect })
	if (!elder) return fail('subsidies:errors.notYourElder', 403, { elderId: ['subsidies:errors.notYourElder'] })
	const policy = await prisma.subsidyPolicy.findUnique({ where: { id: input.policyId }, select: { id: true, nameZh: true } })
	const version = policy ? await versionOn(policy.id, today) : null
	if (!policy || !version) return fail('subsidies:errors.policy', 400, { policyId: ['subsidies:errors.policy'] })
	// District subsidies are a residency rule: they read the registered residence, once an officer has verified it.
	if (elder.residenceStatus !== 'verified') return fail('subsidies:errors.ineligible.residenceUnverified', 400, { elderId: ['subsidies:errors.ineligible.residenceUnverified'] })
	const why = ineligibility(await facts(elder, today), versionRules(version), today)
	if (why) return fail(`subsidies:errors.ineligible.${why}`, 400, { policyId: [`subsidies:errors.ineligible.${why}`] })
	if (await lacksBaseGrant(policy.id, elder.id)) return fail('subsidies:errors.districtPolicy.noBaseGrant', 400, { policyId: ['subsidies:errors.districtPolicy.noBaseGrant'] })
	const active = await prisma.subsidyGrant.findFirst({ where: { elderId: elder.id, policyId: policy.id, status: 'active' }, select: { id: true } })
	if (active) return fail('subsidies:errors.alreadyGranted', 409, { policyId: ['subsidies:errors.alreadyGranted'] })
	try {
		const created = await transaction(async (tx) => {
			const app = await tx.subsidyApplication.create({
				data: {
					policyId: policy.id,
					policyVersionId: version.id,
					elderId: elder.id,
					applicantId: user.id,
					districtId: elder.districtId,
					communityId: elder.communityId,
					townshipId: elder.community?.townshipId ?? null,
					householdSize: input.householdSize,
					householdIncomeFen: input.householdIncome,
					statement: input.statement || null,
				},
				select: { id: true },
			})
			await notify(tx, { userId: user.id }, 'subsidy.submitted', { params: { elder: elder.name, policy: policy.nameZh, applicationId: app.id }, dedupe: app.id })
			await audit({ actor: user, action: 'subsidy.apply', entityType: 'subsidy_application', entityId: app.id, districtId: elder.districtId }, tx)
			return app
		})
		return { ok: true, value: created }
	} catch (error) {
		// The partial unique index keeps one application in progress per elder and policy.
		const refused = failureOf(error)
		return refused.formError ? fail(refused.formError, refused.status, { policyId: [refused.formError] }) : refused
	}
}

/** Whether a community officer (or a bureau officer) may review applications of this place. */
function mayReviewInCommunity(user: SessionUser, app: { districtId: string; communityId: string | null }) {
	if (user.role === 'community_officer') return user.districtId === app.districtId && (!user.communityId || user.communityId === app.communityId)
	return false
}

export async function communityReview(user: SessionUser, input: CommunityReviewInput, ip: string | null): Promise<Outcome<null>> {
	const app = await prisma.subsidyApplication.findUnique({ where: { id: input.applicationId }, select: { id: true, districtId: true, communityId: true, status: true, applicantId: true, elder: { select: { name: true } } } })
	if (!app || !mayReviewInCommunity(user, app)) return fail('subsidies:errors.notInScope', 404)
	if (input.economicCheckDate > shanghaiDate()) return fail('subsidies:errors.checkDateFuture', 400, { economicCheckDate: ['subsidies:errors.checkDateFuture'] })
	if (input.decision === 'approve' && input.economicCheckResult === 'fail') return fail('subsidies:errors.economicCheckFailed', 400, { economicCheckResult: ['subsidies:errors.economicCheckFailed'] })
	if (input.decision === 'reject' && !input.note) return fail('subsidies:errors.reasonRequired', 400, { note: ['subsidies:errors.reasonRequired'] })
	const twoPerson = input.decision === 'approve' ? await twoPersonRefusal(user, [app.applicantId]) : null
	if (twoPerson) return twoPerson
	const status = input.decision === 'approve' ? 'community_approved' : 'community_rejected'
	const done = await transaction(async (tx) => {
		const { count } = await tx.subsidyApplication.updateMany({
			where: { id: app.id, status: 'submitted' },
			data: {
				status,
				communityReviewerId: user.id,
				communityReviewedAt: new Date(),
				communityNote: input.note || null,
				economicCheckResult: input.economicCheckResult,
				economicCheckDate: dateOnly(input.economicCheckDate),
			},
		})
		if (count === 0) return false
		await notify(tx, { userId: app.applicantId }, `subsidy.${status}`, { params: { elder: app.elder.name, note: input.note ?? '', applicationId: app.id }, dedupe: app.id, sms: status === 'community_rejected' })
		await audit({ actor: user, action: `subsidy.community_${input.decision}`, entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip, details: { economicCheckResult: input.economicCheckResult, economicCheckDate: input.economicCheckDate } }, tx)
		return true
	})
	if (!done) return fail('subsidies:errors.outOfOrder', 409)
	return { ok: true, value: null }
}

/** Who does the township step: the township officer of the application's township. */
async function mayReviewInTownship(user: SessionUser, app: { districtId: string; townshipId: string | null }) {
	return user.role === 'township_officer' && !!app.townshipId && user.districtId === app.districtId && (await townshipIdOf(user)) === app.townshipId
}

/**
 * Where the township step has nobody to do it: no township (an elder without a community, or one
 * entered before townships existed), or a township with no active township officer on the platform
 * yet. There the bureau decides straight after the community, so no application is stuck.
 */
const NO_TOWNSHIP_REVIEWER = { OR: [{ townshipId: null }, { township: { is: { users: { none: { role: 'township_officer', active: true } } } } }] } satisfies Prisma.SubsidyApplicationWhereInput

/** The statuses the bureau decides an application from. */
async function decidableFrom(app: { id: string }) {
	const direct = await prisma.subsidyApplication.count({ where: { id: app.id, ...NO_TOWNSHIP_REVIEWER } })
	return direct ? (['township_approved', 'community_approved'] as const) : (['township_approved'] as const)
}

/** The township's review (乡镇/街道 民政办) of an application the community passed: pass it to the district, or refuse with a reason. */
export async function townshipReview(user: SessionUser, input: TownshipReviewInput, ip: string | null): Promise<Outcome<null>> {
	const app = await prisma.subsidyApplication.findUnique({ where: { id: input.applicationId }, select: { id: true, districtId: true, townshipId: true, status: true, applicantId: true, elder: { select: { name: true } } } })
	if (!app || !(await mayReviewInTownship(user, app))) return fail('subsidies:errors.notInScope', 404)
	if (input.decision === 'reject' && !input.note) return fail('subsidies:errors.reasonRequired', 400, { note: ['subsidies:errors.reasonRequired'] })
	const status = input.decision === 'approve' ? 'township_approved' : 'township_rejected'
	const done = await transaction(async (tx) => {
		const { count } = await tx.subsidyApplication.updateMany({
			where: { id: app.id, status: 'community_approved' },
			data: { status, townshipReviewerId: user.id, townshipReviewedAt: new Date(), townshipNote: input.note || null },
		})
		if (count === 0) return false
		await notify(tx, { userId: app.applicantId }, `subsidy.${status}`, { params: { elder: app.elder.name, reason: input.note ?? '', applicationId: app.id }, dedupe: app.id, sms: status === 'township_rejected' })
		await audit({ actor: user, action: `subsidy.township_${input.decision}`, entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip, details: { note: input.note ?? '' } }, tx)
		return true
	})
	if (!done) return fail('subsidies:errors.outOfOrder', 409)
	return { ok: true, value: null }
}

/** Applications the communities passed, waiting for the township officer's review. */
export async function townshipQueue(user: SessionUser) {
	const where = await reviewQueueWhere(user)
	if (user.role !== 'township_officer' || !where) return []
	const rows = await prisma.subsidyApplication.findMany({
		where,
		orderBy: { createdAt: 'asc' },
		take: 100,
		select: appListSelect,
	})
	return rows.map(serialiseApp)
}

/** The bureau's decision. Approval runs in one transaction with the elder row locked (stacking), the budget's conditional update and the listing on the community's public notice; the grant opens when the notice ends (grant-open.server.ts). */
export async function bureauDecide(user: SessionUser, input: BureauDecisionInput, ip: string | null, opts: { today?: string } = {}): Promise<Outcome<{ grantId: string | null }>> {
	if (user.role !== 'bureau_district' && !isCityWide(user)) return fail('subsidies:errors.bureauOnly', 403)
	const app = await prisma.subsidyApplication.findUnique({ where: { id: input.applicationId }, select: { id: true, districtId: true, townshipId: true, status: true, policyId: true, elderId: true, applicantId: true, communityReviewerId: true, townshipReviewerId: true, elder: { select: { name: true } }, policy: { select: { nameZh: true } } } })
	if (!app) return fail('subsidies:errors.notInScope', 404)
	if (!canActInDistrict(user, app.districtId)) return fail('subsidies:errors.otherDistrict', 403)
	const from = await decidableFrom(app)
	if (!(from as readonly string[]).includes(app.status)) return fail('subsidies:errors.outOfOrder', 409)
	const twoPerson = input.decision === 'approve' ? await twoPersonRefusal(user, [app.communityReviewerId, app.townshipReviewerId, app.applicantId]) : null
	if (twoPerson) return twoPerson
	if (input.override && !isCityWide(user)) return fail('subsidies:errors.overrideCityOnly', 403, { override: ['subsidies:errors.overrideCityOnly'] })
	const today = opts.today ?? shanghaiDate()
	const month = today.slice(0, 7)
	try {
		const grantId = await transaction(async (tx) => {
			const decided = { bureauReviewerId: user.id, bureauDecidedAt: new Date(), bureauReason: input.reason || null }
			if (input.decision === 'reject') {
				const { count } = await tx.subsidyApplication.updateMany({ where: { id: app.id, status: { in: [...from] } }, data: { status: 'rejected', ...decided } })
				if (count === 0) refuse(null, 'subsidies:errors.outOfOrder', 409)
				await notify(tx, { userId: app.applicantId }, 'subsidy.rejected', { params: { elder: app.elder.name, reason: input.reason ?? '', applicationId: app.id }, dedupe: app.id, sms: true })
				await audit({ actor: user, action: 'subsidy.reject', entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip, details: { reason: input.reason ?? '' } }, tx)
				return null
			}
			// One decision per elder at a time: stacking and one-active-grant are decided under this lock.
			const elder = await sql`SELECT id FROM elder WHERE id = ${app.elderId}::uuid FOR UPDATE`.first<{ id: string }>(tx)
			if (!elder) refuse(null, 'subsidies:errors.notInScope', 404)
			const elderRow = await tx.elder.findUniqueOrThrow({ where: { id: app.elderId }, select: elderFactsSelect })
			const version = await versionOn(app.policyId, today, tx)
			if (!version) refuse(null, 'subsidies:errors.policy', 400)
			if (elderRow.residenceStatus !== 'verified') refuse(null, 'subsidies:errors.ineligible.residenceUnverified', 400)
			const why = ineligibility(await facts(elderRow, today, tx), versionRules(version), today)
			if (why) refuse(null, `subsidies:errors.ineligible.${why}`, 400)
			if (await lacksBaseGrant(app.policyId, app.elderId, tx)) refuse(null, 'subsidies:errors.districtPolicy.noBaseGrant', 400)
			const exclusive = await exclusiveWith(app.policyId, tx)
			if (exclusive.length) {
				const clash = await tx.subsidyGrant.findFirst({ where: { elderId: app.elderId, status: 'active', policyId: { in: exclusive } }, select: { id: true } })
				if (clash) refuse(null, 'subsidies:errors.stacking', 409)
			}
			// Budget: a conditional update refuses a commitment beyond the budget; only a city officer may override.
			const commitment = yearCommitmentFen(version.monthlyCreditFen, month, version.validUntil ? toDateString(version.validUntil) : null)
			const year = Number(month.slice(0, 4))
			const within = await sql`UPDATE subsidy_budget SET "committedFen" = "committedFen" + ${commitment}, "updatedAt" = now()
				 WHERE "policyId" = ${app.policyId}::uuid AND "districtId" = ${app.districtId} AND year = ${year} AND "committedFen" + ${commitment} <= "amountFen" RETURNING "committedFen"`.rows<{ committedFen: number }>(tx)
			if (!within.length) {
				if (!input.override) refuse(null, 'subsidies:errors.overBudget', 409)
				await sql`INSERT INTO subsidy_budget ("policyId", "districtId", year, "amountFen", "committedFen", "updatedAt") VALUES (${app.policyId}::uuid, ${app.districtId}, ${year}, 0, ${commitment}, now())
					 ON CONFLICT ("policyId", "districtId", year) DO UPDATE SET "committedFen" = subsidy_budget."committedFen" + EXCLUDED."committedFen", "updatedAt" = now()`.run(tx)
				await audit({ actor: user, action: 'subsidy.budget_override', entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip, details: { reason: input.overrideReason ?? '', commitmentFen: commitment, year } }, tx)
			}
			const { count } = await tx.subsidyApplication.updateMany({
				where: { id: app.id, status: { in: [...from] } },
				data: { status: 'approved', ...decided, budgetOverride: !within.length, overrideReason: within.length ? null : input.overrideReason ?? null },
			})
			if (count === 0) refuse(null, 'subsidies:errors.outOfOrder', 409)
			// The grant waits for the public notice (公示): due-process/notice.server.ts opens it when the
			// notice ends with no upheld objection (grant-open.server.ts: grant, accounts, first credit).
			const elderForNotice = await tx.elder.findUniqueOrThrow({ where: { id: app.elderId }, select: { name: true, communityId: true } })
			const listed = await listForNotice(tx, { applicationId: app.id, elderId: app.elderId, elderName: elderForNotice.name, districtId: app.districtId, communityId: elderForNotice.communityId, monthlyCreditFen: version.monthlyCreditFen, commitmentFen: commitment }, today)
			await notify(tx, { userId: app.applicantId }, 'subsidy.approved', { params: { elder: app.elder.name, policy: app.policy.nameZh, monthlyCreditFen: version.monthlyCreditFen, noticeEndsOn: listed.endsOn, applicationId: app.id }, dedupe: app.id, sms: true })
			await audit({ actor: user, action: 'subsidy.approve', entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip, details: { noticeId: listed.noticeId, policyVersion: version.version, commitmentFen: commitment, reason: input.reason ?? '' } }, tx)
			return null
		})
		return { ok: true, value: { grantId } }
	} catch (error) {
		return failureOf(error)
	}
}

const appListSelect = {
	id: true,
	status: true,
	createdAt: true,
	districtId: true,
	householdSize: true,
	householdIncomeFen: true,
	statement: true,
	communityNote: true,
	townshipNote: true,
	economicCheckResult: true,
	economicCheckDate: true,
	bureauReason: true,
	budgetOverride: true,
	elder: { select: { id: true, name: true, idNumberMasked: true, categories: true, disabilityLevel: true, community: { select: { nameZh: true, nameEn: true, openingHours: true } } } },
	policy: { select: { id: true, nameZh: true, nameEn: true } },
	policyVersion: { select: { version: true, monthlyCreditFen: true, copayBps: true } },
	grant: { select: { id: true, status: true } },
} as const

function serialiseApp<T extends { createdAt: Date; economicCheckDate: Date | null }>(a: T) {
	return { ...a, createdAt: a.createdAt.toISOString(), economicCheckDate: a.economicCheckDate ? toDateString(a.economicCheckDate) : null }
}

/** The family's applications, grants with their credit left, and notices. */
export async function familyOverview(user: SessionUser) {
	const [apps, notices, elders] = await Promise.all([
		prisma.subsidyApplication.findMany({ where: { applicantId: user.id }, orderBy: { createdAt: 'desc' }, take: 50, select: appListSelect }),
		prisma.notification.findMany({ where: { userId: user.id, kind: { startsWith: 'subsidy.' } }, orderBy: { id: 'desc' }, take: 20, select: { id: true, kind: true, params: true, createdAt: true, readAt: true } }),
		prisma.elder.findMany({ where: { families: { some: { userId: user.id } } }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
	])
	const grantIds = apps.flatMap((a) => (a.grant ? [a.grant.id] : []))
	const balances = grantIds.length
		? await prisma.ledgerAccount.findMany({ where: { grantId: { in: grantIds } }, select: { grantId: true, kind: true, balanceFen: true } })
		: []
	return {
		elders,
		applications: apps.map((a) => ({
			...serialiseApp(a),
			credit: a.grant
				? {
						availableFen: Number(balances.find((b) => b.grantId === a.grant!.id && b.kind === 'elder_available')?.balanceFen ?? 0),
						heldFen: Number(balances.find((b) => b.grantId === a.grant!.id && b.kind === 'elder_held')?.balanceFen ?? 0),
					}
				: null,
		})),
		notices: notices.map((n) => ({ ...n, id: String(n.id), createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null })),
	}
}

/** What waits for a community officer (submitted in their community) or a township officer (approved by a community of their township); null for other roles. */
async function reviewQueueWhere(user: SessionUser): Promise<Prisma.SubsidyApplicationWhereInput | null> {
	if (user.role === 'community_officer') return { status: 'submitted', districtId: user.districtId ?? '-', ...(user.communityId ? { communityId: user.communityId } : {}) }
	if (user.role !== 'township_officer') return null
	const townshipId = await townshipIdOf(user)
	return townshipId ? { status: 'community_approved', districtId: user.districtId ?? '-', townshipId } : null
}

/** What waits for the bureau's decision in the officer's district (every district for the city); null for other roles. */
function bureauQueueWhere(user: SessionUser): Prisma.SubsidyApplicationWhereInput | null {
	if (user.role !== 'bureau_district' && !isCityWide(user)) return null
	return { OR: [{ status: 'township_approved' }, { status: 'community_approved', ...NO_TOWNSHIP_REVIEWER }], ...(isCityWide(user) ? {} : { districtId: user.districtId ?? '-' }) }
}

/** How many applications wait in the community's or township's review queue (all of them, not only the page's first 100). */
export async function countReviewQueue(user: SessionUser) {
	const where = await reviewQueueWhere(user)
	return where ? prisma.subsidyApplication.count({ where }) : 0
}

/** How many applications wait for the bureau's decision. */
export async function countBureauQueue(user: SessionUser) {
	const where = bureauQueueWhere(user)
	return where ? prisma.subsidyApplication.count({ where }) : 0
}

/** Applications waiting for the community review in the officer's community. */
export async function communityQueue(user: SessionUser) {
	const where = await reviewQueueWhere(user)
	if (user.role !== 'community_officer' || !where) return []
	const rows = await prisma.subsidyApplication.findMany({
		where,
		orderBy: { createdAt: 'asc' },
		take: 100,
		select: appListSelect,
	})
	return rows.map(serialiseApp)
}

/** Applications waiting for the bureau's decision in the officer's district (all districts for the city). */
export async function bureauQueue(user: SessionUser) {
	const where = bureauQueueWhere(user)
	if (!where) return []
	const rows = await prisma.subsidyApplication.findMany({
		where,
		orderBy: { createdAt: 'asc' },
		take: 100,
		select: appListSelect,
	})
	// Each card shows what is left of the district's budget for the policy this year and what
	// approving would commit (the credit of the rest of the year), so the officer sees it before deciding.
	const month = shanghaiDate().slice(0, 7)
	const year = Number(month.slice(0, 4))
	const budgets = rows.length
		? await sql`SELECT "policyId", "districtId", "amountFen", "committedFen" FROM subsidy_budget
			WHERE year = ${year} AND ("policyId", "districtId") IN (SELECT * FROM unnest(${rows.map((r) => r.policy.id)}::uuid[], ${rows.map((r) => r.districtId)}::text[]))`.rows<{ policyId: string; districtId: string; amountFen: string; committedFen: string }>()
		: []
	return rows.map((r) => {
		const b = budgets.find((x) => x.policyId === r.policy.id && x.districtId === r.districtId)
		const commitmentFen = yearCommitmentFen(r.policyVersion.monthlyCreditFen, month, null)
		return { ...serialiseApp(r), budget: b ? { year, amountFen: Number(b.amountFen), leftFen: Number(b.amountFen) - Number(b.committedFen), commitmentFen } : { year, amountFen: 0, leftFen: 0, commitmentFen } }
	})
}
