// `npm run bench -- disbursement`: the bank file of a 1,000,000-elder registry's month (about
// 110,000 payments) and a 5,000-line returns file, each against a floor measured in the same run:
// `COPY (SELECT …) TO STDOUT` of the same columns (through psql, ciphertexts left sealed) for the
// file, and one set-based UPDATE (rolled back) for the returns. The file is made and streamed by
// the app's own code (exportBankFile + bankFileCsv: one INSERT … SELECT of the attempts while a
// second connection reads the scope's sealed numbers and opens them, then keyset pages, each value
// looked up by its sealed bytes or opened; all of it timed); the returns by importBankResults. Measured in a child process,
// whose peak RSS (VmHWM) is reported: the aim is under 300 MB (the file is streamed, never held).
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { databaseUrlWithName, migrate } from '../scripts/lib/database.ts'
import { ensureServices } from '../scripts/services.ts'
import { floorInsert, insertDistricts, insertSyntheticElders } from '../tests/setup/allowance-registry.ts'
import type { SessionUser } from '../app/modules/auth/session.server.ts'
import { BASE_DATABASE_URL, benchDbName, ratio, report } from './lib.ts'

const DB = benchDbName('disbursement_1m')
const RUN_ID = '00000000-0000-0000-0000-000000000000'
const RETURNS = 5000

async function admin<T>(fn: (c: pg.Client) => Promise<T>) {
	const c = new pg.Client({ connectionString: databaseUrlWithName(BASE_DATABASE_URL, 'postgres') })
	await c.connect()
	try {
		return await fn(c)
	} finally {
		await c.end()
	}
}

/** Seals an identity number and a card for every elder old enough to be paid (about 120,000), in batches. */
async function sealCards(db: pg.Client) {
	const { encryptIdNumber, hashIdNumber } = await import('~/modules/identity/id-crypto.server.ts')
	const { makeIdNumber, maskIdNumber } = await import('~/modules/identity/id-number.ts')
	const { encryptCardNumber } = await import('~/modules/allowance/card-crypto.server.ts')
	const { makeCardNumber, maskCard } = await import('~/modules/allowance/card.ts')
	let after = '00000000-0000-0000-0000-000000000000'
	let n = 0
	for (;;) {
		const { rows } = await db.query<{ id: string; birth: string; name: string }>(
			`SELECT id, to_char("birthDate", 'YYYY-MM-DD') AS birth, name FROM elder WHERE "birthDate" < '1947-01-01' AND id > $1 ORDER BY id LIMIT 5000`,
			[after],
		)
		if (rows.length === 0) break
		after = rows.at(-1)!.id
		const cols: unknown[][] = [[], [], [], [], [], []]
		for (const r of rows) {
			n++
			const idNumber = makeIdNumber('420802', r.birth, n)
			// Unique per elder (the hash is a unique key): the sequence digits plus the running number in the name's stead.
			const card = makeCardNumber('621799', 19, (k) => String(n).padStart(k, '0').slice(-k))
			cols[0]!.push(r.id)
			cols[1]!.push(encryptIdNumber(idNumber))
			cols[2]!.push(Buffer.concat([Buffer.from(hashIdNumber(idNumber)), Buffer.from(r.id)]))
			cols[3]!.push(maskIdNumber(idNumber))
			cols[4]!.push(encryptCardNumber(card))
			cols[5]!.push(maskCard(card))
		}
		await db.query(
			`UPDATE elder e SET "idNumberCipher" = t.c, "idNumberHash" = t.h, "idNumberMasked" = t.m, "bankCardCipher" = t.card, "bankCardRef" = t.mask,
			        "bankName" = '中国邮政储蓄银行', "bankAccountHolder" = e.name, "bankCardRecordedAt" = now()
			 FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::text[], $5::bytea[], $6::text[]) AS t(id, c, h, m, card, mask) WHERE e.id = t.id`,
			cols,
		)
	}
	return n
}

