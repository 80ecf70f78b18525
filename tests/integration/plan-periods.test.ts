// Plan periods are data: the 13th Five-Year Plan stays the read-only baseline; city officers enter a
// later period's targets (audited); the plan page and the dashboard compare against the chosen one.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import * as bedsPage from '~/routes/bureau.beds.tsx'
import * as planPage from '~/routes/bureau.plan.tsx'
import { callAction, callLoader, signIn } from '../setup/route.ts'

type PlanData = { period: { id: string; baseline: boolean; targets: Record<string, number> }; periods: { id: string }[]; canEdit: boolean }

describe('plan periods', () => {
	it('lists the 13th as baseline and later periods, and chooses the one covering today by default', async () => {
		const city = await signIn('13800000041')
		const res = await callLoader<PlanData>(planPage, '/bureau/plan', { as: city })
		expect(res.data.periods.map((p) => p.id)).toEqual(['13th', '14th', '15th'])
		const year = new Date().getFullYear()
		expect(res.data.period.id).toBe(year <= 2025 ? '14th' : '15th')
		expect(res.data.period.targets.nursingShare).toBe(0.55)
		const baseline = await callLoader<PlanData>(planPage, '/bureau/plan?period=13th', { as: city })
		expect(baseline.data.period).toMatchObject({ id: '13th', baseline: true, targets: { bedsPer1000: 35, nursingShare: 0.4 } })
		expect(baseline.data.canEdit).toBe(false)
		// An unknown period falls back to the current one rather than failing.
		expect((await callLoader<PlanData>(planPage, '/bureau/plan?period=%3Cx%3E', { as: city })).data.period.id).toBe(res.data.period.id)
	})

	it('lets a city officer set a later period’s targets, audited; refuses bad values, the baseline and district officers', async () => {
		const city = await signIn('13800000041')
		const fields = { periodId: '15th', bedsPer1000: '38', nursingShare: '60', urbanCoverage: '100', villageCoverage: '75' }
		const saved = await callAction(planPage, '/bureau/plan', fields, { as: city })
		expect(saved.status).toBe(200)
		const targets = Object.fromEntries((await prisma.planTarget.findMany({ where: { periodId: '15th' } })).map((t) => [t.indicator, t.target]))
		expect(targets).toEqual({ bedsPer1000: 38, nursingShare: 0.6, urbanCoverage: 1, villageCoverage: 0.75 })
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'plan.targets_save', entityId: '15th' }, orderBy: { id: 'desc' } })
		expect(entry.details).toMatchObject({ before: { nursingShare: 0.55 }, after: { nursingShare: 0.6 } })

		const bad = await callAction(planPage, '/bureau/plan', { ...fields, nursingShare: '120', bedsPer1000: '' }, { as: city })
		expect(bad.status).toBe(400)
		expect(JSON.stringify(bad.data)).toContain('beds:errors.plan.nursingShare')
		expect(JSON.stringify(bad.data)).toContain('beds:errors.plan.bedsPer1000')
		const baseline = await callAction(planPage, '/bureau/plan', { ...fields, periodId: '13th' }, { as: city })
		expect(baseline.status).toBe(409)
		const unknown = await callAction(planPage, '/bureau/plan', { ...fields, periodId: '99th' }, { as: city })
		expect(unknown.status).toBe(404)
		const district = await signIn('13800000031')
		expect((await callAction(planPage, '/bureau/plan', { ...fields, nursingShare: '10' }, { as: district })).status).toBe(403)
		expect((await prisma.planTarget.findUniqueOrThrow({ where: { periodId_indicator: { periodId: '15th', indicator: 'nursingShare' } } })).target).toBe(0.6)
		expect((await prisma.planTarget.findUniqueOrThrow({ where: { periodId_indicator: { periodId: '13th', indicator: 'nursingShare' } } })).target).toBe(0.4)
	})

	it('the dashboard compares against the chosen period', async () => {
		const city = await signIn('13800000041')
		const p13 = await callLoader<{ period: { id: string; targets: { nursingShare: number } } }>(bedsPage, '/bureau/beds?period=13th', { as: city })
		expect(p13.data.period).toMatchObject({ id: '13th', targets: { nursingShare: 0.4 } })
		const p14 = await callLoader<{ period: { id: string; targets: { nursingShare: number } } }>(bedsPage, '/bureau/beds?period=14th', { as: city })
		expect(p14.data.period.targets.nursingShare).toBe(0.55)
	})
})
