// The due date of a rights request is the law's (GB/T 35273-2020 §8.7: 30 days), and an officer's
// queue is easy to forget: the daily due-process run (due-process/run.server.ts) reminds the elder's
// community officers RIGHTS_REMIND_DAYS before the due date and, the day after it, tells the
// district's officers as well. Each reminder is written once per request, in the transaction that
// records it (a conditional update on the request), so a run repeated the same day tells nobody twice.
import { transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays } from '~/lib/time.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { officersToTell } from './officers.server.ts'
import { RIGHTS_REMIND_DAYS } from './rules.ts'

type Due = { id: string; dueOn: string; elder: string; communityId: string | null; districtId: string }

/** One stage of reminders: requests whose `column` is unset and whose due date meets `due`. */
async function remind(today: string, stage: 'soon' | 'overdue') {
	const column = sql.raw(stage === 'soon' ? '"remindedOn"' : '"escalatedOn"')
	const due = stage === 'soon' ? sql`r."dueOn" BETWEEN ${today}::date AND ${addDays(today, RIGHTS_REMIND_DAYS)}::date` : sql`r."dueOn" < ${today}::date`
	const candidates = await sql`SELECT r.id FROM rights_request r WHERE r.status = 'open' AND r.${column} IS NULL AND ${due} ORDER BY r."dueOn", r.id LIMIT 1000`.rows<{ id: string }>()
	let told = 0
	for (const { id } of candidates) {
		const done = await transaction(async (tx) => {
			const r = await sql`UPDATE rights_request r SET ${column} = ${today}::date FROM elder e
				WHERE r.id = ${id}::uuid AND e.id = r."elderId" AND r.status = 'open' AND r.${column} IS NULL
				RETURNING r.id, to_char(r."dueOn", 'YYYY-MM-DD') AS "dueOn", e.name AS elder, e."communityId", e."districtId"`.first<Due>(tx)
			if (!r) return false
			const officers = await officersToTell(tx, { communityId: r.communityId, districtId: stage === 'overdue' ? r.districtId : undefined })
			await notify(tx, officers, stage === 'soon' ? 'rights.due_soon' : 'rights.overdue', { params: { elder: r.elder, day: r.dueOn, requestId: r.id }, dedupe: `${r.id}:${stage}`, sms: true })
			return true
		})
		if (done) told++
	}
	return told
}

/** The daily reminders of rights requests: due soon to the community, overdue to the district too. */
export async function remindRightsRequests(today: string) {
	return { rightsDueSoon: await remind(today, 'soon'), rightsOverdue: await remind(today, 'overdue') }
}
