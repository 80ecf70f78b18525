// Public notice (公示) of approved subsidies, objections and the close of a notice (issue 15 item 1).
// An approval is listed (subsidies/grant-open.server.ts listForNotice) on its community's notice for
// NOTICE_DAYS days: objections are taken on days opensOn … endsOn-1; from endsOn on, the daily job
// closes the notice: each listed entry with no pending objection opens its grant (grant, accounts,
// first credit in one transaction, idempotent by the entry's conditional status update), and an
// upheld objection withholds the entry (application refused, budget commitment released, family told
// how to appeal). `today` is always passed in ('YYYY-MM-DD', Shanghai), so the time rules are testable.
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { getEnv } from '~/lib/env.server.ts'
import { redis } from '~/lib/redis.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { elderFactsSelect, facts } from '~/modules/subsidies/applications.server.ts'
import { openApprovedGrant } from '~/modules/subsidies/grant-open.server.ts'
import { exclusiveWith, versionRules } from '~/modules/subsidies/policies.server.ts'
import { ineligibility } from '~/modules/subsidies/rules.ts'
import { notify, type Recipient } from '~/modules/messaging/notify.server.ts'
import { APPEAL_DAYS } from './mask.ts'
import { officerElderScope, officerHasElder } from './scope.server.ts'
import { isUuid } from '~/lib/query.ts'

/** Objections one IP may lodge per day (Redis counter `<QUEUE_PREFIX>:objection:<ip>:<day>`). */
export const OBJECTIONS_PER_IP_PER_DAY = 5

type Db = Tx | typeof prisma

/** The family members linked to an elder, plus the applicant: who hears of the notice's outcome. */
async function familyOf(tx: Db, elderId: string, applicantId: string | null): Promise<Recipient[]> {
	const links = await tx.familyLink.findMany({ where: { elderId }, select: { userId: true } })
	return [...(applicantId ? [applicantId] : []), ...links.map((l) => l.userId)].map((userId) => ({ userId }))
}

/** A notice's state on `today`: upcoming, open (objections taken) or ended. */
export function noticeState(n: { opensOn: string; endsOn: string }, today: string) {
	return today < n.opensOn ? 'upcoming' : today < n.endsOn ? 'open' : 'ended'
}

export type PublicNoticeEntry = { id: string; displayName: string; community: string; benefit: string; benefitEn: string | null; monthlyCreditFen: number }
export type PublicNotice = { id: string; opensOn: string; endsOn: string; community: string; district: string; entries: PublicNoticeEntry[] }

/**
 * The notices open on `today` for a community (a community id) or for the elders of a district with
 * no community (a district id). Only the masked name, community, benefit and amount leave the
 * database: no identity number, no search by one.
 */
export async function publicNotices(place: string, today: string): Promise<{ place: string; notices: PublicNotice[] } | null> {
	const byId = isUuid(place)
	const community = byId ? await prisma.community.findUnique({ where: { id: place }, select: { id: true, nameZh: true, district: { select: { id: true, nameZh: true } } } }) : null
	const district = !community && !byId ? await prisma.district.findUnique({ where: { id: place }, select: { id: true, nameZh: true } }) : null
	if (!community && !district) return null
	const rows = await sql`SELECT n.id, n."opensOn", n."endsOn", e.id AS "entryId", e."displayName", e."monthlyCreditFen", p."nameZh" AS benefit, p."nameEn" AS "benefitEn"
		FROM subsidy_notice n
		JOIN subsidy_notice_entry e ON e."noticeId" = n.id AND e.status IN ('listed', 'effective')
		JOIN subsidy_application a ON a.id = e."applicationId"
		JOIN subsidy_policy p ON p.id = a."policyId"
		WHERE ${community ? sql`n."communityId" = ${community.id}::uuid` : sql`n."districtId" = ${district!.id} AND n."communityId" IS NULL`}
		  AND n."opensOn" <= ${today}::date AND n."endsOn" > ${today}::date
		ORDER BY n."opensOn", e."displayName", e.id`.rows<{ id: string; opensOn: string; endsOn: string; entryId: string; displayName: string; monthlyCreditFen: number; benefit: string; benefitEn: string | null }>()
	const placeName = community ? community.nameZh : district!.nameZh
	const notices = new Map<string, PublicNotice>()
	for (const r of rows) {
		const n = notices.get(r.id) ?? { id: r.id, opensOn: r.opensOn, endsOn: r.endsOn, community: placeName, district: community ? community.district.nameZh : district!.nameZh, entries: [] }
		n.entries.push({ id: r.entryId, displayName: r.displayName, community: placeName, benefit: r.benefit, benefitEn: r.benefitEn, monthlyCreditFen: Number(r.monthlyCreditFen) })
		notices.set(r.id, n)
	}
	return { place: placeName, notices: [...notices.values()] }
}

