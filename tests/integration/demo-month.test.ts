// The demo's lived-in month (prisma/demo-month.ts), made on a copy of the demo seed as `npm start`
// makes it: it runs once, leaves no database rule broken, and each demo account signs in to work
// waiting for it on its home page.
import { beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { inspectionsForInstitution } from '~/modules/institutions/inspections.server.ts'
import { listBookings } from '~/modules/marketplace/booking-read.server.ts'
import { getProviderPage } from '~/modules/marketplace/search.server.ts'
import { waitingWork } from '~/modules/operations/waiting-work.server.ts'
import { seedDemoMonth } from '../../prisma/demo-month.ts'
import { consistencyViolations, newViolations, type Violations } from '../setup/db-consistency.ts'

// The template was seeded today (Shanghai); the story runs on the same day as it does after the seed.
const today = shanghaiDate()

// The seed's own history predates some rules (the fuzz suite takes the same baseline).
let baseline: Violations

beforeAll(async () => {
	baseline = await consistencyViolations()
	expect(await seedDemoMonth({ today })).toBe(true)
}, 180_000)

describe('the demo month', () => {
	it('runs once and breaks no rule of the database', async () => {
		expect(await seedDemoMonth({ today })).toBe(false)
		expect(newViolations(baseline, await consistencyViolations())).toEqual([])
	})

	// ---- subsidies and due process (prisma/demo-month/subsidies.ts)

	describe('subsidies and due process', () => {
		// Imported here, not at the top, so this section stays the subsidies story's own.
		const modules = async () => ({
			...(await import('~/lib/db.server.ts')),
			...(await import('~/lib/time.ts')),
			...(await import('~/modules/due-process/appeals.server.ts')),
			...(await import('~/modules/due-process/notice.server.ts')),
			...(await import('~/modules/operations/waiting-work.server.ts')),
			...(await import('~/modules/subsidies/applications.server.ts')),
		})
		let m: Awaited<ReturnType<typeof modules>>
		beforeAll(async () => {
			m = await modules()
		})
		const as = async (phone: string) => {
			const u = await m.prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true } })
			return { ...u, providerKind: null }
		}
		const waiting = async (phone: string) => Object.fromEntries((await m.waitingWork(await as(phone), today)).map((w) => [w.key, w.count]))

		it("张伟's elder holds a grant in force with this month's credit; his refusal is under appeal", async () => {
			const family = await as('13800000001')
			const overview = await m.familyOverview(family)
			const granted = overview.applications.filter((a) => a.status === 'approved' && a.grant?.status === 'active')
			expect(granted).toHaveLength(1)
			// This month's ¥300 was credited once; the marketplace part may have spent or held some of it.
			const grantId = granted[0]!.grant!.id
			const grant = await m.prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grantId }, select: { startMonth: true } })
			expect(m.toDateString(grant.startMonth)).toBe(`${today.slice(0, 7)}-01`)
			const credited = await m.prisma.ledgerTxn.findMany({ where: { grantId, kind: 'grant' }, select: { month: true, amountFen: true } })
			expect(credited.map((t) => [m.toDateString(t.month!), Number(t.amountFen)])).toEqual([[`${today.slice(0, 7)}-01`, 30_000]])
			const { availableFen, heldFen } = granted[0]!.credit!
			expect(availableFen + heldFen).toBeGreaterThan(0)
			expect(availableFen + heldFen).toBeLessThanOrEqual(30_000)
			expect(overview.applications.map((a) => a.status).sort()).toEqual(['approved', 'rejected', 'submitted'])
			const appeals = await m.familyAppeals(family, today)
			expect(appeals.filter((d) => d.appeal?.status === 'pending')).toHaveLength(1)
		})

		it('each officer of 龙泉社区 finds an application at their level and the objection to look into', async () => {
			const community = await waiting('13800000021')
			expect(community.subsidyReview).toBe(1)
			expect(community.dueProcess).toBeGreaterThanOrEqual(1)
			expect(community.reassessments).toBe(1)
			const township = await waiting('13800000022')
			expect(township.subsidyReview).toBe(1)
			expect(township.dueProcess).toBeGreaterThanOrEqual(1)
			expect((await waiting('13800000031')).subsidyApprovals).toBe(1)
			for (const phone of ['13800000021', '13800000022', '13800000031']) expect(await m.countObjectionsToFind(await as(phone))).toBe(1)
		})

		it('the appeal of the district refusal waits for the city; the re-assessment for the assessor', async () => {
			for (const phone of ['13800000041', '13800000042']) expect(await m.countAppealsToDecide(await as(phone))).toBe(1)
			expect(await m.countAppealsToDecide(await as('13800000031'))).toBe(0)
			expect((await waiting('13800000061')).reassessments).toBe(1)
		})

		it("龙泉社区's public notice runs with the approval of three days ago", async () => {
			const officer = await as('13800000021')
			const page = await m.publicNotices(officer.communityId!, today)
			expect(page?.notices).toHaveLength(1)
			expect(page!.notices[0]).toMatchObject({ opensOn: m.addDays(today, -3), endsOn: m.addDays(today, 4) })
			expect(page!.notices[0]!.entries).toHaveLength(1)
			// The notice that ended this morning is closed, its entry in effect.
			expect(await m.prisma.subsidyNotice.count({ where: { communityId: officer.communityId, closedAt: { not: null } } })).toBe(1)
		})
	})


	// ---- marketplace (prisma/demo-month/marketplace.ts)

	/** A demo account as its session carries it, and the count of each queue on its home page. */
	const mktUser = async (phone: string): Promise<SessionUser> => {
		const u = await prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true, provider: { select: { kind: true } } } })
		const { provider, ...rest } = u
		return { ...rest, providerKind: provider?.kind ?? null }
	}
	const mktQueues = async (phone: string) => Object.fromEntries((await waitingWork(await mktUser(phone), today)).map((w) => [w.key, w.count]))

	it('张伟 sees his bookings in every state, one to pay', async () => {
		const family = await mktUser('13800000001')
		const { bookings } = await listBookings(family, { page: 1 })
		const states = new Set(bookings.map((b) => b.status))
		for (const s of ['completed', 'disputed', 'confirmed', 'requested', 'cancelled'] as const) expect(states, s).toContain(s)
		expect(bookings.some((b) => b.status === 'completed' && b.paymentStatus === 'paid')).toBe(true)
		expect(bookings.some((b) => b.status === 'confirmed' && b.paymentStatus === 'paid' && b.startsAt > new Date())).toBe(true)
		expect((await mktQueues('13800000001')).bookingsToPay).toBeGreaterThanOrEqual(1)
		const cancelled = await prisma.booking.findFirstOrThrow({ where: { familyUserId: family.id, status: 'cancelled' }, select: { statusReason: true, cancellationFeeFen: true } })
		expect(cancelled.statusReason).toMatch(/复诊/)
		expect(cancelled.cancellationFeeFen).toBe(0)
	})

	it("the home-care provider's public page shows 张伟's review with its answer", async () => {
		const staff = await mktUser('13800000011')
		const page = await getProviderPage(null, staff.providerId!)
		const review = page?.reviews.find((r) => r.rating === 5)
		expect(review?.comment).toMatch(/王师傅/)
		expect(review?.reply).toBeTruthy()
		expect(review!.createdAt < new Date(`${today}T00:00:00+08:00`)).toBe(true)
	})

	it('the home-care provider has a request to confirm and a complaint to answer', async () => {
		const q = await mktQueues('13800000011')
		expect(q.bookingsToConfirm).toBeGreaterThanOrEqual(1)
		expect(q.complaintsToAnswer).toBeGreaterThanOrEqual(1)
		// The request holds its place for two days: it still waits on the demo's next day.
		const staff = await mktUser('13800000011')
		const request = await prisma.booking.findFirstOrThrow({ where: { providerId: staff.providerId!, status: 'requested' }, select: { expiresAt: true } })
		expect(request.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 24 * 3_600_000)
	})

	it('district 31 has a flagged visit, a dispute, a complaint to close and a finding to decide', async () => {
		const q = await mktQueues('13800000031')
		for (const key of ['flaggedVisits', 'disputes', 'complaintsToClose', 'findingsToDecide']) expect(q[key], key).toBeGreaterThanOrEqual(1)
	})

	it("when the subsidies part left 张伟's elder a grant, bookings after it came into force are split, and a verified one is claimed", async () => {
		const family = await mktUser('13800000001')
		const grant = await prisma.subsidyGrant.findFirst({ where: { status: 'active', elder: { families: { some: { userId: family.id } } } }, orderBy: { createdAt: 'asc' }, select: { id: true, createdAt: true } })
		// Without a grant (the subsidies part left none) nothing is subsidised.
		if (!grant) return
		const subsidised = await prisma.booking.findMany({ where: { familyUserId: family.id, subsidyFen: { gt: 0 } }, select: { status: true, startsAt: true, priceFen: true, subsidyFen: true, copayFen: true, visit: { select: { verified: true } } } })
		expect(subsidised.length).toBeGreaterThanOrEqual(1)
		const notice = await prisma.subsidyNoticeEntry.findFirst({ where: { grantId: grant.id }, select: { settledAt: true } })
		const inForceFrom = notice?.settledAt ?? grant.createdAt
		for (const b of subsidised) {
			expect(b.subsidyFen + b.copayFen).toBe(b.priceFen)
			expect(b.startsAt > inForceFrom).toBe(true)
		}
		const done = subsidised.find((b) => b.status === 'completed')
		if (!done) return
		expect(done.visit?.verified).toBe(true)
		expect((await mktQueues('13800000031')).subsidyClaims).toBeGreaterThanOrEqual(1)
	})

	it("the community centre's last open day was called, and a request waits for it", async () => {
		const staff = await mktUser('13800000013')
		const attended = await prisma.visit.findMany({ where: { providerId: staff.providerId!, verified: true, checkOutAt: { lt: new Date(`${today}T00:00:00+08:00`) } }, select: { checkInMethod: true, mealsServed: true } })
		expect(attended.length).toBeGreaterThanOrEqual(1)
		expect(attended.every((v) => v.checkInMethod === 'roll_call')).toBe(true)
		expect((await mktQueues('13800000013')).bookingsToConfirm).toBeGreaterThanOrEqual(1)
	})

	it('the institution has a stay request to decide and a finding to answer, and still admits', async () => {
		const q = await mktQueues('13800000012')
		expect(q.stayRequests).toBeGreaterThanOrEqual(1)
		expect(q.findingsToAnswer).toBeGreaterThanOrEqual(1)
		const staff = await mktUser('13800000012')
		const provider = await prisma.provider.findUniqueOrThrow({ where: { id: staff.providerId! }, select: { name: true, districtId: true, status: true } })
		const seen = await inspectionsForInstitution({ ...staff, providerId: staff.providerId!, providerName: provider.name, districtId: provider.districtId, providerStatus: provider.status }, today)
		expect(seen.stopped).toBe(false)
	})
})
