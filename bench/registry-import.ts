// `npm run bench -- registry-import`: the city-scale registry (515,700 elders) imported as one CSV file
// through the real upload path and queue: an HTTP multipart POST to the production server's
// /registry/import as a signed-in city officer (the file streamed from disk, never held whole), the
// real worker process (build/node/worker.js) doing the dry run, the officer's 确认导入 POST, and the
// worker applying it. Then the same file again (a re-import: must change nothing).
//
// Floor, measured in the same run on its own copy of the same database: PostgreSQL `COPY` of the same
// rows (already hashed, encrypted and masked, as staged lines are) into a staging table plus one
// set-based upsert into `elder` (insert new, update what differs), one transaction. Its re-run on the
// same rows (which changes nothing) is reported beside it.
//
// Data: <BENCH_DB_PREFIX>_demo (the demo seed: every township and community of the seed geography,
// 400 elders) copied to <BENCH_DB_PREFIX>_registry_import and _registry_import_floor on every run.
// The file: BENCH_REGISTRY_LINES lines (default 515,700), generated deterministically: valid identity
// numbers with check digits (region codes outside Hubei, so no seeded elder shares one), ages 60–100,
// names, phones, half with an emergency contact, spread over the seed's communities in service.
import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream, mkdirSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { databaseUrlWithName } from '../scripts/lib/database.ts'
import { peakRssKb, spawnGroup, type Child } from '../tests/setup/processes.ts'
import { BASE_DATABASE_URL, BENCH_DB_PREFIX, benchDatabase, benchDbName, copyOfTemplate, loadAverage, prepare, ratio, report, startServer, useAppEnvironment } from './lib.ts'

const LINES = Number(process.env.BENCH_REGISTRY_LINES ?? 515_700)
const IMPORT_DB = benchDbName('registry_import')
const FLOOR_DB = benchDbName('registry_import_floor')
const OFFICER = '13800000041' // 孙丽, city officer: the whole city is in scope
const PASSWORD = 'Yiyang2026!'
const DIR = path.join(os.tmpdir(), `${BENCH_DB_PREFIX}_registry_import`)
const REGIONS = ['110101', '310104', '440106', '510107', '330106', '320102', '370102', '410105']
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
const GIVEN = '桂兰秀英德明建国淑珍玉梅志强春华凤英永福金花国华文秀丽华海燕红梅志刚德胜建华俊秀兰芳宝山正明惠珍月娥长青'

async function admin<T>(fn: (c: pg.Client) => Promise<T>) {
	const c = new pg.Client({ connectionString: databaseUrlWithName(BASE_DATABASE_URL, 'postgres') })
	await c.connect()
	try {
		return await fn(c)
	} finally {
		await c.end()
	}
}

/** A fresh copy of the demo seed (dropped first: each run starts from the same state). */
async function freshCopy(name: string) {
	await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
	return copyOfTemplate(benchDbName('demo'), name)
}

type Place = { townshipCode: string; communityCode: string }

