// The credit ledger: double entry, balances kept by the database. Each operation is ONE SQL
// statement (data-modifying CTEs), so it is atomic on its own and composes into a caller's
// transaction (a booking, an approval). Every transaction moves its amount from one account to
// another (fromAccountId → toAccountId); its two entries are the view ledger_entry, so they always
// sum to zero. The database refuses what must never happen: a negative elder balance (CHECK), an
// account that does not exist, a second grant for a month, a second capture or release of a hold
// (unique indexes), edits of past transactions (triggers).
import type pg from 'pg'
import { connectionOf, pool, type Tx } from '~/lib/db.server.ts'
import { ruleNameOf } from '~/lib/db-rules.server.ts'

/** @deprecated Runs SQL on a pg client/pool or inside a Prisma transaction; use `sql` (~/lib/sql.server.ts). Kept for the booking core and tests. */
export type Sql = { query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> }

export function pgSql(client: pg.Pool | pg.PoolClient | pg.Client = pool): Sql {
	return { query: async <T,>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[] }
}

/** @deprecated Pass the `tx` of transaction() and use `sql` (~/lib/sql.server.ts). Kept for the booking core. */
export function txSql(tx: Tx): Sql {
	const connection = connectionOf(tx)
	if (connection) return pgSql(connection)
	return { query: <T,>(text: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...params) }
}

/** @deprecated Import from ~/lib/db-errors.server.ts; re-exported for the booking core until it moves. */
export { isUniqueViolation, pgErrorOf } from '~/lib/db-errors.server.ts'

/** Why the ledger refused, read from the rule the database names (see ~/lib/db-rules.server.ts). */
const LEDGER_REFUSALS: Record<string, LedgerError['reason']> = {
	ledger_account_balance_nonnegative: 'insufficientCredit',
	ledger_txn_hold_settled_once: 'alreadySettled',
	ledger_txn_ref_kind_key: 'alreadySettled',
}

function ledgerRefusal(error: unknown): LedgerError['reason'] | undefined {
	const rule = ruleNameOf(error)
	return rule ? LEDGER_REFUSALS[rule] : undefined
}

export class LedgerError extends Error {
	constructor(readonly reason: 'insufficientCredit' | 'noHold' | 'alreadySettled' | 'noAccounts') {
		super(`ledger: ${reason}`)
	}
}

/** The accounts of a grant and the policy/district accounts it moves money between (idempotent). */
export async function openGrantAccounts(sql: Sql, grant: { id: string; policyId: string; districtId: string }) {
	await sql.query(
		`INSERT INTO ledger_account (kind, "policyId", "districtId")
		 SELECT k::"LedgerAccountKind", $1::uuid, $2 FROM unnest(ARRAY['bureau_issued', 'spent', 'expired']) AS k
		 ON CONFLICT ("policyId", "districtId", kind) DO NOTHING`,
		[grant.policyId, grant.districtId],
	)
	await sql.query(
		`INSERT INTO ledger_account (kind, "grantId")
		 SELECT k::"LedgerAccountKind", $1::uuid FROM unnest(ARRAY['elder_available', 'elder_held']) AS k
		 ON CONFLICT ("grantId", kind) DO NOTHING`,
		[grant.id],
	)
}

/** Due grants of a month: active, started, version valid in the month, elder alive and resident. */
function dueGrantsSql(filter: string) {
	return `
	SELECT g.id AS grant_id, v."monthlyCreditFen"::bigint AS amount, av.id AS available_id, src.id AS source_id
	FROM subsidy_grant g
	JOIN subsidy_policy_version v ON v.id = g."policyVersionId"
	JOIN elder e ON e.id = g."elderId"
	JOIN ledger_account av ON av."grantId" = g.id AND av.kind = 'elder_available'
	JOIN ledger_account src ON src."policyId" = g."policyId" AND src."districtId" = g."districtId" AND src.kind = 'bureau_issued'
	WHERE g.status = 'active' AND g."startMonth" <= $1::date
	  AND v."effectiveFrom" <= ($1::date + interval '1 month' - interval '1 day')::date
	  AND (v."validUntil" IS NULL OR v."validUntil" >= $1::date)
	  AND e."deathDate" IS NULL AND e."residencyStatus" = 'resident'
	  -- eligibility on the month's first day: the statuses and the assessed level in force then (issue 10)
	  AND (cardinality(v.categories) = 0 OR v.categories::text[] && elder_categories_on(e.id, $1::date))
	  -- (a policy asking for no care need reads no assessment: every elder meets it)
	  AND (v."minDisability" = 'none' OR array_position(ARRAY['none', 'partial', 'full'], elder_disability_on(e.id, $1::date)) >= array_position(ARRAY['none', 'partial', 'full'], v."minDisability"::text))
	  ${filter}`
}

