// What the due-process jobs do (app/jobs/due-process.server.ts), one function per job.
import { closeDueNotices } from './notice.server.ts'
import { endDueGrants, listDueForReview, stopIneligibleGrants } from './review.server.ts'
import { remindRightsRequests } from '~/modules/rights/reminders.server.ts'

/** The daily run: end grants past their end, stop grants no longer eligible, close ended notices, remind officers of rights requests falling due. */
export async function runDueDay(day: string) {
	const ended = await endDueGrants(day)
	const stopped = await stopIneligibleGrants(day)
	const notices = await closeDueNotices(day)
	const rights = await remindRightsRequests(day)
	return { day, ...ended, ...stopped, ...notices, ...rights }
}

/** The monthly run: grants due for re-review, per community. */
export async function runDueMonth(month: string) {
	return { month, ...(await listDueForReview(`${month}-01`)) }
}
