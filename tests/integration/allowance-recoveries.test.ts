// Allowance paid for months after the elder's death (追回), got back in parts: a district officer
// records each sum that came back (amount, method, reference, date), at most what remains, once per
// form; what cannot be got back is waived: the remainder fixed when proposed, approved by a second city
// officer. Bad input, other districts, payments still at the bank, more than remains and a changed
// remainder are refused with nothing written; receipts never exceed the payment in the database, even
// when recorded at once; rows are final. Both lists are paged by keyset; the CSV holds every row.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { transaction } from '~/lib/db.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, shanghaiDate } from '~/lib/time.ts'
import { countRecoveriesOutstanding, recoveryTotals } from '~/modules/allowance/recoveries-read.server.ts'
import { decideWaiver, proposeWaiver, recordRecovery } from '~/modules/allowance/recoveries.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import * as home from '~/routes/_index.tsx'
import * as page from '~/routes/bureau.allowance.recoveries.tsx'
import * as csv from '~/routes/bureau.allowance.recoveries[.]csv.ts'
import * as elderAllowance from '~/routes/allowance.elders.$elderId.tsx'
import { sessionUser } from '../factories/accounts.ts'
import { ALLOWANCE_CHECKER, ALLOWANCE_MAKER } from '../factories/allowance.ts'
import { makeRegisteredElder } from '../factories/beds.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

type Row = { paymentId: string; month: string; amountFen: number; recoveredFen: number; remainingFen: number; inTransit: boolean; waiverPending: boolean }
type Entry = { id: string; paymentId: string; amountFen: number; outcome: string; method: string | null }
type Page = {
	rows: Row[]
	next: string | null
	settled: Entry[]
	settledNext: string | null
	waivers: { id: string; amountFen: number }[]
	totals: { outstandingFen: number; recoveredFen: number; waivedFen: number; paidAfterDeathFen: number }
	settle: { payment: Row; entries: Entry[]; idempotencyKey: string } | null
}
type Reply = { result?: { error?: Record<string, string[]> } }

const DISTRICT = '13800000031' // 东宝区's bureau officer
const OTHER_DISTRICT = '13800000032' // 钟祥市's
const TODAY = '2026-12-01'
const SETTLED_ON = '2020-06-01'

/** A payment run to hang test payments on: rejected, so it takes no live month (rejected runs may share one). */
async function testRun() {
	return prisma.allowanceRun.create({ data: { month: '2019-01', status: 'rejected' }, select: { id: true } })
}

/** A registered elder of 东宝 who died in March 2020, paid for March to June: March is owed, April and May paid after death, June still at the bank. */
async function paidAfterDeath(name = '周桂兰') {
	const elder = await makeRegisteredElder(name)
	await prisma.elder.update({ where: { id: elder.id }, data: { deathDate: new Date('2020-03-10T00:00:00Z') } })
	const run = await testRun()
	const pay = (month: string, status: 'paid' | 'sent') =>
		prisma.allowancePayment.create({ data: { runId: run.id, elderId: elder.id, month, kind: 'regular', tier: 80, amountFen: 5000, districtId: 'dongbao', status }, select: { id: true } })
	return { elder, march: await pay('2020-03', 'paid'), april: await pay('2020-04', 'paid'), may: await pay('2020-05', 'paid'), june: await pay('2020-06', 'sent') }
}

const key = () => randomUUID().replaceAll('-', '')
const view = async (as: Visitor, query = '') => (await callLoader<Page>(page, `/bureau/allowance/recoveries${query}`, { as })).data
const waiting = async (as: Visitor, k: string) => (await callLoader<{ waiting: { key: string; count: number }[] }>(home, '/', { as })).data.waiting.find((w) => w.key === k)?.count ?? 0
const recover = (as: Visitor, fields: Record<string, string>) =>
	callAction<Reply>(page, '/bureau/allowance/recoveries', { formId: 'recover', intent: 'recover', method: 'bank_reversal', reference: 'CZ20200601-0001', settledOn: SETTLED_ON, amount: '50.00', idempotencyKey: key(), ...fields }, { as })
