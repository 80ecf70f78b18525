// What waits for an officer (a provider's staff, a family) today, on the home page: each queue they work in, with how many
// items it holds, counted by the same module functions the queue's own page lists them with (so the
// two never disagree). Counts are whole, where the queue's page may show only its oldest part.
// Queues with nothing waiting are left out.
import { addMonths } from '~/lib/time.ts'
import { countRecoveriesOutstanding, countWaiversToDecide } from '~/modules/allowance/recoveries-read.server.ts'
import { countRunsAwaitingApproval, countRunsToExport } from '~/modules/allowance/runs.server.ts'
import { countSettingsToDecide } from '~/modules/allowance/setting-changes.server.ts'
import { countReassessmentRequests } from '~/modules/assessment/assessments.server.ts'
import { REGISTRAR_ROLES } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { countStayRequestsToDecide } from '~/modules/beds/stays.server.ts'
import { countComplaintsWaiting } from '~/modules/complaints/complaints.server.ts'
import { countAppealsToDecide } from '~/modules/due-process/appeals.server.ts'
import { countObjectionsToFind } from '~/modules/due-process/notice.server.ts'
import { countGrantsDueForReview } from '~/modules/due-process/review.server.ts'
import { CLAIM_DECIDER_ROLES, countPendingClaims } from '~/modules/elders/claims.server.ts'
import { countResidenceNotesForFamily, countUnverifiedResidences } from '~/modules/elders/elders.server.ts'
import { countRetentionChangesToDecide } from '~/modules/elders/identity-retention.server.ts'
import { countConstructionToDecide } from '~/modules/institutions/construction.server.ts'
import { countGradingsToDecide } from '~/modules/institutions/grading.server.ts'
import { countFindingsToAnswer, countFindingsToDecide } from '~/modules/institutions/inspections.server.ts'
import { countInstitutionSettingsToDecide } from '~/modules/institutions/settings.server.ts'
import { countBookingsToConfirm, countBookingsToPay } from '~/modules/marketplace/booking-read.server.ts'
import { countOpenDisputes } from '~/modules/marketplace/disputes.server.ts'
import { countProvidersAwaitingReview } from '~/modules/marketplace/providers.server.ts'
import { countFlaggedVisits } from '~/modules/marketplace/visits.server.ts'
import { countStatementsToDecide } from '~/modules/operating-subsidy/statements.server.ts'
import { countOpenRightsRequests, RIGHTS_DECIDER_ROLES } from '~/modules/rights/requests.server.ts'
import { countDueReviews } from '~/modules/statuses/review.server.ts'
import { countBureauQueue, countReviewQueue } from '~/modules/subsidies/applications.server.ts'
import { countPolicyChangesToDecide } from '~/modules/subsidies/policies.server.ts'
import { countClaimsToDecide } from '~/modules/subsidies/settlement.server.ts'

export type WaitingWork = { key: string; to: string; count: number }

type Queue = { key: string; to: string; roles: readonly string[]; count: (user: SessionUser, today: string) => Promise<number> }

const BUREAU = ['bureau_district', 'bureau_city']