/** 1,000,000 elders (the allowance benchmark's SQL registry), the 80+ with sealed numbers and cards, and the month's approved run. */
async function database(month: string): Promise<string> {
	const url = databaseUrlWithName(BASE_DATABASE_URL, DB)
	const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount)
	if (exists) {
		migrate(url)
		const db = new pg.Client({ connectionString: url })
		await db.connect()
		const ready = await db
			.query<{ n: number }>(`SELECT count(*)::int AS n FROM allowance_run WHERE id = $1 AND month = $2`, [RUN_ID, month])
			.then((r) => r.rows[0]!.n)
			.finally(() => db.end())
		if (ready === 1) return url
	}
	const t0 = performance.now()
	await admin(async (c) => {
		await c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)
		await c.query(`CREATE DATABASE "${DB}"`)
	})
	migrate(url)
	const db = new pg.Client({ connectionString: url })
	await db.connect()
	try {
		await insertDistricts(db)
		await insertSyntheticElders(db, { n: 880_000, salt: 'm', bornFrom: '1946-12-01', bornTo: '1966-11-30' })
		await insertSyntheticElders(db, { n: 120_000, salt: 'm', bornFrom: '1920-01-01', bornTo: '1946-11-30', from: 880_001 })
		const sealed = await sealCards(db)
		await db.query(`INSERT INTO app_user (id, phone, name, "passwordHash", role, "updatedAt") VALUES ('00000000-0000-0000-0000-0000000000c1', '19900000001', '基准测试', 'x', 'bureau_city', now()) ON CONFLICT DO NOTHING`)
		await db.query(`INSERT INTO allowance_run (id, month, status) VALUES ($1, $2, 'approved')`, [RUN_ID, month])
		await floorInsert(db, month, 'allowance_payment')
		await db.query(`UPDATE allowance_run r SET "paymentCount" = t.n, "totalFen" = t.total FROM (SELECT count(*)::int AS n, sum("amountFen")::bigint AS total FROM allowance_payment WHERE "runId" = $1) t WHERE r.id = $1`, [RUN_ID])
		await db.query('ANALYZE')
		console.log(`generated 1,000,000 elders (${sealed} sealed) and the month's payments in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
	} finally {
		await db.end()
	}
	return url
}

/**
 * Back to an approved run with no file. The database refuses to delete lines or files, as it should
 * (allowance_disbursement_outcome_once, allowance_bank_file_kept): the benchmark, and only it, empties
 * them with the triggers off for its own session (superuser's session_replication_role).
 */
async function reset(db: pg.Client) {
	await db.query("SET session_replication_role = 'replica'")
	await db.query('TRUNCATE allowance_disbursement, allowance_bank_file, allowance_bank_import')
	await db.query('RESET session_replication_role')
	await db.query(`UPDATE allowance_payment SET status = 'pending', "bankFileNo" = NULL, "paidAt" = NULL, "failedAt" = NULL, "failureReason" = NULL WHERE "runId" = $1 AND status <> 'pending'`, [RUN_ID])
	await db.query(`UPDATE allowance_run SET status = 'approved', "disbursedById" = NULL, "disbursedAt" = NULL WHERE id = $1`, [RUN_ID])
	await db.query('VACUUM ANALYZE allowance_payment')
}

function peakRssMb() {
	const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
	return m ? Math.round(Number(m[1]) / 1024) : 0
}

const FLOOR_COPY = `COPY (SELECT p.id, e."bankAccountHolder", e."idNumberCipher", e."bankCardCipher", p."amountFen", p.month
	FROM allowance_payment p JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId"
	WHERE p."runId" = '${RUN_ID}' AND p.status = 'pending' AND e."bankCardCipher" IS NOT NULL ORDER BY d."sortOrder", p.month, p.id) TO STDOUT WITH (FORMAT csv)`

/** The measurement, in its own process (the app reads DATABASE_URL once per process). */
async function measure(url: string, rounds: number) {
	const db = new pg.Client({ connectionString: url })
	await db.connect()
	const { exportBankFile, bankFileCsv } = await import('~/modules/allowance/disbursement.server.ts')
	const { importBankResults } = await import('~/modules/allowance/bank-results.server.ts')
	const { decryptCardNumbers } = await import('~/modules/allowance/card-crypto.server.ts')
	const { decryptIdNumbers } = await import('~/modules/identity/id-crypto.server.ts')
	const user = { id: '00000000-0000-0000-0000-0000000000c1', name: '基准测试', phone: '19900000001', role: 'bureau_city', districtId: null, communityId: null, providerId: null } as unknown as SessionUser
	const rssAtStart = Math.round(process.memoryUsage().rss / 2 ** 20)
	const out = { floorFileMs: [] as number[], fileMs: [] as number[], fileMakeMs: [] as number[], openingMs: [] as number[], floorReturnsMs: [] as number[], returnsMs: [] as number[], lines: 0, bytes: 0, floorBytes: 0, marked: 0 }
	try {
		for (let round = 0; round < rounds; round++) {
			await reset(db)
			let t0 = performance.now()
			// Counted by wc, not held here: the floor's bytes must not count against this process's RSS.
			const copy = spawnSync('sh', ['-c', `psql -X -q -d "$BENCH_URL" -c "$BENCH_COPY" | wc -c`], { env: { ...process.env, BENCH_URL: url, BENCH_COPY: FLOOR_COPY } })
			if (copy.status !== 0) throw new Error(`psql COPY failed: ${copy.stderr}`)
			out.floorFileMs.push(Math.round(performance.now() - t0))
			out.floorBytes = Number(copy.stdout.toString().trim())

			t0 = performance.now()
			const made = await exportBankFile(user, RUN_ID, null, null)
			if (!made.ok) throw new Error(`export refused: ${made.formError}`)
			out.fileMakeMs.push(Math.round(performance.now() - t0))
			let bytes = 0
			const reader = bankFileCsv(user, made.value, null).getReader()
			for (;;) {
				const { done, value } = await reader.read()
				if (done) break
				bytes += value.byteLength
			}
			out.fileMs.push(Math.round(performance.now() - t0))
			out.lines = made.value.lineCount
			out.bytes = bytes

			// What opening the file's sealed numbers alone costs (one OpenSSL AES-256-GCM decipher per
			// value, as the file does), which the COPY floor leaves sealed: reported, not part of a ratio.
			// Page by page, as the file reads them, so the measurement holds no more than the file does.
			let opening = 0
			for (let from = 1; from <= made.value.lineCount; from += 5000) {
				const page = await db.query<{ c: Buffer; i: Buffer }>(`SELECT "cardCipher" AS c, "idNumberCipher" AS i FROM allowance_disbursement WHERE "fileId" = $1 AND line BETWEEN $2 AND $3`, [made.value.id, from, from + 4999])
				const t = performance.now()
				decryptCardNumbers(page.rows.map((r) => r.c))
				decryptIdNumbers(page.rows.map((r) => r.i))
				opening += performance.now() - t
			}
			out.openingMs.push(Math.round(opening))

			// The bank's returns come days after the file, by when autovacuum has analysed the new lines
			// (not the payments: they were analysed when all pending, by reset(), which the statistics of
			// a year's payments can also be after a month's export). Not timed, for both sides.
			await db.query('ANALYZE allowance_disbursement')
			// 5,000 returned lines spread over the file.
			const { rows } = await db.query<{ serial: string }>(`SELECT serial::text FROM allowance_disbursement WHERE "runId" = $1 AND line % 22 = 0 ORDER BY line LIMIT ${RETURNS}`, [RUN_ID])
			const serials = rows.map((r) => r.serial)
			t0 = performance.now()
			await db.query('BEGIN')
			await db.query(
				`UPDATE allowance_disbursement a SET status = 'returned', "returnedAt" = now(), "returnReason" = r.reason
				 FROM unnest($1::bigint[], $2::text[]) AS r(serial, reason) WHERE a.serial = r.serial AND a.status = 'sent'`,
				[serials, serials.map(() => '账户已销户')],
			)
			await db.query('ROLLBACK')
			out.floorReturnsMs.push(Math.round(performance.now() - t0))

			const file = new File([['流水号,失败原因', ...serials.map((s) => `${s},账户已销户`)].join('\n')], 'returns.csv', { type: 'text/csv' })
			t0 = performance.now()
			const imported = await importBankResults(user, RUN_ID, 'returns', file, null)
			if (!imported.ok) throw new Error(`returns refused: ${imported.formError}`)
			out.returnsMs.push(Math.round(performance.now() - t0))
			out.marked = imported.value.marked
		}
	} finally {
		await db.end()
	}
	return { ...out, rssAtStartMb: rssAtStart, peakRssMb: peakRssMb() }
}

type Measured = Awaited<ReturnType<typeof measure>>

function measureInChild(url: string, rounds: number): Promise<Measured> {
	return new Promise((resolve, reject) => {
		const child = spawn('npx', ['tsx', 'bench/disbursement.ts'], {
			// The heap limit production gives its processes (server.ts: --max-old-space-size=160).
			env: { ...process.env, DATABASE_URL: url, BENCH_DISBURSEMENT_CHILD: String(rounds), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=160`.trim() },
			stdio: ['ignore', 'pipe', 'inherit'],
		})
		let text = ''
		child.stdout.on('data', (b: Buffer) => {
			text += b.toString()
			process.stdout.write(b.toString().replace(/^RESULT .*$/m, ''))
		})
		child.on('exit', (code) => {
			const line = text.split('\n').find((l) => l.startsWith('RESULT '))
			if (code !== 0 || !line) reject(new Error(`disbursement measurement failed (exit ${code})`))
			else resolve(JSON.parse(line.slice('RESULT '.length)) as Measured)
		})
	})
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export default async function disbursementBench() {
	// No build needed: the app's modules run in the measuring process itself.
	await ensureServices({ quiet: true })
	const month = process.env.BENCH_MONTH ?? new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
	const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
	const url = await database(month)
	const m = await measureInChild(url, rounds)
	const file = median(m.fileMs)
	const floorFile = median(m.floorFileMs)
	const returns = median(m.returnsMs)
	const floorReturns = median(m.floorReturnsMs)
	report('disbursement', {
		parameters: { month, elders: 1_000_000, payments: m.lines, returnsLines: RETURNS, rounds, note: 'file: exportBankFile (attempts written; the sealed numbers read and opened meanwhile on a second connection, inside makeMs) + the whole CSV streamed and decrypted; floor: psql COPY (SELECT same columns, sealed) TO STDOUT' },
		floor: { fileMs: floorFile, fileRunsMs: m.floorFileMs, fileBytes: m.floorBytes, returnsMs: floorReturns, returnsRunsMs: m.floorReturnsMs },
		result: { fileMs: file, fileRunsMs: m.fileMs, makeMs: median(m.fileMakeMs), openingSealedMs: median(m.openingMs), fileBytes: m.bytes, lines: m.lines, returnsMs: returns, returnsRunsMs: m.returnsMs, marked: m.marked, rssAtStartMb: m.rssAtStartMb, peakRssMb: m.peakRssMb },
		ratios: { 'file / floor': ratio(file, floorFile), 'returns / floor': ratio(returns, floorReturns), 'opening the sealed numbers alone / floor': ratio(median(m.openingMs), floorFile) },
		notes: [`medians of ${rounds} rounds on a 2-core machine shared with other work; peak RSS is the measuring process's VmHWM (aim: under 300 MB)`],
	})
}

if (process.env.BENCH_DISBURSEMENT_CHILD) {
	const result = await measure(process.env.DATABASE_URL!, Number(process.env.BENCH_DISBURSEMENT_CHILD))
	console.log(`RESULT ${JSON.stringify(result)}`)
	const { disconnectDb } = await import('~/lib/db.server.ts')
	await disconnectDb()
	process.exit(0)
}
