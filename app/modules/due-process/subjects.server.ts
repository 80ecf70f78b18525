// The decisions a family may appeal (复核), one entry per kind: how to find the decision, who made it,
// when, which level reviews it, who may appeal it, and what a "changed" outcome does. appeals.server.ts
// holds the one lifecycle (lodge, queue, decide) and calls these; it knows no kind's tables.
//   subsidy_application  a refusal at community, township or bureau level (the application's id)
//   allowance_stop       a month the allowance run did not pay an elder of age ('<runId>:<elderId>')
//   assessment           the capability assessment in force (the assessment's id)
//   complaint            a closed complaint's finding (the complaint's id)
import type { Tx } from '~/lib/db.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { refuse } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate, toDateString } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { listForNotice } from '~/modules/subsidies/grant-open.server.ts'
import { yearCommitmentFen } from '~/modules/subsidies/rules.ts'
import { isUuid } from '~/lib/query.ts'

export const APPEAL_KINDS = ['subsidy_application', 'allowance_stop', 'assessment', 'complaint'] as const
export type AppealKind = (typeof APPEAL_KINDS)[number]
export type Level = 'township' | 'district' | 'city'

export const CAPABILITY_LEVELS = ['intact', 'mild', 'moderate', 'severe', 'complete'] as const
export const COMPLAINT_FINDINGS = ['upheld', 'partly_upheld', 'not_upheld'] as const

/** A decision that can be appealed, as the appeal records it. `what` is shown to people (names, months, levels). */
export type Decision = {
	kind: AppealKind
	subjectId: string
	elderId: string | null
	districtId: string
	townshipId: string | null
	/** What was decided: the refusal status, the stop reason, the level, the finding. */
	decided: string
	deciderId: string | null
	/** Others who took part in the decision (an allowance run's maker and submitter): never the reviewer either. */
	otherDeciderIds: string[]
	decidedOn: string
	level: Level
	/** The people the decision is about, who are told the outcome; and whether `user` is one of them. */
	familyIds: string[]
	what: { elder: string; detail: string }
}

/** Shanghai date of a timestamp. */
export function dayOf(at: Date) {
	return shanghaiDate(at)
}

// ---- subsidy application refusals

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

type RefusedApp = NonNullable<Awaited<ReturnType<typeof findApplication>>>
function findApplication(id: string) {
	return prisma.subsidyApplication.findUnique({ where: { id }, select: refusalSelect })
}

async function familyOf(elderId: string) {
	const links = await prisma.familyLink.findMany({ where: { elderId }, select: { userId: true } })
	return links.map((l) => l.userId)
}

function applicationDecision(app: RefusedApp, family: string[]): Decision | null {
	const refusal = refusalOf(app)
	if (!refusal) return null
	return {
		kind: 'subsidy_application', subjectId: app.id, elderId: app.elderId, districtId: app.districtId, townshipId: app.townshipId,
		decided: app.status, deciderId: refusal.deciderId, otherDeciderIds: [], decidedOn: dayOf(refusal.at), level: refusal.level,
		familyIds: [...new Set([app.applicantId, ...family])], what: { elder: app.elder.name, detail: app.policy.nameZh },
	}
}

// ---- allowance stops: decided by the run, approved by a city officer; reviewed by another city officer

type StopRow = { runId: string; elderId: string; month: string; reason: string; districtId: string; startedById: string | null; submittedById: string | null; approvedById: string | null; approvedAt: Date; elderName: string; overturnAppealId: string | null }

const stopSelect = sql`SELECT s."runId", s."elderId", s.month, s.reason::text AS reason, s."districtId", r."startedById", r."submittedById", r."approvedById", r."approvedAt", e.name AS "elderName", s."overturnAppealId"
	FROM allowance_stop s JOIN allowance_run r ON r.id = s."runId" AND r.status IN ('approved', 'disbursed') JOIN elder e ON e.id = s."elderId"`

function stopDecision(s: StopRow, family: string[]): Decision {
	return {
		kind: 'allowance_stop', subjectId: `${s.runId}:${s.elderId}`, elderId: s.elderId, districtId: s.districtId, townshipId: null,
		decided: s.reason, deciderId: s.approvedById, otherDeciderIds: [s.startedById, s.submittedById].filter((x): x is string => !!x), decidedOn: dayOf(s.approvedAt), level: 'city',
		familyIds: family, what: { elder: s.elderName, detail: s.month },
	}
}