/** The queues, in the order the page shows them. */
const QUEUES: Queue[] = [
	{ key: 'subsidyReview', to: '/subsidies/review', roles: ['community_officer', 'township_officer'], count: (u) => countReviewQueue(u) },
	{ key: 'subsidyApprovals', to: '/subsidies/approvals', roles: BUREAU, count: (u) => countBureauQueue(u) },
	{ key: 'residence', to: '/elders?residence=unverified', roles: REGISTRAR_ROLES, count: (u) => countUnverifiedResidences(u) },
	{ key: 'claims', to: '/elders/claims', roles: CLAIM_DECIDER_ROLES, count: (u) => countPendingClaims(u) },
	{ key: 'rights', to: '/registry/requests', roles: RIGHTS_DECIDER_ROLES, count: (u) => countOpenRightsRequests(u) },
	{ key: 'statusReview', to: '/statuses/review', roles: REGISTRAR_ROLES, count: (u, today) => countDueReviews(u, today) },
	{
		key: 'dueProcess',
		to: '/subsidies/due-process',
		roles: ['community_officer', 'township_officer', ...BUREAU],
		count: async (u, today) => (await Promise.all([countObjectionsToFind(u), countAppealsToDecide(u), countGrantsDueForReview(u, today)])).reduce((n, c) => n + c, 0),
	},
	{ key: 'reassessments', to: '/assessments', roles: ['assessor', 'community_officer'], count: (u) => countReassessmentRequests(u) },
	{ key: 'subsidyClaims', to: '/subsidies/claims', roles: BUREAU, count: (u) => countClaimsToDecide(u) },
	{ key: 'providers', to: '/bureau/providers', roles: BUREAU, count: (u) => countProvidersAwaitingReview(u) },
	{ key: 'disputes', to: '/bureau/disputes', roles: BUREAU, count: (u) => countOpenDisputes(u) },
	{ key: 'flaggedVisits', to: '/bureau/visits', roles: BUREAU, count: (u) => countFlaggedVisits(u) },
	{ key: 'allowanceRuns', to: '/bureau/allowance', roles: ['bureau_city'], count: (u) => countRunsAwaitingApproval(u) },
	{ key: 'allowanceToExport', to: '/bureau/allowance', roles: ['bureau_city'], count: () => countRunsToExport() },
	{ key: 'recoveries', to: '/bureau/allowance/recoveries', roles: ['bureau_district'], count: (u) => countRecoveriesOutstanding(u) },
	{ key: 'waivers', to: '/bureau/allowance/recoveries', roles: ['bureau_city'], count: (u) => countWaiversToDecide(u) },
	// Changes another officer proposed, waiting for a second one (maker/checker).
	{ key: 'allowanceSettingChanges', to: '/bureau/allowance/settings', roles: ['bureau_city'], count: (u) => countSettingsToDecide(u) },
	{ key: 'policyChanges', to: '/subsidies/policies', roles: BUREAU, count: (u) => countPolicyChangesToDecide(u) },
	{ key: 'institutionSettingChanges', to: '/bureau/institution-settings', roles: ['bureau_city'], count: (u) => countInstitutionSettingsToDecide(u) },
	{ key: 'retentionChanges', to: '/bureau/retention', roles: ['bureau_city'], count: (u) => countRetentionChangesToDecide(u) },
	{ key: 'construction', to: '/bureau/construction', roles: BUREAU, count: (u) => countConstructionToDecide(u) },
	{ key: 'gradings', to: '/bureau/grading', roles: ['bureau_city'], count: (u) => countGradingsToDecide(u) },
	{ key: 'complaintsToClose', to: '/complaints', roles: ['bureau_district'], count: (u) => countComplaintsWaiting(u) },
	{ key: 'findingsToDecide', to: '/bureau/inspections', roles: ['bureau_district'], count: (u) => countFindingsToDecide(u) },
	{ key: 'operatingStatements', to: '/bureau/operating-subsidy', roles: BUREAU, count: (u, today) => countStatementsToDecide(u, addMonths(today.slice(0, 7), -1)) },
	{ key: 'bookingsToConfirm', to: '/bookings?status=requested', roles: ['provider_staff'], count: (u) => countBookingsToConfirm(u) },
	{ key: 'stayRequests', to: '/institution/requests', roles: ['provider_staff'], count: (u) => countStayRequestsToDecide(u) },
	{ key: 'complaintsToAnswer', to: '/complaints', roles: ['provider_staff'], count: (u) => countComplaintsWaiting(u) },
	{ key: 'findingsToAnswer', to: '/institution/inspections', roles: ['provider_staff'], count: (u) => countFindingsToAnswer(u) },
	{ key: 'residenceNotes', to: '/elders?residence=unverified', roles: ['family'], count: (u) => countResidenceNotesForFamily(u) },
	{ key: 'bookingsToPay', to: '/bookings?pay=due', roles: ['family'], count: (u) => countBookingsToPay(u) },
]

/** The queues of the user's role with something waiting (none for visitors). */
export async function waitingWork(user: SessionUser, today: string): Promise<WaitingWork[]> {
	const mine = QUEUES.filter((q) => q.roles.includes(user.role))
	const counts = await Promise.all(mine.map((q) => q.count(user, today)))
	return mine.map((q, i) => ({ key: q.key, to: q.to, count: counts[i]! })).filter((w) => w.count > 0)
}
