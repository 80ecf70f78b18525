// The sealed numbers of a bank file being made, opened while the export's transaction writes its
// lines. Making a month's file keeps one PostgreSQL backend busy for about 2 s while this process
// only waits, and opening the file's 220,000 sealed values (identity and card of each line, one
// OpenSSL AES-256-GCM decipher each) is this process's largest cost when the file is streamed. So
// the values the file will carry are read on a second connection (a read-only cursor over the same
// scope's payable payments, committed state) and opened meanwhile, on the core the export leaves
// idle. Nothing is printed from here before the export commits, and nothing here decides what a line
// says: the stream looks values up by their exact sealed bytes (identity and card values in separate
// maps, each opened under its own key), so a line prints exactly what opening its own ciphertext
// gives; anything not found (a card recorded meanwhile, a value that did not open, lines beyond the
// bound) is opened by the stream itself as before. Held in memory for the one request that makes and
// streams the file, never written anywhere.
//
// Measured (docs/allowance.md, "Benchmark: disbursement"): on a quiet machine the file's stream
// falls by about the opening's cost; on a loaded one (no idle core) the export slows by as much.
import { transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { decryptIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { decryptCardNumber } from './card-crypto.server.ts'

export type OpenedAhead = { ids: Map<string, string>; cards: Map<string, string>; stopped: boolean }

/** At most this many lines' values are opened ahead (about 30 MB of strings for 110,000 lines). */
const OPEN_AHEAD_LINES = 150_000

const sealedKey = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1')

/** Opens `value` into `map` under its exact sealed bytes; a value that does not open is left out. */
export function addOpened(map: Map<string, string>, value: Uint8Array, open: (value: Uint8Array) => string) {
	try {
		map.set(sealedKey(value), open(value))
	} catch {
		// Left to the stream, which refuses the file if it does not open there either.
	}
}

/**
 * Starts reading and opening the sealed numbers of the scope's payable payments (a superset of
 * what the file will carry) on its own connection. `opened.stopped = true` ends it early.
 */
export function openAhead(runId: string, districtId: string | null): { opened: OpenedAhead; done: Promise<void> } {
	const opened: OpenedAhead = { ids: new Map(), cards: new Map(), stopped: false }
	const scope = districtId === null ? sql.empty : sql`AND p."districtId" = ${districtId}`
	const done = transaction(
		async (tx) => {
			await sql`SET TRANSACTION READ ONLY`.run(tx)
			await sql`DECLARE bank_file_ahead NO SCROLL CURSOR FOR
				SELECT e."idNumberCipher" AS i, e."bankCardCipher" AS c FROM allowance_payment p JOIN elder e ON e.id = p."elderId"
				 WHERE p."runId" = ${runId} ${scope} AND p.status IN ('pending', 'held_no_account', 'returned') AND e."bankCardCipher" IS NOT NULL`.run(tx)
			const fetchPage = () => sql`FETCH 5000 FROM bank_file_ahead`.rows<{ i: Uint8Array | null; c: Uint8Array }>(tx)
			let lines = 0
			let page = fetchPage()
			while (!opened.stopped) {
				const rows = await page
				if (rows.length === 0 || opened.stopped) break
				lines += rows.length
				// The next page is read while this one is opened.
				page = lines < OPEN_AHEAD_LINES ? fetchPage() : Promise.resolve([])
				for (const r of rows) {
					if (r.i) addOpened(opened.ids, r.i, decryptIdNumber)
					addOpened(opened.cards, r.c, decryptCardNumber)
				}
			}
			await page
		},
		{ attempts: 1 },
	)
	// A failed or slow read ahead costs nothing but its own work: the stream opens what is missing.
	done.catch(() => undefined)
	return { opened, done }
}

/**
 * `values` opened: each one found under its exact sealed bytes in `known` as it was opened ahead,
 * the others opened now by `open` (one batch). A value whose bytes differ from everything opened
 * ahead is always opened itself.
 */
export function openKnown(values: readonly Uint8Array[], known: Map<string, string> | undefined, open: (values: readonly Uint8Array[]) => string[]): string[] {
	if (!known?.size) return open(values)
	const out: string[] = new Array<string>(values.length)
	const missing: Uint8Array[] = []
	const at: number[] = []
	values.forEach((value, i) => {
		const found = known.get(sealedKey(value))
		if (found === undefined) {
			missing.push(value)
			at.push(i)
		} else out[i] = found
	})
	if (missing.length) open(missing).forEach((value, j) => (out[at[j]!] = value))
	return out
}

/** What was opened ahead for a file just made, kept for the request that made it (by its object). */
const openedFor = new WeakMap<object, OpenedAhead>()

export function keepOpenedAhead(file: object, opened: OpenedAhead) {
	openedFor.set(file, opened)
}

/** Taken once, by the download that follows the export; the reading ahead stops here. */
export function takeOpenedAhead(file: object): OpenedAhead | undefined {
	const opened = openedFor.get(file)
	openedFor.delete(file)
	if (opened) opened.stopped = true
	return opened
}