async function findStop(subjectId: string): Promise<StopRow | null> {
	const [runId, elderId] = subjectId.split(':')
	if (!runId || !elderId || !isUuid(runId) || !isUuid(elderId)) return null
	return (await sql`${stopSelect} WHERE s."runId" = ${runId}::uuid AND s."elderId" = ${elderId}::uuid`.first<StopRow>()) ?? null
}

// ---- capability assessments: decided by an assessor (or an officer, or a migration); reviewed by the district

type AssessmentRow = { id: string; elderId: string; assessorId: string | null; createdAt: Date; level: string; source: string; districtId: string; elderName: string; assessedOn: string; validUntil: string }

const assessmentSelect = sql`SELECT a.id, a."elderId", a."assessorId", a."createdAt", a.level::text AS level, a.source, e."districtId", e.name AS "elderName", a."assessedOn", a."validUntil"
	FROM capability_assessment a JOIN elder e ON e.id = a."elderId"`

/** The assessment in force on a day (the latest whose validity covers it, as elder_disability_on). */
async function assessmentInForce(elderId: string, day: string) {
	return sql`${assessmentSelect} WHERE a."elderId" = ${elderId}::uuid AND a."assessedOn" <= ${day}::date AND a."validUntil" >= ${day}::date
		ORDER BY a."assessedOn" DESC, a."createdAt" DESC LIMIT 1`.first<AssessmentRow>()
}

function assessmentDecision(a: AssessmentRow, family: string[]): Decision {
	return {
		kind: 'assessment', subjectId: a.id, elderId: a.elderId, districtId: a.districtId, townshipId: null,
		decided: a.level, deciderId: a.assessorId, otherDeciderIds: [], decidedOn: dayOf(a.createdAt), level: 'district',
		familyIds: family, what: { elder: a.elderName, detail: a.assessedOn },
	}
}

// ---- complaint findings: closed by a district officer; reviewed by the city

type ComplaintRow = { id: string; districtId: string; familyUserId: string; finding: string | null; closedById: string | null; closedAt: Date | null; status: string; provider: string }

const complaintSelect = sql`SELECT c.id, c."districtId", c."familyUserId", c.finding::text AS finding, c."closedById", c."closedAt", c.status::text AS status, p.name AS provider
	FROM complaint c JOIN provider p ON p.id = c."providerId"`

function complaintDecision(c: ComplaintRow): Decision | null {
	if (c.status !== 'closed' || !c.finding || !c.closedAt) return null
	return {
		kind: 'complaint', subjectId: c.id, elderId: null, districtId: c.districtId, townshipId: null,
		decided: c.finding, deciderId: c.closedById, otherDeciderIds: [], decidedOn: dayOf(c.closedAt), level: 'city',
		familyIds: [c.familyUserId], what: { elder: '', detail: c.provider },
	}
}

// ---- the entry points appeals.server.ts uses

export type Found = { decision: Decision } | { missing: true } | { notAppealable: true }

/** The decision a kind and id name, as it stands `today`. */
export async function findDecision(kind: AppealKind, subjectId: string, today: string): Promise<Found> {
	switch (kind) {
		case 'subsidy_application': {
			if (!isUuid(subjectId)) return { missing: true }
			const app = await findApplication(subjectId)
			if (!app) return { missing: true }
			const d = applicationDecision(app, await familyOf(app.elderId))
			return d ? { decision: d } : { notAppealable: true }
		}
		case 'allowance_stop': {
			const stop = await findStop(subjectId)
			return stop ? { decision: stopDecision(stop, await familyOf(stop.elderId)) } : { missing: true }
		}
		case 'assessment': {
			if (!isUuid(subjectId)) return { missing: true }
			const a = await sql`${assessmentSelect} WHERE a.id = ${subjectId}::uuid`.first<AssessmentRow>()
			if (!a) return { missing: true }
			// Only the assessment in force is appealed; a level set on appeal is the review's own decision.
			const current = await assessmentInForce(a.elderId, today)
			if (current?.id !== a.id || a.source === 'appeal') return { notAppealable: true }
			return { decision: assessmentDecision(a, await familyOf(a.elderId)) }
		}
		case 'complaint': {
			if (!isUuid(subjectId)) return { missing: true }
			const c = await sql`${complaintSelect} WHERE c.id = ${subjectId}::uuid`.first<ComplaintRow>()
			if (!c) return { missing: true }
			const d = complaintDecision(c)
			return d ? { decision: d } : { notAppealable: true }
		}
	}
}

