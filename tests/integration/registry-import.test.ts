// The registry import (issue 10 item 3): an officer uploads a CSV (UTF-8 or GBK) or XLSX through the
// real upload action (multipart, streamed into staged rows), the dry run classifies every line, the
// officer applies it as a queued job (processor called directly, as marketplace-worker.test.ts does),
// chunk by chunk; the same file twice changes nothing; an apply resumed after a crash finishes the
// rest once. Files that are not CSV/XLSX, too large or missing columns are refused whole (4xx).
import type { Job } from 'bullmq'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { registryImportQueue } from '~/jobs/registry-import.server.ts'
import { CSRF_FIELD } from '~/modules/auth/csrf.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import { applyChunk } from '~/modules/registry-import/apply.server.ts'
import { classifyImport } from '~/modules/registry-import/classify.server.ts'
import * as importPage from '~/routes/registry.import.$importId.tsx'
import * as reportRoute from '~/routes/registry.import.$importId_.report[.]csv.ts'
import * as importIndex from '~/routes/registry.import._index.tsx'
import * as templateRoute from '~/routes/registry.import.template[.]csv.ts'
import { registryImportWorker } from '../../workers/processors/registry-import.ts'
import { makeOfficer, makePlace } from '../factories/registry.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const HEADER = '身份证号,姓名,乡镇代码,社区代码,联系电话,紧急联系人,紧急联系人电话,变动类型,变动日期'
const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))

let seq = 0
/** A fresh valid identity number nobody in the database has. */
async function freshId(birthDate = '1941-07-09') {
	for (;;) {
		const id = makeIdNumber('420802', birthDate, 100 + ((process.pid * 13 + seq++ * 7) % 800))
		if (!(await prisma.elder.findUnique({ where: { idNumberHash: hashIdNumber(id) }, select: { id: true } }))) return id
	}
}

/** The upload as a browser sends it: multipart, the CSRF token first, then the file. */
async function upload(as: Visitor, name: string, bytes: Uint8Array<ArrayBuffer> | string, opts: { csrf?: boolean; headers?: Record<string, string> } = {}) {
	const form = new FormData()
	if (opts.csrf !== false) form.append(CSRF_FIELD, as.csrfToken)
	form.append('formId', 'registry-import')
	form.append('file', new Blob([typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes]), name)
	const headers = new Headers(opts.headers)
	headers.set('cookie', as.cookie)
	const request = new Request('http://127.0.0.1/registry/import', { method: 'POST', body: form, headers })
	try {
		const res = (await importIndex.action({ request, params: {}, context: {} })) as Response | { data: unknown; init: ResponseInit | null }
		if (res instanceof Response) return { status: res.status, location: res.headers.get('location'), data: null as unknown }
		return { status: res.init?.status ?? 200, location: null, data: res.data }
	} catch (thrown) {
		if (thrown instanceof Response) return { status: thrown.status, location: null, data: await thrown.text() }
		throw thrown
	}
}

const fakeJob = (name: string, importId: string) => ({ name, data: { importId }, queueName: 'registry-import', updateProgress: async () => {} }) as unknown as Job

/** Upload, check the job was queued, run the dry run as the worker would. */
async function dryRun(as: Visitor, name: string, bytes: Uint8Array<ArrayBuffer> | string, opts: { chunkLines?: number } = {}) {
	const res = await upload(as, name, bytes)
	expect(res.status, text(res.data)).toBe(302)
	const importId = res.location!.split('/').at(-1)!
	expect(await registryImportQueue().getJob(`classify-${importId}`)).toBeTruthy()
	if (opts.chunkLines) await classifyImport(importId, { chunkLines: opts.chunkLines })
	else await registryImportWorker.process(fakeJob('classify', importId))
	return importId
}

async function apply(as: Visitor, importId: string) {
	const res = await callAction(importPage, `/registry/import/${importId}`, { formId: 'apply' }, { as, params: { importId } })
	expect(res.status, text(res.data)).toBe(200)
	expect(await registryImportQueue().getJob(`apply-${importId}`)).toBeTruthy()
	await registryImportWorker.process(fakeJob('apply', importId))
}

const lines = (importId: string) => prisma.registryImportLine.findMany({ where: { importId }, orderBy: { line: 'asc' }, select: { line: true, outcome: true, reason: true, changedFields: true } })
const head = (importId: string) => prisma.registryImport.findUniqueOrThrow({ where: { id: importId } })

async function setting() {
	const place = await makePlace('dongbao')
	const other = await makePlace('dongbao')
	const officer = await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: place.township.id })
	return { place, other, officer, as: await signIn(officer) }
}

