// The demo's lived-in month (prisma/demo-month.ts), made on a copy of the demo seed as `npm start`
// makes it: it runs once, leaves no database rule broken, and each demo account signs in to work
// waiting for it on its home page.
import { beforeAll, describe, expect, it } from 'vitest'
import { shanghaiDate } from '~/lib/time.ts'
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
})