/**
 * The monthly credit as one set-based statement: a grant transaction per due grant (bureau_issued →
 * elder_available), skipped by ON CONFLICT when that grant already has the month's credit. Running
 * it again for the same month adds nothing.
 */
export function monthlyGrantSql(scope: 'all' | 'district' | 'grant') {
	const filter = scope === 'district' ? `AND g."districtId" = $2` : scope === 'grant' ? `AND g.id = $2::uuid` : ''
	return `
	WITH due AS (${dueGrantsSql(filter)}),
	t AS (
		INSERT INTO ledger_txn (kind, "grantId", month, "amountFen", "fromAccountId", "toAccountId")
		-- In grant order: the (grantId, kind, month) index then takes its new keys page after page.
		SELECT 'grant', grant_id, $1::date, amount, source_id, available_id FROM due ORDER BY grant_id
		ON CONFLICT ("grantId", kind, month) DO NOTHING
		RETURNING "amountFen"
	)
	SELECT count(*)::int AS granted, coalesce(sum("amountFen"), 0)::bigint AS "totalFen" FROM t`
}

export type GrantRun = { granted: number; totalFen: number }

/** Grants a month's credit (month = 'YYYY-MM') to every due grant, or to those of one district or one grant. */
export async function grantMonthlyCredit(sql: Sql, month: string, scope: { districtId?: string; grantId?: string } = {}): Promise<GrantRun> {
	const first = `${month}-01`
	const [row] = scope.grantId
		? await sql.query<GrantRun>(monthlyGrantSql('grant'), [first, scope.grantId])
		: scope.districtId
			? await sql.query<GrantRun>(monthlyGrantSql('district'), [first, scope.districtId])
			: await sql.query<GrantRun>(monthlyGrantSql('all'), [first])
	return { granted: Number(row!.granted), totalFen: Number(row!.totalFen) }
}

/**
 * Holds `amountFen` of a grant's credit for `ref` (a booking). Idempotent per ref: holding again
 * returns the first hold. Refused by the database when the credit left is smaller.
 */
export async function holdCredit(sql: Sql, input: { grantId: string; ref: string; amountFen: number; category?: string | null; providerId?: string | null }): Promise<{ txnId: string; amountFen: number }> {
	if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new RangeError(`bad hold amount ${input.amountFen}`)
	const existing = await sql.query<{ id: string; amountFen: number; grantId: string }>(`SELECT id, "amountFen", "grantId" FROM ledger_txn WHERE kind = 'hold' AND ref = $1`, [input.ref])
	if (existing[0]) return { txnId: existing[0].id, amountFen: Number(existing[0].amountFen) }
	try {
		const rows = await sql.query<{ id: string }>(
			`WITH acc AS (
				SELECT av.id AS avail_id, hd.id AS held_id FROM ledger_account av
				JOIN ledger_account hd ON hd."grantId" = av."grantId" AND hd.kind = 'elder_held'
				WHERE av."grantId" = $1::uuid AND av.kind = 'elder_available'
			),
			t AS (
				INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen", category, "providerId", "fromAccountId", "toAccountId")
				SELECT 'hold', $1::uuid, $2, $3::bigint, $4, $5::uuid, acc.avail_id, acc.held_id FROM acc RETURNING id
			)
			SELECT id FROM t`,
			[input.grantId, input.ref, input.amountFen, input.category ?? null, input.providerId ?? null],
		)
		if (!rows[0]) throw new LedgerError('noAccounts')
		return { txnId: rows[0].id, amountFen: input.amountFen }
	} catch (error) {
		if (ledgerRefusal(error) === 'insufficientCredit') throw new LedgerError('insufficientCredit')
		throw error
	}
}