export type ObjectionInput = { noticeId?: string | undefined; entryId: string; name: string; phone: string; reason: string }

/** Anyone may object to an entry while its notice is open; rate-limited per IP. */
export async function lodgeObjection(input: ObjectionInput, ip: string | null, today: string): Promise<Outcome<{ id: string }>> {
	const entry = await prisma.subsidyNoticeEntry.findUnique({ where: { id: input.entryId }, select: { id: true, noticeId: true } })
	if (input.noticeId && entry?.noticeId !== input.noticeId) {
		const exists = await prisma.subsidyNotice.count({ where: { id: input.noticeId } })
		if (!exists) return fail('subsidies:dueProcess.errors.noNotice', 404)
	}
	if (!entry || (input.noticeId && entry.noticeId !== input.noticeId)) return fieldFail('entryId', 'subsidies:dueProcess.errors.noEntry', 404)
	const notice = await prisma.subsidyNotice.findUniqueOrThrow({ where: { id: entry.noticeId }, select: { id: true, opensOn: true, endsOn: true, districtId: true } })
	if (noticeState({ opensOn: toDateString(notice.opensOn), endsOn: toDateString(notice.endsOn) }, today) !== 'open') return fail('subsidies:dueProcess.errors.noticeClosed', 409)
	{
		// Per IP and day; requests with no known address share one counter (so they cannot escape it).
		const key = `${getEnv().QUEUE_PREFIX}:objection:${ip ?? 'unknown'}:${today}`
		const n = await redis.incr(key)
		if (n === 1) await redis.expire(key, 2 * 24 * 3600)
		if (n > OBJECTIONS_PER_IP_PER_DAY) return fail('subsidies:dueProcess.errors.tooMany', 429)
	}
	const created = await transaction(async (tx) => {
		const row = await tx.noticeObjection.create({ data: { noticeId: notice.id, entryId: entry.id, name: input.name, phone: input.phone, reason: input.reason, ip, lodgedOn: new Date(`${today}T00:00:00Z`) }, select: { id: true } })
		await audit({ actor: null, action: 'notice.objection', entityType: 'notice_objection', entityId: row.id, districtId: notice.districtId, ip, details: { noticeId: notice.id, entryId: entry.id } }, tx)
		return row
	})
	return ok(created)
}

/** Pending objections about elders in the officer's scope: their ids, scoped before any list is cut. */
async function objectionsInScope(user: SessionUser) {
	const pending = await sql`SELECT o.id, en."elderId" FROM notice_objection o JOIN subsidy_notice_entry en ON en.id = o."entryId" WHERE o.status = 'pending'`.rows<{ id: string; elderId: string }>()
	if (!pending.length) return []
	const elderIds = [...new Set(pending.map((p) => p.elderId))]
	const inScope = new Set((await prisma.elder.findMany({ where: { AND: [{ id: { in: elderIds } }, officerElderScope(user)] }, select: { id: true } })).map((e) => e.id))
	return pending.filter((p) => inScope.has(p.elderId)).map((p) => p.id)
}

/** How many objections wait for the officer's finding (the home page). */
export async function countObjectionsToFind(user: SessionUser) {
	return (await objectionsInScope(user)).length
}

/** Objections waiting for a finding, about elders in the officer's scope, oldest first. */
export async function pendingObjections(user: SessionUser) {
	const ids = await objectionsInScope(user)
	if (!ids.length) return []
	const rows = await prisma.noticeObjection.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' }, take: 200, select: { id: true, noticeId: true, entryId: true, name: true, phone: true, reason: true, lodgedOn: true } })
	const entries = await prisma.subsidyNoticeEntry.findMany({ where: { id: { in: rows.flatMap((r) => (r.entryId ? [r.entryId] : [])) } }, select: { id: true, displayName: true } })
	const names = new Map(entries.map((e) => [e.id, e.displayName]))
	return rows.map((r) => ({ ...r, lodgedOn: toDateString(r.lodgedOn), displayName: names.get(r.entryId ?? '') ?? '' }))
}

export type FindingInput = { objectionId: string; finding: 'upheld' | 'not_upheld'; reasons: string }

/**
 * An officer in scope records the finding. Upheld: the entry is withheld, the application refused
 * (so it can be appealed), the budget commitment released, the family told. Not upheld after the
 * notice ended: the entry is settled at once (the grant opens if nothing else is pending).
 */
