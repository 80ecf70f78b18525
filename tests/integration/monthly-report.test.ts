// The province's monthly statistical report: population by age band counts exactly the elders living
// and registered at the month end; allowance, subsidy and bed tables agree with the ledger, the
// payments and the census; the workbook has one fixed-layout sheet per table; scope and bad months.
import readXlsxFile from 'read-excel-file/node'
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { dashboard } from '~/modules/beds/indicators.server.ts'
import { monthlyReport, monthlyReportWorkbook, reportMonth, type MonthlyReport } from '~/modules/statistics/monthly-report.server.ts'
import * as page from '~/routes/bureau.reports.monthly.tsx'
import * as workbook from '~/routes/bureau.reports.monthly[.]xlsx.ts'
import { makeUser } from '../factories/accounts.ts'
import { freeSequence, makeElderRow, Rng, yearsBefore } from '../factories/index.ts'
import { callLoader, signIn } from '../setup/route.ts'

const rng = new Rng(`monthly-report-${process.pid}`)
const table = (r: MonthlyReport, key: string) => r.tables.find((t) => t.key === key)!
const districtRow = (r: MonthlyReport, key: string, nameZh: string) => table(r, key).rows.find((row) => row.labelZh === nameZh)!

function daysBefore(date: string, days: number) {
	return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10)
}

async function addElder(districtId: string, regionCode: string, age: number, extra: { deathDate?: string; movedOutOn?: string; residencyStatus?: 'moved_out' } = {}) {
	const birthDate = daysBefore(yearsBefore(shanghaiDate(), age), 20)
	const row = makeElderRow(rng, { districtId, regionCode, communityId: null, settlement: 'urban_community', birthDate, seq: await freeSequence(regionCode, birthDate), deathDate: extra.deathDate ?? null, residencyStatus: extra.residencyStatus, movedOutOn: extra.movedOutOn })
	await prisma.elder.create({ data: row })
}