async function settleHold(sql: Sql, kind: 'capture' | 'release', ref: string): Promise<{ txnId: string; amountFen: number; grantId: string }> {
	// Capture moves held credit to the policy's spent account; release returns it to the elder.
	const target =
		kind === 'capture'
			? `SELECT x.id FROM ledger_account x JOIN subsidy_grant g ON g."policyId" = x."policyId" AND g."districtId" = x."districtId" WHERE g.id = h."grantId" AND x.kind = 'spent'`
			: `SELECT x.id FROM ledger_account x WHERE x."grantId" = h."grantId" AND x.kind = 'elder_available'`
	try {
		const rows = await sql.query<{ id: string; amountFen: number; grantId: string }>(
			`WITH h AS (
				SELECT ht."grantId", ht."amountFen", ht.category, ht."providerId",
					(SELECT hd.id FROM ledger_account hd WHERE hd."grantId" = ht."grantId" AND hd.kind = 'elder_held') AS held_id
				FROM ledger_txn ht WHERE ht.kind = 'hold' AND ht.ref = $1
			),
			acc AS (SELECT h.*, (${target}) AS target_id FROM h),
			t AS (
				INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen", category, "providerId", "fromAccountId", "toAccountId")
				SELECT $2::"LedgerTxnKind", "grantId", $1, "amountFen", category, "providerId", held_id, target_id FROM acc RETURNING id, "grantId", "amountFen"
			)
			SELECT id, "amountFen", "grantId" FROM t`,
			[ref, kind],
		)
		if (!rows[0]) throw new LedgerError('noHold')
		return { txnId: rows[0].id, amountFen: Number(rows[0].amountFen), grantId: rows[0].grantId }
	} catch (error) {
		if (ledgerRefusal(error) === 'alreadySettled') throw new LedgerError('alreadySettled')
		throw error
	}
}

/** Completion: the held credit is spent. */
export function captureHold(sql: Sql, ref: string) {
	return settleHold(sql, 'capture', ref)
}

/** Cancellation: the held credit returns to the elder. */
export function releaseHold(sql: Sql, ref: string) {
	return settleHold(sql, 'release', ref)
}

/**
 * A captured hold given back to the elder (the bureau rejected the visit): spent → elder_available,
 * for the captured amount. Once per ref (UNIQUE (ref, kind)): a second call returns null. The
 * credit goes to the elder's available balance today even when the capture's month has ended: it
 * counts as this month's credit and, if the policy lapses unused credit, lapses at this month's end.
 */
export async function reverseCapture(sql: Sql, ref: string): Promise<{ txnId: string; amountFen: number; grantId: string } | null> {
	const rows = await sql.query<{ id: string; amountFen: number; grantId: string }>(
		`WITH c AS (
			SELECT ct."grantId", ct."amountFen", ct.category, ct."providerId",
				(SELECT av.id FROM ledger_account av WHERE av."grantId" = ct."grantId" AND av.kind = 'elder_available') AS avail_id,
				(SELECT x.id FROM ledger_account x JOIN subsidy_grant g ON g."policyId" = x."policyId" AND g."districtId" = x."districtId" WHERE g.id = ct."grantId" AND x.kind = 'spent') AS spent_id
			FROM ledger_txn ct WHERE ct.kind = 'capture' AND ct.ref = $1
		),
		t AS (
			INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen", category, "providerId", "fromAccountId", "toAccountId")
			SELECT 'reversal', "grantId", $1, "amountFen", category, "providerId", spent_id, avail_id FROM c
			ON CONFLICT (ref, kind) WHERE ref IS NOT NULL DO NOTHING
			RETURNING id, "grantId", "amountFen"
		)
		SELECT id, "amountFen", "grantId" FROM t`,
		[ref],
	)
	return rows[0] ? { txnId: rows[0].id, amountFen: Number(rows[0].amountFen), grantId: rows[0].grantId } : null
}

