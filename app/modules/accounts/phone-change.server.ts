// Moving one's own account to a new mobile number (a family member changes phones; an officer gets a
// work phone). The new number is confirmed with an SMS code sent to it, the password is given again,
// and the old number is told by SMS (someone who took over a session cannot quietly take the account).
import { transaction } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { maskPhone } from '~/lib/text.ts'
import { enqueueSms } from '~/jobs/sms.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { attemptSucceeded, beginAttempt } from '~/modules/auth/login-limit.server.ts'
import { verifyPassword } from '~/modules/auth/password.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { requestPhoneCode, verifyPhoneCode } from '~/modules/messaging/phone-codes.server.ts'

/** Step 1: a code to the new number; refused for the number the account already has or another account's. */
export async function requestPhoneChangeCode(user: SessionUser, input: { phone: string }, ip: string | null): Promise<Outcome<{ sent: true }>> {
	if (input.phone === user.phone) return fieldFail('phone', 'errors.phone.same', 400)
	const taken = await sql`SELECT 1 AS x FROM app_user WHERE phone = ${input.phone}`.first()
	if (taken) return fieldFail('phone', 'errors.phone.otherAccount', 409)
	return requestPhoneCode({ phone: input.phone, purpose: 'change', ip })
}

/**
 * Step 2: the password and the code move the account to the new number, in one transaction with the
 * audit entry and the SMS to the old number; every other session of the account ends.
 */
export async function changePhone(user: SessionUser, input: { phone: string; code: string; password: string }, currentSessionId: string | null, ip: string | null): Promise<Outcome<{ phone: string }>> {
	if (input.phone === user.phone) return fieldFail('phone', 'errors.phone.same', 400)
	// Guesses at the password through this form count as sign-in attempts do.
	if ((await beginAttempt(user.phone, ip)) > 0) return fieldFail('password', 'errorPage.tooMany', 429)
	const account = await sql`SELECT "passwordHash", active FROM app_user WHERE id = ${user.id}::uuid`.first<{ passwordHash: string; active: boolean }>()
	if (!account?.active || !(await verifyPassword(account.passwordHash, input.password))) {
		await audit({ actor: user, action: 'auth.reauth_failed', entityType: 'user', entityId: user.id, details: { by: 'password', for: 'phone_change' }, ip })
		return fieldFail('password', 'errors.reauth.invalid', 401)
	}
	await attemptSucceeded(user.phone, ip)
	const confirmed = await verifyPhoneCode({ phone: input.phone, purpose: 'change', code: input.code })
	if (!confirmed.ok) return confirmed
	try {
		const notice = await transaction(async (tx) => {
			const old = await sql`SELECT phone FROM app_user WHERE id = ${user.id}::uuid FOR UPDATE`.first<{ phone: string }>(tx)
			await sql`UPDATE app_user SET phone = ${input.phone}, "updatedAt" = now() WHERE id = ${user.id}::uuid`.run(tx)
			await sql`DELETE FROM session WHERE "userId" = ${user.id}::uuid AND id IS DISTINCT FROM ${currentSessionId}::uuid`.run(tx)
			await audit({ actor: user, action: 'account.change_phone', entityType: 'user', entityId: user.id, districtId: user.districtId, details: { from: maskPhone(old!.phone), to: maskPhone(input.phone) }, ip }, tx)
			return sql`INSERT INTO outbox ("toPhone", template, params, "dedupeKey")
				VALUES (${old!.phone}, 'account.phone_changed', ${JSON.stringify({ tail: input.phone.slice(-4) })}::jsonb, ${`account.phone_changed:${user.id}:${input.phone}:${Date.now()}`})
				RETURNING id::text AS id`.first<{ id: string }>(tx)
		})
		// Sent at once; if Redis is down the worker's sweep finds the row within seconds.
		if (notice) await enqueueSms(notice.id, new Date()).catch(() => {})
		return ok({ phone: input.phone })
	} catch (error) {
		// The number was taken between the code and now: the unique index decides.
		return failureOf(error)
	}
}