describe('monthly statistical report', () => {
	it('counts the living, registered elders of the month by age band, per district and in total', async () => {
		const district = await prisma.district.findFirstOrThrow({ where: { regionCode: { not: null } }, select: { id: true, nameZh: true, regionCode: true } })
		const city = await makeUser({ role: 'bureau_city' })
		const month = shanghaiMonth()
		const before = districtRow(await monthlyReport(city, month), 'population', district.nameZh).cells
		await addElder(district.id, district.regionCode!, 65)
		await addElder(district.id, district.regionCode!, 85)
		await addElder(district.id, district.regionCode!, 101)
		await addElder(district.id, district.regionCode!, 92, { deathDate: daysBefore(shanghaiDate(), 40) })
		await addElder(district.id, district.regionCode!, 75, { residencyStatus: 'moved_out', movedOutOn: daysBefore(shanghaiDate(), 3) })
		const report = await monthlyReport(city, month)
		const after = districtRow(report, 'population', district.nameZh).cells
		// Bands 60, 70, 80, 90, 100; total 60+; of whom 80+.
		expect(after.map((v, i) => Number(v) - Number(before[i]))).toEqual([1, 0, 1, 0, 1, 3, 2])
		const pop = table(report, 'population')
		expect(pop.total[5]).toBe(pop.rows.reduce((a, r) => a + Number(r.cells[5]), 0))
		for (const r of pop.rows) expect(Number(r.cells[5])).toBe([0, 1, 2, 3, 4].reduce((a, i) => a + Number(r.cells[i]), 0))
	})

	it('agrees with the allowance payments, the subsidy ledger (net of reversals) and the live bed census', async () => {
		const city = await makeUser({ role: 'bureau_city' })
		const month = shanghaiMonth()
		const report = await monthlyReport(city, month)
		const [pay] = await sql`SELECT count(*)::int AS n, coalesce(sum(p."amountFen"), 0)::bigint AS fen FROM allowance_payment p JOIN allowance_run r ON r.id = p."runId"
			WHERE p.month = ${month} AND r.status IN ('approved', 'disbursed')`.rows<{ n: number; fen: string }>()
		const allowance = table(report, 'allowance')
		expect(allowance.total[6]).toBe(pay!.n)
		expect(allowance.total[7]).toBe(Number(pay!.fen))
		const [net] = await sql`SELECT coalesce(sum(c."amountFen" - coalesce(r."amountFen", 0)), 0)::bigint AS fen FROM ledger_txn c LEFT JOIN ledger_txn r ON r.ref = c.ref AND r.kind = 'reversal'
			WHERE c.kind = 'capture' AND to_char(c."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = ${month}`.rows<{ fen: string }>()
		expect(table(report, 'subsidies').total[4]).toBe(Number(net!.fen))
		const live = await dashboard(city, {})
		const beds = table(report, 'beds')
		expect(beds.source).toBe('live')
		expect(beds.total.slice(0, 4)).toEqual([live.city!.institutions, live.city!.bedsInService, live.city!.nursingBeds, live.city!.occupiedBeds])
	})

	it('an earlier month reads beds from that month’s snapshot, and says so when there is none', async () => {
		const city = await makeUser({ role: 'bureau_city' })
		const report = await monthlyReport(city, '2016-01')
		expect(table(report, 'beds').source).toBe('none')
		expect(report.asOf).toBe('2016-01-31')
	})

	it('a district officer’s report covers only their district', async () => {
		const district = await prisma.district.findFirstOrThrow({ select: { id: true, nameZh: true } })
		const officer = await makeUser({ role: 'bureau_district', districtId: district.id })
		const report = await monthlyReport(officer, shanghaiMonth())
		expect(report.districtId).toBe(district.id)
		for (const key of ['population', 'allowance', 'beds']) expect(table(report, key).rows.map((r) => r.labelZh)).toEqual([district.nameZh])
	})

	it('exports one fixed-layout sheet per table, audited', async () => {
		const city = await makeUser({ role: 'bureau_city' })
		const report = await monthlyReport(city, shanghaiMonth())
		const file = await monthlyReportWorkbook(
			city,
			report,
			{ title: (k) => `T-${k}`, column: (k) => `C-${k}`, rowHeader: () => 'R', total: 'TOTAL', meta: 'META', unit: 'UNIT', source: (s) => `S-${s}` },
			true,
			null,
		)
		const sheets = await readXlsxFile(Buffer.from(file.body))
		expect(sheets.map((s) => s.sheet)).toEqual(['T-population', 'T-allowance', 'T-subsidies', 'T-beds'])
		const population = sheets[0]!.data
		expect(population[0]![0]).toBe('T-population')
		expect(population[1]![0]).toBe('META')
		expect(population[4]).toEqual(['R', 'C-age60', 'C-age70', 'C-age80', 'C-age90', 'C-age100', 'C-total60', 'C-total80'])
		expect(population.at(-1)![0]).toBe('TOTAL')
		expect(population.at(-1)![6]).toBe(table(report, 'population').total[5])
		// Amounts in yuan.
		const allowance = sheets[1]!.data
		expect(allowance.at(-1)![8]).toBe(Number(table(report, 'allowance').total[7]) / 100)
		expect(await prisma.auditLog.count({ where: { action: 'statistics.monthly_export', actorId: city.id } })).toBe(1)
	})

	it('pages: a bad or future month is a 400 with a message, families are refused, the workbook downloads', async () => {
		expect(reportMonth('2016-13')).toBeNull()
		expect(reportMonth('2999-01')).toBeNull()
		const city = await makeUser({ role: 'bureau_city' })
		const visitor = await signIn(city.phone)
		const bad = await callLoader(page, '/bureau/reports/monthly?month=2999-01', { as: visitor })
		expect(bad.status).toBe(400)
		expect(String(bad.data)).toContain('YYYY-MM')
		const ok = await callLoader(page, `/bureau/reports/monthly?month=${shanghaiMonth()}`, { as: visitor })
		expect(ok.status).toBe(200)
		const file = await callLoader(workbook, `/bureau/reports/monthly.xlsx?month=${shanghaiMonth()}`, { as: visitor })
		expect(file.status).toBe(200)
		expect(file.headers.get('content-type')).toContain('spreadsheetml')
		const family = await makeUser({ role: 'family' })
		const refused = await callLoader(page, '/bureau/reports/monthly', { as: await signIn(family.phone) })
		expect(refused.status).toBe(403)
	})
})
