// Disbursement: bank files a bank can pay from. A file is made inside one transaction that takes
// every payable payment of its scope (the whole city, or one district's finance office) and writes
// one attempt per payment (a line: serial number, the card and identity number copied sealed, the
// amount); the payments become *sent*, not paid. The partial unique index
// allowance_disbursement_one_live keeps at most one sent-or-paid attempt per payment, whatever
// the code does. The file itself is never stored: it is streamed from those rows on each download,
// identical every time, and each download is audited with its SHA-256.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { toCsv, toXlsx, type XlsxCell } from '~/lib/export.server.ts'
import { transaction, type Tx } from '~/lib/db.server.ts'
import { pgErrorOf } from '~/lib/db-errors.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { fail, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { decryptIdNumbers } from '~/modules/identity/id-crypto.server.ts'
import { keepOpenedAhead, openAhead, openKnown, takeOpenedAhead, type OpenedAhead } from './bank-file-ahead.server.ts'
import { decryptCardNumbers } from './card-crypto.server.ts'
import { fenToYuanString } from './rules.ts'

export type BankFormat = 'csv' | 'xlsx'
export type BankFileMeta = { id: string; runId: string; fileNo: number; districtId: string | null; fileNumber: string; lineCount: number; totalFen: number; createdAt: Date; month: string }

export const CONTROL_HEADER = ['文件编号', '发放月份', '总笔数', '总金额（元）', '生成时间'] as const
export const LINE_HEADER = ['流水号', '户名', '身份证号', '一卡通账号', '金额（元）', '备注'] as const

