// An approval card shows what is left of the district's budget for the policy this year and what
// approving would commit (issue 11 item 5), from the budget row itself.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { bureauQueue } from '~/modules/subsidies/applications.server.ts'
import { yearCommitmentFen } from '~/modules/subsidies/rules.ts'
import { makeUser } from '../factories/accounts.ts'

describe('approval cards', () => {
	it('show the budget left this year and the commitment of approving', async () => {
		const elder = await prisma.elder.findFirstOrThrow({ where: { deathDate: null, families: { some: {} } }, select: { id: true, districtId: true, families: { select: { userId: true }, take: 1 } } })
		const policy = await prisma.subsidyPolicy.create({ data: { code: `budget-card-${process.pid}-${Date.now() % 100000}`, nameZh: '预算卡片测试', nameEn: 'Budget card test' }, select: { id: true } })
		const version = await prisma.subsidyPolicyVersion.create({ data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: 20_000, coveredCategories: ['meals'], copayBps: 2000 }, select: { id: true } })
		const year = Number(shanghaiDate().slice(0, 4))
		await prisma.subsidyBudget.create({ data: { policyId: policy.id, districtId: elder.districtId, year, amountFen: 1_000_000, committedFen: 400_000 } })
		const app = await prisma.subsidyApplication.create({
			data: { policyId: policy.id, policyVersionId: version.id, elderId: elder.id, applicantId: elder.families[0]!.userId, districtId: elder.districtId, householdSize: 2, householdIncomeFen: 100_000, status: 'township_approved' },
			select: { id: true },
		})
		const officer = await makeUser({ role: 'bureau_district', districtId: elder.districtId })
		const card = (await bureauQueue(officer)).find((a) => a.id === app.id)!
		expect(card.budget).toEqual({ year, amountFen: 1_000_000, leftFen: 600_000, commitmentFen: yearCommitmentFen(20_000, shanghaiDate().slice(0, 7), null) })
	})
})