/** Every decision about the family's elders (and its own complaints) that may be appealed, newest first. */
export async function decisionsFor(user: SessionUser, today: string): Promise<Decision[]> {
	const links = await prisma.familyLink.findMany({ where: { userId: user.id }, select: { elderId: true }, take: 50 })
	const elderIds = links.map((l) => l.elderId)
	const families = new Map<string, string[]>()
	for (const l of await prisma.familyLink.findMany({ where: { elderId: { in: elderIds } }, select: { elderId: true, userId: true } })) families.set(l.elderId, [...(families.get(l.elderId) ?? []), l.userId])
	const fam = (elderId: string) => families.get(elderId) ?? []
	const out: Decision[] = []
	const apps = await prisma.subsidyApplication.findMany({ where: { elderId: { in: elderIds }, status: { in: ['community_rejected', 'township_rejected', 'rejected'] } }, take: 50, orderBy: { createdAt: 'desc' }, select: refusalSelect })
	for (const a of apps) {
		const d = applicationDecision(a, fam(a.elderId))
		if (d) out.push(d)
	}
	if (elderIds.length) {
		// The stops of the last year: older ones are long past their deadline.
		const stops = await sql`${stopSelect} WHERE s."elderId" = ANY(${elderIds}::uuid[]) AND r."approvedAt" IS NOT NULL ORDER BY s.month DESC LIMIT 60`.rows<StopRow>()
		for (const s of stops) if (s.approvedAt) out.push(stopDecision(s, fam(s.elderId)))
		for (const elderId of elderIds) {
			const a = await assessmentInForce(elderId, today)
			if (a && a.source !== 'appeal') out.push(assessmentDecision(a, fam(elderId)))
		}
	}
	const complaints = await sql`${complaintSelect} WHERE c."familyUserId" = ${user.id}::uuid AND c.status = 'closed' ORDER BY c."closedAt" DESC LIMIT 50`.rows<ComplaintRow>()
	for (const c of complaints) {
		const d = complaintDecision(c)
		if (d) out.push(d)
	}
	return out
}

/** Facts of the subject for the reviewing officer. */
export async function subjectFacts(kind: AppealKind, subjectId: string): Promise<Record<string, string>> {
	if (kind === 'subsidy_application') {
		const app = await prisma.subsidyApplication.findUnique({ where: { id: subjectId }, select: { elder: { select: { name: true } }, policy: { select: { nameZh: true } }, bureauReason: true, townshipNote: true, communityNote: true } })
		return app ? { elder: app.elder.name, policy: app.policy.nameZh, refusalReason: app.bureauReason ?? app.townshipNote ?? app.communityNote ?? '' } : {}
	}
	if (kind === 'allowance_stop') {
		const s = await findStop(subjectId)
		return s ? { elder: s.elderName, month: s.month, stopReason: s.reason } : {}
	}
	if (kind === 'assessment') {
		const a = await sql`${assessmentSelect} WHERE a.id = ${subjectId}::uuid`.first<AssessmentRow>()
		return a ? { elder: a.elderName, capabilityLevel: a.level, assessedOn: a.assessedOn, validUntil: a.validUntil } : {}
	}
	const c = await sql`${complaintSelect} WHERE c.id = ${subjectId}::uuid`.first<ComplaintRow>()
	return c ? { provider: c.provider, finding: c.finding ?? '' } : {}
}

export type Change = { appealId: string; kind: AppealKind; subjectId: string; decided: string; refusedOn: string; reason: string; changedTo: string | null }

/**
 * What a "changed" outcome does, inside the decision's transaction. Returns the notice the subsidy was
 * listed on (subsidies only). A subject that moved on since the appeal was lodged refuses (409).
 */