/** Creation time as the control line prints it: Shanghai, to the second. */
function stamp(at: Date) {
	return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

function scopeOf(districtId: string | null) {
	return districtId === null ? sql.empty : sql`AND p."districtId" = ${districtId}`
}

/**
 * Inside the export transaction (the run's row already locked): puts every payable payment of the
 * scope into file `fileNo`. Payable: pending, or held / returned whose elder has a card held in full
 * recorded since. Refuses (409, rolling the transaction back) when nothing is payable and `allowEmpty` is false.
 */
export async function makeBankFile(tx: Tx, opts: { runId: string; month: string; districtId: string | null; userId: string; allowEmpty: boolean }): Promise<BankFileMeta> {
	const { runId, districtId } = opts
	const scope = scopeOf(districtId)
	// A month's file sorts and carries 110,000 wide rows (ciphertexts): with the default 4 MB the sort
	// and the attempts the statement hands on spill to disk (EXPLAIN: external merge, 25 MB).
	await sql`SET LOCAL work_mem = '64MB'`.run(tx)
	// Holds whose elder has a card by now, and returns whose elder's card was recorded after the
	// returned line was made (so it is not the card the bank refused).
	await sql`UPDATE allowance_payment p SET status = 'pending', "bankCardRef" = e."bankCardRef"
		 FROM elder e WHERE e.id = p."elderId" AND p."runId" = ${runId} ${scope} AND e."bankCardCipher" IS NOT NULL
		   AND (p.status = 'held_no_account'
		        OR (p.status = 'returned' AND e."bankCardRecordedAt" > COALESCE((SELECT max(d."sentAt") FROM allowance_disbursement d WHERE d."paymentId" = p.id AND d.status = 'returned'), '-infinity')))`.run(tx)
	const last = await sql`SELECT COALESCE(max("fileNo"), 0)::int AS n FROM allowance_bank_file WHERE "runId" = ${runId}`.first<{ n: number }>(tx)
	const fileNo = (last?.n ?? 0) + 1
	const fileNumber = `JMGL-${opts.month.replace('-', '')}-${String(fileNo).padStart(3, '0')}${districtId ? `-${districtId.toUpperCase()}` : ''}`
	const file = await sql`INSERT INTO allowance_bank_file ("runId", "fileNo", "districtId", "fileNumber", "lineCount", "totalFen", "createdById")
		 VALUES (${runId}, ${fileNo}, ${districtId}, ${fileNumber}, 0, 0, ${opts.userId}) RETURNING id, "createdAt"`.first<{ id: string; createdAt: Date }>(tx)
	// One statement: a line per payable payment (district order, then month), the payments marked
	// sent, and the file's control totals from what was written. The remark tells the elder what it is.
	const totals = await sql`WITH ins AS (
			INSERT INTO allowance_disbursement ("paymentId", "runId", "fileId", line, "districtId", "amountFen", "holderName", "bankName", "cardMasked", "cardCipher", "idNumberCipher", remark)
			SELECT p.id, p."runId", ${file!.id}, row_number() OVER (ORDER BY d."sortOrder", p.month, p.id), p."districtId", p."amountFen",
			       e."bankAccountHolder", e."bankName", e."bankCardRef", e."bankCardCipher", e."idNumberCipher",
			       p.month || ' 高龄津贴' || (CASE WHEN p.kind = 'back_pay' THEN '补发' ELSE '' END) || (CASE WHEN r."paymentId" IS NOT NULL THEN '（重发）' ELSE '' END)
			FROM allowance_payment p JOIN elder e ON e.id = p."elderId" JOIN district d ON d.id = p."districtId"
			LEFT JOIN (SELECT DISTINCT "paymentId" FROM allowance_disbursement WHERE "runId" = ${runId} AND status = 'returned') r ON r."paymentId" = p.id
			WHERE p."runId" = ${runId} ${scope} AND p.status = 'pending' AND e."bankCardCipher" IS NOT NULL
			RETURNING "paymentId", "amountFen", "cardMasked"),
		upd AS (
			UPDATE allowance_payment p SET status = 'sent', "bankFileNo" = ${fileNo}, "bankCardRef" = ins."cardMasked" FROM ins WHERE p.id = ins."paymentId" RETURNING p."amountFen")
		UPDATE allowance_bank_file f SET "lineCount" = t.n, "totalFen" = t.total
		FROM (SELECT count(*)::int AS n, COALESCE(sum("amountFen"), 0)::bigint AS total FROM upd) t
		WHERE f.id = ${file!.id} RETURNING f."lineCount", f."totalFen"`.first<{ lineCount: number; totalFen: number }>(tx)
	// Nothing payable: the file row goes with the rolled-back transaction.
	if (!totals!.lineCount && !opts.allowEmpty) refuse(null, 'allowance:errors.run.nothingToExport', 409)
	return { id: file!.id, runId, fileNo, districtId, fileNumber, lineCount: totals!.lineCount, totalFen: Number(totals!.totalFen), createdAt: file!.createdAt, month: opts.month }
}

/**
 * Export: the next bank file of an approved run (the first one disburses the run) for the whole
 * city or one district. Two exports at once: the second is refused (409) rather than queued, so
 * nobody downloads a file they did not expect.
 */
export async function exportBankFile(user: SessionUser, runId: string, districtId: string | null, ip: string | null): Promise<Outcome<BankFileMeta>> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	if (!z.uuid().safeParse(runId).success) return fail('allowance:errors.run.notFound', 404)
	let ahead: ReturnType<typeof openAhead> | undefined
	let kept = false
	try {
		const outcome = await transaction(async (tx) => {
			const run = await sql`SELECT status, month FROM allowance_run WHERE id = ${runId} FOR UPDATE NOWAIT`.first<{ status: string; month: string }>(tx)
			if (!run) return fail('allowance:errors.run.notFound', 404)
			if (run.status !== 'approved' && run.status !== 'disbursed') return fail('allowance:errors.run.exportUnapproved', 409)
			if (districtId !== null && !(await sql`SELECT 1 FROM district WHERE id = ${districtId}`.first(tx))) return fail('allowance:errors.export.district', 400)
			// The file's sealed numbers are read and opened on a second connection while this one writes
			// the lines (bank-file-ahead.server.ts); the stream that follows looks them up.
			ahead ??= openAhead(runId, districtId)
			const file = await makeBankFile(tx, { runId, month: run.month, districtId, userId: user.id, allowEmpty: run.status === 'approved' && districtId === null })
			if (run.status === 'approved') await sql`UPDATE allowance_run SET status = 'disbursed', "disbursedById" = ${user.id}, "disbursedAt" = now() WHERE id = ${runId}`.run(tx)
			await audit(
				{
					actor: user,
					action: run.status === 'approved' ? 'allowance.run_disburse' : 'allowance.bank_file_followup',
					entityType: 'allowance_run',
					entityId: runId,
					districtId,
					details: { month: run.month, fileNo: file.fileNo, fileNumber: file.fileNumber, districtId, payments: file.lineCount, totalFen: file.totalFen },
					ip,
				},
				tx,
			)
			return { ok: true as const, value: file }
		})
		if (outcome.ok && ahead) {
			keepOpenedAhead(outcome.value, ahead.opened)
			kept = true
		}
		return outcome
	} catch (error) {
		// 55P03: another export holds the run's row.
		if (pgErrorOf(error)?.code === '55P03') return fail('allowance:errors.export.busy', 409)
		return failureOf(error)
	} finally {
		// Nothing is kept for a refused export; for a made one the stream takes what is ready.
		if (ahead && !kept) ahead.opened.stopped = true
	}
}

