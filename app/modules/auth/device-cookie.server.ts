import { createCookie } from '@remix-run/node'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { prisma } from '~/lib/db.server.ts'
import { getEnv, isSecureCookies } from '~/lib/env.server.ts'
import { isUuid } from '~/lib/query.ts'
import { randomText } from '~/lib/random.server.ts'
import { singleton } from '~/lib/singleton.server.ts'

// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"). A browser that
// signed in to an account gets a cookie naming the account (its user id) and a random nonce; its
// later sign-ins to that account are counted on the nonce's own key instead of the phone-wide and
// (phone, address) keys (app/modules/auth/login-limit.server.ts), so guesses spread over many
// addresses, which slow every other browser, do not slow the owner's. A nonce that fails
// LOGIN_MAX_FAILURES times is no longer trusted for LOGIN_LOCKOUT_SECONDS and signs in as any
// other browser would.
//
// Issued when a sign-in is complete: after the password for accounts without a second factor, after
// the second factor for officers. A password alone (phished, leaked: what the second factor is there
// for) must not also make the thief's browser a known one whose guesses skip the phone-wide count;
// nothing is lost by waiting, as the cookie is only read at the password step of later sign-ins.
//
// Signed as the session and CSRF cookies are (Remix's cookie signature, HMAC-SHA256 under
// SESSION_SECRET), so it cannot be forged or moved to another account. HttpOnly, SameSite=Lax,
// Secure when the other cookies are.
//
// Invalidation: the cookie also carries a keyed fingerprint of the account's password hash, and is
// trusted only while it matches. Every way a password ends (a change through a reset code, a staff
// sign-in reset, which replaces the hash with the invitation marker, a new password set through an
// invitation) changes the hash, so each invalidates every device cookie of the account at once, with
// no column, migration or Redis state to keep and no write to forget in a future path that changes
// a password. Signing out does not end it (it marks the browser, not a session). The fingerprint is
// an HMAC under a key derived from SESSION_SECRET, so the cookie reveals nothing of the hash.
//
// 180 days: the people signing in include families who visit a few times a season, and a device
// cookie only helps if it outlives the gap between two visits (sessions last 14 days); each sign-in
// issues a fresh one, so a browser in use stays known, while a forgotten one stops being trusted
// within half a year.
//
// One cookie per browser, holding the claims of the last DEVICE_ACCOUNTS accounts that signed in on
// it, newest first: a computer a family shares (or a community office's desk) stays known to each of
// them. Signing in to an account replaces that account's claim and puts it first.

const DEVICE_COOKIE_MAX_AGE_S = 60 * 60 * 24 * 180

/** How many accounts' claims one browser keeps (about 110 bytes each in the cookie). */
export const DEVICE_ACCOUNTS = 5

const deviceCookie = singleton('device-cookie', () => {
	const env = getEnv()
	return createCookie('yy_device', { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureCookies(env), secrets: [env.SESSION_SECRET], maxAge: DEVICE_COOKIE_MAX_AGE_S })
})

const fingerprintKey = singleton('device-cookie-key', () => createHmac('sha256', getEnv().SESSION_SECRET).update('yiyang device cookie v1').digest())

/** What a browser's device cookie says: the account, the device's nonce and the password fingerprint. */
export type DeviceClaim = { userId: string; nonce: string; fingerprint: string }

const NONCE = /^[A-Za-z0-9_-]{22}$/
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/

function fingerprintOf(user: { id: string; passwordHash: string }) {
	return createHmac('sha256', fingerprintKey).update(`${user.id}|${user.passwordHash}`).digest('base64url')
}

function claimOf(value: unknown): DeviceClaim | null {
	if (!value || typeof value !== 'object') return null
	const { u, n, p } = value as Record<string, unknown>
	if (!isUuid(u) || typeof n !== 'string' || !NONCE.test(n) || typeof p !== 'string' || !FINGERPRINT.test(p)) return null
	return { userId: u, nonce: n, fingerprint: p }
}

/**
 * The claims of the request's device cookie, newest first, if it carries one this server signed;
 * malformed entries are left out; never throws. (A cookie of one claim, as first issued, reads as a list of one.)
 */
export async function readDeviceCookies(request: Request): Promise<DeviceClaim[]> {
	try {
		const value: unknown = await deviceCookie.parse(request.headers.get('Cookie'))
		const entries = Array.isArray(value) ? value.slice(0, DEVICE_ACCOUNTS) : [value]
		return entries.map(claimOf).filter((c): c is DeviceClaim => c !== null)
	} catch {
		// A header the cookie parser cannot read is a browser without a device cookie.
		return []
	}
}

/** Whether the claim was issued to this account under its current password. */
export function deviceClaimFits(claim: DeviceClaim, user: { id: string; passwordHash: string }): boolean {
	if (claim.userId !== user.id) return false
	const expected = Buffer.from(fingerprintOf(user))
	const given = Buffer.from(claim.fingerprint)
	return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A Set-Cookie header with a fresh claim for the account first, keeping the browser's claims of other accounts (after a successful sign-in). */
export async function issueDeviceCookie(userId: string, request: Request): Promise<string> {
	const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, passwordHash: true } })
	const others = (await readDeviceCookies(request)).filter((c) => c.userId !== user.id)
	const claims = [{ userId: user.id, nonce: randomText(16, 'base64url'), fingerprint: fingerprintOf(user) }, ...others].slice(0, DEVICE_ACCOUNTS)
	return deviceCookie.serialize(claims.map((c) => ({ u: c.userId, n: c.nonce, p: c.fingerprint })))
}
