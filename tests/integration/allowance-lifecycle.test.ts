// The allowance over real HTTP with a real worker process: start from the UI, compute from the
// registry (checked elder by elder against the pure rules), maker/checker approval, bank file,
// returned payments, reject and recompute, back-pay after a new liveness certification, cremation
// import with a per-line report, recoveries, the family's view, Bull Board for admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pool, prisma } from '~/lib/db.server.ts'
import { addMonths, shanghaiDate, shanghaiMonth, toDateString } from '~/lib/time.ts'
import { allowanceQueue, MONTHLY_PATTERN, MONTHLY_SCHEDULER_ID, MONTHLY_TZ } from '~/jobs/allowance.server.ts'
import { decryptCardNumber } from '~/modules/allowance/card-crypto.server.ts'
import { decideMonth, DEFAULT_SETTINGS } from '~/modules/allowance/rules.ts'
import { decryptIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient, startApp } from '../setup/http.ts'
import { waitForRun } from '../factories/allowance.ts'
import { startWorker, waitFor, type Child } from '../setup/processes.ts'

const M = shanghaiMonth()
const A = addMonths(M, -3) // back-pay: stopped in A ...
const B = addMonths(M, -2) // ... paid back in B's run
const R = addMonths(M, -4) // rejected and recomputed (M - 1 is the seed's paid month)
const C = addMonths(M, -6) // two simultaneous starts

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
const MAKER = '13800000041'
const CHECKER = '13800000042'
const DISTRICT = '13800000031'
const COMMUNITY = '13800000021'
const FAMILY = '13800000001'
const ADMIN = '13800000051'

async function postMultipart(client: HttpClient, path: string, fields: Record<string, string>, file: { name: string; bytes: Uint8Array | string }) {
	if (!client.csrfToken) await client.page(path)
	const form = new FormData()
	for (const [k, v] of Object.entries(fields)) form.set(k, v)
	form.set('csrf', client.csrfToken!)
	form.set('file', new Blob([file.bytes as BlobPart], { type: 'text/csv' }), file.name)
	const cookie = client.cookieHeader()
	return fetch(app.baseUrl + path, { method: 'POST', body: form, redirect: 'manual', headers: { cookie } })
}

async function startViaUi(month: string, phone = MAKER) {
	const c = await as(phone)
	await c.page('/bureau/allowance')
	const res = await c.post('/bureau/allowance', { month })
	expect(res.status, await res.clone().text()).toBe(302)
	return res.headers.get('location')!.split('/').at(-1)!
}

const waitAwaiting = (runId: string) => waitForRun(runId)

beforeAll(async () => {
	app = await startApp()
	worker = await startWorker({ DATABASE_URL: process.env.DATABASE_URL, QUEUE_PREFIX: process.env.QUEUE_PREFIX, ALLOWANCE_CHUNK_SIZE: '10', DATABASE_POOL_SIZE: '3' })
}, 120_000)

afterAll(async () => {
	await worker?.stop()
	await app?.close()
}, 60_000)

