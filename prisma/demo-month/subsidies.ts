// The demo month's subsidies and due process (see prisma/demo-month.ts), all in 龙泉社区 (东宝区), the
// one community with a demo officer at each level (21 community, 22 township, 31 district):
//  - 张伟's oldest elder eligible for the home-care credit applied three weeks ago, passed every level,
//    and her notice (公示) ended this morning: the grant is in force with this month's credit;
//  - 张伟's elder with the highest care need was refused the care credit by the district; 张伟 appealed
//    (复核) and the appeal waits for the city (41/42);
//  - 张伟 applied two days ago for the care credit of the granted elder: waiting for 21;
//  - three neighbours' families (registered, their claim confirmed by 21) applied for their parents:
//    one waits for the township (22), one for the district (31), one was approved three days ago and
//    is on the running notice, where a neighbour's objection waits for a finding (21, 22, 31);
//  - 张伟 asked for a re-assessment of his third elder: waiting for the assessor (61) and 21.
// Every step is the product's own module function with the demo accounts as actors; what happened on
// earlier days is then dated back in SQL (application steps, notices, and the family's inbox with them).
// The audit log is append-only and keeps the seed's own time: it records when the story was written.
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import type { Outcome } from '~/lib/outcome.ts'
import { redis } from '~/lib/redis.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, dateOnly } from '~/lib/time.ts'
import { registerFamily } from '~/modules/accounts/accounts.server.ts'
import { requestReassessment } from '~/modules/assessment/assessments.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { lodgeAppeal } from '~/modules/due-process/appeals.server.ts'
import { closeDueNotices, lodgeObjection } from '~/modules/due-process/notice.server.ts'
import { decideClaim, requestClaim } from '~/modules/elders/claims.server.ts'
import { recordStatus } from '~/modules/statuses/records.server.ts'
import { applyForSubsidy, bureauDecide, communityReview, elderFactsSelect, facts, townshipReview } from '~/modules/subsidies/applications.server.ts'
import { versionOn, versionRules } from '~/modules/subsidies/policies.server.ts'
import { ineligibility } from '~/modules/subsidies/rules.ts'
import { DEMO_PASSWORD } from '../seed-data.ts'
import type { DemoMonth } from '../demo-month.ts'

const SEED_IP = '192.0.2.1'

type Cast = {
	today: string
	as: DemoMonth['as']
	family: SessionUser
	community: SessionUser
	township: SessionUser
	district: SessionUser
	communityId: string
	/** The city policies the story applies for, by code. */
	homeCare: string
	careNeeds: string
}

/** The module's value, or the seed fails loudly with the module's own error. */
function must<T>(what: string, outcome: Outcome<T>): T {
	if (!outcome.ok) throw new Error(`demo month: ${what} refused: ${JSON.stringify(outcome)}`)
	return outcome.value
}

/** A moment `daysAgo` days before the story's day, at `time` Shanghai (steps of one application on different days and hours). */
function at(cast: Cast, daysAgo: number, time: string): Date {
	return new Date(`${addDays(cast.today, -daysAgo)}T${time}:00+08:00`)
}

async function policyId(code: string) {
	return (await prisma.subsidyPolicy.findUniqueOrThrow({ where: { code }, select: { id: true } })).id
}

/** Whether the elder qualifies for the policy today, by the same rule the application checks. */
async function qualifies(elderId: string, policy: string, today: string) {
	const elder = await prisma.elder.findUniqueOrThrow({ where: { id: elderId }, select: elderFactsSelect })
	const version = await versionOn(policy, today)
	return !!version && elder.residenceStatus === 'verified' && !ineligibility(await facts(elder, today), versionRules(version), today)
}

type Steps = { applied: Date; community?: Date; township?: Date; bureau?: Date }

/**
 * Dates an application's steps back to the days they happened, with the family's notices of each
 * step (an inbox where everything arrived today would not read as a month).
 */