describe('registry import: dry run and apply', () => {
	it('classifies every line (new, changed, unchanged, rejected with reasons), reports it, applies it as a job, and the same file twice changes nothing', async () => {
		const { place, other, as } = await setting()
		const t = place.township.code
		const c = place.community.code
		const [a, b, dup, dead, young] = [await freshId(), await freshId('1930-02-03'), await freshId(), await freshId('1935-05-05'), await freshId('1990-01-01')]
		const csv = [
			HEADER,
			`${a},赵桂兰,${t},${c},13912345678,赵强,13812345678,,`,
			`${b},钱德明,${t},${c},,,,迁入,2025-03-01`,
			`${dup},孙秀英,${t},${c},,,,,`,
			`${dup},孙秀英,${t},${c},,,,,`,
			`${dead},李玉珍,${t},${c},,,,死亡,2026-01-15`,
			`420802194107091234,坏号码,${t},${c},,,,,`,
			`${young},年轻人,${t},${c},,,,,`,
			`${await freshId()},外区人,${other.township.code},${other.community.code},,,,,`,
			`${await freshId()},无乡镇,420802999000,${c},,,,,`,
			`${await freshId()},无社区,${t},420802999999,,,,,`,
			`${await freshId()},未来,${t},${c},,,,死亡,2999-01-01`,
			`${await freshId('1941-07-09')},生前,${t},${c},,,,迁出,1941-01-01`,
			`${await freshId()},无此日,${t},${c},,,,迁出,2026-02-30`,
			`${await freshId()},乱类型,${t},${c},,,,出生,2026-01-01`,
		].join('\n')
		const importId = await dryRun(as, 'elders.csv', csv)
		expect(await head(importId)).toMatchObject({ status: 'classified', lineCount: 14, newCount: 4, changedCount: 0, unchangedCount: 0, rejectedCount: 10, encoding: 'utf-8', format: 'csv' })
		expect(await lines(importId)).toMatchObject([
			{ line: 2, outcome: 'new' },
			{ line: 3, outcome: 'new', changedFields: ['moved_in'] },
			{ line: 4, outcome: 'new' },
			{ line: 5, outcome: 'rejected', reason: 'duplicateInFile' },
			{ line: 6, outcome: 'new', changedFields: ['death'] },
			{ line: 7, outcome: 'rejected', reason: 'idNumber.checksum' },
			{ line: 8, outcome: 'rejected', reason: 'tooYoung' },
			{ line: 9, outcome: 'rejected', reason: 'outOfScope' },
			{ line: 10, outcome: 'rejected', reason: 'unknownTownship' },
			{ line: 11, outcome: 'rejected', reason: 'unknownCommunity' },
			{ line: 12, outcome: 'rejected', reason: 'eventDateFuture' },
			{ line: 13, outcome: 'rejected', reason: 'eventDateBeforeBirth' },
			{ line: 14, outcome: 'rejected', reason: 'eventDate' },
			{ line: 15, outcome: 'rejected', reason: 'eventKind' },
		])
		// The staged lines keep no readable identity number: a keyed hash, a ciphertext and the mask.
		expect(text(await prisma.registryImportLine.findMany({ where: { importId }, select: { idMasked: true, name: true } }))).not.toContain(a)
		// Nothing is written to the registry by the dry run.
		expect(await prisma.elder.count({ where: { idNumberHash: hashIdNumber(a) } })).toBe(0)

		const page = await callLoader<{ imp: { status: string; newCount: number } }>(importPage, `/registry/import/${importId}`, { as, params: { importId } })
		expect(page.data.imp).toMatchObject({ status: 'classified', newCount: 4 })
		const report = await callLoader<string>(reportRoute, `/registry/import/${importId}/report.csv`, { as, params: { importId } })
		expect(report.status).toBe(200)
		expect(report.headers.get('content-type')).toContain('text/csv')
		expect(report.data).toContain('文件中重复出现')
		expect(report.data).toContain('不在您的辖区内')
		expect(report.data.split('\n').filter(Boolean)).toHaveLength(15)
		// Another officer cannot see it.
		const stranger = await signIn(await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: other.township.id }))
		expect((await callLoader(importPage, `/registry/import/${importId}`, { as: stranger, params: { importId } })).status).toBe(404)

		await apply(as, importId)
		expect(await head(importId)).toMatchObject({ status: 'applied', chunksDone: 1, chunkCount: 1 })
		const created = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(a) } })
		expect(created).toMatchObject({ name: '赵桂兰', communityId: place.community.id, districtId: 'dongbao', residenceStatus: 'verified', phone: '13912345678', emergencyContactName: '赵强' })
		const deadRow = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(dead) }, select: { id: true, deathDate: true } })
		expect(deadRow.deathDate?.toISOString().slice(0, 10)).toBe('2026-01-15')
		expect(await prisma.lifeEvent.findMany({ where: { elderId: deadRow.id }, select: { kind: true, source: true, status: true } })).toEqual([{ kind: 'death', source: 'registry_import', status: 'recorded' }])
		expect(await prisma.auditLog.count({ where: { entityId: importId, action: 'registry_import.apply_chunk' } })).toBe(1)
		// Applying again (a second click, a retried job) does nothing.
		expect((await callAction(importPage, `/registry/import/${importId}`, { formId: 'apply' }, { as, params: { importId } })).status).toBe(409)

		// The same file twice: everything unchanged or rejected; applying it changes nothing.
		const before = await prisma.elder.findMany({ where: { communityId: place.community.id }, orderBy: { id: 'asc' }, select: { id: true, version: true, updatedAt: true } })
		const second = await dryRun(as, 'elders.csv', csv)
		expect(await head(second)).toMatchObject({ newCount: 0, changedCount: 0, unchangedCount: 4, rejectedCount: 10 })
		await apply(as, second)
		expect(await head(second)).toMatchObject({ status: 'applied', chunksDone: 1, chunkCount: 1 })
		expect(await prisma.auditLog.count({ where: { entityId: second, action: 'registry_import.apply_chunk' } })).toBe(0)
		expect(await prisma.elder.findMany({ where: { communityId: place.community.id }, orderBy: { id: 'asc' }, select: { id: true, version: true, updatedAt: true } })).toEqual(before)
		expect(await prisma.lifeEvent.count({ where: { elderId: deadRow.id } })).toBe(1)

		// A change: a new phone, and a name that conflicts with the verified record.
		const changed = [HEADER, `${a},赵桂兰,${t},${c},13900000001,,,,`, `${b},钱德名,${t},${c},,,,,`].join('\n')
		const third = await dryRun(as, 'changes.csv', changed)
		expect(await lines(third)).toMatchObject([
			{ line: 2, outcome: 'changed', changedFields: ['phone'] },
			{ line: 3, outcome: 'rejected', reason: 'conflictsVerified' },
		])
		await apply(as, third)
		expect(await prisma.elder.findUniqueOrThrow({ where: { id: created.id }, select: { phone: true, emergencyContactName: true, version: true } })).toEqual({ phone: '13900000001', emergencyContactName: '赵强', version: created.version + 1 })
		// The elder's page shows the import on the timeline.
		const { callLoader: load } = await import('../setup/route.ts')
		const elderPage = await import('~/routes/elders.$elderId.tsx')
		const timeline = await load<{ timeline: { lines: { kind: string }[] } }>(elderPage, `/elders/${created.id}`, { as, params: { elderId: created.id } })
		expect(timeline.data.timeline.lines.map((e) => e.kind)).toEqual(expect.arrayContaining(['imported', 'registered']))
	})

	it('reads a GBK file and an XLSX file', async () => {
		const { place, as } = await setting()
		const [g, x] = [await freshId(), await freshId()]
		const gbk = iconv.encode(`${HEADER}\r\n${g},欧阳秀兰,${place.township.code},${place.community.code},,,,,\r\n`, 'gbk')
		const gbkImport = await dryRun(as, 'gbk.csv', new Uint8Array(gbk))
		expect(await head(gbkImport)).toMatchObject({ encoding: 'gb18030', newCount: 1, rejectedCount: 0 })
		expect(await prisma.registryImportLine.findFirstOrThrow({ where: { importId: gbkImport }, select: { name: true } })).toEqual({ name: '欧阳秀兰' })

		const wb = new ExcelJS.Workbook()
		const ws = wb.addWorksheet('老人')
		ws.addRow(HEADER.split(','))
		ws.addRow([x, '司马桂英', place.township.code, place.community.code, '', '', '', '迁入', new Date('2025-06-01T00:00:00Z')])
		const xlsx = new Uint8Array(await wb.xlsx.writeBuffer())
		const xlsxImport = await dryRun(as, 'elders.xlsx', xlsx)
		expect(await lines(xlsxImport)).toMatchObject([{ line: 2, reason: null, outcome: 'new' }])
		expect(await head(xlsxImport)).toMatchObject({ format: 'xlsx', newCount: 1, rejectedCount: 0 })
		await apply(as, xlsxImport)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(x) }, select: { id: true, name: true } })
		expect(elder.name).toBe('司马桂英')
		expect(await prisma.lifeEvent.count({ where: { elderId: elder.id, kind: 'moved_in' } })).toBe(1)
	})

	it('a community officer imports only into their community: lines elsewhere are rejected', async () => {
		const { place } = await setting()
		const second = await prisma.community.create({ data: { districtId: 'dongbao', townshipId: place.township.id, code: `${place.township.code.slice(0, 9)}002`, nameZh: `测试社区二${process.pid}`, kind: 'urban_community' } })
		const officer = await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: place.community.id })
		const as = await signIn(officer)
		const csv = [HEADER, `${await freshId()},甲,${place.township.code},${place.community.code},,,,,`, `${await freshId()},乙,${place.township.code},${second.code},,,,,`].join('\n')
		const importId = await dryRun(as, 'c.csv', csv)
		expect(await lines(importId)).toMatchObject([
			{ line: 2, outcome: 'new' },
			{ line: 3, outcome: 'rejected', reason: 'outOfScope' },
		])
	})

	it('resumes an apply after a crash mid-way: the chunks done stay done, the rest are applied once', async () => {
		const { place, as } = await setting()
		const ids = [] as string[]
		for (let i = 0; i < 7; i++) ids.push(await freshId())
		const csv = [HEADER, ...ids.map((id, i) => `${id},老人${i},${place.township.code},${place.community.code},,,,,`)].join('\n')
		const importId = await dryRun(as, 'big.csv', csv, { chunkLines: 3 })
		expect(await head(importId)).toMatchObject({ chunkCount: 3, newCount: 7 })
		const res = await callAction(importPage, `/registry/import/${importId}`, { formId: 'apply' }, { as, params: { importId } })
		expect(res.status).toBe(200)
		// The worker applied chunk 1 and died (kill -9) before chunk 2.
		expect(await applyChunk(importId, 1)).toBe(true)
		expect(await head(importId)).toMatchObject({ status: 'applying', chunksDone: 1 })
		const page = await callLoader<{ imp: { chunksDone: number; chunkCount: number; status: string } }>(importPage, `/registry/import/${importId}`, { as, params: { importId } })
		expect(page.data.imp).toMatchObject({ status: 'applying', chunksDone: 1, chunkCount: 3 })
		// BullMQ gives the stalled job to another worker: it finishes the rest.
		await registryImportWorker.process(fakeJob('apply', importId))
		expect(await head(importId)).toMatchObject({ status: 'applied', chunksDone: 3 })
		expect(await applyChunk(importId, 1)).toBe(false)
		expect(await prisma.elder.count({ where: { idNumberHash: { in: ids.map(hashIdNumber) } } })).toBe(7)
		expect(await prisma.auditLog.count({ where: { entityId: importId, action: 'registry_import.apply_chunk' } })).toBe(3)
	})
})

