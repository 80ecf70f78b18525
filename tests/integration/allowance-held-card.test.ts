// An elder without a subsidy card reference (as families register them through the UI) is never
// paid "to nowhere": the payment is held out of the bank file and listed on the run page; once a
// card is recorded (validated, sealed, masked, audited, scoped) it goes into exactly one follow-up
// file. Exported payments are *sent* to the bank, not paid (allowance-disbursement.test.ts follows
// them to paid).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { ALLOWANCE_CHECKER, ALLOWANCE_MAKER, makeAllowanceElder, waitForRun } from '../factories/allowance.ts'
import { HttpClient, startApp } from '../setup/http.ts'
import { startWorker, type Child } from '../setup/processes.ts'

// A month no other allowance test runs (they use M, M-1 .. M-4, M-6).
const H = addMonths(shanghaiMonth(), -9)
const MAKER = ALLOWANCE_MAKER
const CHECKER = ALLOWANCE_CHECKER
const FAMILY = '13800000001'
const OTHER_FAMILY = '13800000002'
const COMMUNITY = '13800000021'
const OTHER_DISTRICT = '13800000032'

let app: Awaited<ReturnType<typeof startApp>>
let worker: Child
const clients = new Map<string, HttpClient>()
async function as(phone: string) {
	let c = clients.get(phone)
	if (!c) {
		c = new HttpClient(app.baseUrl)
		await c.login(phone, DEMO_PASSWORD)
		clients.set(phone, c)
	}
	return c
}

beforeAll(async () => {
	app = await startApp()
	worker = await startWorker({ DATABASE_URL: process.env.DATABASE_URL, QUEUE_PREFIX: process.env.QUEUE_PREFIX, ALLOWANCE_CHUNK_SIZE: '10', DATABASE_POOL_SIZE: '3' })
}, 120_000)

afterAll(async () => {
	await worker?.stop()
	await app?.close()
}, 60_000)

const csvLines = async (res: Response) => (await res.text()).replace(/^\uFEFF/, '').trim().split('\n')
// A bank file: control header, control line, line header, then one line per payment.
const HEAD = 3
const CARD_A = '6217000011112222337'
const CARD_B = '6228480000000000000'
const BANK = '中国邮政储蓄银行'