async function dateBack(applicationId: string, steps: Steps) {
	await prisma.subsidyApplication.update({
		where: { id: applicationId },
		data: { createdAt: steps.applied, ...(steps.community && { communityReviewedAt: steps.community }), ...(steps.township && { townshipReviewedAt: steps.township }), ...(steps.bureau && { bureauDecidedAt: steps.bureau }) },
	})
	const kinds: [string[], Date | undefined][] = [
		[['subsidy.submitted'], steps.applied],
		[['subsidy.community_approved', 'subsidy.community_rejected'], steps.community],
		[['subsidy.township_approved', 'subsidy.township_rejected'], steps.township],
		[['subsidy.approved', 'subsidy.rejected'], steps.bureau],
	]
	for (const [kind, when] of kinds) {
		if (when) await prisma.notification.updateMany({ where: { kind: { in: kind }, params: { path: ['applicationId'], equals: applicationId } }, data: { createdAt: when } })
	}
}

/** The family applies (household facts as the form takes them); dated later by dateBack. */
async function apply(family: SessionUser, elderId: string, policy: string, household: { size: number; incomeFen: number; statement: string }) {
	return must('application', await applyForSubsidy(family, { elderId, policyId: policy, householdSize: household.size, householdIncome: household.incomeFen, statement: household.statement })).id
}

async function passCommunity(cast: Cast, applicationId: string, checkedDaysAgo: number, note: string) {
	must('community review', await communityReview(cast.community, { applicationId, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: addDays(cast.today, -checkedDaysAgo), note }, null))
}

async function passTownship(cast: Cast, applicationId: string, note: string) {
	must('township review', await townshipReview(cast.township, { applicationId, decision: 'approve', note }, null))
}

/**
 * The district approves: the application goes on its community's notice opened today, which is then
 * moved to the day of the approval (the notice runs NOTICE_DAYS from there).
 */
async function approveOnDay(cast: Cast, applicationId: string, daysAgo: number, reason: string) {
	must('district approval', await bureauDecide(cast.district, { applicationId, decision: 'approve', reason, override: false }, null, { today: cast.today }))
	const entry = await prisma.subsidyNoticeEntry.findUniqueOrThrow({ where: { applicationId }, select: { id: true, noticeId: true } })
	const opensOn = addDays(cast.today, -daysAgo)
	await prisma.subsidyNotice.update({ where: { id: entry.noticeId }, data: { opensOn: dateOnly(opensOn), endsOn: dateOnly(addDays(opensOn, 7)), createdAt: at(cast, daysAgo, '16:10') } })
	await prisma.subsidyNoticeEntry.update({ where: { id: entry.id }, data: { createdAt: at(cast, daysAgo, '16:10') } })
	return entry
}

/** Scene 1: a grant in force with this month's credit, for the marketplace's subsidised visit. */
async function grantedElder(cast: Cast, elderId: string) {
	const app = await apply(cast.family, elderId, cast.homeCare, { size: 2, incomeFen: 98_000, statement: '母亲享受低保，独居，行动不便，需要助餐、助洁等上门服务。' })
	await passCommunity(cast, app, 21, '已入户核实：低保在册，家庭人均收入低于当地低保标准，情况属实。')
	await passTownship(cast, app, '材料齐全，同意报区民政局审批。')
	await approveOnDay(cast, app, 7, '符合居家养老服务补贴条件，予以批准，按规定公示。')
	await dateBack(app, { applied: at(cast, 24, '10:12'), community: at(cast, 21, '15:40'), township: at(cast, 17, '09:25'), bureau: at(cast, 7, '16:05') })
	// The notice ended today: the daily job (00:01) closed it this morning and opened the grant.
	const closed = await closeDueNotices(cast.today)
	if (closed.opened !== 1) throw new Error(`demo month: the ended notice opened ${closed.opened} grants`)
}