/** A file already made, for a re-download (city level only). */
export async function findBankFile(user: SessionUser, runId: string, fileNo: number): Promise<Outcome<BankFileMeta>> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	if (!z.uuid().safeParse(runId).success) return fail('allowance:errors.run.notFound', 404)
	const f = await sql`SELECT f.id, f."runId", f."fileNo", f."districtId", f."fileNumber", f."lineCount", f."totalFen", f."createdAt", r.month
		 FROM allowance_bank_file f JOIN allowance_run r ON r.id = f."runId" WHERE f."runId" = ${runId} AND f."fileNo" = ${fileNo}`.first<BankFileMeta>()
	if (!f) return fail('allowance:errors.run.noSuchFile', 404)
	return { ok: true, value: { ...f, totalFen: Number(f.totalFen) } }
}

type Line = { serial: number; holderName: string; idNumberCipher: Uint8Array; cardCipher: Uint8Array; amountFen: number; remark: string }

function controlRow(f: BankFileMeta) {
	return [f.fileNumber, f.month, f.lineCount, fenToYuanString(f.totalFen), stamp(f.createdAt)]
}

/** A page of lines as the file prints them, each page's numbers opened in two batches (aead.server.ts: unsealMany). */
function lineRows(page: readonly Line[], ahead?: OpenedAhead): string[][] {
	const idNumbers = openKnown(page.map((l) => l.idNumberCipher), ahead?.ids, decryptIdNumbers)
	const cards = openKnown(page.map((l) => l.cardCipher), ahead?.cards, decryptCardNumbers)
	return page.map((l, i) => [String(l.serial), l.holderName, idNumbers[i]!, cards[i]!, fenToYuanString(l.amountFen), l.remark])
}

const PAGE = 5000

/**
 * Lines from..from+PAGE-1 of a file. A file's lines are numbered 1..lineCount without gaps
 * (row_number() when it is made), so a page is a range of the (fileId, line) key: each page reads
 * its own 5,000 lines whatever the planner believes. (`line > after ORDER BY line LIMIT n` read every
 * line after the page when the table's statistics were stale, as they are right after a month's
 * file is written: a bitmap scan and a top-N sort per page, the whole file's tail 22 times.)
 */
