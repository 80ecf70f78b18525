import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { decryptIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { MAX_UPLOAD_BYTES, readCsv, readCsvForm } from '~/modules/allowance/csv.server.ts'
import * as cremationRoute from '~/routes/bureau.allowance.cremation.tsx'
import * as runRoute from '~/routes/bureau.allowance.runs.$runId.tsx'
import { callAction, signIn } from '../setup/route.ts'

// Issue 12 item 5: the allowance imports (cremation records, bank returns and confirmations) parse
// the upload as it streams in; the size limit is enforced while reading, so an over-limit file is
// refused after at most the limit has been read, and nothing of it is written.

const CITY = '13800000041'
type Reply = { ok: boolean; result?: { error?: Record<string, string[] | null> }; value?: { matched: number; unmatched: number; rejected: number } }

/** A byte stream of `chunks` chunks of `size` bytes that counts how many were pulled. */
function counted(chunks: number, size: number, first = '身份证号,姓名,死亡日期\n') {
	const pulled = { n: 0 }
	async function* gen() {
		yield new TextEncoder().encode(first)
		for (let i = 0; i < chunks; i++) {
			pulled.n++
			yield new TextEncoder().encode(`420802193001011234,张三,2026-01-01\n`.repeat(Math.ceil(size / 36)).slice(0, size))
		}
	}
	return { stream: gen(), pulled }
}

describe('streamed CSV uploads', () => {
	it('reads a normal file from its stream: header, rows with their line numbers, and its SHA-256', async () => {
		const { stream } = counted(3, 36 * 10)
		const csv = await readCsv(stream)
		expect(csv.ok).toBe(true)
		if (!csv.ok) return
		expect(csv.header).toEqual(['身份证号', '姓名', '死亡日期'])
		expect(csv.records).toHaveLength(30)
		expect(csv.records[0]).toEqual({ line: 2, values: ['420802193001011234', '张三', '2026-01-01'] })
		expect(csv.sha256).toMatch(/^[0-9a-f]{64}$/)
	})

	it('stops reading once the file passes the limit (never reads the rest into memory)', async () => {
		const chunk = 64 * 1024
		const { stream, pulled } = counted(1000, chunk) // 64 MB offered
		const csv = await readCsv(stream)
		expect(csv).toEqual({ ok: false, error: 'allowance:import.errors.tooLarge' })
		expect(pulled.n).toBeLessThanOrEqual(Math.ceil(MAX_UPLOAD_BYTES / chunk) + 2)
	})

	it('names a GBK file as such, and refuses binary and malformed files whole', async () => {
		const gbk = new Uint8Array([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a]) // 身份证号 in GBK
		expect(await readCsv((async function* () { yield gbk })())).toEqual({ ok: false, error: 'allowance:import.errors.encodingGbk' })
		expect(await readCsv((async function* () { yield new Uint8Array([0xff, 0xfe, 0x00, 0x80]) })())).toMatchObject({ ok: false })
		expect(await readCsv((async function* () { yield new TextEncoder().encode('a,b\n"unterminated,1\n') })())).toEqual({ ok: false, error: 'allowance:import.errors.malformed' })
		expect(await readCsv((async function* () {})())).toEqual({ ok: false, error: 'allowance:import.errors.noFile' })
	})

	it('imports a cremation file through the route as a multipart stream', async () => {
		const recorded = (await prisma.cremationRecord.findMany({ select: { elderId: true } })).map((r) => r.elderId)
		const elder = await prisma.elder.findFirstOrThrow({ where: { deathDate: null, id: { notIn: recorded }, birthDate: { lt: new Date('1960-01-01') } }, select: { id: true, name: true, idNumberCipher: true } })
		const body = `身份证号,姓名,死亡日期\n${decryptIdNumber(elder.idNumberCipher!)},${elder.name},2026-01-15\n420802193001011234,不存在,2026-01-01\n`
		const before = await prisma.cremationRecord.count()
		const res = await callAction<Reply>(cremationRoute, '/bureau/allowance/cremation', { formId: 'cremation', file: new File([body], 'cremation.csv', { type: 'text/csv' }) }, { as: await signIn(CITY) })
		expect(res.status).toBe(200)
		expect(res.data.ok).toBe(true)
		expect(await prisma.cremationRecord.count()).toBe(before + 1)
	})

	it('refuses an over-limit cremation file with a translated message, and writes nothing', async () => {
		const before = await prisma.cremationRecord.count()
		const big = '身份证号,姓名,死亡日期\n' + '420802193001011234,张三,2026-01-01\n'.repeat(Math.ceil(MAX_UPLOAD_BYTES / 36) + 10)
		const res = await callAction<Reply>(cremationRoute, '/bureau/allowance/cremation', { formId: 'cremation', file: new File([big], 'big.csv', { type: 'text/csv' }) }, { as: await signIn(CITY) })
		expect(res.status).toBe(400)
		expect(Object.values(res.data.result?.error ?? {}).flat()).toContain('allowance:import.errors.tooLarge')
		expect(await prisma.cremationRecord.count()).toBe(before)
	})

	it('checks the CSRF token before reading the file', async () => {
		const res = await callAction(cremationRoute, '/bureau/allowance/cremation', { formId: 'cremation', file: new File(['身份证号,姓名,死亡日期\n'], 'c.csv') }, { as: await signIn(CITY), csrf: false })
		expect(res.status).toBe(403)
	})

	it('reads a bank returns file on the run page as a stream too (an unknown run is refused after the file is read)', async () => {
		const res = await callAction<Reply>(runRoute, '/bureau/allowance/runs/00000000-0000-4000-8000-000000000000', { intent: 'returns', file: new File(['流水号,失败原因\n1,户名不符\n'], 'returns.csv') }, { as: await signIn(CITY), params: { runId: '00000000-0000-4000-8000-000000000000' } })
		expect(res.status).toBe(404)
		// The same reader serves the run page's ordinary (urlencoded) forms.
		const req = new Request('http://127.0.0.1/x', { method: 'POST', body: new URLSearchParams({ intent: 'submit' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
		await expect(readCsvForm(req)).rejects.toBeInstanceOf(Response) // no CSRF cookie: 403
	})
})
