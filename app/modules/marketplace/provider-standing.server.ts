import { type Tx } from '~/lib/db.server.ts'
import { refuse } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'

/**
 * Only a provider the bureau approved may take on new work: add beds, admit elders, accept stay
 * requests, publish offerings (bookings check it themselves). Pending, rejected and suspended
 * providers keep what they have (residents stay, discharges and transfers go on) but add nothing.
 * The provider row is share-locked, so a suspension decided meanwhile waits for this transaction
 * and never lands halfway through an admission.
 */
export async function requireApprovedProvider(tx: Tx, providerId: string): Promise<void> {
	const row = await sql`SELECT status::text AS status FROM provider WHERE id = ${providerId} FOR SHARE`.first<{ status: string }>(tx)
	if (row?.status !== 'approved') refuse(null, `marketplace:errors.provider.mayNotAct.${row?.status ?? 'pending'}`, 403)
}
