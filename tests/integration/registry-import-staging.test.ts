// What the registry import keeps, and writes, per line (issue 10, speed): the upload stages each line
// once and seals (encrypts) only numbers the registry does not have yet; the dry run writes a narrow
// verdict for each new, changed or rejected line and nothing for an unchanged one, so the same file
// again writes no verdict at all, while the report, the page's counts and the line view still say
// "unchanged" for every such line. Real upload action, real database, real queue job processor.
import type { Job } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { CSRF_FIELD } from '~/modules/auth/csrf.server.ts'
import { decryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import * as importPage from '~/routes/registry.import.$importId.tsx'
import * as reportRoute from '~/routes/registry.import.$importId_.report[.]csv.ts'
import * as importIndex from '~/routes/registry.import._index.tsx'
import { sql } from '~/lib/sql.server.ts'
import { UNCONFIRMED_DRY_RUN_DAYS } from '~/modules/registry-import/read.server.ts'
import { registryImportWorker } from '../../workers/processors/registry-import.ts'
import { makeOfficer, makePlace } from '../factories/registry.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const HEADER = '身份证号,姓名,乡镇代码,社区代码,联系电话,紧急联系人,紧急联系人电话,变动类型,变动日期'

let seq = 0
async function freshId(birthDate = '1943-04-21') {
	for (;;) {
		const id = makeIdNumber('420803', birthDate, 100 + ((process.pid * 17 + seq++ * 11) % 800))
		if (!(await prisma.elder.findUnique({ where: { idNumberHash: hashIdNumber(id) }, select: { id: true } }))) return id
	}
}

async function upload(as: Visitor, csv: string) {
	const form = new FormData()
	form.append(CSRF_FIELD, as.csrfToken)
	form.append('formId', 'registry-import')
	form.append('file', new Blob([new TextEncoder().encode(csv)]), 'elders.csv')
	const request = new Request('http://127.0.0.1/registry/import', { method: 'POST', body: form, headers: { cookie: as.cookie } })
	const res = (await importIndex.action({ request, params: {}, context: {} })) as Response
	expect(res.status).toBe(302)
	return res.headers.get('location')!.split('/').at(-1)!
}

const job = (name: string, importId: string) => ({ name, data: { importId }, queueName: 'registry-import', updateProgress: async () => {} }) as unknown as Job

async function dryRun(as: Visitor, csv: string) {
	const importId = await upload(as, csv)
	await registryImportWorker.process(job('classify', importId))
	return importId
}

async function apply(as: Visitor, importId: string) {
	expect((await callAction(importPage, `/registry/import/${importId}`, { formId: 'apply' }, { as, params: { importId } })).status).toBe(200)
	await registryImportWorker.process(job('apply', importId))
}

const staged = (importId: string) =>
	prisma.registryImportStagedLine.findMany({ where: { importId }, orderBy: { line: 'asc' }, select: { line: true, idHash: true, idCipher: true, idMasked: true, outcome: true, reason: true } })
const verdicts = (importId: string) => prisma.registryImportVerdict.findMany({ where: { importId }, orderBy: { line: 'asc' }, select: { line: true, outcome: true, reason: true, changedFields: true } })

describe('registry import: staged lines and verdicts', () => {
	it('seals only numbers not registered yet, writes verdicts only for new, changed and rejected lines, and reports the rest unchanged', async () => {
		const place = await makePlace('dongbao')
		const as = await signIn(await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: place.township.id }))
		const [t, c] = [place.township.code, place.community.code]
		const [a, b] = [await freshId(), await freshId('1939-12-02')]
		const first = [HEADER, `${a},周桂芳,${t},${c},13912340001,,,,`, `${b},吴德胜,${t},${c},,,,,`, `${await freshId('1999-01-01')},少年,${t},${c},,,,,`].join('\n')
		const one = await dryRun(as, first)
		// Both valid numbers are new: sealed, and the ciphertext opens to the number; the young one is
		// rejected by its own checks at upload (no ciphertext, the outcome on the staged line).
		const lines1 = await staged(one)
		expect(lines1.map((l) => [l.line, l.idCipher === null, l.outcome, l.reason])).toEqual([
			[2, false, null, null],
			[3, false, null, null],
			[4, true, 'rejected', 'tooYoung'],
		])
		expect(decryptIdNumber(lines1[0]!.idCipher!)).toBe(a)
		expect(await verdicts(one)).toMatchObject([
			{ line: 2, outcome: 'new' },
			{ line: 3, outcome: 'new' },
		])
		// The page lists rejected lines first (here one rejected at upload), then the new ones.
		const page = await callLoader<{ lines: { line: number; outcome: string; reason: string | null }[] }>(importPage, `/registry/import/${one}`, { as, params: { importId: one } })
		expect(page.data.lines.map((l) => [l.line, l.outcome, l.reason])).toEqual([
			[4, 'rejected', 'tooYoung'],
			[2, 'new', null],
			[3, 'new', null],
		])
		await apply(as, one)

		// The same numbers again, one with a new phone: nothing is sealed again (the registry has both),
		// the changed line gets a verdict, the unchanged one none.
		const again = [HEADER, `${a},周桂芳,${t},${c},13912340002,,,,`, `${b},吴德胜,${t},${c},,,,,`].join('\n')
		const two = await dryRun(as, again)
		const lines2 = await staged(two)
		expect(lines2.map((l) => [l.line, l.idCipher, l.idMasked?.length])).toEqual([
			[2, null, 18],
			[3, null, 18],
		])
		expect(Buffer.from(lines2[0]!.idHash!)).toEqual(Buffer.from(hashIdNumber(a)))
		expect(await verdicts(two)).toMatchObject([{ line: 2, outcome: 'changed', changedFields: ['phone'] }])
		expect(await prisma.registryImport.findUniqueOrThrow({ where: { id: two } })).toMatchObject({ newCount: 0, changedCount: 1, unchangedCount: 1, rejectedCount: 0 })
		// The line view, the page and the report still give every line its outcome.
		expect(await prisma.registryImportLine.findMany({ where: { importId: two }, orderBy: { line: 'asc' }, select: { line: true, outcome: true, changedFields: true } })).toEqual([
			{ line: 2, outcome: 'changed', changedFields: ['phone'] },
			{ line: 3, outcome: 'unchanged', changedFields: [] },
		])
		const report = await callLoader<string>(reportRoute, `/registry/import/${two}/report.csv`, { as, params: { importId: two } })
		const rows = report.data.split('\n').filter(Boolean)
		expect(rows).toHaveLength(3)
		expect(rows[2]).toMatch(/^3,未变,/)
		await apply(as, two)
		expect(await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(a) }, select: { phone: true } })).toEqual({ phone: '13912340002' })

		// The same file a third time: everything unchanged, and the dry run writes no verdict at all.
		const three = await dryRun(as, again)
		expect(await verdicts(three)).toEqual([])
		expect(await prisma.registryImport.findUniqueOrThrow({ where: { id: three } })).toMatchObject({ status: 'classified', newCount: 0, changedCount: 0, unchangedCount: 2, rejectedCount: 0, chunksDone: 1, chunkCount: 1 })
		// While an import is still classifying its lines have no outcome yet (not "unchanged").
		const four = await upload(as, again)
		expect((await prisma.registryImportLine.findMany({ where: { importId: four }, select: { outcome: true } })).map((l) => l.outcome)).toEqual([null, null])
	})

	it('a number already registered is staged without its ciphertext and the line matches the elder, never creating a second one', async () => {
		const place = await makePlace('dongbao')
		const as = await signIn(await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: place.township.id }))
		const id = await freshId('1940-02-02')
		const csv = [HEADER, `${id},郑秀兰,${place.township.code},${place.community.code},,,,,`].join('\n')
		const first = await dryRun(as, csv)
		await apply(as, first)
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(id) }, select: { id: true, version: true } })
		const second = await dryRun(as, csv)
		expect((await staged(second))[0]!.idCipher).toBeNull()
		await apply(as, second)
		expect(await prisma.elder.count({ where: { idNumberHash: hashIdNumber(id) } })).toBe(1)
		expect(await prisma.elder.findUniqueOrThrow({ where: { id: elder.id }, select: { version: true } })).toEqual({ version: elder.version })
	})

	it('the nightly sweep deletes a dry run never confirmed after the set days, with its staged lines and verdicts, and keeps applied imports and recent dry runs', async () => {
		const place = await makePlace('dongbao')
		const as = await signIn(await makeOfficer({ role: 'township_officer', districtId: 'dongbao', townshipId: place.township.id }))
		const csv = () => Promise.all([freshId('1944-03-03'), freshId('1945-04-04')]).then((ids) => [HEADER, ...ids.map((id, i) => `${id},冯老${i},${place.township.code},${place.community.code},,,,,`)].join('\n'))
		const [stale, recent, applied] = [await dryRun(as, await csv()), await dryRun(as, await csv()), await dryRun(as, await csv())]
		await apply(as, applied)
		// The stale dry run and the applied import were made long ago (the clock is the database's).
		await sql`UPDATE registry_import SET "classifiedAt" = now() - make_interval(days => ${UNCONFIRMED_DRY_RUN_DAYS + 1}::int), "createdAt" = now() - make_interval(days => ${UNCONFIRMED_DRY_RUN_DAYS + 1}::int) WHERE id IN (${stale}::uuid, ${applied}::uuid)`.run()
		const result = (await registryImportWorker.process(job('sweep', '00000000-0000-0000-0000-000000000000'))) as { dryRuns: number }
		expect(result.dryRuns).toBeGreaterThanOrEqual(1)
		expect(await prisma.registryImport.findUnique({ where: { id: stale } })).toBeNull()
		expect(await prisma.registryImportStagedLine.count({ where: { importId: stale } })).toBe(0)
		expect(await prisma.registryImportVerdict.count({ where: { importId: stale } })).toBe(0)
		expect(await prisma.auditLog.count({ where: { entityId: stale, action: 'registry_import.upload' } })).toBe(1)
		for (const kept of [recent, applied]) expect(await prisma.registryImportStagedLine.count({ where: { importId: kept } })).toBe(2)
		expect(await prisma.registryImportVerdict.count({ where: { importId: applied } })).toBe(2)
	})
})
