// Who is told of a rights request: the elder's community officers, who hold the record day to day,
// and once it is overdue the district's officers as well (reminders.server.ts).
import type { Tx } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import type { Recipient } from '~/modules/messaging/notify.server.ts'

/** The active officers of the elder's community (and with `districtId`, of its district), but `except` (the officer who acted). */
export async function officersToTell(tx: Tx, where: { communityId: string | null; districtId?: string; except?: string }): Promise<Recipient[]> {
	const rows = await sql`SELECT id FROM app_user WHERE active AND "closedAt" IS NULL AND id <> ${where.except ?? '00000000-0000-0000-0000-000000000000'}::uuid AND (
			(role = 'community_officer' AND "communityId" = ${where.communityId}::uuid)
			OR (role = 'bureau_district' AND "districtId" = ${where.districtId ?? null}))
		ORDER BY id LIMIT 50`.rows<{ id: string }>(tx)
	return rows.map((o) => ({ userId: o.id }))
}