/**
 * Month-end expiry (month = 'YYYY-MM' that ended) for grants whose version says unused credit
 * lapses: what is available, less credit already granted for later months, moves to `expired`.
 * Locks the accounts first, so a concurrent hold either happens before (and is not expired) or
 * fails on the CHECK. Once per grant and month.
 */
export async function expireMonth(sql: Sql, month: string, scope: { grantId?: string; districtId?: string } = {}): Promise<{ expired: number; totalFen: number }> {
	const first = `${month}-01`
	const [row] = await sql.query<{ expired: number; totalFen: number }>(
		`WITH a AS (
			SELECT av.id AS avail_id, av."grantId", ex.id AS expired_id,
				av."balanceFen" - coalesce((SELECT sum(l."amountFen") FROM ledger_txn l WHERE l."grantId" = av."grantId" AND l.kind = 'grant' AND l.month > $1::date), 0) AS amount
			FROM ledger_account av
			JOIN subsidy_grant g ON g.id = av."grantId"
			JOIN subsidy_policy_version v ON v.id = g."policyVersionId"
			JOIN ledger_account ex ON ex."policyId" = g."policyId" AND ex."districtId" = g."districtId" AND ex.kind = 'expired'
			WHERE av.kind = 'elder_available' AND av."balanceFen" > 0 AND v."expiresAtMonthEnd"
			  -- (checked on the grant row first, so grants whose policy keeps its credit cost no account lookups)
			  AND g."policyVersionId" = ANY (ARRAY(SELECT id FROM subsidy_policy_version WHERE "expiresAtMonthEnd")) ${scope.grantId ? `AND g.id = $2::uuid` : scope.districtId ? `AND g."districtId" = $2` : ''}
			FOR UPDATE OF av
		),
		t AS (
			INSERT INTO ledger_txn (kind, "grantId", month, "amountFen", "fromAccountId", "toAccountId")
			SELECT 'expiry', "grantId", $1::date, amount, avail_id, expired_id FROM a WHERE amount > 0
			ON CONFLICT ("grantId", kind, month) DO NOTHING
			RETURNING "amountFen"
		)
		SELECT count(*)::int AS expired, coalesce(sum("amountFen"), 0)::bigint AS "totalFen" FROM t`,
		scope.grantId ? [first, scope.grantId] : scope.districtId ? [first, scope.districtId] : [first],
	)
	return { expired: Number(row!.expired), totalFen: Number(row!.totalFen) }
}

export type GrantBalance = { availableFen: number; heldFen: number }

export async function grantBalance(sql: Sql, grantId: string): Promise<GrantBalance> {
	const rows = await sql.query<{ kind: string; balanceFen: number }>(`SELECT kind::text, "balanceFen" FROM ledger_account WHERE "grantId" = $1::uuid`, [grantId])
	return {
		availableFen: Number(rows.find((r) => r.kind === 'elder_available')?.balanceFen ?? 0),
		heldFen: Number(rows.find((r) => r.kind === 'elder_held')?.balanceFen ?? 0),
	}
}

/** Invariant check: accounts whose balance differs from the sum of their entries, or elder balances below zero (a transaction's own entries sum to zero by construction). */
export async function ledgerDiscrepancies(sql: Sql) {
	return sql.query<{ id: string; kind: string; balanceFen: number; entriesFen: number }>(
		`SELECT a.id, a.kind::text, a."balanceFen", coalesce(s.total, 0)::bigint AS "entriesFen"
		 FROM ledger_account a LEFT JOIN (SELECT "accountId", sum("amountFen") AS total FROM ledger_entry GROUP BY "accountId") s ON s."accountId" = a.id
		 WHERE a."balanceFen" <> coalesce(s.total, 0) OR (a.kind <> 'bureau_issued' AND a."balanceFen" < 0)`,
	)
}