describe('the monthly allowance run over HTTP', () => {
	it('registers the monthly job scheduler: 02:00 on the 1st, Shanghai time', async () => {
		const scheduler = await waitFor(() => allowanceQueue().getJobScheduler(MONTHLY_SCHEDULER_ID), { timeoutMs: 60_000, what: 'the scheduler' })
		expect(scheduler.pattern).toBe(MONTHLY_PATTERN)
		expect(MONTHLY_PATTERN).toBe('0 2 1 * *')
		expect(scheduler.tz).toBe(MONTHLY_TZ)
		expect(MONTHLY_TZ).toBe('Asia/Shanghai')
		// Its next run falls on the 1st at 02:00 Shanghai = 18:00 UTC the day before.
		const next = new Date(scheduler.next!)
		expect(next.getUTCHours()).toBe(18)
		expect(shanghaiDate(next).slice(8)).toBe('01')
	})

	it('computes a month started from the UI exactly as the rules decide, elder by elder, recording why others stop', async () => {
		const runId = await startViaUi(A)
		const page = await (await as(MAKER)).page(`/bureau/allowance/runs/${runId}`)
		expect(page.res.status).toBe(200)
		const run = await waitAwaiting(runId)
		expect(run.chunkCount).toBeGreaterThan(1)
		const elders = await pool.query<{ id: string; birthDate: string; deathDate: string | null; residencyStatus: string; movedOutOn: string | null; lastLivenessAt: string | null; bankCardRef: string | null }>(
			// Elders other test files add while this runs may postdate the snapshot: judge those that predate it.
			`SELECT id, "birthDate", "deathDate", "residencyStatus", "movedOutOn", "lastLivenessAt", "bankCardRef" FROM elder WHERE "createdAt" < $1`,
			[run.startedAt],
		)
		const payments = new Map((await prisma.allowancePayment.findMany({ where: { runId } })).map((p) => [p.elderId, p]))
		const stops = new Map((await prisma.allowanceStop.findMany({ where: { runId } })).map((s) => [s.elderId, s.reason]))
		let expected = 0
		for (const e of elders.rows) {
			const d = decideMonth({ birthDate: e.birthDate, deathDate: e.deathDate, cremated: false, resident: e.residencyStatus === 'resident', movedOutOn: e.movedOutOn, lastLivenessAt: e.lastLivenessAt }, A, DEFAULT_SETTINGS)
			const p = payments.get(e.id)
			if (d.payable) {
				expected++
				// Without a card reference the payment is held out of the bank file (allowance-held-card.test.ts).
				expect(p, e.id).toMatchObject({ month: A, tier: d.tier, amountFen: d.amountFen, kind: 'regular', status: e.bankCardRef ? 'pending' : 'held_no_account' })
			} else {
				expect(p, e.id).toBeUndefined()
				if (d.reason !== 'under_age') expect(stops.get(e.id), e.id).toBe(d.reason)
			}
		}
		expect([...payments.values()].filter((p) => elders.rows.some((e) => e.id === p.elderId))).toHaveLength(expected)
		expect(run.paymentCount).toBe(payments.size)
		expect([...stops.values()]).toContain('no_liveness')
		const html = (await (await as(MAKER)).page(`/bureau/allowance/runs/${runId}`)).html
		expect(html).toContain('待审核')
		expect(html).toContain('data-testid="by-district"')
	})

	it('turns two simultaneous starts from the UI into one run', async () => {
		const [a, b] = await Promise.all([startViaUi(C, MAKER), startViaUi(C, CHECKER)])
		expect(a).toBe(b)
		expect(await prisma.allowanceRun.count({ where: { month: C } })).toBe(1)
		await waitAwaiting(a)
	})

	it('pays back the months missed for liveness once certified again, each for its own month', async () => {
		const runA = await prisma.allowanceRun.findFirstOrThrow({ where: { month: A, status: { not: 'rejected' } } })
		const stopped = await prisma.allowanceStop.findFirstOrThrow({ where: { runId: runA.id, reason: 'no_liveness' } })
		const officer = await as(MAKER)
		await officer.page(`/allowance/elders/${stopped.elderId}`)
		const future = await officer.post(`/allowance/elders/${stopped.elderId}`, { certifiedOn: '2999-01-01', method: 'home_visit' })
		expect(future.status).toBe(400)
		const ok = await officer.post(`/allowance/elders/${stopped.elderId}`, { certifiedOn: shanghaiDate(), method: 'home_visit' })
		expect(ok.status).toBe(200)
		expect(toDateString((await prisma.elder.findUniqueOrThrow({ where: { id: stopped.elderId } })).lastLivenessAt!)).toBe(shanghaiDate())
		expect(await prisma.auditLog.count({ where: { action: 'allowance.liveness_record', entityId: stopped.elderId } })).toBe(1)

		const runB = await startViaUi(B)
		await waitAwaiting(runB)
		const paid = await prisma.allowancePayment.findMany({ where: { elderId: stopped.elderId }, orderBy: { month: 'asc' } })
		const byMonth = new Map(paid.map((p) => [p.month, [p.kind, p.runId]]))
		expect(byMonth.get(A)).toEqual(['back_pay', runB])
		expect(byMonth.get(B)).toEqual(['regular', runB])
		expect(byMonth.size).toBe(paid.length)
		// Others still without a certification stay stopped, and nobody is paid twice for A.
		const dup = await pool.query(`SELECT "elderId", month FROM allowance_payment GROUP BY 1, 2 HAVING count(*) > 1`)
		expect(dup.rowCount).toBe(0)
	})

	it('lets a community officer certify only elders of their community', async () => {
		const officer = await as(COMMUNITY)
		const me = await prisma.user.findUniqueOrThrow({ where: { phone: COMMUNITY } })
		const mine = await prisma.elder.findFirstOrThrow({ where: { communityId: me.communityId } })
		const other = await prisma.elder.findFirstOrThrow({ where: { districtId: 'zhongxiang' } })
		await officer.page(`/allowance/elders/${mine.id}`)
		expect((await officer.post(`/allowance/elders/${mine.id}`, { certifiedOn: shanghaiDate(), method: 'face_recognition' })).status).toBe(200)
		expect((await officer.post(`/allowance/elders/${other.id}`, { certifiedOn: shanghaiDate(), method: 'face_recognition' })).status).toBe(404)
		expect((await officer.post(`/allowance/elders/${mine.id}`, { certifiedOn: shanghaiDate(), method: 'face_recognition' }, { csrf: false })).status).toBe(403)
	})

	it('needs a second city officer to approve; refuses the maker, district officers, double approval, and exporting before approval', async () => {
		const runId = await startViaUi(M)
		await waitAwaiting(runId)
		const path = `/bureau/allowance/runs/${runId}`
		const maker = await as(MAKER)
		const checker = await as(CHECKER)
		const district = await as(DISTRICT)

		await maker.page(path)
		const early = await maker.post(`${path}/bank-file`, {})
		expect(early.status).toBe(409)
		expect(await early.text()).toBe('尚未审核通过，不能导出银行发放文件')

		const self = await maker.post(path, { intent: 'approve' })
		expect(self.status).toBe(403)
		expect(await self.text()).toContain('您发起了这次计算，不能自己审核')

		// A district officer sees the run, with the figures of their own district only.
		const districtView = (await district.page(path)).html
		const table = /data-testid="by-district"[^]*?<\/table>/.exec(districtView)![0]
		expect(table).toContain('东宝区')
		expect(table).not.toContain('钟祥市')
		const byDistrict = await district.post(path, { intent: 'approve' })
		expect(byDistrict.status).toBe(403)
		expect(await byDistrict.text()).toContain('只有市级民政干部可以进行此操作')

		await checker.page(path)
		expect((await checker.post(path, { intent: 'approve' })).status).toBe(200)
		const twice = await checker.post(path, { intent: 'approve' })
		expect(twice.status).toBe(409)
		expect(await twice.text()).toContain('不能重复审核')
		const late = await checker.post(path, { intent: 'reject', reason: '数据有误' })
		expect(late.status).toBe(409)
		expect(await late.text()).toContain('已审核通过的发放不能驳回')

		const run = await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId } })
		// The seed's deceased (40 days ago) and moved-out (75 days ago) elders left before this month: they
		// are not in its snapshot at all (issue 10 item 7), so only a missing liveness check stops anyone.
		const reasons = new Set((await prisma.allowanceStop.findMany({ where: { runId }, select: { reason: true } })).map((s) => s.reason))
		expect(reasons).toEqual(new Set(['no_liveness']))
		const runMonth = (await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId }, select: { month: true } })).month
		const firstDay = new Date(`${runMonth}-01T00:00:00Z`)
		const gone = await prisma.elder.findMany({ where: { OR: [{ deathDate: { lt: firstDay } }, { residencyStatus: 'moved_out', movedOutOn: { lt: firstDay } }] }, select: { id: true } })
		expect(gone.length).toBeGreaterThan(0)
		expect(await prisma.allowanceSnapshot.count({ where: { runId, elderId: { in: gone.map((g) => g.id) } } })).toBe(0)
		const [makerUser, checkerUser] = await Promise.all([prisma.user.findUniqueOrThrow({ where: { phone: MAKER } }), prisma.user.findUniqueOrThrow({ where: { phone: CHECKER } })])
		expect(run).toMatchObject({ status: 'approved', startedById: makerUser.id, approvedById: checkerUser.id })
		expect(await prisma.auditLog.count({ where: { entityId: runId, action: 'allowance.run_start', actorId: makerUser.id } })).toBe(1)
		expect(await prisma.auditLog.count({ where: { entityId: runId, action: 'allowance.run_approve', actorId: checkerUser.id } })).toBe(1)
		// The database itself refuses maker = checker (a row trigger).
		await expect(pool.query(`UPDATE allowance_run SET "approvedById" = $2 WHERE id = $1`, [runId, makerUser.id])).rejects.toThrow(/maker cannot approve/)

		// Disbursement: the bank file a bank can pay from, payments sent to the bank (not paid), the run disbursed.
		await maker.page(path)
		const file = await maker.post(`${path}/bank-file`, {})
		expect(file.status).toBe(200)
		expect(file.headers.get('content-type')).toContain('text/csv')
		const csv = (await file.text()).replace(/^\uFEFF/, '')
		const lines = csv.trim().split('\n')
		expect(lines[0]).toBe('文件编号,发放月份,总笔数,总金额（元）,生成时间')
		expect(lines[2]).toBe('流水号,户名,身份证号,一卡通账号,金额（元）,备注')
		const payments = await prisma.allowancePayment.findMany({ where: { runId, bankCardRef: { not: null } } })
		expect(lines).toHaveLength(payments.length + 3)
		expect(lines[1]!.split(',')[2]).toBe(String(payments.length))
		expect(lines[1]!.split(',')[3]).toBe((payments.reduce((a, p) => a + p.amountFen, 0) / 100).toFixed(2))
		expect(payments.every((p) => p.status === 'sent' && p.paidAt === null && p.bankFileNo === 1)).toBe(true)
		expect(await prisma.allowancePayment.count({ where: { runId, bankCardRef: null, status: { not: 'held_no_account' } } })).toBe(0)
		const first = payments[0]!
		const firstElder = await prisma.elder.findUniqueOrThrow({ where: { id: first.elderId } })
		const row = lines.find((l) => l.includes(decryptCardNumber(firstElder.bankCardCipher!)))!.split(',')
		expect(row[1]).toBe(firstElder.bankAccountHolder)
		expect(row[2]).toBe(decryptIdNumber(firstElder.idNumberCipher!)) // the full identity number: the bank needs it
		expect(row[4]).toBe(`${first.amountFen / 100}.00`)
		expect((await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe('disbursed')
		// Downloading the file again returns it unchanged; exporting again with nothing new is refused.
		const again = await maker.post(`${path}/bank-file`, { fileNo: '1' })
		expect((await again.text()).replace(/^\uFEFF/, '').trim().split('\n')).toEqual(lines)
		expect((await maker.post(`${path}/bank-file`, {})).status).toBe(409)

		// The bank returns one payment. A file with a line that is not this run's is refused whole, nothing changed.
		const returned = payments[0]!
		const serial = row[0]!
		const bad = ['流水号,失败原因', `${serial},账户已销户`, 'not-a-ref,户名不符', '999999999999,无此账户'].join('\n')
		const refused = await postMultipart(maker, path, { intent: 'returns' }, { name: 'returns.csv', bytes: bad })
		expect(refused.status).toBe(400)
		const refusedHtml = await refused.text()
		expect(refusedHtml).toContain('未导入任何内容')
		// Each line's verdict, so the finance office knows what to fix.
		expect(refusedHtml).toMatch(/data-outcome="rejected"[^]*流水号应为数字/)
		expect(refusedHtml).toContain('本次发放的银行文件中没有这个流水号')
		expect(await prisma.allowancePayment.count({ where: { runId, status: 'returned' } })).toBe(0)
		const returns = ['流水号,失败原因', `${serial},账户已销户`].join('\n')
		const res = await postMultipart(maker, path, { intent: 'returns' }, { name: 'returns.csv', bytes: returns })
		expect(res.status).toBe(200)
		const html = await res.text()
		expect(html).toContain('已将 1 笔标记为银行退回')
		expect(await prisma.allowancePayment.count({ where: { runId, status: 'returned' } })).toBe(1)
		expect((await prisma.allowancePayment.findUniqueOrThrow({ where: { id: returned.id } })).failureReason).toBe('账户已销户')

		// The family sees the payment.
		const family = await as(FAMILY)
		const mine = (await family.page('/allowance')).html
		expect(mine).toContain('李桂英')
		expect(mine).toMatch(/已发送银行|银行退回/)
		expect(mine).toMatch(new RegExp(`payment-line"><time dateTime="${M}"`))
	})

	it('rejects a computed run before approval and recomputes it; the reason is required', async () => {
		const runId = await startViaUi(R)
		const before = await waitAwaiting(runId)
		const checker = await as(CHECKER)
		const path = `/bureau/allowance/runs/${runId}`
		await checker.page(path)
		expect((await checker.post(path, { intent: 'reject', reason: '' })).status).toBe(400)
		const res = await checker.post(path, { intent: 'reject', reason: '户籍数据待更新' })
		expect(res.status).toBe(302)
		const newId = res.headers.get('location')!.split('/').at(-1)!
		expect(newId).not.toBe(runId)
		expect(await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'rejected', rejectReason: '户籍数据待更新' })
		expect(await prisma.allowancePayment.count({ where: { runId } })).toBe(0)
		const after = await waitAwaiting(newId)
		// The recompute takes a fresh snapshot: the same payments, plus any elder other test files
		// registered in between (they share this run's database).
		const firstSnapshotAt = (await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId } })).snapshotAt!
		const registeredSince = await prisma.elder.count({ where: { createdAt: { gt: firstSnapshotAt } } })
		expect(after.paymentCount).toBeGreaterThanOrEqual(before.paymentCount!)
		expect(after.paymentCount! - before.paymentCount!).toBeLessThanOrEqual(registeredSince)
		expect(await prisma.auditLog.count({ where: { entityId: runId, action: 'allowance.run_reject' } })).toBe(1)
	})

	it('imports cremation records line by line: matched, unmatched, rejected with reasons; recoveries listed; wrong encoding refused whole', async () => {
		const paid = await prisma.allowancePayment.findFirstOrThrow({ where: { month: M, status: 'sent', run: { status: 'disbursed' } } })
		const elder = await prisma.elder.findUniqueOrThrow({ where: { id: paid.elderId } })
		const other = await prisma.elder.findFirstOrThrow({ where: { id: { not: elder.id }, deathDate: null } })
		const idNumber = decryptIdNumber(elder.idNumberCipher!)
		const deathDate = `${addMonths(M, -1)}-15`
		const good = makeIdNumber('420802', '1930-01-01', 777)
		const badChecksum = good.slice(0, 17) + (good[17] === '1' ? '2' : '1')
		const csv = [
			'身份证号,姓名,死亡日期,火化日期',
			`${idNumber},${elder.name},${deathDate},${deathDate}`, // line 2: matched
			`${badChecksum},某某,2026-01-01,`, // 3: bad identity number
			`${good},不存在,2026-01-01,`, // 4: unknown person
			`${decryptIdNumber(other.idNumberCipher!)},${other.name},2025-02-30,`, // 5: impossible date
			`${idNumber},${elder.name},${deathDate},`, // 6: duplicate of line 2
			`${decryptIdNumber(other.idNumberCipher!)},别人,2026-01-02,`, // 7: name mismatch
		].join('\n')
		const city = await as(MAKER)
		await city.page('/bureau/allowance/cremation')

		// A GBK file is refused whole, saying why.
		const gbk = new Uint8Array([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a, 0x34, 0x32, 0x30])
		const refused = await postMultipart(city, '/bureau/allowance/cremation', {}, { name: 'gbk.csv', bytes: gbk })
		expect(refused.status).toBe(400)
		expect(await refused.text()).toContain('不是 UTF-8 编码')
		expect(await prisma.cremationRecord.count()).toBe(0)

		const res = await postMultipart(city, '/bureau/allowance/cremation', {}, { name: 'cremation.csv', bytes: csv })
		expect(res.status).toBe(200)
		const html = await res.text()
		expect(html).toContain('匹配 1 行，未匹配 1 行，拒绝 4 行')
		for (const reason of ['身份证号校验码不正确', '登记中没有此人', '日期无效', '与文件中前面的行重复', '姓名与登记不一致']) expect(html).toContain(reason)
		expect(await prisma.cremationRecord.count()).toBe(1)
		expect(toDateString((await prisma.elder.findUniqueOrThrow({ where: { id: elder.id } })).deathDate!)).toBe(deathDate)
		expect((await prisma.elder.findUniqueOrThrow({ where: { id: other.id } })).deathDate).toBeNull()

		// Re-importing the same file applies nothing new.
		const again = await postMultipart(city, '/bureau/allowance/cremation', {}, { name: 'cremation.csv', bytes: csv })
		expect(await again.text()).toContain('此人的火化记录已导入过')
		expect(await prisma.cremationRecord.count()).toBe(1)

		// The month paid after death is to be recovered.
		const recoveries = (await city.page('/bureau/allowance/recoveries')).html
		expect(recoveries).toContain(elder.name)
		expect(recoveries).toContain(M)
	})

	it('refuses bad run starts with clear messages', async () => {
		const city = await as(MAKER)
		await city.page('/bureau/allowance')
		const future = await city.post('/bureau/allowance', { month: addMonths(M, 2) })
		expect(future.status).toBe(400)
		expect(await future.text()).toContain('不能计算尚未开始的月份')
		const old = await city.post('/bureau/allowance', { month: addMonths(M, -30) })
		expect(old.status).toBe(400)
		expect(await old.text()).toContain('只能计算最近 24 个月内的月份')
		const malformed = await city.post('/bureau/allowance', { month: '2026-13' })
		expect(malformed.status).toBe(400)
		expect(await malformed.text()).toContain('月份格式应为')
		const district = await as(DISTRICT)
		expect((await district.post('/bureau/allowance', { month: M })).status).toBe(403)
		expect((await city.post('/bureau/allowance', { month: M }, { csrf: false })).status).toBe(403)
	})

	it('versions settings by effective month and refuses months already computed', async () => {
		const city = await as(MAKER)
		await city.page('/bureau/allowance/settings')
		const past = await city.post('/bureau/allowance/settings', { effectiveMonth: A, tier80: '60', tier90: '120', tier100: '300', livenessWindowMonths: '12', backPayAllowed: 'yes' })
		expect(past.status).toBe(400)
		expect(await past.text()).toContain('已经计算过')
		const bad = await city.post('/bureau/allowance/settings', { effectiveMonth: '2099-01', tier80: '-5', tier90: '120', tier100: '300', livenessWindowMonths: '0', backPayAllowed: 'yes' })
		expect(bad.status).toBe(400)
		const ok = await city.post('/bureau/allowance/settings', { effectiveMonth: '2099-01', tier80: '60.5', tier90: '120', tier100: '300', livenessWindowMonths: '6', backPayAllowed: 'no' })
		expect(ok.status).toBe(200)
		// Two-person control (trust): saved only when the second city officer approves the proposal.
		expect(await prisma.allowanceSetting.count({ where: { effectiveMonth: '2099-01' } })).toBe(0)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_settings', subjectId: '2099-01', status: 'pending' }, select: { id: true } })
		const checker = await as(CHECKER)
		await checker.page('/bureau/allowance/settings')
		expect((await checker.post('/bureau/allowance/settings', { formId: 'decide-change', changeId: change.id, decision: 'approve' })).status).toBe(200)
		expect(await prisma.allowanceSetting.findUniqueOrThrow({ where: { effectiveMonth: '2099-01' } })).toMatchObject({ tier80Fen: 6050, tier90Fen: 12000, livenessWindowMonths: 6, backPayAllowed: false })
	})

	it('shows Bull Board to administrators only', async () => {
		const admin = await as(ADMIN)
		const board = await admin.get('/admin/queues')
		expect(board.status).toBe(200)
		expect(await board.text()).toContain('<div id="root">')
		const api = await admin.get('/admin/queues/api/queues')
		expect(api.status).toBe(200)
		expect(JSON.stringify(await api.json())).toContain('allowance')
		expect((await (await as(MAKER)).get('/admin/queues')).status).toBe(403)
		expect((await (await as(MAKER)).get('/admin/queues/api/queues')).status).toBe(403)
		expect((await new HttpClient(app.baseUrl).get('/admin/queues')).status).toBe(302)
	})
})
