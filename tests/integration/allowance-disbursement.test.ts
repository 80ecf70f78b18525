// Issue 13, items 1-3: the subsidy card held like an identity number; a bank file a bank can pay
// from (control line, full numbers, SHA-256 audited, per district, step-up); sent is not paid, a
// returned line is re-issued once after the card is corrected, exactly once by the database; the
// reconciliation adds up at every step; bad input is refused with nothing changed.
import { createHash } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { prisma, transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addMonths, shanghaiDate, shanghaiMonth } from '~/lib/time.ts'
import { importBankResults, confirmUnreturned, workingDaysBefore } from '~/modules/allowance/bank-results.server.ts'
import { addOpened, openKnown } from '~/modules/allowance/bank-file-ahead.server.ts'
import { decryptCardNumber, decryptCardNumbers, encryptCardNumber } from '~/modules/allowance/card-crypto.server.ts'
import { luhnValid, makeCardNumber, maskCard, parseCardNumber } from '~/modules/allowance/card.ts'
import { recordCard } from '~/modules/allowance/cards.server.ts'
import { bankFileCsv, exportBankFile, findBankFile } from '~/modules/allowance/disbursement.server.ts'
import { computeRunInline } from '~/modules/allowance/engine.server.ts'
import { elderAllowance } from '~/modules/allowance/people.server.ts'
import { reconciliation, BUCKETS } from '~/modules/allowance/reconciliation.server.ts'
import { approveRun } from '~/modules/allowance/runs.server.ts'
import { cardRefSchema } from '~/modules/allowance/schemas.ts'
import { currentSessionId, type SessionUser } from '~/modules/auth/session.server.ts'
import { decryptIdNumber, encryptIdNumber } from '~/modules/identity/id-crypto.server.ts'
import * as bankFileRoute from '~/routes/bureau.allowance.runs.$runId.bank-file.ts'
import * as elderRoute from '~/routes/allowance.elders.$elderId.tsx'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { makeAllowanceElder } from '../factories/allowance.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const FAMILY = '13800000001'
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('')
const card = () => makeCardNumber('621799', 19, digits)

async function ageSession(visitor: Visitor, minutes: number) {
	const sid = await currentSessionId(new Request('http://localhost/', { headers: { cookie: visitor.cookie } }))
	await prisma.session.update({ where: { id: sid! }, data: { authenticatedAt: new Date(Date.now() - minutes * 60_000) } })
}

/** A computed and approved run of `month` (computed in-process, as the seed does; no worker needed). */
async function approvedRun(month: string) {
	const maker = await makeUser({ role: 'bureau_city', name: '发起人' })
	const checker = await makeUser({ role: 'bureau_city', name: '审核人' })
	const run = await sql`INSERT INTO allowance_run (id, month, status, "startedById") VALUES (gen_random_uuid(), ${month}, 'computing', ${maker.id}) RETURNING id`.first<{ id: string }>()
	await computeRunInline(run!.id)
	expect((await approveRun(checker, run!.id, null)).ok).toBe(true)
	return { runId: run!.id, checker }
}

async function csvOf(user: SessionUser, runId: string, fileNo: number) {
	const found = await findBankFile(user, runId, fileNo)
	if (!found.ok) throw new Error('no file')
	const bytes = new Uint8Array(await new Response(bankFileCsv(user, found.value, null)).arrayBuffer())
	const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')
	return { bytes, rows: parse(text, { relax_column_count: true }) as string[][], file: found.value }
}

/** owed = paid + sent + reissued + returned + held, per district and in total, in count and amount; and the total is the run's. */
async function expectReconciles(runId: string, user: SessionUser) {
	const r = await reconciliation(runId, user)
	for (const f of [...r.districts, r.total]) {
		expect(BUCKETS.reduce((a, b) => a + f[b].n, 0)).toBe(f.owed.n)
		expect(BUCKETS.reduce((a, b) => a + f[b].fen, 0)).toBe(f.owed.fen)
	}
	const run = await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId } })
	expect(r.total.owed).toEqual({ n: run.paymentCount, fen: Number(run.totalFen) })
	return r
}