function addDays(day: string, n: number) {
	return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** Line i of the file (0-based), the same on every run. */
function lineOf(i: number, places: Place[], makeIdNumber: (r: string, b: string, s: number) => string) {
	// 14,600 birth days (1926-01-01 .. 1965-12-22) × 8 regions × 1,000 sequence numbers: no repeats.
	const birth = addDays('1926-01-01', i % 14_600)
	const rest = Math.floor(i / 14_600)
	const id = makeIdNumber(REGIONS[rest % REGIONS.length]!, birth, Math.floor(rest / REGIONS.length) * 7 + 1)
	const name = SURNAMES[(i * 7) % SURNAMES.length]! + GIVEN[(i * 13) % GIVEN.length]! + (i % 3 ? GIVEN[(i * 17 + 5) % GIVEN.length]! : '')
	const place = places[i % places.length]!
	const phone = `139${String((i * 7919) % 100_000_000).padStart(8, '0')}`
	const contact = i % 2 ? [SURNAMES[(i * 11) % SURNAMES.length]! + GIVEN[(i * 3) % GIVEN.length]!, `138${String((i * 104_729) % 100_000_000).padStart(8, '0')}`] : ['', '']
	return { id, birth, name, place, phone, contact }
}

/** Writes the CSV (UTF-8) and, for the floor, the same rows staged (hash, ciphertext, mask) as COPY text. */
async function writeFiles(places: Place[]) {
	mkdirSync(DIR, { recursive: true })
	const { makeIdNumber, maskIdNumber, parseIdNumber } = await import('~/modules/identity/id-number.ts')
	const { encryptIdNumber, hashIdNumber } = await import('~/modules/identity/id-crypto.server.ts')
	const csvPath = path.join(DIR, `registry-${LINES}.csv`)
	const copyPath = path.join(DIR, `registry-${LINES}.copy`)
	const csv = createWriteStream(csvPath)
	const copy = createWriteStream(copyPath)
	const write = async (s: ReturnType<typeof createWriteStream>, text: string) => {
		if (!s.write(text)) await once(s, 'drain')
	}
	await write(csv, '身份证号,姓名,乡镇代码,社区代码,联系电话,紧急联系人,紧急联系人电话,变动类型,变动日期\n')
	let csvPart = ''
	let copyPart = ''
	for (let i = 0; i < LINES; i++) {
		const l = lineOf(i, places, makeIdNumber)
		csvPart += `${l.id},${l.name},${l.place.townshipCode},${l.place.communityCode},${l.phone},${l.contact[0]},${l.contact[1]},,\n`
		const parsed = parseIdNumber(l.id, { today: '2026-11-30' })
		if (!parsed.ok) throw new Error(`generated an invalid identity number ${l.id}: ${parsed.problem}`)
		const hex = (b: Uint8Array) => `\\\\x${Buffer.from(b).toString('hex')}`
		copyPart += [hex(hashIdNumber(l.id)), hex(encryptIdNumber(l.id)), maskIdNumber(l.id), l.name, parsed.gender, l.birth, l.place.townshipCode, l.place.communityCode, l.phone, l.contact[0] || '\\N', l.contact[1] || '\\N'].join('\t') + '\n'
		if (csvPart.length > 1 << 16) {
			await write(csv, csvPart)
			await write(copy, copyPart)
			csvPart = copyPart = ''
		}
	}
	await write(csv, csvPart)
	await write(copy, copyPart)
	csv.end()
	copy.end()
	await Promise.all([once(csv, 'finish'), once(copy, 'finish')])
	return { csvPath, copyPath, bytes: statSync(csvPath).size }
}

/** The floor: COPY the staged rows into a staging table, then one upsert into elder. One transaction. */
async function floorRun(url: string, copyPath: string, officerId: string) {
	const t0 = performance.now()
	const copy = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-f', '-'], { stdio: ['pipe', 'pipe', 'inherit'] })
	const script = `BEGIN;
CREATE TEMP TABLE staging ("idHash" bytea, "idCipher" bytea, "idMasked" text, name text, gender "Gender", "birthDate" date, "townshipCode" text, "communityCode" text, phone text, "emergencyContactName" text, "emergencyContactPhone" text) ON COMMIT DROP;
\\copy staging FROM '${copyPath}'
INSERT INTO elder (id, "idNumberCipher", "idNumberHash", "idNumberMasked", name, gender, "birthDate", "districtId", "communityId", settlement, phone, "emergencyContactName", "emergencyContactPhone", "residenceStatus", "residenceVerifiedAt", "residenceVerifiedById", "registeredById", "updatedAt")
SELECT gen_random_uuid(), s."idCipher", s."idHash", s."idMasked", s.name, s.gender, s."birthDate", c."districtId", c.id, c.kind, s.phone, s."emergencyContactName", s."emergencyContactPhone", 'verified', now(), '${officerId}', '${officerId}', now()
FROM staging s JOIN community c ON c.code = s."communityCode" AND c."retiredAt" IS NULL JOIN township t ON t.id = c."townshipId" AND t.code = s."townshipCode"
ON CONFLICT ("idNumberHash") DO UPDATE SET name = EXCLUDED.name, "districtId" = EXCLUDED."districtId", "communityId" = EXCLUDED."communityId", settlement = EXCLUDED.settlement,
  phone = COALESCE(EXCLUDED.phone, elder.phone), "emergencyContactName" = COALESCE(EXCLUDED."emergencyContactName", elder."emergencyContactName"), "emergencyContactPhone" = COALESCE(EXCLUDED."emergencyContactPhone", elder."emergencyContactPhone"),
  version = elder.version + 1, "updatedAt" = now()
WHERE (elder.name, elder."communityId", elder.phone, elder."emergencyContactName", elder."emergencyContactPhone") IS DISTINCT FROM (EXCLUDED.name, EXCLUDED."communityId", COALESCE(EXCLUDED.phone, elder.phone), COALESCE(EXCLUDED."emergencyContactName", elder."emergencyContactName"), COALESCE(EXCLUDED."emergencyContactPhone", elder."emergencyContactPhone"));
COMMIT;
`
	copy.stdin!.end(script)
	let out = ''
	copy.stdout!.on('data', (d: Buffer) => (out += d))
	const [code] = (await once(copy, 'exit')) as [number]
	if (code !== 0) throw new Error(`floor psql failed (${code}): ${out}`)
	const ms = performance.now() - t0
	const n = /INSERT 0 (\d+)/.exec(out)?.[1]
	return { ms: Math.round(ms), upserted: Number(n ?? -1) }
}

/** Streams a multipart body (csrf and formId fields first, then the file) to the server, as a browser posts the form. */
async function postFile(baseUrl: string, cookie: string, csrf: string, filePath: string): Promise<{ status: number; location: string | null; body: string }> {
	const boundary = `----yiyangbench${Date.now()}`
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="formId"\r\n\r\nregistry-import\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(filePath)}"\r\nContent-Type: text/csv\r\n\r\n`,
	)
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
	const length = head.byteLength + statSync(filePath).size + tail.byteLength
	const url = new URL('/registry/import', baseUrl)
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method: 'POST', headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) } }, (res) => {
			let body = ''
			res.on('data', (d: Buffer) => (body += d))
			res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, body: body.slice(0, 2000) }))
		})
		req.on('error', reject)
		req.write(head)
		const file = createReadStream(filePath)
		file.on('error', reject)
		file.pipe(req, { end: false })
		file.on('end', () => req.end(tail))
	})
}