describe('registry import: files refused whole', () => {
	it('refuses a file that is not CSV/XLSX, one missing columns, one too large, a forged upload and an empty one, writing nothing', async () => {
		const { as } = await setting()
		const count = () => prisma.registryImport.count()
		const before = await count()
		const png = await upload(as, 'photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]))
		expect(png.status).toBe(415)
		expect(text(png.data)).toContain('registryImport.errors.notCsvOrXlsx')
		const missing = await upload(as, 'x.csv', '身份证号,姓名\n1,2\n')
		expect(missing.status).toBe(400)
		expect(text(missing.data)).toContain('registryImport.errors.missingColumns')
		expect(text(missing.data)).toContain('乡镇代码、社区代码')
		const large = await upload(as, 'x.csv', `${HEADER}\n`, { headers: { 'content-length': String(200 * 1024 * 1024) } })
		expect(large.status).toBe(413)
		const forged = await upload(as, 'x.csv', `${HEADER}\n`, { csrf: false })
		expect(forged.status).toBe(403)
		const empty = await upload(as, 'x.csv', '')
		expect(empty.status).toBe(400)
		expect(await count()).toBe(before)
		expect(await prisma.registryImportLine.count({ where: { import: { status: 'uploading' } } })).toBe(0)
	})

	it('offers the template and the page to officers only', async () => {
		const { as } = await setting()
		const template = await callLoader<string>(templateRoute, '/registry/import/template.csv', { as })
		expect(template.status).toBe(200)
		expect(template.data).toContain('身份证号,姓名,乡镇代码,社区代码')
		const family = await signIn('13800000001')
		expect((await callLoader(importIndex, '/registry/import', { as: family })).status).toBe(403)
	})
})
