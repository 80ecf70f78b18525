// Database consistency checks for the fuzz suite (tests/integration/fuzz-forms.test.ts): after every
// fuzzed request, nothing may be half-written. Each check is one query returning the keys of rows that
// break a multi-row rule (a booking holding a place without its slot_place row, a ledger transaction
// that does not sum to zero, a decision without its audit row...). The demo seed may hold rows that a
// rule does not cover (history written before the rule), so the suite takes a baseline first and fails
// only on keys that appear after it.
import { sql } from '~/lib/sql.server.ts'

type Check = { name: string; query: ReturnType<typeof sql> }

const CHECKS: Check[] = [
	{
		name: 'ledger transaction without entries, or whose entries do not sum to zero',
		query: sql`SELECT t.id::text AS key FROM ledger_txn t LEFT JOIN ledger_entry e ON e."txnId" = t.id GROUP BY t.id HAVING count(e."txnId") < 2 OR sum(e."amountFen") <> 0`,
	},
	{
		name: 'ledger account balance differs from the sum of its entries',
		query: sql`SELECT a.id::text AS key FROM ledger_account a LEFT JOIN ledger_entry e ON e."accountId" = a.id GROUP BY a.id HAVING a."balanceFen" <> coalesce(sum(e."amountFen"), 0)`,
	},
	{
		name: 'booking holds a place without its slot_place row, or a slot_place row names a booking that let it go',
		query: sql`SELECT b.id::text AS key FROM booking b LEFT JOIN slot_place p ON p."bookingId" = b.id WHERE b."holdsPlace" <> (p."bookingId" IS NOT NULL)`,
	},
	{
		name: 'booking without its first event',
		query: sql`SELECT b.id::text AS key FROM booking b WHERE NOT EXISTS (SELECT 1 FROM booking_event e WHERE e."bookingId" = b.id)`,
	},
	{
		name: 'booking being paid or paid without a payment attempt',
		query: sql`SELECT b.id::text AS key FROM booking b WHERE b."paymentStatus" IN ('processing', 'paid', 'refunded', 'partially_refunded') AND NOT EXISTS (SELECT 1 FROM payment p WHERE p."bookingId" = b.id)`,
	},
	{
		name: 'booking price split does not add up',
		query: sql`SELECT b.id::text AS key FROM booking b WHERE b."priceFen" <> b."subsidyFen" + b."copayFen"`,
	},
	{
		name: 'occupied bed without exactly one open admission, or an open admission in a bed not occupied',
		query: sql`SELECT b.id::text AS key FROM bed b LEFT JOIN admission a ON a."bedId" = b.id AND a."dischargedOn" IS NULL GROUP BY b.id, b.status HAVING (b.status = 'occupied') <> (count(a.id) = 1) OR count(a.id) > 1`,
	},
	{
		name: 'admission without its bed event',
		query: sql`SELECT a.id::text AS key FROM admission a WHERE NOT EXISTS (SELECT 1 FROM bed_event e WHERE e."admissionId" = a.id)`,
	},
	{
		name: 'subsidy claim whose total or line count differs from its lines',
		query: sql`SELECT c.id::text AS key FROM subsidy_claim c LEFT JOIN subsidy_claim_line l ON l."claimId" = c.id GROUP BY c.id HAVING c."totalFen" <> coalesce(sum(l."amountFen"), 0) OR c."lineCount" <> count(l.id)`,
	},
	{
		name: 'proposed or decided change without its audit row',
		query: sql`SELECT c.id::text AS key FROM pending_change c WHERE NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = c.id::text AND l.action = 'change.propose')
			OR (c.status <> 'pending' AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = c.id::text AND l.action IN ('change.approve', 'change.reject')))`,
	},
	{
		name: 'allowance run approved or rejected without its audit row',
		query: sql`SELECT r.id::text AS key FROM allowance_run r WHERE (r.status IN ('approved', 'disbursed') AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = r.id::text AND l.action = 'allowance.run_approve'))
			OR (r.status = 'rejected' AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = r.id::text AND l.action = 'allowance.run_reject'))`,
	},
	{
		name: 'subsidy claim decided without its audit row',
		query: sql`SELECT c.id::text AS key FROM subsidy_claim c WHERE (c.status = 'approved' AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = c.id::text AND l.action = 'subsidy.claim_approve'))
			OR (c.status = 'rejected' AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = c.id::text AND l.action = 'subsidy.claim_reject'))`,
	},
	{
		name: 'complaint without its audit row',
		query: sql`SELECT c.id::text AS key FROM complaint c WHERE NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = c.id::text AND l.action = 'complaint.file')`,
	},
	{
		name: 'rights request filed or decided without its audit row',
		query: sql`SELECT r.id::text AS key FROM rights_request r WHERE NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = r.id::text AND l.action = 'rights.request_file')
			OR (r.status = 'fulfilled' AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = r.id::text AND l.action = 'rights.request_fulfil'))
			OR (r.status = 'refused' AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l."entityId" = r.id::text AND l.action = 'rights.request_refuse'))`,
	},
	{
		name: 'registry import left half-staged (uploading, or lines without a count)',
		query: sql`SELECT i.id::text AS key FROM registry_import i WHERE i.status = 'uploading' OR (i.status <> 'uploading' AND i."lineCount" <> (SELECT count(*) FROM registry_import_line l WHERE l."importId" = i.id))`,
	},
	{
		name: 'staff account created by another account without its invitation',
		query: sql`SELECT u.id::text AS key FROM app_user u WHERE u."createdById" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM user_invitation i WHERE i."userId" = u.id)`,
	},
]

export type Violations = Map<string, Set<string>>

/** Runs every check; the keys of the rows that break each rule. */
export async function consistencyViolations(): Promise<Violations> {
	const out: Violations = new Map()
	for (const check of CHECKS) {
		const rows = await check.query.rows<{ key: string }>()
		out.set(check.name, new Set(rows.map((r) => r.key)))
	}
	return out
}

/** The violations in `now` that were not in `baseline`, as readable lines (empty when consistent). */
export function newViolations(baseline: Violations, now: Violations): string[] {
	const lines: string[] = []
	for (const [name, keys] of now) {
		const before = baseline.get(name) ?? new Set<string>()
		const added = [...keys].filter((k) => !before.has(k))
		if (added.length) lines.push(`${name}: ${added.slice(0, 5).join(', ')}${added.length > 5 ? ` (+${added.length - 5})` : ''}`)
	}
	return lines
}

/**
 * Counts row writes in this database (a row trigger on every table bumps a sequence, which no
 * rollback undoes): a case that wrote nothing needs no consistency check, and a forged request must
 * write nothing. Transaction ids would not do: they are shared by every database of the server.
 */
export async function installWriteCounter() {
	await sql`CREATE SEQUENCE IF NOT EXISTS fuzz_writes`.run()
	await sql`CREATE OR REPLACE FUNCTION fuzz_note_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('fuzz_writes'); RETURN NULL; END $$`.run()
	const tables = await sql`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`.rows<{ name: string }>()
	for (const t of tables) {
		await sql`DROP TRIGGER IF EXISTS fuzz_note_write ON ${sql.raw(`"${t.name}"`)}`.run()
		await sql`CREATE TRIGGER fuzz_note_write AFTER INSERT OR UPDATE OR DELETE ON ${sql.raw(`"${t.name}"`)} FOR EACH ROW EXECUTE FUNCTION fuzz_note_write()`.run()
	}
}

/** How many rows have been written so far (see installWriteCounter). */
export async function writeCount(): Promise<number> {
	const row = await sql`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM fuzz_writes`.first<{ n: number }>()
	return Number(row!.n)
}
