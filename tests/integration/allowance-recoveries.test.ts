// Allowance paid for months after the elder's death (追回): listed until settled, once. A district
// officer records the money that came back (method, reference, date) or proposes a waiver; a second
// city officer approves the waiver. Bad input, other districts, payments still at the bank and a second
// settlement are refused with nothing written; a settlement is final in the database too.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, shanghaiDate } from '~/lib/time.ts'
import * as home from '~/routes/_index.tsx'
import * as page from '~/routes/bureau.allowance.recoveries.tsx'
import * as csv from '~/routes/bureau.allowance.recoveries[.]csv.ts'
import * as elderAllowance from '~/routes/allowance.elders.$elderId.tsx'
import { ALLOWANCE_CHECKER, ALLOWANCE_MAKER } from '../factories/allowance.ts'
import { makeRegisteredElder } from '../factories/beds.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

type Row = { paymentId: string; month: string; inTransit: boolean; waiverPending: boolean }
type Page = { rows: Row[]; settled: { paymentId: string; outcome: string }[]; waivers: { id: string }[]; totals: { outstandingFen: number; recoveredFen: number; waivedFen: number }; chosen: Row | null }
type Reply = { result?: { error?: Record<string, string[]> } }

const DISTRICT = '13800000031' // 东宝区's bureau officer
const OTHER_DISTRICT = '13800000032' // 钟祥市's
let runSeq = 0

/** A registered elder of 东宝 who died in March 2020, paid for March to June: March is owed, April and May paid after death, June still at the bank. */
async function paidAfterDeath() {
	const elder = await makeRegisteredElder('周桂兰')
	await prisma.elder.update({ where: { id: elder.id }, data: { deathDate: new Date('2020-03-10T00:00:00Z') } })
	const run = await prisma.allowanceRun.create({ data: { month: `2019-${String(++runSeq + (process.pid % 9)).padStart(2, '0')}`, status: 'rejected' }, select: { id: true } })
	const pay = (month: string, status: 'paid' | 'sent') =>
		prisma.allowancePayment.create({ data: { runId: run.id, elderId: elder.id, month, kind: 'regular', tier: 80, amountFen: 5000, districtId: 'dongbao', status }, select: { id: true } })
	return { elder, march: await pay('2020-03', 'paid'), april: await pay('2020-04', 'paid'), may: await pay('2020-05', 'paid'), june: await pay('2020-06', 'sent') }
}

const view = async (as: Visitor, query = '') => (await callLoader<Page>(page, `/bureau/allowance/recoveries${query}`, { as })).data
const waiting = async (as: Visitor, key: string) => (await callLoader<{ waiting: { key: string; count: number }[] }>(home, '/', { as })).data.waiting.find((w) => w.key === key)?.count ?? 0
const recover = (as: Visitor, fields: Record<string, string>) => callAction<Reply>(page, '/bureau/allowance/recoveries', { formId: 'recover', intent: 'recover', method: 'bank_reversal', reference: 'CZ20200601-0001', settledOn: shanghaiDate(), ...fields }, { as })
const waive = (as: Visitor, fields: Record<string, string>) => callAction<Reply>(page, '/bureau/allowance/recoveries', { formId: 'waive', intent: 'waive', reason: '老人无继承人，遗产已处理完毕', ...fields }, { as })
const decide = (as: Visitor, changeId: string, decision: 'approve' | 'reject') => callAction<Reply>(page, '/bureau/allowance/recoveries', { formId: 'decide-change', changeId, decision }, { as })
const errors = (r: { data: Reply }) => Object.values(r.data.result?.error ?? {}).flat()

