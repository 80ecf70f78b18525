// Personal information kept no longer than its purpose needs (PIPL arts. 19, 47): a daily sweep
// (app/jobs/retention.server.ts). What the law makes the bureau keep (the registry, money, the audit
// log) is not touched here, except deceased elders' identity numbers and cards once the bureau's
// period has passed (elders/identity-retention.server.ts); docs/privacy.md has the whole schedule.
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { eraseDeceasedIdentities } from '~/modules/elders/identity-retention.server.ts'

/** How long after its purpose ends each kind of record is kept, in days. */
export const RETENTION_DAYS = {
	/** A sign-in (device, address) after it expired: the sessions page shows only live ones. */
	expiredSession: 30,
	/** An in-app message the person has read. */
	readNotification: 365,
} as const

/** Rows deleted per statement: short locks, whatever the backlog. */
const BATCH = 5000

async function deleteInBatches(statement: () => ReturnType<typeof sql>) {
	let total = 0
	for (;;) {
		const n = await statement().run()
		total += n
		if (n < BATCH) return total
	}
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000)

/** Deletes what is past its keeping; idempotent (a second run the same day deletes nothing). */
export async function applyRetention(now = new Date()) {
	const sessionsBefore = daysBefore(now, RETENTION_DAYS.expiredSession)
	const notificationsBefore = daysBefore(now, RETENTION_DAYS.readNotification)
	const sessions = await deleteInBatches(() => sql`DELETE FROM session WHERE id IN (SELECT id FROM session WHERE "expiresAt" < ${sessionsBefore} LIMIT ${BATCH})`)
	const notifications = await deleteInBatches(
		() => sql`DELETE FROM notification WHERE id IN (SELECT id FROM notification WHERE "readAt" IS NOT NULL AND "createdAt" < ${notificationsBefore} LIMIT ${BATCH})`,
	)
	// A closed account reads nothing: whatever reached it after closing goes (accounts/privacy.server.ts).
	const closedAccountNotifications = await deleteInBatches(
		() => sql`DELETE FROM notification WHERE id IN (SELECT n.id FROM notification n JOIN app_user u ON u.id = n."userId" WHERE u."closedAt" IS NOT NULL LIMIT ${BATCH})`,
	)
	const deceasedIdentities = await eraseDeceasedIdentities(shanghaiDate(now))
	return { sessions, notifications: notifications + closedAccountNotifications, deceasedIdentities }
}