/** Scene 4: refused by the district with a reason; the family's appeal (复核) waits for the city. */
async function appealedRefusal(cast: Cast, elderId: string) {
	const app = await apply(cast.family, elderId, cast.careNeeds, { size: 3, incomeFen: 210_000, statement: '父亲卧床三年，完全失能，家中由我和妻子照护，申请护理补贴用于上门护理和康复。' })
	await passCommunity(cast, app, 16, '已入户查看，老人长期卧床，家庭照护负担重。')
	await passTownship(cast, app, '同意上报。')
	must('district refusal', await bureauDecide(cast.district, { applicationId: app, decision: 'reject', reason: '申请材料中缺少医疗机构诊断证明和家庭照护情况说明，无法核实护理需求，不予批准。', override: false }, null, { today: cast.today }))
	await dateBack(app, { applied: at(cast, 20, '19:48'), community: at(cast, 16, '10:30'), township: at(cast, 13, '14:05'), bureau: at(cast, 9, '11:20') })
	// Lodged five days ago, well within APPEAL_DAYS of the refusal.
	const lodgedOn = addDays(cast.today, -5)
	const appeal = must('appeal', await lodgeAppeal(cast.family, { applicationId: app, reasons: '已补充东宝区人民医院出具的诊断证明和社区出具的家庭照护情况说明，父亲长期卧床、完全失能，恳请复核。' }, null, lodgedOn))
	await prisma.appeal.update({ where: { id: appeal.id }, data: { createdAt: at(cast, 5, '20:15') } })
}

/** Scene 2, first level: a new application waiting for the community officer. */
async function waitingForCommunity(cast: Cast, elderId: string) {
	const app = await apply(cast.family, elderId, cast.careNeeds, { size: 2, incomeFen: 98_000, statement: '母亲半失能，申请护理补贴用于每周助浴和康复训练。' })
	await dateBack(app, { applied: at(cast, 2, '21:03') })
}

/** Scene 6: the family asks for a re-assessment of an elder whose needs grew; it waits for the assessor (61) and 21. */
async function reassessmentAsked(cast: Cast, elderId: string) {
	const request = must('re-assessment request', await requestReassessment(cast.family, elderId, '父亲上月在家摔倒后行走需要搀扶，洗澡、上下楼都离不开人，申请重新评估能力等级。', null))
	await prisma.reassessmentRequest.update({ where: { id: request.id }, data: { createdAt: at(cast, 6, '08:50') } })
}

type Neighbour = { family: SessionUser; elderId: string; elderName: string; policy: string }

const NEIGHBOUR_FAMILIES = [
	{ phone: '13907240101', given: '建国', relationship: 'child' as const },
	{ phone: '13907240102', given: '晓梅', relationship: 'child' as const },
	{ phone: '13907240103', given: '志刚', relationship: 'child' as const },
]

/**
 * Elders of the community with no family on the platform who qualify for one of the story's
 * policies, by name; when there are too few, the community officer records the 低保 status a civil-
 * affairs decision gave the oldest others (as the statuses page does), so the story has its three.
 */