const waive = (as: Visitor, fields: Record<string, string>) => callAction<Reply>(page, '/bureau/allowance/recoveries', { formId: 'waive', intent: 'waive', reason: '老人无继承人，遗产已处理完毕', ...fields }, { as })
const decide = (as: Visitor, changeId: string, decision: 'approve' | 'reject') => callAction<Reply>(page, '/bureau/allowance/recoveries', { formId: 'decide-change', changeId, decision }, { as })
const errors = (r: { data: Reply }) => Object.values(r.data.result?.error ?? {}).flat()
const rowsOf = (paymentId: string) => prisma.allowanceRecovery.findMany({ where: { paymentId }, orderBy: { createdAt: 'asc' }, select: { outcome: true, amountFen: true, method: true, reference: true, reason: true, approvedById: true } })
const pendingWaiver = (paymentId: string) => prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_waiver', subjectId: paymentId, status: 'pending' }, select: { id: true } })

/** Every row of a list, following its keyset cursor from the first page to the last. */
async function allPages<T>(as: Visitor, cursor: 'after' | 'settledAfter', pick: (p: Page) => { rows: T[]; next: string | null }) {
	const seen: T[] = []
	let after: string | null = null
	let pages = 0
	do {
		const { rows, next }: { rows: T[]; next: string | null } = pick(await view(as, after ? `?${cursor}=${after}` : ''))
		seen.push(...rows)
		after = next
		pages++
	} while (after && pages < 1000)
	return { seen, pages }
}

/** What was paid after death in the viewer's scope (paid or at the bank), summed straight from the payments. */
async function paidAfterDeathFen(user: SessionUser) {
	const scope = user.role === 'bureau_district' ? sql`p."districtId" = ${user.districtId}` : sql`TRUE`
	const row = await sql`SELECT coalesce(sum(p."amountFen"), 0)::int AS fen FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
		WHERE p.status IN ('paid', 'sent') AND e."deathDate" IS NOT NULL AND p.month > to_char(e."deathDate", 'YYYY-MM') AND ${scope}`.first<{ fen: number }>()
	return row!.fen
}