export async function applyChange(tx: Tx, reviewer: SessionUser, c: Change, today: string): Promise<{ noticeId: string | null }> {
	switch (c.kind) {
		case 'subsidy_application': {
			const app = await tx.subsidyApplication.findUniqueOrThrow({ where: { id: c.subjectId }, select: refusalSelect })
			const month = today.slice(0, 7)
			const { count } = await tx.subsidyApplication.updateMany({ where: { id: app.id, status: app.status }, data: { status: 'approved', bureauReviewerId: reviewer.id, bureauDecidedAt: new Date(), bureauReason: c.reason } })
			if (count === 0 || app.status !== c.decided) refuse(null, 'subsidies:errors.outOfOrder', 409)
			const commitment = yearCommitmentFen(app.policyVersion.monthlyCreditFen, month, app.policyVersion.validUntil ? toDateString(app.policyVersion.validUntil) : null)
			// An appeal's change is committed like an approval: upserted, since a refusal may have been made before any budget row existed.
			await sql`INSERT INTO subsidy_budget ("policyId", "districtId", year, "amountFen", "committedFen", "updatedAt") VALUES (${app.policyId}::uuid, ${app.districtId}, ${Number(month.slice(0, 4))}, 0, ${commitment}, now())
				ON CONFLICT ("policyId", "districtId", year) DO UPDATE SET "committedFen" = subsidy_budget."committedFen" + EXCLUDED."committedFen", "updatedAt" = now()`.run(tx)
			const listed = await listForNotice(tx, { applicationId: app.id, elderId: app.elderId, elderName: app.elder.name, districtId: app.districtId, communityId: app.communityId, monthlyCreditFen: app.policyVersion.monthlyCreditFen, commitmentFen: commitment, backPayFrom: c.refusedOn.slice(0, 7) }, today)
			return { noticeId: listed.noticeId }
		}
		case 'allowance_stop': {
			// The stop appealed and the later months stopped for the same reason (the same decision, repeated
			// by each run) are overturned; the next monthly run pays each as back-pay through the allowance
			// engine's back-pay path, once (UNIQUE(elder, month) on allowance_payment).
			const [runId, elderId] = c.subjectId.split(':')
			const first = await sql`SELECT month FROM allowance_stop WHERE "runId" = ${runId}::uuid AND "elderId" = ${elderId}::uuid AND "overturnAppealId" IS NULL FOR UPDATE`.first<{ month: string }>(tx)
			if (!first) refuse(null, 'subsidies:dueProcess.errors.alreadyDecided', 409)
			await sql`UPDATE allowance_stop s SET "overturnAppealId" = ${c.appealId}::uuid
				FROM allowance_run r
				WHERE r.id = s."runId" AND r.status <> 'rejected' AND s."elderId" = ${elderId}::uuid AND s.reason::text = ${c.decided}
				  AND s.month >= ${first!.month} AND s."overturnAppealId" IS NULL
				  AND NOT EXISTS (SELECT 1 FROM allowance_payment p WHERE p."elderId" = s."elderId" AND p.month = s.month)`.run(tx)
			return { noticeId: null }
		}
		case 'assessment': {
			// The reviewer's level becomes a new assessment on the original's day and validity: being the
			// latest of that day, it is the one in force from the original date (elder_disability_on).
			const a = await tx.capabilityAssessment.findUniqueOrThrow({ where: { id: c.subjectId }, select: { elderId: true, assessedOn: true, validUntil: true, scaleVersion: true, orgId: true } })
			await tx.capabilityAssessment.create({
				data: { elderId: a.elderId, scaleVersion: a.scaleVersion, assessorId: reviewer.id, orgId: a.orgId, assessedOn: a.assessedOn, validUntil: a.validUntil, baseLevel: c.changedTo as (typeof CAPABILITY_LEVELS)[number], level: c.changedTo as (typeof CAPABILITY_LEVELS)[number], source: 'appeal', note: c.reason },
				select: { id: true },
			})
			return { noticeId: null }
		}
		case 'complaint': {
			const { count } = await tx.complaint.updateMany({ where: { id: c.subjectId, status: 'closed', finding: c.decided as (typeof COMPLAINT_FINDINGS)[number] }, data: { finding: c.changedTo as (typeof COMPLAINT_FINDINGS)[number], findingNote: c.reason, closedById: reviewer.id, closedAt: new Date() } })
			if (count === 0) refuse(null, 'subsidies:errors.outOfOrder', 409)
			return { noticeId: null }
		}
	}
}

