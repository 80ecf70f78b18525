// The admission stop of inspections (issue 14 item 7): an institution with a finding not closed more
// than the *default* limit past its deadline admits no new elders and accepts no stay requests until
// that finding is closed. One definition, in SQL (inspection_findings_blocking, migration
// *_inspections_and_rectification), shared by this check, the admission trigger and the pages.
import type { Tx } from '~/lib/db.server.ts'
import { refuse } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'

/** How many findings stop the institution's admissions on day `day`. */
export async function blockingFindings(providerId: string, day: string, tx?: Tx): Promise<number> {
	const row = await sql`SELECT inspection_findings_blocking(${providerId}::uuid, ${day}::date) AS n`.first<{ n: number }>(tx)
	return row?.n ?? 0
}

/**
 * Refuses (409, translated) new work that adds a resident when findings stop admissions. `today` is
 * the Shanghai date of the request; a back-dated admission is judged on today as well.
 */
export async function requireAdmissionsOpen(tx: Tx, providerId: string, today: string, admittedOn?: string): Promise<void> {
	const day = admittedOn && admittedOn > today ? admittedOn : today
	if ((await blockingFindings(providerId, day, tx)) > 0) refuse(null, 'beds:inspections.errors.admissionsStopped', 409)
}