describe('allowance paid after death', () => {
	it('lists the months after death until nothing remains: the bank reverses part, the family repays the rest; the next payment is waived by two officers', async () => {
		const district = await signIn(DISTRICT)
		const city = await signIn(ALLOWANCE_MAKER)
		const before = await waiting(district, 'recoveries')
		const { elder, march, april, may, june } = await paidAfterDeath()

		// Listed: the months after the month of death; the one still at the bank waits for it.
		const listed = await view(district, `?payment=${april.id}`)
		const mine = (await allPages(district, 'after', (p) => ({ rows: p.rows, next: p.next }))).seen.filter((r) => [march.id, april.id, may.id, june.id].includes(r.paymentId))
		expect(mine.map((r) => [r.month, r.inTransit, r.recoveredFen, r.remainingFen])).toEqual([
			['2020-04', false, 0, 5000],
			['2020-05', false, 0, 5000],
			['2020-06', true, 0, 5000],
		])
		expect(await waiting(district, 'recoveries')).toBe(before + 2)
		expect(listed.settle?.payment.paymentId).toBe(april.id)
		expect(listed.settle?.idempotencyKey).toMatch(/^[0-9a-f]{32}$/)
		expect((await view(district, `?payment=${june.id}`)).settle).toBeNull()
		expect((await view(district, '?payment=%00')).settle).toBeNull()

		// Bad input and the wrong payment: a clear 4xx, nothing written.
		for (const [fields, status, message] of [
			[{ paymentId: april.id, reference: '' }, 400, 'allowance:recoveries.errors.reference'],
			[{ paymentId: april.id, method: 'cash' }, 400, 'allowance:recoveries.errors.method'],
			[{ paymentId: april.id, settledOn: '2020-02-30' }, 400, 'allowance:recoveries.errors.settledOn'],
			[{ paymentId: april.id, settledOn: addDays(shanghaiDate(), 2) }, 400, 'allowance:recoveries.errors.settledOnFuture'],
			[{ paymentId: april.id, amount: '0' }, 400, 'allowance:recoveries.errors.amount'],
			[{ paymentId: april.id, amount: '-5' }, 400, 'allowance:recoveries.errors.amount'],
			[{ paymentId: april.id, amount: '12.345' }, 400, 'allowance:recoveries.errors.amount'],
			[{ paymentId: april.id, amount: '十元' }, 400, 'allowance:recoveries.errors.amount'],
			[{ paymentId: april.id, amount: '50.01' }, 409, 'allowance:recoveries.errors.exceedsRemaining'],
			[{ paymentId: april.id, idempotencyKey: 'short' }, 400, 'allowance:recoveries.errors.formExpired'],
			[{ paymentId: june.id }, 409, 'allowance:recoveries.errors.inTransit'],
			[{ paymentId: march.id }, 404, 'allowance:recoveries.errors.unknown'],
			[{ paymentId: 'x' }, 400, 'allowance:recoveries.errors.unknown'],
		] as const) {
			const res = await recover(district, fields)
			expect(res.status, JSON.stringify(fields)).toBe(status)
			expect(errors(res), JSON.stringify(fields)).toContain(message)
		}
		expect((await recover(await signIn(OTHER_DISTRICT), { paymentId: april.id })).status).toBe(404)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: { in: [march.id, april.id, may.id, june.id] } } })).toBe(0)

		// The bank reversed what was left on the card, 30.00 of 50.00: recorded once, even if the form is sent twice.
		const form = key()
		expect((await recover(district, { paymentId: april.id, amount: '30', idempotencyKey: form })).status).toBe(200)
		const twice = await recover(district, { paymentId: april.id, amount: '30', idempotencyKey: form })
		expect(twice.status).toBe(200)
		expect(await rowsOf(april.id)).toEqual([{ outcome: 'recovered', amountFen: 3000, method: 'bank_reversal', reference: 'CZ20200601-0001', reason: null, approvedById: null }])
		expect(await prisma.auditLog.count({ where: { action: 'allowance.recovery_record', entityId: april.id } })).toBe(1)
		// The same key on another payment is a stale form, not a second receipt.
		expect((await recover(district, { paymentId: may.id, amount: '1', idempotencyKey: form })).status).toBe(409)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: may.id } })).toBe(0)

		// Still listed, with what came back and what remains; the settle card shows the receipt and offers the remainder.
		const partly = await view(district, `?payment=${april.id}`)
		expect(partly.settle?.payment).toMatchObject({ amountFen: 5000, recoveredFen: 3000, remainingFen: 2000 })
		expect(partly.settle?.entries.map((e) => [e.amountFen, e.method])).toEqual([[3000, 'bank_reversal']])
		expect(partly.settle?.idempotencyKey).not.toBe(listed.settle?.idempotencyKey)
		expect(await waiting(district, 'recoveries')).toBe(before + 2)
		const tooMuch = await recover(district, { paymentId: april.id, amount: '20.01', method: 'repaid' })
		expect(tooMuch.status).toBe(409)
		expect(errors(tooMuch)).toContain('allowance:recoveries.errors.exceedsRemaining')

		// The family repays the rest in two instalments: the payment is settled, off the list.
		expect((await recover(district, { paymentId: april.id, amount: '12.50', method: 'repaid', reference: 'SK-0001' })).status).toBe(200)
		expect((await recover(district, { paymentId: april.id, amount: '7.50', method: 'repaid', reference: 'SK-0002' })).status).toBe(200)
		expect((await rowsOf(april.id)).map((r) => [r.amountFen, r.method])).toEqual([
			[3000, 'bank_reversal'],
			[1250, 'repaid'],
			[750, 'repaid'],
		])
		const again = await recover(district, { paymentId: april.id, amount: '0.01', method: 'repaid' })
		expect(again.status).toBe(409)
		expect(errors(again)).toContain('allowance:recoveries.errors.alreadySettled')
		const after = await view(district, `?payment=${april.id}`)
		expect(after.settle).toBeNull()
		expect(after.rows.some((r) => r.paymentId === april.id)).toBe(false)
		expect(after.settled.filter((s) => s.paymentId === april.id).map((s) => s.amountFen)).toEqual([750, 1250, 3000])
		expect(await waiting(district, 'recoveries')).toBe(before + 1)

		// May: the bank reversed 10.00; nothing more can be got back: the district proposes to waive the remaining 40.00, which waits for a city officer.
		expect((await recover(district, { paymentId: may.id, amount: '10' })).status).toBe(200)
		expect(errors(await waive(district, { paymentId: may.id, reason: '无' }))).toContain('allowance:recoveries.errors.reason')
		const cityBefore = await waiting(city, 'waivers')
		expect((await waive(district, { paymentId: may.id })).status).toBe(200)
		expect((await waive(district, { paymentId: may.id })).status).toBe(409)
		expect((await view(district)).rows.find((r) => r.paymentId === may.id)?.waiverPending).toBe(true)
		expect(await waiting(city, 'waivers')).toBe(cityBefore + 1)
		const change = await pendingWaiver(may.id)
		expect((await view(city)).waivers.find((w) => w.id === change.id)?.amountFen).toBe(4000)
		// Only a city officer approves; the district's officer cannot.
		expect((await decide(district, change.id, 'approve')).status).toBe(403)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: may.id, outcome: 'waived' } })).toBe(0)
		expect((await decide(city, change.id, 'approve')).status).toBe(200)
		expect((await rowsOf(may.id)).map((r) => [r.outcome, r.amountFen, r.reason, r.approvedById])).toEqual([
			['recovered', 1000, null, null],
			['waived', 4000, '老人无继承人，遗产已处理完毕', city.userId],
		])
		expect(await prisma.auditLog.count({ where: { action: 'allowance.recovery_waive', entityId: may.id } })).toBe(1)
		expect(await waiting(city, 'waivers')).toBe(cityBefore)
		expect(await waiting(district, 'recoveries')).toBe(before)

		// The finance office's file: the same payments and every receipt, formula-safe, audited; another district's officer gets none of them.
		const file = await callLoader<string>(csv, '/bureau/allowance/recoveries.csv', { as: district })
		expect(file.headers.get('content-type')).toContain('text/csv')
		const lines = String(file.data).split('\n')
		expect(lines[0]).toContain('姓名')
		const linesOf = (month: string) => lines.filter((l) => l.includes('周桂兰') && l.includes(`,${month},`))
		expect(linesOf('2020-04').map((l) => l.split(',').slice(5, 10).join(','))).toEqual(expect.arrayContaining(['50.00,,,30.00,已追回 · 银行冲回', '50.00,,,12.50,已追回 · 家属退回', '50.00,,,7.50,已追回 · 家属退回']))
		expect(linesOf('2020-05').some((l) => l.includes('40.00,已核销'))).toBe(true)
		expect(linesOf('2020-06').some((l) => l.includes('50.00,0.00,50.00,,银行处理中'))).toBe(true)
		expect(linesOf('2020-03')).toEqual([])
		expect(await prisma.auditLog.count({ where: { action: 'allowance.recoveries_export', actorId: district.userId! } })).toBeGreaterThan(0)
		const other = await callLoader<string>(csv, '/bureau/allowance/recoveries.csv', { as: await signIn(OTHER_DISTRICT) })
		expect(String(other.data)).not.toContain('CZ20200601-0001')

		// The elder's allowance page says of each month after death whether it is still to return, and what remains.
		const history = await callLoader<{ allowance: { payments: { month: string; recovery: string | null; remainingFen: number | null }[] } }>(elderAllowance, `/allowance/elders/${elder.id}`, { as: district, params: { elderId: elder.id } })
		expect(Object.fromEntries(history.data.allowance.payments.map((p) => [p.month, [p.recovery, p.remainingFen]]))).toEqual({
			'2020-03': [null, null],
			'2020-04': ['recovered', 0],
			'2020-05': ['waived', 0],
			'2020-06': ['owed', 5000],
		})

		// Final, in the database too.
		for (const statement of [
			sql`UPDATE allowance_recovery SET reference = 'x' WHERE "paymentId" = ${april.id}::uuid`,
			sql`DELETE FROM allowance_recovery WHERE "paymentId" = ${may.id}::uuid`,
			sql`TRUNCATE allowance_recovery`,
		])
			await expect(statement.run()).rejects.toMatchObject({ constraint: 'allowance_recovery_final' })
	})

	it('shows a partly returned payment with what remains on the elder’s page', async () => {
		const district = await signIn(DISTRICT)
		const officer = await sessionUser(DISTRICT)
		const { elder, april } = await paidAfterDeath('吴秀珍')
		expect(await recordRecovery(officer, { paymentId: april.id, amountFen: 1234, method: 'bank_reversal', reference: 'CZ-PART', settledOn: SETTLED_ON, idempotencyKey: key() }, null, TODAY)).toMatchObject({ ok: true, value: { remainingFen: 3766 } })
		const history = await callLoader<{ allowance: { payments: { month: string; recovery: string | null; remainingFen: number | null }[] } }>(elderAllowance, `/allowance/elders/${elder.id}`, { as: district, params: { elderId: elder.id } })
		expect(history.data.allowance.payments.find((p) => p.month === '2020-04')).toMatchObject({ recovery: 'partial', remainingFen: 3766 })
	})

	it('never records more than the payment, when two receipts are recorded at once, by the module or straight into the database', async () => {
		const officer = await sessionUser(DISTRICT)
		const { april, may } = await paidAfterDeath('郑玉梅')
		// Two officers' forms for 30.00 of a 50.00 payment, sent at the same moment: one is recorded, the other refused.
		const both = await Promise.all([0, 1].map(() => recordRecovery(officer, { paymentId: april.id, amountFen: 3000, method: 'repaid', reference: 'SK-RACE', settledOn: SETTLED_ON, idempotencyKey: key() }, null, TODAY)))
		expect(both.map((r) => r.ok).sort()).toEqual([false, true])
		expect(both.find((r) => !r.ok)).toMatchObject({ status: 409, fieldErrors: { amount: ['allowance:recoveries.errors.exceedsRemaining'] } })
		expect((await rowsOf(april.id)).map((r) => r.amountFen)).toEqual([3000])

		// Without the module's check: the first insert holds the payment's lock until it commits; the second waits, then the trigger refuses it.
		const insert = (amountFen: number) =>
			sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, "amountFen", method, reference, "settledOn", "recordedById")
				VALUES (${may.id}::uuid, 'dongbao', 'recovered', ${amountFen}, 'repaid', 'SK-RAW', ${SETTLED_ON}::date, ${officer.id}::uuid)`
		let firstInserted!: () => void
		const inserted = new Promise<void>((resolve) => (firstInserted = resolve))
		const first = transaction(async (tx) => {
			await insert(3000).run(tx)
			firstInserted()
			await sql`SELECT pg_sleep(0.5)`.run(tx)
		})
		const second = inserted.then(() => transaction(async (tx) => insert(3000).run(tx)))
		const [a, b] = await Promise.allSettled([first, second])
		expect(a.status).toBe('fulfilled')
		expect(b).toMatchObject({ status: 'rejected', reason: { constraint: 'allowance_recovery_within_payment' } })
		expect(String((b as PromiseRejectedResult).reason.message)).toContain('violates rule "allowance_recovery_within_payment"')
		expect((await rowsOf(may.id)).map((r) => r.amountFen)).toEqual([3000])
	})

	it('waives only the remainder fixed when proposed: money recorded in between makes the approval refuse, until it is proposed again', async () => {
		const district = await sessionUser(DISTRICT)
		const maker = await sessionUser(ALLOWANCE_MAKER)
		const checker = await sessionUser(ALLOWANCE_CHECKER)
		const { april } = await paidAfterDeath('孙淑华')
		const receipt = (amountFen: number) => recordRecovery(district, { paymentId: april.id, amountFen, method: 'bank_reversal', reference: 'CZ-W', settledOn: SETTLED_ON, idempotencyKey: key() }, null, TODAY)
		expect((await receipt(1000)).ok).toBe(true)
		expect((await proposeWaiver(district, { paymentId: april.id, reason: '家属无力偿还，经调查属实' }, null)).ok).toBe(true)
		const first = await pendingWaiver(april.id)
		expect((await prisma.pendingChange.findUniqueOrThrow({ where: { id: first.id }, select: { payload: true } })).payload).toMatchObject({ amountFen: 4000 })
		// The family brings 5.00 before the city decides: the remainder is 35.00 now.
		expect((await receipt(500)).ok).toBe(true)
		expect(await decideWaiver(maker, { changeId: first.id, decision: 'approve' }, null, TODAY)).toMatchObject({ ok: false, status: 409, formError: 'allowance:recoveries.errors.remainderChanged' })
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: april.id, outcome: 'waived' } })).toBe(0)
		expect((await decideWaiver(maker, { changeId: first.id, decision: 'reject' }, null, TODAY)).ok).toBe(true)
		expect((await proposeWaiver(district, { paymentId: april.id, reason: '家属无力偿还，经调查属实' }, null)).ok).toBe(true)
		const second = await pendingWaiver(april.id)
		// The proposer's colleague decides: two people; the remainder is written off and nothing remains.
		expect((await decideWaiver(checker, { changeId: second.id, decision: 'approve' }, null, TODAY)).ok).toBe(true)
		expect((await rowsOf(april.id)).map((r) => [r.outcome, r.amountFen])).toEqual([
			['recovered', 1000],
			['recovered', 500],
			['waived', 3500],
		])
		expect((await receipt(1)).ok).toBe(false)
		expect(await proposeWaiver(district, { paymentId: april.id, reason: '家属无力偿还，经调查属实' }, null)).toMatchObject({ ok: false, formError: 'allowance:recoveries.errors.alreadySettled' })
	})

	it('never lets one officer both propose and approve a waiver, in the code and in the database', async () => {
		const { april } = await paidAfterDeath('李凤英')
		const maker = await signIn(ALLOWANCE_MAKER)
		const checker = await signIn(ALLOWANCE_CHECKER)
		expect((await waive(maker, { paymentId: april.id })).status).toBe(200)
		const change = await pendingWaiver(april.id)
		expect((await view(maker)).waivers.find((w) => w.id === change.id)).toBeTruthy()
		expect(await waiting(maker, 'waivers')).toBe((await waiting(checker, 'waivers')) - 1)
		expect((await decide(maker, change.id, 'approve')).status).toBe(403)
		expect(await prisma.allowanceRecovery.count({ where: { paymentId: april.id } })).toBe(0)
		// The checker rejects it: the payment is outstanding again, and a new proposal may follow.
		expect((await decide(checker, change.id, 'reject')).status).toBe(200)
		expect((await allPages(checker, 'after', (p) => ({ rows: p.rows, next: p.next }))).seen.find((r) => r.paymentId === april.id)?.waiverPending).toBe(false)
		await expect(
			sql`INSERT INTO allowance_recovery ("paymentId", "districtId", outcome, "amountFen", reason, "settledOn", "recordedById", "approvedById") VALUES (${april.id}::uuid, 'dongbao', 'waived', 5000, 'x', '2020-06-01', ${maker.userId}::uuid, ${maker.userId}::uuid)`.run(),
		).rejects.toMatchObject({ constraint: 'allowance_recovery_waiver_two_people' })
	})

	it('pages both lists by keyset without losing or repeating a row; the totals add up over the whole scope; the file holds every row', async () => {
		const district = await signIn(DISTRICT)
		const officer = await sessionUser(DISTRICT)
		const city = await sessionUser(ALLOWANCE_MAKER)
		// 60 months paid after a death in 2010: more than a page of either list.
		const elder = await makeRegisteredElder('钱桂香')
		await prisma.elder.update({ where: { id: elder.id }, data: { deathDate: new Date('2010-01-15T00:00:00Z') } })
		const run = await testRun()
		const months = Array.from({ length: 60 }, (_, i) => `${2011 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`)
		await prisma.allowancePayment.createMany({ data: months.map((month) => ({ runId: run.id, elderId: elder.id, month, kind: 'regular', tier: 80, amountFen: 5000, districtId: 'dongbao', status: 'paid' })) })
		const ids = (await prisma.allowancePayment.findMany({ where: { elderId: elder.id }, orderBy: { month: 'asc' }, select: { id: true } })).map((p) => p.id)
		// 55 of them partly returned (a receipt each), 3 of those then settled in full.
		for (const id of ids.slice(0, 55)) expect((await recordRecovery(officer, { paymentId: id, amountFen: 100, method: 'bank_reversal', reference: 'CZ-PAGE', settledOn: SETTLED_ON, idempotencyKey: key() }, null, TODAY)).ok).toBe(true)
		for (const id of ids.slice(0, 3)) expect((await recordRecovery(officer, { paymentId: id, amountFen: 4900, method: 'repaid', reference: 'SK-PAGE', settledOn: SETTLED_ON, idempotencyKey: key() }, null, TODAY)).ok).toBe(true)

		const outstanding = await allPages(district, 'after', (p) => ({ rows: p.rows, next: p.next }))
		expect(outstanding.pages).toBeGreaterThan(1)
		const outIds = outstanding.seen.map((r) => r.paymentId)
		expect(new Set(outIds).size).toBe(outIds.length)
		expect(outIds.filter((id) => ids.includes(id)).sort()).toEqual(ids.slice(3).sort())
		// The home page counts exactly what the list holds (paid ones; the list adds those still at the bank).
		expect(await countRecoveriesOutstanding(officer)).toBe(outstanding.seen.filter((r) => !r.inTransit).length)
		const first = await view(district)
		expect(first.rows).toHaveLength(50)
		expect(first.next).toBe(first.rows[49]!.paymentId)

		const settled = await allPages(district, 'settledAfter', (p) => ({ rows: p.settled, next: p.settledNext }))
		expect(settled.pages).toBeGreaterThan(1)
		const entryIds = settled.seen.map((s) => s.id)
		expect(new Set(entryIds).size).toBe(entryIds.length)
		expect(settled.seen.filter((s) => ids.includes(s.paymentId))).toHaveLength(58)
		expect(entryIds.length).toBe(await prisma.allowanceRecovery.count({ where: { districtId: 'dongbao' } }))

		// outstanding + recovered + waived = all paid after death in scope, for the district and for the city; the page shows the same totals.
		for (const user of [officer, city]) {
			const totals = await recoveryTotals(user)
			expect(totals.paidAfterDeathFen).toBe(await paidAfterDeathFen(user))
			expect(totals.outstandingFen + totals.recoveredFen + totals.waivedFen).toBe(totals.paidAfterDeathFen)
			expect(totals.outstandingFen).toBe(
				user === officer ? outstanding.seen.reduce((a, r) => a + r.remainingFen, 0) : (await allPages(await signIn(ALLOWANCE_MAKER), 'after', (p) => ({ rows: p.rows, next: p.next }))).seen.reduce((a, r) => a + r.remainingFen, 0),
			)
		}
		expect(first.totals).toEqual(await recoveryTotals(officer))

		// A cursor that is not a row id is ignored (the first page), never a 500.
		expect((await view(district, '?after=x&settledAfter=%00')).rows.map((r) => r.paymentId)).toEqual(first.rows.map((r) => r.paymentId))

		// The file holds every outstanding payment and every receipt, past the pages' size.
		const file = await callLoader<string>(csv, '/bureau/allowance/recoveries.csv', { as: district })
		const lines = String(file.data).split('\n').filter((l) => l.includes('钱桂香'))
		expect(lines.filter((l) => l.includes(',待追回,'))).toHaveLength(57)
		expect(lines.filter((l) => l.includes('已追回 · '))).toHaveLength(58)
	})
})