async function neighbourElders(cast: Cast, n: number) {
	const unlinked = await sql`SELECT e.id, e.name FROM elder e
		WHERE e."communityId" = ${cast.communityId}::uuid AND e."deathDate" IS NULL AND e."residencyStatus" = 'resident' AND e."residenceStatus" = 'verified'
		  AND NOT EXISTS (SELECT 1 FROM family_link f WHERE f."elderId" = e.id) AND NOT EXISTS (SELECT 1 FROM family_claim c WHERE c."elderId" = e.id)
		  AND NOT EXISTS (SELECT 1 FROM subsidy_application a WHERE a."elderId" = e.id)
		  AND e."birthDate" <= (${cast.today}::date - interval '60 years')
		ORDER BY e.name, e.id LIMIT 200`.rows<{ id: string; name: string }>()
	const found: { id: string; name: string; policy: string }[] = []
	const others: typeof unlinked = []
	for (const e of unlinked) {
		if (found.length === n) break
		const policy = (await qualifies(e.id, cast.homeCare, cast.today)) ? cast.homeCare : (await qualifies(e.id, cast.careNeeds, cast.today)) ? cast.careNeeds : null
		if (policy) found.push({ ...e, policy })
		else others.push(e)
	}
	for (const e of others) {
		if (found.length === n) break
		const status = must('status', await recordStatus(cast.community, e.id, { kind: 'dibao', validFrom: `${addDays(cast.today, -45).slice(0, 7)}-01`, validUntil: null, reviewOn: null, source: '东民低保〔2026〕47号', disabilityGrade: null, supportMode: null, note: '新纳入城市低保' }, null, cast.today))
		// Recorded when the decision came, before the family's application.
		await prisma.elderStatus.update({ where: { id: status.id }, data: { recordedAt: at(cast, 32, '11:00') } })
		if (await qualifies(e.id, cast.homeCare, cast.today)) found.push({ ...e, policy: cast.homeCare })
	}
	if (found.length < n) throw new Error(`demo month: only ${found.length} elders of the community can apply`)
	return found
}

/** A neighbour's child registers, asks to be linked to the parent, and the community officer confirms (a month ago). */
async function neighbourFamily(cast: Cast, who: (typeof NEIGHBOUR_FAMILIES)[number], elder: { id: string; name: string }): Promise<SessionUser> {
	const { id } = must('registration', await registerFamily({ name: `${elder.name.slice(0, 1)}${who.given}`, phone: who.phone, password: DEMO_PASSWORD, ip: null }))
	const family = await cast.as(who.phone)
	const claim = must('claim', await requestClaim(family, elder.id, { name: elder.name, relationship: who.relationship, communityId: cast.communityId }))
	must('claim decision', await decideClaim(cast.community, { claimId: claim.id, decision: 'confirm' }, null))
	await prisma.user.update({ where: { id }, data: { createdAt: at(cast, 30, '20:30') } })
	await prisma.familyClaim.update({ where: { id: claim.id }, data: { createdAt: at(cast, 30, '20:35'), decidedAt: at(cast, 29, '09:50') } })
	await prisma.familyLink.updateMany({ where: { userId: id, elderId: elder.id }, data: { createdAt: at(cast, 29, '09:50') } })
	await prisma.notification.updateMany({ where: { userId: id, kind: 'registry.claim_confirmed' }, data: { createdAt: at(cast, 29, '09:50') } })
	return family
}

/** Scene 2, second level: passed by the community, waiting for the township officer. */
async function waitingForTownship(cast: Cast, n: Neighbour) {
	const app = await apply(n.family, n.elderId, n.policy, { size: 1, incomeFen: 76_000, statement: '老人独居，子女在外地工作，申请上门服务补贴。' })
	await passCommunity(cast, app, 5, '已入户核实，老人独居，情况属实。')
	await dateBack(app, { applied: at(cast, 9, '11:40'), community: at(cast, 4, '16:20') })
}

/** Scene 2, third level: passed by the community and the township, waiting for the district. */
async function waitingForDistrict(cast: Cast, n: Neighbour) {
	const app = await apply(n.family, n.elderId, n.policy, { size: 2, incomeFen: 120_000, statement: '老伴去年过世，老人生活起居需要照料，申请补贴。' })
	await passCommunity(cast, app, 9, '经核查，家庭经济状况符合条件。')
	await passTownship(cast, app, '材料齐全，同意报区民政局审批。')
	await dateBack(app, { applied: at(cast, 12, '09:05'), community: at(cast, 8, '15:10'), township: at(cast, 5, '10:45') })
}

