import { fail, type Failure } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'

// Two-person control: a decision (approving a run, an application, a claim, a settings or policy
// change) is refused when the approver is the maker, or when one of them created the other's account
// or issued an invitation for it (whoever created an account could have known its password before
// invitations existed, and whoever holds an invitation link controls who the account is given to).
// Called at each decision point before the decision is written.

/**
 * The refusal for `approver` deciding on work made or changed by `makers` (null entries are
 * ignored), or null when the decision may go ahead. With `requireMaker`, no maker at all (a run the
 * scheduler started and no officer submitted) is refused too. `sameAccountMessage` keeps a module's
 * own wording for approver = maker.
 */
export async function twoPersonRefusal(
	approver: { id: string },
	makers: readonly (string | null | undefined)[] | null,
	opts: { requireMaker?: boolean; sameAccountMessage?: string } = {},
): Promise<Failure | null> {
	if (makers === null) return null
	const ids = [...new Set(makers.filter((m): m is string => typeof m === 'string'))]
	if (!ids.length) return opts.requireMaker ? fail('errors.twoPerson.needsSubmitter', 409) : null
	if (ids.includes(approver.id)) return fail(opts.sameAccountMessage ?? 'errors.twoPerson.sameAccount', 403)
	// Who put an account in someone's hands: its creator, and whoever issued any invitation for it
	// (a reset of its sign-in, accounts.server.ts: reinviteStaff, is an invitation too).
	const related = await sql`WITH issued AS (
			SELECT u.id AS "userId", u."createdById" AS "issuerId" FROM app_user u WHERE u.id = ANY(${[approver.id, ...ids]}::uuid[])
			UNION ALL
			SELECT i."userId", i."createdById" FROM user_invitation i WHERE i."userId" = ANY(${[approver.id, ...ids]}::uuid[]))
		SELECT 1 FROM issued
		WHERE ("userId" = ${approver.id}::uuid AND "issuerId" = ANY(${ids}::uuid[]))
		   OR ("userId" = ANY(${ids}::uuid[]) AND "issuerId" = ${approver.id}::uuid)
		LIMIT 1`.first()
	return related ? fail('errors.twoPerson.creatorRelated', 403) : null
}
