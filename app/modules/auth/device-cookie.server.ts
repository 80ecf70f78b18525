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
// One cookie per browser: signing in to another account replaces it (a shared computer keeps only
// the last account's; the others sign in as an unknown browser would, which is today's behaviour).

const DEVICE_COOKIE_MAX_AGE_S = 60 * 60 * 24 * 180

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

/** The request's device cookie, if it carries one this server signed and well formed; never throws. */
export async function readDeviceCookie(request: Request): Promise<DeviceClaim | null> {
	try {
		const value: unknown = await deviceCookie.parse(request.headers.get('Cookie'))
		if (!value || typeof value !== 'object') return null
		const { u, n, p } = value as Record<string, unknown>
		if (!isUuid(u) || typeof n !== 'string' || !NONCE.test(n) || typeof p !== 'string' || !FINGERPRINT.test(p)) return null
		return { userId: u, nonce: n, fingerprint: p }
	} catch {
		// A header the cookie parser cannot read is a browser without a device cookie.
		return null
	}
}

/** Whether the claim was issued to this account under its current password. */
export function deviceClaimFits(claim: DeviceClaim, user: { id: string; passwordHash: string }): boolean {
	if (claim.userId !== user.id) return false
	const expected = Buffer.from(fingerprintOf(user))
	const given = Buffer.from(claim.fingerprint)
	return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A Set-Cookie header with a new device cookie for the account (after a successful sign-in). */
export async function issueDeviceCookie(userId: string): Promise<string> {
	const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, passwordHash: true } })
	return deviceCookie.serialize({ u: user.id, n: randomText(16, 'base64url'), p: fingerprintOf(user) })
}
