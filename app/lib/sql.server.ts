// Set-based SQL as a tagged template: values are always bound parameters, never spliced.
//
//   const rows = await sql`SELECT id, "admittedOn" FROM admission WHERE "bedId" = ${bedId}`.rows<Row>()
//   const n = await sql`UPDATE bed SET status = 'vacant' WHERE id = ${id}`.run(tx)
//   const where = districtId ? sql`AND "districtId" = ${districtId}` : sql.empty
//   await sql`SELECT ... WHERE true ${where}`.rows<Row>(tx)
//
// Without `tx` a statement runs on the pool; with the `tx` of `transaction()` it runs inside that
// transaction; either way node-postgres parses the rows (DATE as 'YYYY-MM-DD', BIGINT as number,
// timestamps as Date): see `transaction` in ./db.server.ts for why.
import { createHash } from 'node:crypto'
import { connectionOf, pool, prisma, type Tx } from './db.server.ts'

type Result = { rows: unknown[]; rowCount: number | null }

/**
 * A node-postgres client of one's own (the seed's transaction, a test's separate connection for a
 * real race): statements run on it directly, with the same row parsing as the pool.
 */
export type PgClient = { query(text: string | QueryConfig, values?: unknown[]): Promise<Result> }

type QueryConfig = { name?: string; text: string; values?: unknown[] }

/** Where a statement runs: the pool (nothing), a `transaction()` tx, or an own pg client. */
export type Runner = Tx | PgClient

export class Sql {
	/** Text pieces around the values: strings.length === values.length + 1. */
	readonly strings: readonly string[]
	readonly values: readonly unknown[]

	constructor(strings: readonly string[], values: readonly unknown[]) {
		// Nested Sql fragments are inlined, so a statement is built from parts without string splicing.
		const s: string[] = [strings[0]!]
		const v: unknown[] = []
		values.forEach((value, i) => {
			if (value instanceof Sql) {
				s[s.length - 1] += value.strings[0]!
				value.values.forEach((inner, j) => {
					v.push(inner)
					s.push(value.strings[j + 1]!)
				})
				s[s.length - 1] += strings[i + 1]!
			} else {
				v.push(value)
				s.push(strings[i + 1]!)
			}
		})
		this.strings = s
		this.values = v
	}

	/** Set by prepared(): the name the statement is prepared under on each connection. */
	#name: string | undefined

	/**
	 * The same statement as a named prepared statement: each connection parses and plans it once and
	 * PostgreSQL then reuses a generic plan. For the few statements on every request's path (the
	 * session lookup, the booking's checks), where planning cost several times the execution
	 * (EXPLAIN: 0.32 ms planning against 0.08 ms executing the session lookup). The name comes from
	 * the text, so one name always means one text. Values must be parameters (never lists spliced in);
	 * a statement with optional parts has a text per combination, of which a process prepares at most
	 * MAX_PREPARED_TEXTS in all.
	 */
	prepared(): this {
		this.#name = preparedName(this.text)
		return this
	}

	/** The statement with $1, $2, ... placeholders. */
	get text(): string {
		return this.strings.reduce((text, part, i) => `${text}$${i}${part}`)
	}

	/** Every row. */
	async rows<T = Record<string, unknown>>(tx?: Runner): Promise<T[]> {
		return (await this.#execute(tx)).rows as T[]
	}

	/** The first row, or undefined. */
	async first<T = Record<string, unknown>>(tx?: Runner): Promise<T | undefined> {
		return (await this.#execute(tx)).rows[0] as T | undefined
	}

	/** Runs a statement for its effect; returns the number of rows it touched. */
	async run(tx?: Runner): Promise<number> {
		return (await this.#execute(tx, true)).rowCount ?? 0
	}

	async #execute(tx: Runner | undefined, forCount = false): Promise<Result> {
		const query: QueryConfig = { name: this.#name, text: this.text, values: this.values as unknown[] }
		if (!tx || tx === prisma) return pool.query(query)
		if (isPgClient(tx)) return tx.query(query)
		const connection = connectionOf(tx)
		if (connection) return connection.query(query)
		// @deprecated path: a Prisma transaction opened with prisma.$transaction rather than
		// transaction() (the booking core until it moves). Prisma parses the rows: BIGINT is
		// brought back to number here, but DATE columns come back as Date; cast them ::text.
		if (forCount) return { rows: [], rowCount: await tx.$executeRawUnsafe(this.text, ...this.values) }
		const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(this.text, ...this.values)
		for (const row of rows) for (const key in row) if (typeof row[key] === 'bigint') row[key] = bigintToNumber(row[key] as bigint)
		return { rows, rowCount: rows.length }
	}
}

// Each connection keeps what it prepared until it closes. A statement built from optional parts
// (the marketplace search: filters and sorts) has many texts; past this many distinct texts a
// process runs new ones unprepared, so no sequence of requests can grow the server's memory.
const MAX_PREPARED_TEXTS = 200
const preparedNames = new Map<string, string>()

function preparedName(text: string): string | undefined {
	let name = preparedNames.get(text)
	if (!name && preparedNames.size < MAX_PREPARED_TEXTS) {
		name = `s_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`
		preparedNames.set(text, name)
	}
	return name
}

function isPgClient(runner: Runner): runner is PgClient {
	return typeof (runner as Partial<PgClient>).query === 'function'
}

function bigintToNumber(v: bigint) {
	const n = Number(v)
	if (!Number.isSafeInteger(n)) throw new RangeError(`bigint out of range: ${v}`)
	return n
}

type SqlTag = {
	(strings: TemplateStringsArray, ...values: unknown[]): Sql
	/** Trusted text spliced as is (an identifier or keyword chosen by code, never user input). */
	raw(text: string): Sql
	/** Values or fragments separated by `separator` (', ' by default). */
	join(parts: readonly unknown[], separator?: string): Sql
	/** Nothing: the neutral fragment for optional clauses. */
	empty: Sql
}

export const sql: SqlTag = Object.assign((strings: TemplateStringsArray, ...values: unknown[]) => new Sql(strings, values), {
	raw: (text: string) => new Sql([text], []),
	join: (parts: readonly unknown[], separator = ', ') =>
		parts.length ? new Sql(['', ...parts.slice(1).map(() => separator), ''], parts) : new Sql([''], []),
	empty: new Sql([''], []),
})
