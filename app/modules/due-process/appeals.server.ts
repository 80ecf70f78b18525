// Appeals (复核) of every decision about an elder (issue 15 item 2): a subsidy refusal, an allowance
// stop, the capability assessment in force, a complaint's finding (subjects.server.ts says what each
// is). The family (a user linked to the elder; for a complaint, the complainant) may ask for a review
// within APPEAL_DAYS days of the decision, with reasons and up to 3 attachments. It goes one level
// above the decider (subsidies: community → township (the district where there is no township) →
// district → city; allowance stops: another city officer; assessments: the district; complaint
// findings: the city); the reviewer is never the decider or anyone who took part (twoPersonRefusal).
// Upheld: the decision stands. Changed: subjects.server.ts applyChange (approval with back-pay, stop
// overturned and back-paid by the next run, corrected level in force from the original day, new finding).
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { addDays, dateOnly, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide, townshipIdOf } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { MAX_ATTACHMENTS, sniffAttachment, type Attachment } from './attachments.ts'
import { APPEAL_DAYS } from './mask.ts'
import { applyChange, CAPABILITY_LEVELS, COMPLAINT_FINDINGS, decisionsFor, findDecision, subjectFacts, type AppealKind, type Decision } from './subjects.server.ts'

export { refusalOf } from './subjects.server.ts'

/** `applicationId` alone names a subsidy refusal (the first kind appeals were taken for). */
export type AppealInput = ({ kind: AppealKind; subjectId: string } | { applicationId: string }) & { reasons: string; attachments?: Attachment[] }

function subjectOf(input: AppealInput): { kind: AppealKind; subjectId: string } {
	return 'applicationId' in input ? { kind: 'subsidy_application', subjectId: input.applicationId } : { kind: input.kind, subjectId: input.subjectId }
}

const deadlineOf = (d: Decision) => addDays(d.decidedOn, APPEAL_DAYS)

export async function lodgeAppeal(user: SessionUser, input: AppealInput, ip: string | null, today: string): Promise<Outcome<{ id: string; deadline: string }>> {
	const { kind, subjectId } = subjectOf(input)
	const found = await findDecision(kind, subjectId, today)
	if ('missing' in found) return fail('subsidies:dueProcess.errors.noApplication', 404)
	if ('notAppealable' in found) return fail('subsidies:dueProcess.errors.notRefused', 409)
	const d = found.decision
	if (user.role !== 'family' || !d.familyIds.includes(user.id)) return fail('subsidies:errors.notYourElder', 403)
	if (!input.reasons.trim()) return fieldFail('reasons', 'subsidies:errors.reasonRequired', 400)
	const deadline = deadlineOf(d)
	if (today > deadline) return fail('subsidies:dueProcess.errors.appealLate', 409)
	const files = input.attachments ?? []
	if (files.length > MAX_ATTACHMENTS) return fieldFail('attachments', 'subsidies:dueProcess.errors.attachmentTooMany', 400)
	const typed = files.map((f) => ({ ...f, mime: sniffAttachment(f.bytes) }))
	if (typed.some((f) => !f.mime)) return fieldFail('attachments', 'subsidies:dueProcess.errors.attachmentType', 400)
	try {
		const created = await transaction(async (tx) => {
			const row = await tx.appeal.create({
				data: { kind, subjectId, elderId: d.elderId, appellantId: user.id, districtId: d.districtId, townshipId: d.townshipId, decided: d.decided, deciderId: d.deciderId, otherDeciderIds: d.otherDeciderIds, refusedOn: dateOnly(d.decidedOn), level: d.level, deadline: dateOnly(deadline), lodgedOn: dateOnly(today), reasons: input.reasons },
				select: { id: true },
			})
			for (const f of typed) await tx.appealAttachment.create({ data: { appealId: row.id, fileName: f.fileName, mime: f.mime!, size: f.bytes.byteLength, bytes: Buffer.from(f.bytes) }, select: { id: true } })
			await audit({ actor: user, action: kind === 'subsidy_application' ? 'subsidy.appeal' : 'appeal.lodge', entityType: 'appeal', entityId: row.id, districtId: d.districtId, ip, details: { kind, subjectId, level: d.level, attachments: typed.length } }, tx)
			return row
		})
		return ok({ id: created.id, deadline })
	} catch (error) {
		return failureOf(error)
	}
}

