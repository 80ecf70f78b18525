// Phone confirmation codes (registration, password reset, a new number): 6 digits, valid 5 minutes, 5 tries, one
// code a minute per number, a limited number of requests per client address an hour.
// Only an HMAC of the code is stored (keyed from SESSION_SECRET, so a database copy alone cannot
// test the million codes); the code itself travels in the outbox row until it is sent, then is
// wiped from it (outbox.server.ts).
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import { transaction } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { enqueueSms } from '~/jobs/sms.server.ts'
import { withinAddressLimit } from './rate-limit.server.ts'

export type CodePurpose = 'register' | 'reset' | 'change'

export const CODE_TTL_MS = 5 * 60_000
export const CODE_MAX_TRIES = 5
export const CODE_INTERVAL_MS = 60_000

function codeHash(phone: string, purpose: CodePurpose, code: string): Buffer {
	const key = createHmac('sha256', getEnv().SESSION_SECRET).update('yiyang phone code v1').digest()
	return createHmac('sha256', key).update(`${purpose}|${phone}|${code}`).digest()
}

/**
 * Issues a code for `phone` and queues its SMS in the same transaction. `deliver: false` (a reset
 * for a number with no account) answers the same without sending anything, so the page does not
 * tell who is registered. `now` places the request in the per-address window (the clock's hour).
 */
export async function requestPhoneCode(input: { phone: string; purpose: CodePurpose; ip: string | null; deliver?: boolean }, now = Date.now()): Promise<Outcome<{ sent: true }>> {
	const env = getEnv()
	if (input.ip) {
		const allowed = await withinAddressLimit('phone-code-ip', input.ip, env.PHONE_CODE_PER_IP_PER_HOUR, 3_600_000, undefined, now).catch(() => true)
		if (!allowed) return fail('errors.code.addressLimit', 429)
	}
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
	const issued = await transaction(async (tx) => {
		// One request at a time per number, so two at once cannot both pass the check of one code a
		// minute per number (whatever the purpose).
		await sql`SELECT pg_advisory_xact_lock(hashtext(${`phone-code|${input.phone}`}))`.run(tx)
		const recent = await sql`SELECT 1 AS x FROM phone_code WHERE phone = ${input.phone} AND "createdAt" > now() - make_interval(secs => ${CODE_INTERVAL_MS / 1000})`.first(tx)
		if (recent) return null
		// A new code replaces any earlier one.
		await sql`UPDATE phone_code SET "expiresAt" = LEAST("expiresAt", now()) WHERE phone = ${input.phone} AND purpose = ${input.purpose} AND "usedAt" IS NULL`.run(tx)
		const row = await sql`INSERT INTO phone_code (phone, purpose, "codeHash", "expiresAt")
			VALUES (${input.phone}, ${input.purpose}, ${codeHash(input.phone, input.purpose, code)}, now() + make_interval(secs => ${CODE_TTL_MS / 1000}))
			RETURNING id`.first<{ id: string }>(tx)
		if (input.deliver === false) return { outboxId: null }
		const message = await sql`INSERT INTO outbox ("toPhone", template, params, "dedupeKey")
			VALUES (${input.phone}, 'auth.code', ${JSON.stringify({ code })}::jsonb, ${`auth.code:${row!.id}`})
			RETURNING id::text AS id`.first<{ id: string }>(tx)
		return { outboxId: message!.id }
	})
	if (!issued) return fieldFail('phone', 'errors.code.wait', 429)
	// Sent at once; if Redis is down the worker's sweep finds the row within seconds.
	if (issued.outboxId) await enqueueSms(issued.outboxId, new Date()).catch(() => {})
	return ok({ sent: true })
}

/**
 * Checks the latest code of `phone` for `purpose` and uses it up when right. A wrong code counts a
 * try (committed, even though the answer is a refusal); the fifth wrong try ends the code.
 */
export async function verifyPhoneCode(input: { phone: string; purpose: CodePurpose; code: string }): Promise<Outcome> {
	return transaction(async (tx) => {
		const row = await sql`SELECT id, "codeHash", attempts, "expiresAt" <= now() AS expired FROM phone_code
			WHERE phone = ${input.phone} AND purpose = ${input.purpose} AND "usedAt" IS NULL
			ORDER BY "createdAt" DESC LIMIT 1 FOR UPDATE`.first<{ id: string; codeHash: Buffer; attempts: number; expired: boolean }>(tx)
		if (!row) return fieldFail('code', 'errors.code.none', 400)
		if (row.attempts >= CODE_MAX_TRIES) return fieldFail('code', 'errors.code.tooManyTries', 429)
		if (row.expired) return fieldFail('code', 'errors.code.expired', 400)
		const given = codeHash(input.phone, input.purpose, input.code)
		if (given.length === row.codeHash.length && timingSafeEqual(given, row.codeHash)) {
			await sql`UPDATE phone_code SET "usedAt" = now() WHERE id = ${row.id}::uuid`.run(tx)
			return ok()
		}
		const tries = row.attempts + 1
		await sql`UPDATE phone_code SET attempts = ${tries} WHERE id = ${row.id}::uuid AND attempts < ${CODE_MAX_TRIES}`.run(tx)
		return tries >= CODE_MAX_TRIES ? fieldFail('code', 'errors.code.tooManyTries', 429) : fieldFail('code', 'errors.code.wrong', 400)
	})
}

/** Codes are worth nothing after five minutes; the sweep keeps a day of them (the minute check needs one). */
export async function deleteOldPhoneCodes() {
	return sql`DELETE FROM phone_code WHERE "createdAt" < now() - interval '1 day'`.run()
}