export async function recordFinding(user: SessionUser, input: FindingInput, ip: string | null, today: string): Promise<Outcome<null>> {
	const objection = await prisma.noticeObjection.findUnique({ where: { id: input.objectionId }, select: { id: true, status: true, entryId: true, noticeId: true } })
	const entry = objection?.entryId ? await prisma.subsidyNoticeEntry.findUnique({ where: { id: objection.entryId }, select: { id: true, elderId: true, applicationId: true, commitmentFen: true } }) : null
	if (!objection || !entry || !(await officerHasElder(user, entry.elderId))) return fail('subsidies:dueProcess.errors.notInScope', 404)
	if (!input.reasons.trim()) return fieldFail('reasons', 'subsidies:errors.reasonRequired', 400)
	try {
		await transaction(async (tx) => {
			const { count } = await tx.noticeObjection.updateMany({ where: { id: objection.id, status: 'pending' }, data: { status: input.finding, finding: input.reasons, officerId: user.id, decidedAt: new Date() } })
			if (count === 0) refuse(null, 'subsidies:dueProcess.errors.alreadyDecided', 409)
			const app = await tx.subsidyApplication.findUniqueOrThrow({ where: { id: entry.applicationId }, select: { id: true, applicantId: true, policyId: true, districtId: true, elderId: true, elder: { select: { name: true } }, policy: { select: { nameZh: true } } } })
			if (input.finding === 'upheld') {
				const withheld = await tx.subsidyNoticeEntry.updateMany({ where: { id: entry.id, status: 'listed' }, data: { status: 'withheld', settledAt: new Date() } })
				if (withheld.count) {
					await tx.subsidyApplication.update({ where: { id: app.id }, data: { status: 'rejected', bureauReason: input.reasons, bureauReviewerId: user.id, bureauDecidedAt: new Date() } })
					await releaseCommitment(tx, app, Number(entry.commitmentFen), today)
					await notify(tx, await familyOf(tx, app.elderId, app.applicantId), 'subsidy.notice_withheld', { params: { elder: app.elder.name, policy: app.policy.nameZh, reason: input.reasons, appealDays: APPEAL_DAYS, applicationId: app.id }, dedupe: entry.id, sms: true })
				}
			}
			await audit({ actor: user, action: `notice.objection_${input.finding}`, entityType: 'notice_objection', entityId: objection.id, districtId: app.districtId, ip, details: { reasons: input.reasons, entryId: entry.id } }, tx)
		})
	} catch (error) {
		return failureOf(error)
	}
	if (input.finding === 'not_upheld') await settleNotice(objection.noticeId, today)
	return ok()
}

async function releaseCommitment(tx: Tx, app: { policyId: string; districtId: string }, commitmentFen: number, today: string) {
	await sql`UPDATE subsidy_budget SET "committedFen" = greatest(0, "committedFen" - ${commitmentFen}), "updatedAt" = now()
		WHERE "policyId" = ${app.policyId}::uuid AND "districtId" = ${app.districtId} AND year = ${Number(today.slice(0, 4))}`.run(tx)
}

export type CloseRun = { notices: number; opened: number; lapsed: number; waiting: number }

/** The daily job: every notice whose period ended by `today` is settled. Idempotent. */
export async function closeDueNotices(today: string): Promise<CloseRun> {
	const due = await prisma.subsidyNotice.findMany({ where: { closedAt: null, endsOn: { lte: new Date(`${today}T00:00:00Z`) } }, select: { id: true }, orderBy: { endsOn: 'asc' } })
	const run: CloseRun = { notices: due.length, opened: 0, lapsed: 0, waiting: 0 }
	for (const n of due) {
		const r = await settleNotice(n.id, today)
		run.opened += r.opened
		run.lapsed += r.lapsed
		run.waiting += r.waiting
	}
	return run
}

/**
 * Settles the listed entries of one ended notice: an entry with a pending objection waits for the
 * finding; the others open their grant (or lapse when the elder no longer qualifies). The notice is
 * closed when nothing is left listed.
 */
export async function settleNotice(noticeId: string, today: string): Promise<{ opened: number; lapsed: number; waiting: number }> {
	const notice = await prisma.subsidyNotice.findUnique({ where: { id: noticeId }, select: { id: true, endsOn: true, closedAt: true } })
	const result = { opened: 0, lapsed: 0, waiting: 0 }
	if (!notice || notice.closedAt || toDateString(notice.endsOn) > today) return result
	const entries = await prisma.subsidyNoticeEntry.findMany({ where: { noticeId, status: 'listed' }, select: { id: true } })
	for (const { id } of entries) {
		const r = await settleEntry(id, today)
		if (r) result[r]++
	}
	await sql`UPDATE subsidy_notice SET "closedAt" = now() WHERE id = ${noticeId}::uuid AND "closedAt" IS NULL
		AND NOT EXISTS (SELECT 1 FROM subsidy_notice_entry e WHERE e."noticeId" = ${noticeId}::uuid AND e.status = 'listed')`.run()
	return result
}