/** Peak resident memory (VmHWM, MB) of one process. */
function peakRssMbOf(pid: number) {
	const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
	return m ? Math.round(Number(m[1]) / 1024) : 0
}

type Counts = { new: number; changed: number; unchanged: number; rejected: number }

async function waitStatus(db: pg.Client, importId: string, status: string) {
	for (;;) {
		const r = (await db.query<{ status: string }>('SELECT status FROM registry_import WHERE id = $1', [importId])).rows[0]
		if (r?.status === status) return
		if (r && ['failed'].includes(r.status)) throw new Error(`import ${importId} ${r.status}`)
		await sleep(20)
	}
}

async function elderState(db: pg.Client) {
	const r = (await db.query<{ n: number; versions: number; updated: Date }>('SELECT count(*)::int AS n, sum(version)::int AS versions, max("updatedAt") AS updated FROM elder')).rows[0]!
	return { elders: r.n, versionSum: r.versions, lastUpdated: r.updated.toISOString() }
}

/** One import through the real path: upload (HTTP), dry run (worker), 确认导入 (HTTP), apply (worker). */
async function importOnce(baseUrl: string, officer: import('../tests/setup/http.ts').HttpClient, db: pg.Client, csvPath: string) {
	const cookie = officer.cookieHeader()
	await officer.page('/registry/import')
	const t0 = performance.now()
	const up = await postFile(baseUrl, cookie, officer.csrfToken!, csvPath)
	if (up.status !== 302 || !up.location) throw new Error(`upload answered ${up.status}: ${up.body}`)
	const tUploaded = performance.now()
	const importId = up.location.split('/').at(-1)!
	await waitStatus(db, importId, 'classified')
	const tClassified = performance.now()
	const counts = (await db.query<Counts>(`SELECT "newCount" AS new, "changedCount" AS changed, "unchangedCount" AS unchanged, "rejectedCount" AS rejected FROM registry_import WHERE id = $1`, [importId])).rows[0]!
	await officer.page(`/registry/import/${importId}`)
	const applied = await officer.post(`/registry/import/${importId}`, { formId: 'apply' })
	if (applied.status !== 200) throw new Error(`apply answered ${applied.status}: ${(await applied.text()).slice(0, 500)}`)
	await waitStatus(db, importId, 'applied')
	const tApplied = performance.now()
	return { importId, counts, uploadMs: Math.round(tUploaded - t0), dryRunMs: Math.round(tClassified - tUploaded), applyMs: Math.round(tApplied - tClassified), totalMs: Math.round(tApplied - t0) }
}