function returnsFile(lines: string[], header = '流水号,失败原因') {
	return new File([[header, ...lines].join('\n')], 'returns.csv', { type: 'text/csv' })
}

describe('the subsidy card', () => {
	it('checks length and the Luhn digit by the documented rule', () => {
		const good = card()
		expect(luhnValid(good)).toBe(true)
		expect(parseCardNumber(good)).toEqual({ ok: true, value: good })
		const wrongDigit = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10)
		expect(parseCardNumber(wrongDigit)).toEqual({ ok: false, problem: 'checkDigit' })
		expect(parseCardNumber('621799123456789')).toEqual({ ok: false, problem: 'length' })
		expect(parseCardNumber('62179912345678901234')).toEqual({ ok: false, problem: 'length' })
		expect(parseCardNumber('6217-9912-3456-7890')).toEqual({ ok: false, problem: 'digitsOnly' })
		// A passbook account number (not a payment card: first digit outside 3-6) is taken on its length.
		expect(parseCardNumber('8201 0012 3456 7890 1')).toEqual({ ok: true, value: '82010012345678901' })
		expect(cardRefSchema.safeParse({ cardNumber: good, bankName: '', holderName: '' }).success).toBe(false)
	})

	it('is stored sealed under its own key, shown masked, revealed only by an audited action, and every change audited with masks', async () => {
		const month = shanghaiMonth()
		const elder = await makeAllowanceElder({ month, age: 84, familyPhone: FAMILY, name: '卡号老人' })
		const family = await signIn(FAMILY)
		const path = `/allowance/elders/${elder.id}`
		const params = { elderId: elder.id }
		const first = card()

		// Bad input: wrong check digit, wrong length, no bank; nothing written, nothing audited.
		const wrongDigit = first.slice(0, -1) + String((Number(first.at(-1)) + 1) % 10)
		for (const fields of [
			{ cardNumber: wrongDigit, bankName: '中国邮政储蓄银行' },
			{ cardNumber: first.slice(0, 15), bankName: '中国邮政储蓄银行' },
			{ cardNumber: first, bankName: '' },
		]) {
			const res = await callAction(elderRoute, path, { intent: 'card', ...fields }, { as: family, params })
			expect(res.status).toBe(400)
		}
		const bad = await callAction(elderRoute, path, { intent: 'card', cardNumber: wrongDigit, bankName: '邮储' }, { as: family, params })
		expect(JSON.stringify(bad.data)).toContain('allowance:errors.card.checkDigit')
		expect(await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { bankCardRef: true, bankCardCipher: true } })).toEqual({ bankCardRef: null, bankCardCipher: null })
		expect(await prisma.auditLog.count({ where: { action: 'allowance.card_record', entityId: elder.id } })).toBe(0)

		const ok = await callAction(elderRoute, path, { intent: 'card', cardNumber: first.replace(/(\d{4})/g, '$1 '), bankName: '中国邮政储蓄银行', holderName: '' }, { as: family, params })
		expect(ok.status).toBe(200)
		const stored = await prisma.elder.findUniqueOrThrow({ where: { id: elder.id } })
		expect(stored).toMatchObject({ bankCardRef: maskCard(first), bankName: '中国邮政储蓄银行', bankAccountHolder: '卡号老人' })
		expect(decryptCardNumber(stored.bankCardCipher!)).toBe(first)
		// Its own key: the identity key does not open it, and the digits are nowhere in the bytes.
		expect(() => decryptIdNumber(stored.bankCardCipher!)).toThrow()
		expect(Buffer.from(stored.bankCardCipher!).toString('latin1')).not.toContain(first)

		// Pages show the mask only.
		const page = await callLoader(elderRoute, path, { as: family, params })
		expect(JSON.stringify(page.data)).not.toContain(first)
		expect(JSON.stringify(page.data)).toContain(maskCard(first))

		// The reveal is an action, audited.
		const revealed = await callAction<{ revealedCard: string }>(elderRoute, path, { intent: 'revealCard' }, { as: family, params })
		expect(revealed.data.revealedCard).toBe(first)
		expect(await prisma.auditLog.count({ where: { action: 'pii.reveal_card_number', entityId: elder.id } })).toBe(1)
		// ... after a recent password check.
		await ageSession(family, 6)
		const stale = await callAction(elderRoute, path, { intent: 'revealCard' }, { as: family, params })
		expect(stale.status).toBe(302)
		expect(stale.location).toMatch(/^\/reauth/)
		expect(await prisma.auditLog.count({ where: { action: 'pii.reveal_card_number', entityId: elder.id } })).toBe(1)

		// A change is audited with the masks before and after, never a number.
		const second = card()
		expect((await callAction(elderRoute, path, { intent: 'card', cardNumber: second, bankName: '湖北农信', holderName: '卡号老人之子' }, { as: family, params })).status).toBe(200)
		const changes = await prisma.auditLog.findMany({ where: { action: 'allowance.card_record', entityId: elder.id }, orderBy: { at: 'asc' } })
		expect(changes).toHaveLength(2)
		expect(changes[1]!.details).toMatchObject({ before: maskCard(first), after: maskCard(second), bankAfter: '湖北农信', holderAfter: '卡号老人之子' })
		expect(JSON.stringify(changes.map((c) => c.details))).not.toContain(first)
		expect(JSON.stringify(changes.map((c) => c.details))).not.toContain(second)
	})
})