async function settleEntry(entryId: string, today: string): Promise<'opened' | 'lapsed' | 'waiting' | null> {
	const month = today.slice(0, 7)
	return transaction(async (tx) => {
		// The entry row is the lock: a second run (or a finding racing the job) waits here, then sees it settled.
		const entry = await sql`SELECT id, "applicationId", "elderId", "commitmentFen", "backPayFrom" FROM subsidy_notice_entry WHERE id = ${entryId}::uuid AND status = 'listed' FOR UPDATE`.first<{ id: string; applicationId: string; elderId: string; commitmentFen: number; backPayFrom: string | null }>(tx)
		if (!entry) return null
		const pending = await tx.noticeObjection.count({ where: { entryId, status: { in: ['pending', 'upheld'] } } })
		if (pending) return 'waiting'
		const app = await tx.subsidyApplication.findUniqueOrThrow({ where: { id: entry.applicationId }, select: { id: true, status: true, applicantId: true, policyId: true, districtId: true, elderId: true, policyVersion: true, elder: { select: elderFactsSelect }, policy: { select: { nameZh: true } } } })
		const why = app.elder.residenceStatus !== 'verified' ? 'residenceUnverified' : ineligibility(await facts(app.elder, today, tx), versionRules(app.policyVersion), today)
		// Stacking and one grant per policy, checked again at effect: another grant may have opened during the notice.
		const clashing = [app.policyId, ...(await exclusiveWith(app.policyId, tx))]
		const active = await tx.subsidyGrant.count({ where: { elderId: app.elderId, policyId: { in: clashing }, status: 'active' } })
		if (why || active || app.status !== 'approved') {
			await tx.subsidyNoticeEntry.update({ where: { id: entry.id }, data: { status: 'lapsed', settledAt: new Date() } })
			await releaseCommitment(tx, app, Number(entry.commitmentFen), today)
			await notify(tx, await familyOf(tx, app.elderId, app.applicantId), 'subsidy.notice_lapsed', { params: { elder: app.elder.name, policy: app.policy.nameZh, reason: why ?? (active ? 'stacking' : 'outOfOrder'), appealDays: APPEAL_DAYS, applicationId: app.id }, dedupe: entry.id, sms: true })
			await audit({ actor: null, action: 'notice.lapsed', entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip: null, details: { reason: why ?? (active ? 'stacking' : 'outOfOrder') } }, tx)
			return 'lapsed'
		}
		const grant = await openApprovedGrant(tx, { applicationId: app.id, month, backPayFrom: entry.backPayFrom ? entry.backPayFrom.slice(0, 7) : null })
		await tx.subsidyNoticeEntry.update({ where: { id: entry.id }, data: { status: 'effective', grantId: grant.id, settledAt: new Date() } })
		await notify(tx, await familyOf(tx, app.elderId, app.applicantId), 'subsidy.notice_effective', { params: { elder: app.elder.name, policy: app.policy.nameZh, months: grant.months.length, applicationId: app.id }, dedupe: entry.id, sms: true })
		await audit({ actor: null, action: 'notice.effective', entityType: 'subsidy_application', entityId: app.id, districtId: app.districtId, ip: null, details: { grantId: grant.id, creditedMonths: grant.months } }, tx)
		return 'opened'
	})
}

/** For an officer's page: the notices of the officer's scope that are open or waiting to close. */
export async function noticesInScope(user: SessionUser, today: string) {
	const entries = await prisma.subsidyNoticeEntry.findMany({ where: { status: 'listed' }, orderBy: { createdAt: 'asc' }, take: 500, select: { id: true, noticeId: true, elderId: true, displayName: true, monthlyCreditFen: true } })
	const inScope = new Set((await prisma.elder.findMany({ where: { AND: [{ id: { in: entries.map((e) => e.elderId) } }, officerElderScope(user)] }, select: { id: true } })).map((e) => e.id))
	const notices = await prisma.subsidyNotice.findMany({ where: { id: { in: entries.map((e) => e.noticeId) } }, select: { id: true, communityId: true, districtId: true, opensOn: true, endsOn: true } })
	return entries
		.filter((e) => inScope.has(e.elderId))
		.map((e) => {
			const n = notices.find((x) => x.id === e.noticeId)!
			const period = { opensOn: toDateString(n.opensOn), endsOn: toDateString(n.endsOn) }
			return { id: e.id, displayName: e.displayName, monthlyCreditFen: e.monthlyCreditFen, place: n.communityId ?? n.districtId, ...period, state: noticeState(period, today) }
		})
}