export default async function registryImportBench() {
	const load0 = loadAverage()
	await prepare()
	await benchDatabase('demo')
	const [url, floorUrl] = [await freshCopy(IMPORT_DB), await freshCopy(FLOOR_DB)]
	await useAppEnvironment({ DATABASE_URL: url })
	const prefix = `${BENCH_DB_PREFIX}_regimport_${Date.now()}`
	const db = new pg.Client({ connectionString: url })
	await db.connect()
	const places = (
		await db.query<Place>(`SELECT t.code AS "townshipCode", c.code AS "communityCode" FROM community c JOIN township t ON t.id = c."townshipId" WHERE c."retiredAt" IS NULL AND t."retiredAt" IS NULL ORDER BY c.code`)
	).rows
	const officerId = (await db.query<{ id: string }>('SELECT id FROM app_user WHERE phone = $1', [OFFICER])).rows[0]!.id
	const tg = performance.now()
	const files = await writeFiles(places)
	console.log(`generated ${LINES.toLocaleString('en')} lines (${(files.bytes / 2 ** 20).toFixed(1)} MB) over ${places.length} communities in ${((performance.now() - tg) / 1000).toFixed(1)} s`)

	// The floor first, on its own copy: first import, then the same rows again (changes nothing).
	const floor = await floorRun(floorUrl, files.copyPath, officerId)
	const floorAgain = await floorRun(floorUrl, files.copyPath, officerId)
	console.log(`floor: ${floor.ms} ms (${floor.upserted} rows), again ${floorAgain.ms} ms (${floorAgain.upserted} rows); load ${loadAverage()[0]}`)

	const env = { NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true', DATABASE_URL: url, QUEUE_PREFIX: prefix }
	const server = await startServer(url, Number(process.env.BENCH_PORT ?? 3241), { QUEUE_PREFIX: prefix })
	let worker: Child | null = null
	try {
		worker = spawnGroup(process.execPath, ['build/node/worker.js'], env)
		for (let i = 0; ; i++) {
			if (/Yiyang worker \d+ running/.test(worker.output())) break
			if (worker.child.exitCode !== null || i > 2400) throw new Error(`worker did not start:\n${worker.output()}`)
			await sleep(50)
		}
		const { HttpClient } = await import('../tests/setup/http.ts')
		const officer = new HttpClient(server.url, url)
		await officer.login(OFFICER, PASSWORD)
		const before = await elderState(db)
		const first = await importOnce(server.url, officer, db, files.csvPath)
		const afterFirst = await elderState(db)
		console.log(`import: upload ${first.uploadMs} ms, dry run ${first.dryRunMs} ms, apply ${first.applyMs} ms, total ${first.totalMs} ms; ${JSON.stringify(first.counts)}; load ${loadAverage()[0]}`)
		const second = await importOnce(server.url, officer, db, files.csvPath)
		const afterSecond = await elderState(db)
		console.log(`re-import: upload ${second.uploadMs} ms, dry run ${second.dryRunMs} ms, apply ${second.applyMs} ms, total ${second.totalMs} ms; ${JSON.stringify(second.counts)}`)
		// The floor once more after the queued runs, on a fresh copy: the faster of the two counts.
		const floorUrl2 = await freshCopy(FLOOR_DB)
		const floor2 = await floorRun(floorUrl2, files.copyPath, officerId)
		const floorMs = Math.min(floor.ms, floor2.ms)
		const workerRssMb = Math.round(peakRssKb(worker) / 1024)
		const webRssMb = peakRssMbOf(server.child.pid!)
		const unchanged = afterSecond.elders === afterFirst.elders && afterSecond.versionSum === afterFirst.versionSum && afterSecond.lastUpdated === afterFirst.lastUpdated
		report('registry-import', {
			parameters: {
				lines: LINES,
				fileMb: Math.round((files.bytes / 2 ** 20) * 10) / 10,
				communities: places.length,
				database: `${IMPORT_DB} (copy of ${benchDbName('demo')}: the demo seed's geography and ${before.elders} elders)`,
				path: 'HTTP multipart POST to the production server (build/node/server.js) as the city officer, streamed from disk; dry run and apply by one worker process (build/node/worker.js, concurrency 1); 确认导入 as an HTTP POST',
				loadAverageBefore: load0,
				loadAverageAtEnd: loadAverage(),
			},
			floor: {
				what: 'psql: BEGIN; COPY of the same rows already hashed/encrypted/masked into a temp staging table; one INSERT … SELECT … JOIN community/township … ON CONFLICT (idNumberHash) DO UPDATE … WHERE distinct; COMMIT (its own fresh copy of the database)',
				ms: floorMs,
				runsMs: `${floor.ms} / ${floor2.ms}`,
				upserted: floor.upserted,
				reRunMs: floorAgain.ms,
				reRunUpserted: floorAgain.upserted,
			},
			result: {
				first: { ...first.counts, uploadMs: first.uploadMs, dryRunMs: first.dryRunMs, applyMs: first.applyMs, totalMs: first.totalMs, eldersAfter: afterFirst.elders },
				reImport: { ...second.counts, uploadMs: second.uploadMs, dryRunMs: second.dryRunMs, applyMs: second.applyMs, totalMs: second.totalMs, changedNothing: unchanged },
				peakRssMb: { worker: workerRssMb, web: webRssMb },
			},
			ratios: {
				'first import / floor (time)': ratio(first.totalMs, floorMs),
				're-import / floor (time)': ratio(second.totalMs, floorMs),
			},
			notes: [
				'aim: first import ≤ 3× the floor, re-import ≤ 1× the floor and changing nothing, worker peak RSS < 300 MB',
				`elders before ${before.elders}, after the import ${afterFirst.elders}, after the re-import ${afterSecond.elders}; sum of versions ${afterFirst.versionSum} → ${afterSecond.versionSum}`,
			],
		})
		if (first.counts.new !== LINES || first.counts.rejected || second.counts.unchanged !== LINES || !unchanged || floor.upserted !== LINES || floorAgain.upserted !== 0) throw new Error('registry-import: wrong counts, see the table above')
	} finally {
		if (worker) await worker.stop()
		await server.stop()
		await db.end()
	}
}