describe('bank files, returns and re-issue', () => {
	it('a line prints what its own sealed bytes open to, whatever was opened ahead during the export', () => {
		const [one, two] = [card(), card()]
		const sealedOne = encryptCardNumber(one)
		const known = new Map<string, string>()
		addOpened(known, sealedOne, decryptCardNumber)
		// A value sealed under the identity key does not open under the card key: it is left out, not guessed.
		addOpened(known, encryptIdNumber('420802194001010014'), decryptCardNumber)
		expect(known.size).toBe(1)
		const opened: Uint8Array[][] = []
		const open = (values: readonly Uint8Array[]) => (opened.push([...values]), decryptCardNumbers(values))
		// The same card sealed again (another IV, as after a re-recording) is other bytes: opened itself.
		const resealed = encryptCardNumber(one)
		const sealedTwo = encryptCardNumber(two)
		expect(openKnown([sealedOne, sealedTwo, resealed], known, open)).toEqual([one, two, one])
		expect(opened).toEqual([[sealedTwo, resealed]])
		// The same bytes inside a larger buffer (as node-postgres hands them) are found.
		const inside = new Uint8Array(sealedOne.byteLength + 8)
		inside.set(sealedOne, 4)
		expect(openKnown([inside.subarray(4, 4 + sealedOne.byteLength)], known, open)).toEqual([one])
		expect(opened).toHaveLength(1)
		// Nothing opened ahead: everything is opened by the stream.
		expect(openKnown([sealedTwo], undefined, open)).toEqual([two])
	})

	it('makes a file a bank can pay from, per district, sends (not pays), re-issues a returned line once, and always reconciles', async () => {
		const month = addMonths(shanghaiMonth(), -3)
		const aCard = card()
		const a = await makeAllowanceElder({ month, age: 91, familyPhone: FAMILY, name: '退回老人', bankCardNumber: aCard })
		const b = await makeAllowanceElder({ month, age: 85, familyPhone: FAMILY, linked: false, name: '=HYPERLINK("x")', bankCardNumber: card() })
		const legacy = await makeAllowanceElder({ month, age: 86, familyPhone: FAMILY, linked: false, name: '旧卡老人', bankCardRef: '6217****9999' })
		const { runId, checker } = await approvedRun(month)
		const family = await sessionUser(FAMILY)
		await expectReconciles(runId, checker)

		// A legacy mask cannot be paid to: that payment is held.
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId: legacy.id, month } } })).toMatchObject({ status: 'held_no_account' })

		// The download: city level only, after a recent password check.
		const path = `/bureau/allowance/runs/${runId}/bank-file`
		const params = { runId }
		const district = await signIn(await makeUser({ role: 'bureau_district', districtId: a.districtId }))
		expect((await callAction(bankFileRoute, path, {}, { as: district, params })).status).toBe(403)
		const city = await signIn({ id: checker.id })
		await ageSession(city, 6)
		const asked = await callAction(bankFileRoute, path, {}, { as: city, params })
		expect(asked.status).toBe(302)
		expect(asked.location).toBe(`/reauth?redirectTo=${encodeURIComponent(`/bureau/allowance/runs/${runId}`)}`)
		expect(await prisma.allowanceBankFile.count({ where: { runId } })).toBe(0)
		await ageSession(city, 0)

		// First: the district of elder A only, for its county finance office.
		const payable = await sql`SELECT p."districtId", count(*)::int AS n, sum(p."amountFen")::bigint AS fen FROM allowance_payment p WHERE p."runId" = ${runId} AND p.status = 'pending' GROUP BY 1`.rows<{ districtId: string; n: number; fen: number }>()
		const mine = payable.find((p) => p.districtId === a.districtId)!
		const res = await callAction<string>(bankFileRoute, path, { districtId: a.districtId }, { as: city, params })
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toContain('text/csv')
		const one = await csvOf(checker, runId, 1)
		expect(res.data.replace(/^\uFEFF/, '')).toBe(new TextDecoder().decode(one.bytes).replace(/^\uFEFF/, ''))
		const [controlHead, control, lineHead, ...lines] = one.rows
		expect(controlHead).toEqual(['文件编号', '发放月份', '总笔数', '总金额（元）', '生成时间'])
		expect(control![0]).toBe(one.file.fileNumber)
		expect(control![1]).toBe(month)
		expect(Number(control![2])).toBe(mine.n)
		expect(control![3]).toBe((Number(mine.fen) / 100).toFixed(2))
		expect(control![4]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
		expect(lineHead).toEqual(['流水号', '户名', '身份证号', '一卡通账号', '金额（元）', '备注'])
		expect(lines).toHaveLength(mine.n)
		expect(lines.reduce((sum, l) => sum + Math.round(Number(l[4]) * 100), 0)).toBe(Number(mine.fen))
		// Elder A's line: full identity and card numbers, amount with two decimals, the month in the remark.
		const elderA = await prisma.elder.findUniqueOrThrow({ where: { id: a.id } })
		const lineA = lines.find((l) => l[3] === aCard)!
		expect(lineA).toEqual([expect.stringMatching(/^\d+$/), '退回老人', decryptIdNumber(elderA.idNumberCipher!), aCard, '100.00', `${month} 高龄津贴`])
		// No cell can start a formula.
		expect(lines.find((l) => l[1]!.includes('HYPERLINK'))![1]).toBe(`'=HYPERLINK("x")`)
		expect(lines.every((l) => l[2]!.length === 18 && /^\d{16,19}$/.test(l[3]!))).toBe(true)

		// Audited with the file's SHA-256, shown with the file; a re-download is byte for byte the same.
		const sha = createHash('sha256').update(one.bytes).digest('hex')
		const downloads = await prisma.auditLog.findMany({ where: { action: 'allowance.bank_file_download', entityId: one.file.id } })
		expect(downloads.length).toBeGreaterThanOrEqual(2)
		expect(downloads.every((d) => (d.details as { sha256: string }).sha256 === sha)).toBe(true)
		expect((await prisma.allowanceBankFile.findUniqueOrThrow({ where: { id: one.file.id } })).csvSha256).toBe(sha)
		const xlsx = await callAction<string>(bankFileRoute, path, { fileNo: '1', format: 'xlsx' }, { as: city, params })
		expect(xlsx.status).toBe(200)
		expect(xlsx.headers.get('content-type')).toContain('spreadsheetml')

		// Sent is not paid: the family sees it on its way, not 已发放.
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId: a.id, month } } })).toMatchObject({ status: 'sent', paidAt: null })
		const seen = await elderAllowance(family, a.id)
		expect(seen!.payments.find((p) => p.month === month)!.status).toBe('sent')
		let r = await expectReconciles(runId, checker)
		expect(r.districts.find((d) => d.districtId === a.districtId)!.sent.n).toBe(mine.n)

		// The district again: nothing new (409), nothing made. Then the rest of the city, without A's district.
		expect(await exportBankFile(checker, runId, a.districtId, null)).toMatchObject({ ok: false, status: 409 })
		const rest = await exportBankFile(checker, runId, null, null)
		expect(rest.ok).toBe(true)
		const two = await csvOf(checker, runId, 2)
		expect(two.rows.slice(3)).toHaveLength(payable.reduce((s, p) => s + p.n, 0) - mine.n)
		expect(two.rows.slice(3).some((l) => l[3] === aCard)).toBe(false)
		// Every payable payment is in exactly one file.
		const attempts = await sql`SELECT "paymentId", count(*)::int AS n FROM allowance_disbursement WHERE "runId" = ${runId} GROUP BY 1`.rows<{ paymentId: string; n: number }>()
		expect(attempts).toHaveLength(payable.reduce((s, p) => s + p.n, 0))
		expect(attempts.every((x) => x.n === 1)).toBe(true)
		await expectReconciles(runId, checker)

		// The bank returns A's line.
		const serialA = lineA[0]!
		const otherSerial = lines.find((l) => l !== lineA)?.[0] ?? two.rows[3]![0]!
		const before = await sql`SELECT serial, status FROM allowance_disbursement WHERE "runId" = ${runId} ORDER BY serial`.rows()
		// Bad input first, nothing changed: a serial in no file of this run (with a valid line beside it), a malformed line.
		const unknown = await importBankResults(checker, runId, 'returns', returnsFile([`${serialA},账户已销户`, '999999999999,无此账户']), null)
		expect(unknown).toMatchObject({ ok: false, status: 400, formError: 'allowance:errors.returns.unknownSerial' })
		const malformed = await importBankResults(checker, runId, 'returns', returnsFile([`${serialA},账户已销户`, 'abc,户名不符']), null)
		expect(malformed).toMatchObject({ ok: false, status: 400 })
		expect(await sql`SELECT serial, status FROM allowance_disbursement WHERE "runId" = ${runId} ORDER BY serial`.rows()).toEqual(before)

		const returns = returnsFile([`${serialA},账户已销户`])
		const done = await importBankResults(checker, runId, 'returns', returns, null)
		expect(done).toMatchObject({ ok: true, value: { marked: 1 } })
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId: a.id, month } } })).toMatchObject({ status: 'returned', failureReason: '账户已销户' })
		expect((await elderAllowance(family, a.id))!.payments.find((p) => p.month === month)!.status).toBe('returned')
		// The same file twice, or the same line in another file: refused, nothing changed.
		expect(await importBankResults(checker, runId, 'returns', returnsFile([`${serialA},账户已销户`]), null)).toMatchObject({ ok: false, status: 409 })
		expect(await importBankResults(checker, runId, 'returns', returnsFile([`${serialA},户名不符`, `${otherSerial},户名不符`]), null)).toMatchObject({ ok: false, status: 409, formError: 'allowance:errors.returns.alreadySettled' })
		expect(await prisma.allowanceDisbursement.count({ where: { runId, status: 'returned' } })).toBe(1)
		r = await expectReconciles(runId, checker)
		expect(r.total.returned.n).toBe(1)

		// Not re-issued before the card is corrected.
		expect(await exportBankFile(checker, runId, null, null)).toMatchObject({ ok: false, status: 409 })
		const corrected = card()
		expect((await callAction(elderRoute, `/allowance/elders/${a.id}`, { intent: 'card', cardNumber: corrected, bankName: '中国农业银行' }, { as: await signIn(FAMILY), params: { elderId: a.id } })).status).toBe(200)
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId: a.id, month } } })).toMatchObject({ status: 'pending' })

		// Two exports at once: one file carries the re-issue, the other is refused; the payment goes out once.
		const raced = await Promise.all([exportBankFile(checker, runId, null, null), exportBankFile(checker, runId, a.districtId, null)])
		expect(raced.filter((x) => x.ok)).toHaveLength(1)
		expect(raced.find((x) => !x.ok)).toMatchObject({ status: 409 })
		const aAttempts = await prisma.allowanceDisbursement.findMany({ where: { paymentId: (await prisma.allowancePayment.findUniqueOrThrow({ where: { elderId_month: { elderId: a.id, month } } })).id }, orderBy: { serial: 'asc' } })
		expect(aAttempts.map((x) => x.status)).toEqual(['returned', 'sent'])
		expect(aAttempts[1]!.remark).toContain('重发')
		expect(decryptCardNumber(aAttempts[1]!.cardCipher)).toBe(corrected)
		r = await expectReconciles(runId, checker)
		expect(r.total.reissued.n).toBe(1)
		expect(r.total.returned.n).toBe(0)

		// The database refuses a second live attempt, whatever the code does.
		const second = await sql`INSERT INTO allowance_disbursement ("paymentId", "runId", "fileId", line, "districtId", "amountFen", "holderName", "bankName", "cardMasked", "cardCipher", "idNumberCipher", remark)
			 SELECT "paymentId", "runId", "fileId", 9999, "districtId", "amountFen", "holderName", "bankName", "cardMasked", "cardCipher", "idNumberCipher", remark FROM allowance_disbursement WHERE serial = ${aAttempts[1]!.serial}`
			.run()
			.catch((e: unknown) => e)
		expect((second as { constraint?: string }).constraint).toBe('allowance_disbursement_one_live')

		// The bank confirms the re-issue: paid, exactly once. The rest count as paid after 10 working days without a return.
		const confirm = await importBankResults(checker, runId, 'confirmations', returnsFile([String(aAttempts[1]!.serial)], '流水号'), null)
		expect(confirm).toMatchObject({ ok: true, value: { marked: 1 } })
		expect((await elderAllowance(family, a.id))!.payments.find((p) => p.month === month)!.status).toBe('paid')

		// A card corrected while its line was at the bank: once the bank returns that line, the next
		// file carries the payment on the new card without asking for the card again.
		const bLine = await prisma.allowanceDisbursement.findFirstOrThrow({ where: { runId, holderName: '=HYPERLINK("x")' } })
		const bCard = card()
		expect((await recordCard(checker, b.id, { cardNumber: bCard, bankName: '中国邮政储蓄银行', holderName: '' }, null)).ok).toBe(true)
		expect(await prisma.allowancePayment.findUniqueOrThrow({ where: { id: bLine.paymentId } })).toMatchObject({ status: 'sent' })
		expect(await importBankResults(checker, runId, 'returns', returnsFile([`${bLine.serial},户名不符`]), null)).toMatchObject({ ok: true, value: { marked: 1 } })
		const bAgain = await exportBankFile(checker, runId, null, null)
		expect(bAgain.ok && bAgain.value.lineCount).toBe(1)
		expect((await csvOf(checker, runId, bAgain.ok ? bAgain.value.fileNo : 0)).rows[3]![3]).toBe(bCard)
		await expectReconciles(runId, checker)
		expect(await confirmUnreturned(shanghaiDate())).toBe(0)
		const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)
		expect(workingDaysBefore('2026-11-30', 10)).toBe('2026-11-16')
		const runFiles = () => prisma.allowanceBankFile.findMany({ where: { runId }, select: { id: true, unreturnedSettledAt: true } })
		expect((await runFiles()).every((f) => f.unreturnedSettledAt === null)).toBe(true)
		expect(await confirmUnreturned(later)).toBeGreaterThan(0)
		// Found by file: every file of the run is now settled (no line still sent) and marked, so the
		// next pass looks at none of them; a line still sent would have kept its file unmarked.
		expect((await runFiles()).every((f) => f.unreturnedSettledAt !== null)).toBe(true)
		expect(await sql`SELECT count(*)::int AS n FROM allowance_disbursement WHERE "runId" = ${runId} AND status = 'sent'`.first<{ n: number }>()).toEqual({ n: 0 })
		expect(await confirmUnreturned(later)).toBe(0)
		await transaction(async (tx) => {
			const paid = await sql`SELECT "paymentId", count(*)::int AS n FROM allowance_disbursement WHERE "runId" = ${runId} AND status = 'paid' GROUP BY 1 HAVING count(*) > 1`.rows(tx)
			expect(paid).toEqual([])
		})
		r = await expectReconciles(runId, checker)
		expect(r.total.sent.n + r.total.reissued.n + r.total.returned.n).toBe(0)
		expect(r.total.held.n).toBeGreaterThanOrEqual(1)
		expect(r.total.paid.n).toBe(payable.reduce((s, p) => s + p.n, 0))
	})
})