async function linePage(f: BankFileMeta, from: number) {
	const rows = await sql`SELECT line, serial, "holderName", "idNumberCipher", "cardCipher", "amountFen", remark FROM allowance_disbursement
		 WHERE "fileId" = ${f.id} AND line BETWEEN ${from} AND ${from + PAGE - 1} ORDER BY line`.rows<Line & { line: number }>()
	const expected = Math.min(PAGE, f.lineCount - from + 1)
	// A short page would be a file silently cut: refuse it rather than hand it to the bank.
	if (rows.length !== expected || rows.some((r, i) => r.line !== from + i)) throw new Error(`bank file ${f.fileNumber}: lines ${from}.. are not the file's`)
	return rows
}

async function recordDownload(user: SessionUser, f: BankFileMeta, format: BankFormat, sha256: string, ip: string | null) {
	const column = sql.raw(format === 'csv' ? '"csvSha256"' : '"xlsxSha256"')
	await transaction(async (tx) => {
		await sql`UPDATE allowance_bank_file SET ${column} = COALESCE(${column}, ${sha256}) WHERE id = ${f.id}`.run(tx)
		await audit(
			{ actor: user, action: 'allowance.bank_file_download', entityType: 'allowance_bank_file', entityId: f.id, districtId: f.districtId, details: { runId: f.runId, fileNumber: f.fileNumber, format, sha256, lines: f.lineCount, totalFen: f.totalFen }, ip },
			tx,
		)
	})
}

/**
 * The file's bytes, streamed in pages of 5,000 lines (however large the run), hashed as they
 * go. The download is audited with the SHA-256 when the last byte has been produced.
 */
export function bankFileCsv(user: SessionUser, f: BankFileMeta, ip: string | null): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder()
	const hash = createHash('sha256')
	// The next page is read while this one is decrypted and written (the database and Node overlap).
	let from = 1
	let next: Promise<(Line & { line: number })[]> | null = null
	const ahead = takeOpenedAhead(f)
	const emit = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
		const bytes = encoder.encode(text)
		hash.update(bytes)
		controller.enqueue(bytes)
	}
	return new ReadableStream<Uint8Array>({
		start(controller) {
			emit(controller, toCsv([[...CONTROL_HEADER], controlRow(f), [...LINE_HEADER]]))
		},
		async pull(controller) {
			if (from > f.lineCount) {
				await recordDownload(user, f, 'csv', hash.digest('hex'), ip)
				controller.close()
				return
			}
			const rows = await (next ?? linePage(f, from))
			from += PAGE
			next = from <= f.lineCount ? linePage(f, from) : null
			// Handled here too: a download abandoned mid-file must not leave a rejected promise unobserved.
			next?.catch(() => undefined)
			emit(controller, toCsv(lineRows(rows, ahead), { bom: false }))
		},
	})
}

/** The same file as one XLSX sheet (built in memory: the finance office's spreadsheet). */
export async function bankFileXlsx(user: SessionUser, f: BankFileMeta, ip: string | null): Promise<Uint8Array<ArrayBuffer>> {
	const text = (value: string | number | null) => ({ value: value === null ? null : String(value), type: String }) as XlsxCell
	const ahead = takeOpenedAhead(f)
	const sheet: XlsxCell[][] = [CONTROL_HEADER.map((h) => ({ value: h, fontWeight: 'bold' as const })), controlRow(f).map(text), LINE_HEADER.map((h) => ({ value: h, fontWeight: 'bold' as const }))]
	for (let from = 1; from <= f.lineCount; from += PAGE) {
		const rows = await linePage(f, from)
		// Identity and card numbers stay text: a spreadsheet would round 19 digits as a number.
		for (const r of lineRows(rows, ahead)) sheet.push(r.map(text))
	}
	const bytes = await toXlsx(sheet, { sheet: f.fileNumber.slice(0, 31), columns: [{ width: 14 }, { width: 12 }, { width: 22 }, { width: 24 }, { width: 12 }, { width: 24 }] })
	await recordDownload(user, f, 'xlsx', createHash('sha256').update(bytes).digest('hex'), ip)
	return bytes
}

export function bankFileName(f: BankFileMeta, format: BankFormat) {
	return `${f.fileNumber}.${format}`
}