/** The appeals the officer's level and place review (city: city and district appeals; a district's bureau: its district's; a township: its own), as a filter. */
async function reviewPlace(user: SessionUser): Promise<Prisma.AppealWhereInput> {
	if (isCityWide(user)) return { level: { in: ['city', 'district'] } }
	if (user.role === 'bureau_district') return { level: 'district', districtId: user.districtId ?? '-' }
	const townshipId = user.role === 'township_officer' ? await townshipIdOf(user) : null
	return townshipId ? { level: 'township', districtId: user.districtId ?? '-', townshipId } : { id: NO_APPEAL }
}

const NO_APPEAL = '00000000-0000-0000-0000-000000000000'

/** Appeals the officer may review and did not take part in deciding (an appeal is reviewed by someone else). */
async function reviewableBy(user: SessionUser): Promise<Prisma.AppealWhereInput> {
	return { AND: [await reviewPlace(user), { NOT: { otherDeciderIds: { has: user.id } } }, { OR: [{ deciderId: null }, { deciderId: { not: user.id } }] }] }
}

/** The appeal an attachment belongs to, if this officer may review it (for the download route). */
export async function reviewableAppeal(user: SessionUser, appealId: string) {
	return prisma.appeal.findFirst({ where: { AND: [{ id: appealId }, await reviewableBy(user)] }, select: { districtId: true } })
}

/** Pending appeals waiting for this officer's level and place (the home page's count of the queue). */
export async function countAppealsToDecide(user: SessionUser) {
	return prisma.appeal.count({ where: { AND: [{ status: 'pending' }, await reviewableBy(user)] } })
}

/** Appeals of every kind waiting for this officer's level and place, with the subject's facts. */
export async function appealQueue(user: SessionUser) {
	const mine = await prisma.appeal.findMany({
		where: { AND: [{ status: 'pending' }, await reviewableBy(user)] }, orderBy: { lodgedOn: 'asc' }, take: 200,
		select: { id: true, kind: true, subjectId: true, level: true, districtId: true, townshipId: true, reasons: true, lodgedOn: true, deadline: true, decided: true, refusedOn: true },
	})
	const attachments = await prisma.appealAttachment.findMany({ where: { appealId: { in: mine.map((r) => r.id) } }, orderBy: { createdAt: 'asc' }, select: { id: true, appealId: true, fileName: true, size: true } })
	return Promise.all(
		mine.map(async (r) => {
			const facts = await subjectFacts(r.kind as AppealKind, r.subjectId)
			return {
				id: r.id, kind: r.kind as AppealKind, level: r.level, reasons: r.reasons, decided: r.decided,
				lodgedOn: toDateString(r.lodgedOn), deadline: toDateString(r.deadline), refusedOn: toDateString(r.refusedOn),
				elder: facts.elder ?? '', policy: facts.policy ?? '', facts,
				attachments: attachments.filter((a) => a.appealId === r.id).map(({ id, fileName, size }) => ({ id, fileName, size })),
			}
		}),
	)
}

/**
 * Every decision about the family's elders it may appeal, with its deadline, and every appeal it
 * made — also those whose subject has moved on since (an approval after a changed refusal, an
 * assessment no longer in force), so the outcome stays on the page.
 */
export async function familyAppeals(user: SessionUser, today: string) {
	const decisions = await decisionsFor(user, today)
	const appeals = await prisma.appeal.findMany({
		where: { OR: [{ appellantId: user.id }, ...decisions.map((d) => ({ kind: d.kind, subjectId: d.subjectId }))] },
		orderBy: { createdAt: 'desc' }, take: 100,
		select: { kind: true, subjectId: true, status: true, outcomeReason: true, changedTo: true, decided: true, refusedOn: true, deadline: true },
	})
	const appealOf = (kind: string, subjectId: string) => appeals.find((x) => x.kind === kind && x.subjectId === subjectId)
	const summary = (a: (typeof appeals)[number]) => ({ status: a.status, outcomeReason: a.outcomeReason, changedTo: a.changedTo })
	const current = decisions
		.map((d) => {
			const deadline = deadlineOf(d)
			const appeal = appealOf(d.kind, d.subjectId)
			return {
				key: `${d.kind}-${d.subjectId}`, kind: d.kind, subjectId: d.subjectId, decided: d.decided, decidedOn: d.decidedOn,
				// The first kind's field names, kept for its page and tests.
				applicationId: d.kind === 'subsidy_application' ? d.subjectId : null,
				elder: d.what.elder, detail: d.what.detail, policy: d.kind === 'subsidy_application' ? d.what.detail : '',
				deadline, open: today <= deadline && !appeal,
				appeal: appeal ? summary(appeal) : null,
			}
		})
		// Past their deadline and never appealed: nothing left to do, not listed.
		.filter((d) => d.open || d.appeal)
	const moved = appeals.filter((a) => !decisions.some((d) => d.kind === a.kind && d.subjectId === a.subjectId))
	const past = await Promise.all(
		moved.map(async (a) => {
			const facts = await subjectFacts(a.kind as AppealKind, a.subjectId)
			return {
				key: `${a.kind}-${a.subjectId}`, kind: a.kind as AppealKind, subjectId: a.subjectId, decided: a.decided, decidedOn: toDateString(a.refusedOn),
				applicationId: a.kind === 'subsidy_application' ? a.subjectId : null,
				elder: facts.elder ?? '', detail: facts.policy ?? facts.month ?? facts.assessedOn ?? facts.provider ?? '', policy: facts.policy ?? '',
				deadline: toDateString(a.deadline), open: false, appeal: summary(a),
			}
		}),
	)
	return [...current, ...past]
}

