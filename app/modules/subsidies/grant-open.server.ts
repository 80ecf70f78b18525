// The step between an approval and a running grant (issue 15): an approved application is first put
// on the public notice (公示) of its community; only when the notice ends with no upheld objection does
// app/modules/due-process/notice.server.ts open the grant here: grant, accounts and the credit of the
// month of effect (plus withheld months, for a refusal an appeal changed) in the caller's transaction.
import type { Tx } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, addMonths, dateOnly } from '~/lib/time.ts'
import { GRANT_TERM_MONTHS, maskName, monthEnd, monthsBetween, NOTICE_DAYS } from '~/modules/due-process/mask.ts'
import { grantMonthlyCredit, openGrantAccounts, txSql } from './ledger.server.ts'
import { monthStart } from './rules.ts'

export type NoticeListing = {
	applicationId: string
	elderId: string
	elderName: string
	districtId: string
	communityId: string | null
	monthlyCreditFen: number
	commitmentFen: number
	/** For a refusal changed on appeal: the first month ('YYYY-MM') whose credit was withheld. */
	backPayFrom?: string | null
}

/** Puts an approved application on the notice of its community opened `today` (one list per community and day). */
export async function listForNotice(tx: Tx, input: NoticeListing, today: string): Promise<{ noticeId: string; endsOn: string }> {
	const endsOn = addDays(today, NOTICE_DAYS)
	const notice = await sql`INSERT INTO subsidy_notice ("districtId", "communityId", "opensOn", "endsOn")
		VALUES (${input.districtId}, ${input.communityId}::uuid, ${today}::date, ${endsOn}::date)
		ON CONFLICT ("districtId", coalesce("communityId", '00000000-0000-0000-0000-000000000000'::uuid), "opensOn") DO UPDATE SET "opensOn" = EXCLUDED."opensOn"
		RETURNING id, "endsOn"`.first<{ id: string; endsOn: string }>(tx)
	await sql`INSERT INTO subsidy_notice_entry ("noticeId", "applicationId", "elderId", "displayName", "monthlyCreditFen", "commitmentFen", "backPayFrom")
		VALUES (${notice!.id}::uuid, ${input.applicationId}::uuid, ${input.elderId}::uuid, ${maskName(input.elderName)}, ${input.monthlyCreditFen}, ${input.commitmentFen},
		        ${input.backPayFrom ? monthStart(input.backPayFrom) : null}::date)`.run(tx)
	return { noticeId: notice!.id, endsOn: notice!.endsOn }
}

/**
 * Opens the grant of an approved application in `tx`: the grant (ending or due for re-review
 * GRANT_TERM_MONTHS after the month of effect), its accounts, and the credit of every month from its
 * start to `month`, each once (the ledger's unique grant/month). The start is `month`, or the first
 * withheld month for back-pay.
 */
export async function openApprovedGrant(tx: Tx, input: { applicationId: string; month: string; backPayFrom?: string | null }): Promise<{ id: string; months: string[] }> {
	const app = await tx.subsidyApplication.findUniqueOrThrow({ where: { id: input.applicationId }, select: { id: true, policyId: true, policyVersionId: true, elderId: true, districtId: true } })
	const startMonth = input.backPayFrom && input.backPayFrom < input.month ? input.backPayFrom : input.month
	const endsOn = monthEnd(`${addMonths(input.month, GRANT_TERM_MONTHS - 1)}-01`)
	const grant = await tx.subsidyGrant.create({
		data: { applicationId: app.id, policyId: app.policyId, policyVersionId: app.policyVersionId, elderId: app.elderId, districtId: app.districtId, startMonth: dateOnly(monthStart(startMonth)), endsOn: dateOnly(endsOn) },
		select: { id: true, policyId: true, districtId: true },
	})
	await openGrantAccounts(txSql(tx), grant)
	const months = monthsBetween(startMonth, input.month)
	for (const month of months) await grantMonthlyCredit(txSql(tx), month, { grantId: grant.id })
	return { id: grant.id, months }
}