/** Scene 3: approved three days ago, on the running notice, with a neighbour's objection waiting for a finding. */
async function runningNotice(cast: Cast, n: Neighbour) {
	const app = await apply(n.family, n.elderId, n.policy, { size: 2, incomeFen: 105_000, statement: '老人患有慢性病，日常做饭、打扫、洗澡都有困难，申请养老服务补贴。' })
	await passCommunity(cast, app, 15, '已入户核实，情况属实。')
	await passTownship(cast, app, '同意上报。')
	const entry = await approveOnDay(cast, app, 3, '符合条件，予以批准，按规定公示。')
	await dateBack(app, { applied: at(cast, 19, '14:22'), community: at(cast, 15, '10:05'), township: at(cast, 11, '16:40'), bureau: at(cast, 3, '16:05') })
	// The public page counts objections per address and day (OBJECTIONS_PER_IP_PER_DAY): the seed's come
	// from a documentation address (TEST-NET-1, no real visitor's) whose count it resets, so seeding
	// again the same day is not refused.
	const lodgedOn = addDays(cast.today, -1)
	await redis.del(`${getEnv().QUEUE_PREFIX}:objection:${SEED_IP}:${lodgedOn}`)
	const objection = must('objection', await lodgeObjection({ noticeId: entry.noticeId, entryId: entry.id, name: '刘桂芝', phone: '13972860417', reason: '据我所知，老人的儿子在城区有两套住房并经营门面，家庭经济条件较好，请核实。' }, SEED_IP, lodgedOn))
	await prisma.noticeObjection.update({ where: { id: objection.id }, data: { createdAt: at(cast, 1, '18:30') } })
}

export async function seedDemoSubsidies(month: DemoMonth): Promise<void> {
	const [family, community, township, district] = await Promise.all(['13800000001', '13800000021', '13800000022', '13800000031'].map((p) => month.as(p)))
	if (!community!.communityId) throw new Error('demo month: the community officer has no community')
	const cast: Cast = { today: month.today, as: month.as, family: family!, community: community!, township: township!, district: district!, communityId: community!.communityId, homeCare: await policyId('home-care-basic'), careNeeds: await policyId('care-needs') }

	// 张伟's elders, oldest first: the first eligible for the home-care credit is granted it (and later
	// applies for the care credit too); the first other one eligible for the care credit is refused it.
	const elders = await prisma.elder.findMany({ where: { families: { some: { userId: cast.family.id } }, communityId: cast.communityId }, orderBy: [{ birthDate: 'asc' }, { id: 'asc' }], select: { id: true, name: true } })
	let granted: string | undefined
	for (const e of elders) if (!granted && (await qualifies(e.id, cast.homeCare, cast.today))) granted = e.id
	let refused: string | undefined
	for (const e of elders) if (!refused && e.id !== granted && (await qualifies(e.id, cast.careNeeds, cast.today))) refused = e.id
	const third = elders.find((e) => e.id !== granted && e.id !== refused)
	if (!granted || !refused || !third || !(await qualifies(granted, cast.careNeeds, cast.today))) throw new Error('demo month: 张伟 has no elders for the subsidy story')

	await grantedElder(cast, granted)
	await appealedRefusal(cast, refused)
	await waitingForCommunity(cast, granted)
	await reassessmentAsked(cast, third.id)

	const neighbours: Neighbour[] = []
	const picked = await neighbourElders(cast, NEIGHBOUR_FAMILIES.length)
	for (const [i, e] of picked.entries()) neighbours.push({ family: await neighbourFamily(cast, NEIGHBOUR_FAMILIES[i]!, e), elderId: e.id, elderName: e.name, policy: e.policy })
	await waitingForTownship(cast, neighbours[0]!)
	await waitingForDistrict(cast, neighbours[1]!)
	await runningNotice(cast, neighbours[2]!)
	month.log(`  demo month: subsidies — a grant in force, an appeal, applications at each level, a notice with an objection (${neighbours.map((n) => n.elderName).join('、')})`)
}