describe('allowance paid after death', () => {
	it('lists the months after death until each is settled once: recovered with its reference, or waived by two officers', async () => {
		const district = await signIn(DISTRICT)
		const city = await signIn(ALLOWANCE_MAKER)
		const before = await waiting(district, 'recoveries')
		const { elder, march, april, may, june } = await paidAfterDeath()

		// Listed: the months after the month of death; the one still at the bank waits for it.
		const listed = await view(district)
		const mine = listed.rows.filter((r) => [march.id, april.id, may.id, june.id].includes(r.paymentId))
		expect(mine.map((r) => [r.month, r.inTransit])).toEqual([['2020-04', false], ['2020-05', false], ['2020-06', true]])
		expect(await waiting(district, 'recoveries')).toBe(before + 2)
		expect((await view(district, `?payment=${april.id}`)).chosen?.paymentId).toBe(april.id)
		expect((await view(district, `?payment=${june.id}`)).chosen).toBeNull()
		expect((await view(district, '?payment=%00')).chosen).toBeNull()

		// Bad input and the wrong payment: a clear 4xx, nothing written.
		for (const [fields, status, message] of [
			[{ paymentId: april.id, reference: '' }, 400, 'allowance:recoveries.errors.reference'],
			[{ paymentId: april.id, method: 'cash' }, 400, 'allowance:recoveries.errors.method'],
			[{ paymentId: april.id, settledOn: '2020-02-30' }, 400, 'allowance:recoveries.errors.settledOn'],
			[{ paymentId: april.id, settledOn: addDays(shanghaiDate(), 2) }, 400, 'allowance:recoveries.errors.settledOnFuture'],
			[{ paymentId: june.id }, 409, 'allowance:recoveries.errors.inTransit'],
			[{ paymentId: march.id }, 404, 'allowance:recoveries.errors.unknown'],
			[{ paymentId: 'x' }, 400, 'allowance:recoveries.errors.unknown'],
		] as const) {
			const res = await recover(district, fields)
			expect(res.status, JSON.stringify(fields)).toBe(status)
			expect(errors(res), JSON.stringify(fields)).toContain(message)
		}
		const other = await recover(await signIn(OTHER_DISTRICT), { paymentId: april.id })
		expect(other.status).toBe(404)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: { in: [march.id, april.id, may.id, june.id] } } })).toBe(0)

		// April came back from the bank: recorded once, audited, off the list.
		expect((await recover(district, { paymentId: april.id })).status).toBe(200)
		const again = await recover(district, { paymentId: april.id, method: 'repaid' })
		expect(again.status).toBe(409)
		expect(errors(again)).toContain('allowance:recoveries.errors.alreadySettled')
		expect(await prisma.allowanceRecovery.findUniqueOrThrow({ where: { paymentId: april.id } })).toMatchObject({ outcome: 'recovered', method: 'bank_reversal', reference: 'CZ20200601-0001', approvedById: null })
		expect(await prisma.auditLog.count({ where: { action: 'allowance.recovery_record', entityId: april.id } })).toBe(1)
		const after = await view(district)
		expect(after.rows.some((r) => r.paymentId === april.id)).toBe(false)
		expect(after.settled.find((s) => s.paymentId === april.id)?.outcome).toBe('recovered')
		expect(after.totals.recoveredFen).toBeGreaterThanOrEqual(5000)
		expect(await waiting(district, 'recoveries')).toBe(before + 1)

		// May cannot be recovered: the district proposes a waiver (once), which waits for a city officer.
		expect(errors(await waive(district, { paymentId: may.id, reason: '无' }))).toContain('allowance:recoveries.errors.reason')
		const cityBefore = await waiting(city, 'waivers')
		expect((await waive(district, { paymentId: may.id })).status).toBe(200)
		expect((await waive(district, { paymentId: may.id })).status).toBe(409)
		expect((await view(district)).rows.find((r) => r.paymentId === may.id)?.waiverPending).toBe(true)
		expect(await waiting(city, 'waivers')).toBe(cityBefore + 1)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_waiver', subjectId: may.id, status: 'pending' }, select: { id: true } })
		expect((await view(city)).waivers.map((w) => w.id)).toContain(change.id)
		// Only a city officer approves; the district's officer cannot.
		expect((await decide(district, change.id, 'approve')).status).toBe(403)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: may.id } })).toBe(0)
		expect((await decide(city, change.id, 'approve')).status).toBe(200)
		expect(await prisma.allowanceRecovery.findUniqueOrThrow({ where: { paymentId: may.id } })).toMatchObject({ outcome: 'waived', reason: '老人无继承人，遗产已处理完毕', approvedById: city.userId })
		expect(await prisma.auditLog.count({ where: { action: 'allowance.recovery_waive', entityId: may.id } })).toBe(1)
		expect(await waiting(city, 'waivers')).toBe(cityBefore)
		expect(await waiting(district, 'recoveries')).toBe(before)

		// The finance office's file: the same payments, settled ones with how, formula-safe, audited; another district's officer gets none of them.
		const file = await callLoader<string>(csv, '/bureau/allowance/recoveries.csv', { as: district })
		expect(file.headers.get('content-type')).toContain('text/csv')
		const lines = String(file.data).split('\n')
		expect(lines[0]).toContain('姓名')
		const line = (month: string) => lines.find((l) => l.includes('周桂兰') && l.includes(`,${month},`)) ?? ''
		expect(line('2020-04')).toContain('已追回 · 银行冲回')
		expect(line('2020-04')).toContain('CZ20200601-0001')
		expect(line('2020-05')).toContain('已核销')
		expect(line('2020-06')).toContain('银行处理中')
		expect(line('2020-03')).toBe('')
		expect(await prisma.auditLog.count({ where: { action: 'allowance.recoveries_export', actorId: district.userId! } })).toBeGreaterThan(0)
		expect(String((await callLoader<string>(csv, '/bureau/allowance/recoveries.csv', { as: await signIn(OTHER_DISTRICT) })).data)).not.toContain('CZ20200601-0001')

		// The elder's allowance page says of each month after death whether it is still to return.
		const history = await callLoader<{ allowance: { payments: { month: string; recovery: string | null }[] } }>(elderAllowance, `/allowance/elders/${elder.id}`, { as: district, params: { elderId: elder.id } })
		expect(Object.fromEntries(history.data.allowance.payments.map((p) => [p.month, p.recovery]))).toEqual({ '2020-03': null, '2020-04': 'recovered', '2020-05': 'waived', '2020-06': 'owed' })

		// Final, in the database too.
		for (const statement of [sql`UPDATE allowance_recovery SET reference = 'x' WHERE "paymentId" = ${april.id}::uuid`, sql`DELETE FROM allowance_recovery WHERE "paymentId" = ${may.id}::uuid`])
			await expect(statement.run()).rejects.toMatchObject({ constraint: 'allowance_recovery_final' })
	})

	it('never lets one officer both propose and approve a waiver, in the code and in the database', async () => {
		const { elder, april } = await paidAfterDeath()
		const maker = await signIn(ALLOWANCE_MAKER)
		const checker = await signIn(ALLOWANCE_CHECKER)
		expect((await waive(maker, { paymentId: april.id })).status).toBe(200)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_waiver', subjectId: april.id, status: 'pending' }, select: { id: true } })
		expect((await view(maker)).waivers.find((w) => w.id === change.id)).toBeTruthy()
		expect(await waiting(maker, 'waivers')).toBe(await waiting(checker, 'waivers') - 1)
		const own = await decide(maker, change.id, 'approve')
		expect(own.status).toBe(403)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: april.id } })).toBe(0)
		// The checker rejects it: the payment is outstanding again, and a new proposal may follow.
		expect((await decide(checker, change.id, 'reject')).status).toBe(200)
		expect((await view(checker)).rows.find((r) => r.paymentId === april.id)?.waiverPending).toBe(false)
		await expect(
			sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, reason, "settledOn", "recordedById", "approvedById") VALUES (${april.id}::uuid, 'dongbao', 'waived', 'x', '2020-06-01', ${maker.userId}::uuid, ${maker.userId}::uuid)`.run(),
		).rejects.toMatchObject({ constraint: 'allowance_recovery_waiver_two_people' })
		expect(elder.id).toBeTruthy()
	})
})
