// What waits for an officer (a provider's staff, a family) today, on the home page: each queue they work in, with how many
// items it holds, counted by the same module functions the queue's own page lists them with (so the
// two never disagree). Queues with nothing waiting are left out. Lists the modules cap (the oldest
// 100 applications, say) count up to their cap, shown as "100+".
import { addMonths } from '~/lib/time.ts'
import { countRunsAwaitingApproval } from '~/modules/allowance/runs.server.ts'
import { REGISTRAR_ROLES } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { appealQueue } from '~/modules/due-process/appeals.server.ts'
import { pendingObjections } from '~/modules/due-process/notice.server.ts'
import { grantsDueForReview } from '~/modules/due-process/review.server.ts'
import { CLAIM_DECIDER_ROLES, countPendingClaims } from '~/modules/elders/claims.server.ts'
import { countUnverifiedResidences } from '~/modules/elders/elders.server.ts'
import { countConstructionToDecide } from '~/modules/institutions/construction.server.ts'
import { countGradingsToDecide } from '~/modules/institutions/grading.server.ts'
import { countBookingsToConfirm, countBookingsToPay } from '~/modules/marketplace/booking-read.server.ts'
import { countOpenDisputes } from '~/modules/marketplace/disputes.server.ts'
import { countProvidersAwaitingReview } from '~/modules/marketplace/providers.server.ts'
import { countStatementsToDecide } from '~/modules/operating-subsidy/statements.server.ts'
import { countOpenRightsRequests, RIGHTS_DECIDER_ROLES } from '~/modules/rights/requests.server.ts'
import { reviewList } from '~/modules/statuses/review.server.ts'
import { bureauQueue, communityQueue, townshipQueue } from '~/modules/subsidies/applications.server.ts'
import { listClaims } from '~/modules/subsidies/settlement.server.ts'

export type WaitingWork = { key: string; to: string; count: number; capped: boolean }

type Queue = { key: string; to: string; roles: readonly string[]; count: (user: SessionUser, today: string) => Promise<number>; cap?: number }

const BUREAU = ['bureau_district', 'bureau_city']

/** The queues, in the order the page shows them. */
const QUEUES: Queue[] = [
	{ key: 'subsidyReview', to: '/subsidies/review', roles: ['community_officer', 'township_officer'], count: async (u) => (u.role === 'township_officer' ? await townshipQueue(u) : await communityQueue(u)).length, cap: 100 },
	{ key: 'subsidyApprovals', to: '/subsidies/approvals', roles: BUREAU, count: async (u) => (await bureauQueue(u)).length, cap: 100 },
	{ key: 'residence', to: '/elders?residence=unverified', roles: REGISTRAR_ROLES, count: (u) => countUnverifiedResidences(u) },
	{ key: 'claims', to: '/elders/claims', roles: CLAIM_DECIDER_ROLES, count: (u) => countPendingClaims(u) },
	{ key: 'rights', to: '/registry/requests', roles: RIGHTS_DECIDER_ROLES, count: (u) => countOpenRightsRequests(u) },
	{ key: 'statusReview', to: '/statuses/review', roles: REGISTRAR_ROLES, count: async (u, today) => (await reviewList(u, today)).length, cap: 500 },
	{
		key: 'dueProcess',
		to: '/subsidies/due-process',
		roles: ['community_officer', 'township_officer', ...BUREAU],
		count: async (u, today) => (await Promise.all([pendingObjections(u), appealQueue(u), grantsDueForReview(u, today)])).reduce((n, list) => n + list.length, 0),
	},
	{ key: 'subsidyClaims', to: '/subsidies/claims', roles: BUREAU, count: async (u) => (await listClaims(u)).filter((c) => c.status === 'submitted').length, cap: 100 },
	{ key: 'providers', to: '/bureau/providers', roles: BUREAU, count: (u) => countProvidersAwaitingReview(u) },
	{ key: 'disputes', to: '/bureau/disputes', roles: BUREAU, count: (u) => countOpenDisputes(u) },
	{ key: 'allowanceRuns', to: '/bureau/allowance', roles: ['bureau_city'], count: () => countRunsAwaitingApproval() },
	{ key: 'construction', to: '/bureau/construction', roles: BUREAU, count: (u) => countConstructionToDecide(u) },
	{ key: 'gradings', to: '/bureau/grading', roles: ['bureau_city'], count: (u) => countGradingsToDecide(u), cap: 50 },
	{ key: 'operatingStatements', to: '/bureau/operating-subsidy', roles: BUREAU, count: (u, today) => countStatementsToDecide(u, addMonths(today.slice(0, 7), -1)) },
	{ key: 'bookingsToConfirm', to: '/bookings?status=requested', roles: ['provider_staff'], count: (u) => countBookingsToConfirm(u) },
	{ key: 'bookingsToPay', to: '/bookings?pay=due', roles: ['family'], count: (u) => countBookingsToPay(u) },
]

/** The queues of the user's role with something waiting (none for visitors). */
export async function waitingWork(user: SessionUser, today: string): Promise<WaitingWork[]> {
	const mine = QUEUES.filter((q) => q.roles.includes(user.role))
	const counts = await Promise.all(mine.map((q) => q.count(user, today)))
	return mine.map((q, i) => ({ key: q.key, to: q.to, count: counts[i]!, capped: q.cap !== undefined && counts[i]! >= q.cap })).filter((w) => w.count > 0)
}
