// The people behind a run's counts: each list (new, stopped with its reason, tier changed, resumed,
// held for a card, not paid by reason) holds exactly the elders its count counts, in the viewer's
// scope, filterable by name, and exports as CSV with masked identity numbers only (audited).
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { runPeople, type PeopleFilter } from '~/modules/allowance/run-people.server.ts'
import { getRun } from '~/modules/allowance/runs.server.ts'
import * as csvRoute from '~/routes/bureau.allowance.runs.$runId_.people[.]csv.ts'
import * as page from '~/routes/bureau.allowance.runs.$runId_.people.tsx'
import { makeUser } from '../factories/accounts.ts'
import { freeSequence, makeElderRow, Rng } from '../factories/index.ts'
import { callLoader, signIn } from '../setup/route.ts'

const rng = new Rng(`allowance-people-${process.pid}`)
const M = '2091-05'
const PREV = '2091-04'
const EARLIER = '2091-02'

async function elder(districtId: string, regionCode: string, name: string) {
	const birthDate = '1930-03-03'
	const row = makeElderRow(rng, { districtId, regionCode, communityId: null, settlement: 'urban_community', birthDate, seq: await freeSequence(regionCode, birthDate), name })
	await prisma.elder.create({ data: row })
	return row.id
}

async function run(month: string) {
	return (await prisma.allowanceRun.create({ data: { month, status: 'awaiting_approval', computedAt: new Date() }, select: { id: true } })).id
}

describe('people behind a run’s counts', () => {
	it('lists exactly the elders each count counts, by scope, name and reason; exports them masked', async () => {
		const district = await prisma.district.findFirstOrThrow({ where: { regionCode: { not: null } }, select: { id: true, regionCode: true } })
		const d = district.id
		const rc = district.regionCode!
		const [same, changed, stopped, fresh, back, held, never] = await Promise.all(['甲一', '乙二', '丙三', '丁四', '戊五', '己六', '庚七'].map((n) => elder(d, rc, `名单${n}`)))
		const [runEarlier, runPrev, runM] = [await run(EARLIER), await run(PREV), await run(M)]
		const pay = (runId: string, elderId: string, month: string, tier: number, status: 'pending' | 'held_no_account' = 'pending') =>
			prisma.allowancePayment.create({ data: { runId, elderId, month, kind: 'regular', tier, amountFen: tier * 100, districtId: d, status } })
		await pay(runEarlier, back!, EARLIER, 80)
		await pay(runPrev, same!, PREV, 80)
		await pay(runPrev, changed!, PREV, 80)
		await pay(runPrev, stopped!, PREV, 80)
		await pay(runM, same!, M, 80)
		await pay(runM, changed!, M, 90)
		await pay(runM, fresh!, M, 80)
		await pay(runM, back!, M, 80)
		await pay(runM, held!, M, 80, 'held_no_account')
		await prisma.allowanceStop.createMany({ data: [{ runId: runM, elderId: stopped!, month: M, reason: 'death', districtId: d }, { runId: runM, elderId: never!, month: M, reason: 'no_liveness', districtId: d }] })

		const city = await makeUser({ role: 'bureau_city' })
		const list = async (f: Partial<PeopleFilter>) => (await runPeople({ id: runM, month: M }, city, { kind: 'new', page: 1, ...f })).people.map((p) => p.elderId).sort()
		expect(await list({ kind: 'new' })).toEqual([fresh, held].sort())
		expect(await list({ kind: 'tier_changed' })).toEqual([changed])
		expect(await list({ kind: 'resumed' })).toEqual([back])
		expect(await list({ kind: 'held' })).toEqual([held])
		expect(await list({ kind: 'stopped' })).toEqual([stopped])
		expect((await runPeople({ id: runM, month: M }, city, { kind: 'stopped', page: 1 })).people[0]).toMatchObject({ reason: 'death', previousTier: 80, tier: null })
		expect(await list({ kind: 'stop' })).toEqual([stopped, never].sort())
		expect(await list({ kind: 'stop', reason: 'no_liveness' })).toEqual([never])
		expect(await list({ kind: 'new', q: '丁四' })).toEqual([fresh])

		// The counts on the run page are the lengths of these lists.
		const summary = (await getRun(runM, city))!.summary!
		expect(summary.diffs).toMatchObject({ new: 2, tier_changed: 1, resumed: 1, stopped: 1 })

		// A district officer of another district sees nobody, whatever the filter asks.
		const other = await prisma.district.findFirstOrThrow({ where: { id: { not: d } }, select: { id: true } })
		const stranger = await makeUser({ role: 'bureau_district', districtId: other.id })
		expect((await runPeople({ id: runM, month: M }, stranger, { kind: 'new', district: d, page: 1 })).people).toEqual([])

		// The page and the CSV: masked numbers only, the export audited.
		const visitor = await signIn(city.phone)
		const res = await callLoader<{ people: { idNumberMasked: string }[] }>(page, `/bureau/allowance/runs/${runM}/people?kind=new&page=abc&kind=bogus`, { as: visitor, params: { runId: runM } })
		expect(res.status).toBe(200)
		const csv = await callLoader(csvRoute, `/bureau/allowance/runs/${runM}/people.csv?kind=stop`, { as: visitor, params: { runId: runM } })
		expect(csv.status).toBe(200)
		const text = String(csv.data)
		expect(text).toContain('名单丙三')
		expect(text).toContain('死亡')
		expect(text).not.toMatch(/\d{17}[\dX]/)
		expect(await prisma.auditLog.count({ where: { actorId: city.id, action: 'allowance.people_export' } })).toBe(1)
		const missing = await callLoader(page, '/bureau/allowance/runs/00000000-0000-4000-8000-000000000000/people', { as: visitor, params: { runId: '00000000-0000-4000-8000-000000000000' } })
		expect(missing.status).toBe(404)
	})
})