describe('payments of elders without a subsidy card', () => {
	it('holds the payment out of the bank file, lets the family record a card, and exports it exactly once in a follow-up file', async () => {
		// A family's elder of 85 with a recent liveness certification and no card reference.
		const elder = await makeAllowanceElder({ month: H, age: 85, familyPhone: FAMILY, name: '无卡老人', bankCardRef: null })
		const elderId = elder.id
		const family = { id: elder.familyUserId }
		const sibling = { districtId: elder.districtId }
		// A second one in the same community, for the community officer.
		const row2 = await makeAllowanceElder({ month: H, age: 92, familyPhone: FAMILY, linked: false, gender: 'female', name: '无卡老人二', bankCardRef: null })

		// Compute, approve, export.
		const maker = await as(MAKER)
		await maker.page('/bureau/allowance')
		const started = await maker.post('/bureau/allowance', { month: H })
		expect(started.status, await started.clone().text()).toBe(302)
		const runId = started.headers.get('location')!.split('/').at(-1)!
		await waitForRun(runId)
		const path = `/bureau/allowance/runs/${runId}`
		const held = await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId, month: H } } })
		expect(held).toMatchObject({ runId, status: 'held_no_account', bankCardRef: null })
		const heldCount = await prisma.allowancePayment.count({ where: { runId, status: 'held_no_account' } })
		const withCard = await prisma.allowancePayment.count({ where: { runId, status: 'pending' } })

		const checker = await as(CHECKER)
		const runPage = (await checker.page(path)).html
		expect(runPage).toContain(`data-count="${heldCount}"`)
		expect(runPage).toContain(`${heldCount} 笔款项等待登记一卡通账号`)
		expect(runPage).toMatch(new RegExp(`data-payment="${held.id}"[^]*?无卡老人`))
		expect((await checker.post(path, { intent: 'approve' })).status).toBe(200)

		await checker.page(path)
		const first = await checker.post(`${path}/bank-file`, {})
		expect(first.status).toBe(200)
		const firstLines = await csvLines(first)
		expect(firstLines).toHaveLength(withCard + HEAD)
		expect(firstLines.join('\n')).not.toContain('无卡老人')
		// No line goes to an empty account: every line carries a full card number.
		expect(firstLines.slice(HEAD).every((l) => /^\d{16,19}$/.test(l.split(',')[3]!))).toBe(true)
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({ status: 'held_no_account', bankFileNo: null, paidAt: null })
		// Disbursed, the run page still lists the held payment.
		expect((await checker.page(path)).html).toContain(`data-payment="${held.id}"`)
		// Nothing released yet: a further export is refused, it does not repeat the file.
		const nothing = await checker.post(`${path}/bank-file`, {})
		expect(nothing.status).toBe(409)
		expect(await nothing.text()).toContain('没有新的可发放款项')

		// Recording the card: scope, CSRF and validation first, nothing written by a refusal.
		const elderPath = `/allowance/elders/${elderId}`
		const stranger = await as(OTHER_FAMILY)
		await stranger.page('/allowance')
		expect((await stranger.post(elderPath, { intent: 'card', cardNumber: CARD_A, bankName: BANK })).status).toBe(404)
		const otherDistrict = await as(OTHER_DISTRICT)
		await otherDistrict.page('/bureau/allowance')
		expect((await otherDistrict.post(elderPath, { intent: 'card', cardNumber: CARD_A, bankName: BANK })).status).toBe(404)
		const mine = await as(FAMILY)
		expect((await mine.page(elderPath)).html).toContain('data-testid="card-ref"')
		expect((await mine.post(elderPath, { intent: 'card', cardNumber: CARD_A, bankName: BANK }, { csrf: false })).status).toBe(403)
		const letters = await mine.post(elderPath, { intent: 'card', cardNumber: '6217-0000-1111-2222', bankName: BANK })
		expect(letters.status).toBe(400)
		expect(await letters.text()).toContain('卡号只能包含数字')
		const short = await mine.post(elderPath, { intent: 'card', cardNumber: '621700001111', bankName: BANK })
		expect(short.status).toBe(400)
		expect(await short.text()).toContain('卡号应为 16 到 19 位数字')
		const checkDigit = await mine.post(elderPath, { intent: 'card', cardNumber: '6217000011112222333', bankName: BANK })
		expect(checkDigit.status).toBe(400)
		expect(await checkDigit.text()).toContain('卡号校验位不正确')
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: elderId } })).bankCardRef).toBeNull()
		expect(await prisma.auditLog.count({ where: { action: 'allowance.card_record', entityId: elderId } })).toBe(0)

		// The family records it (spaces between groups are fine); it is sealed, pages show the mask.
		// (Other test files' runs of other months may hold this elder's payments too: all are released.)
		const heldBefore = await prisma.allowancePayment.count({ where: { elderId, status: 'held_no_account' } })
		const ok = await mine.post(elderPath, { intent: 'card', cardNumber: '6217 0000 1111 2222 337', bankName: BANK })
		expect(ok.status).toBe(200)
		expect(await ok.text()).toContain('已登记 6217****2337')
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: elderId } })).bankCardRef).toBe('6217****2337')
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({ status: 'pending', bankCardRef: '6217****2337', bankFileNo: null })
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'allowance.card_record', entityId: elderId } })
		expect(entry).toMatchObject({ actorId: family.id, districtId: sibling.districtId })
		expect(entry.details).toMatchObject({ before: null, after: '6217****2337', released: heldBefore })
		expect(await prisma.allowancePayment.count({ where: { elderId, status: 'held_no_account' } })).toBe(0)
		expect(JSON.stringify(entry.details)).not.toContain(CARD_A)

		// The follow-up file carries exactly that payment, once.
		expect((await checker.page(path)).html).toContain('data-testid="releasable"')
		const followUp = await checker.post(`${path}/bank-file`, {})
		expect(followUp.status).toBe(200)
		expect(followUp.headers.get('content-disposition')).toContain('-002.csv')
		const followLines = await csvLines(followUp)
		expect(followLines).toHaveLength(HEAD + 1)
		const cells = followLines[HEAD]!.split(',')
		expect(cells[1]).toBe('无卡老人')
		expect(cells[3]).toBe(CARD_A)
		expect(cells[4]).toBe(`${held.amountFen / 100}.00`)
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({ status: 'sent', bankFileNo: 2 })
		expect(await prisma.auditLog.count({ where: { action: 'allowance.bank_file_followup', entityId: runId } })).toBe(1)

		// A second export does not repeat it; re-downloads return each file unchanged.
		const again = await checker.post(`${path}/bank-file`, {})
		expect(again.status).toBe(409)
		expect(await csvLines(await checker.post(`${path}/bank-file`, { fileNo: '2' }))).toEqual(followLines)
		expect(await csvLines(await checker.post(`${path}/bank-file`, { fileNo: '1' }))).toEqual(firstLines)
		expect((await checker.post(`${path}/bank-file`, { fileNo: '9' })).status).toBe(404)
		expect(await prisma.allowancePayment.count({ where: { runId, status: 'sent' } })).toBe(withCard + 1)

		// The community officer records the second elder's card; two simultaneous exports: one file carries it, the other is refused.
		const other = await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId: row2.id, month: H } } })
		expect(other.status).toBe('held_no_account')
		const officer = await as(COMMUNITY)
		await officer.page(`/allowance/elders/${row2.id}`)
		expect((await officer.post(`/allowance/elders/${row2.id}`, { intent: 'card', cardNumber: CARD_B, bankName: '中国农业银行' })).status).toBe(200)
		const [a, b] = await Promise.all([checker.post(`${path}/bank-file`, {}), checker.post(`${path}/bank-file`, {})])
		expect([a.status, b.status].sort()).toEqual([200, 409])
		const carried = await csvLines(a.status === 200 ? a : b)
		await (a.status === 200 ? b : a).text()
		expect(carried).toHaveLength(HEAD + 1)
		expect(carried[HEAD]).toContain('无卡老人二')
		expect(carried[HEAD]!.split(',')[3]).toBe(CARD_B)
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ status: 'sent', bankFileNo: 3, bankCardRef: '6228****0000' })
	})
})