export type AppealDecisionInput = { appealId: string; outcome: 'upheld' | 'changed'; reason: string; changedTo?: string | null }

export async function decideAppeal(user: SessionUser, input: AppealDecisionInput, ip: string | null, today: string): Promise<Outcome<{ noticeId: string | null }>> {
	const appeal = await prisma.appeal.findFirst({ where: { AND: [{ id: input.appealId }, await reviewPlace(user)] }, select: { id: true, kind: true, subjectId: true, status: true, level: true, districtId: true, townshipId: true, deciderId: true, otherDeciderIds: true, appellantId: true, elderId: true, decided: true, refusedOn: true } })
	if (!appeal) return fail('subsidies:dueProcess.errors.notInScope', 404)
	const twoPerson = await twoPersonRefusal(user, [appeal.deciderId, ...appeal.otherDeciderIds, appeal.appellantId], { sameAccountMessage: 'subsidies:dueProcess.errors.sameDecider' })
	if (twoPerson) return twoPerson
	if (!input.reason.trim()) return fieldFail('reason', 'subsidies:errors.reasonRequired', 400)
	const kind = appeal.kind as AppealKind
	// A changed level or finding names what replaces it; other kinds take none.
	const choices: readonly string[] | null = kind === 'assessment' ? CAPABILITY_LEVELS : kind === 'complaint' ? COMPLAINT_FINDINGS : null
	const changedTo = input.outcome === 'changed' && choices ? (input.changedTo ?? '') : null
	if (choices && input.outcome === 'changed' && (!changedTo || !choices.includes(changedTo) || changedTo === appeal.decided)) return fieldFail('changedTo', 'subsidies:dueProcess.errors.changedTo', 400)
	const facts = await subjectFacts(kind, appeal.subjectId)
	try {
		const noticeId = await transaction(async (tx) => {
			const { count } = await tx.appeal.updateMany({ where: { id: appeal.id, status: 'pending' }, data: { status: input.outcome, outcomeReason: input.reason, changedTo, reviewerId: user.id, decidedAt: new Date() } })
			if (count === 0) refuse(null, 'subsidies:dueProcess.errors.alreadyDecided', 409)
			const changed = input.outcome === 'changed' ? await applyChange(tx, user, { appealId: appeal.id, kind, subjectId: appeal.subjectId, decided: appeal.decided, refusedOn: toDateString(appeal.refusedOn), reason: input.reason, changedTo }, today) : { noticeId: null }
			const family = new Set([appeal.appellantId])
			if (kind === 'subsidy_application') {
				const app = await tx.subsidyApplication.findUniqueOrThrow({ where: { id: appeal.subjectId }, select: { applicantId: true } })
				family.add(app.applicantId)
			}
			const notice = kind === 'subsidy_application' ? (`subsidy.appeal_${input.outcome}` as const) : (`appeal.${input.outcome}` as const)
			const params = { kind, subjectId: appeal.subjectId, applicationId: kind === 'subsidy_application' ? appeal.subjectId : undefined, elder: facts.elder ?? '', policy: facts.policy ?? '', what: facts.month ?? facts.provider ?? facts.assessedOn ?? facts.policy ?? '', reason: input.reason }
			await notify(tx, [...family].map((userId) => ({ userId })), notice, { params, dedupe: appeal.id, sms: true })
			await audit({ actor: user, action: kind === 'subsidy_application' ? `subsidy.appeal_${input.outcome}` : `appeal.${input.outcome}`, entityType: 'appeal', entityId: appeal.id, districtId: appeal.districtId, ip, details: { kind, subjectId: appeal.subjectId, reason: input.reason, changedTo } }, tx)
			return changed.noticeId
		})
		return ok({ noticeId })
	} catch (error) {
		return failureOf(error)
	}
}
