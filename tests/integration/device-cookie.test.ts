// Device cookies against distributed password guessing (OWASP "Slow Down Online Guessing Attacks with
// Device Cookies"; app/modules/auth/device-cookie.server.ts). The sign-in action is called directly
// (tests/setup/route.ts), against the file's own database and the run's Redis; the client address is
// the header the server sets from the socket.
import { generateTOTP } from '@epic-web/totp'
import { createCookie } from '@remix-run/node'
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { getEnv, isSecureCookies } from '~/lib/env.server.ts'
import { redis } from '~/lib/redis.server.ts'
import { reinviteStaff } from '~/modules/accounts/accounts.server.ts'
import { acceptInvitation } from '~/modules/accounts/invitations.server.ts'
import { requestResetCode, resetPasswordWithCode } from '~/modules/accounts/password-reset.server.ts'
import { DEVICE_ACCOUNTS, deviceClaimFits, readDeviceCookies } from '~/modules/auth/device-cookie.server.ts'
import { ACCOUNT_DELAY_CAP_S } from '~/modules/auth/login-limit.server.ts'
import * as loginPage from '~/routes/login.tsx'
import * as twoFactorPage from '~/routes/login_.two-factor.tsx'
import { makeUser, sessionUser, TEST_PASSWORD } from '../factories/accounts.ts'
import { currentTotpOf } from '../setup/http.ts'
import { anonymous, callAction, callLoader, type RouteResult } from '../setup/route.ts'

const { LOGIN_MAX_FAILURES } = getEnv()

let addressSeq = 0
/** A client address no other test of this file uses. */
const newAddress = () => `198.18.${Math.floor(++addressSeq / 250)}.${(addressSeq % 250) + 1}`

/** A sign-in through the form, from `ip`, in a browser holding `cookies` (e.g. its device cookie). */
async function signInFrom(ip: string, phone: string, password: string, cookies = '') {
	const visitor = await anonymous()
	const as = { ...visitor, cookie: [visitor.cookie, cookies].filter(Boolean).join('; ') }
	return callAction(loginPage, '/login', { phone, password, redirectTo: '/' }, { as, headers: { 'x-yiyang-client-ip': ip } })
}

/** The `name=value` of the device cookie a response set, or null. */
function deviceCookieOf(res: { headers: Headers }) {
	const header = res.headers.getSetCookie().find((c) => c.startsWith('yy_device='))
	return header ? header.split(';')[0]! : null
}

/** A new family account and the device cookie of the browser it signed in with. */
async function ownerWithDevice() {
	const owner = await makeUser({ role: 'family' })
	const res = await signInFrom(newAddress(), owner.phone, TEST_PASSWORD)
	expect(res.status).toBe(302)
	const cookie = deviceCookieOf(res)
	expect(cookie).not.toBeNull()
	return { owner, cookie: cookie! }
}

/** Wrong guesses from many addresses until the phone-wide key makes a guess wait. */
async function slowDownFromManyAddresses(phone: string) {
	for (let i = 0; i < LOGIN_MAX_FAILURES * 4 + 10; i++) {
		const guess = await signInFrom(newAddress(), phone, `Wrong-guess-${i}`)
		if (guess.status === 429) return
		expect(guess.status).toBe(401)
	}
	throw new Error('the guesses were never slowed')
}

/** The phone-wide key as it stands once guesses have doubled its delay to the cap (a minute). */
async function holdPhoneAtCap(phone: string) {
	await redis.hset(`${getEnv().QUEUE_PREFIX}:login:account:${phone}`, 'until', Date.now() + ACCOUNT_DELAY_CAP_S * 1000)
}

/** Wrong guesses from one address (no device cookie) until its (phone, address) key makes it wait 30 s. */
async function slowDownAddress(phone: string, ip: string) {
	for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await signInFrom(ip, phone, `Wrong-guess-${i}`)
	expect((await signInFrom(ip, phone, TEST_PASSWORD)).status).toBe(429)
}

/** The newest claim of a browser's device cookie. */
const newestClaim = async (cookie: string) => (await readDeviceCookies(new Request('http://x/', { headers: { cookie } })))[0] ?? null

const text = (res: RouteResult) => (typeof res.data === 'string' ? res.data : JSON.stringify(res.data))

describe('device cookie', () => {
	it('is issued at a password sign-in: signed, HttpOnly, SameSite=Lax, 180 days, naming the account by id, never by phone', async () => {
		const owner = await makeUser({ role: 'family' })
		const res = await signInFrom(newAddress(), owner.phone, TEST_PASSWORD)
		expect(res.status).toBe(302)
		const header = res.headers.getSetCookie().find((c) => c.startsWith('yy_device='))!
		expect(header).toMatch(/; HttpOnly/)
		expect(header).toMatch(/; SameSite=Lax/)
		expect(header).toMatch(/; Path=\//)
		expect(header).toMatch(/; Max-Age=15552000/)
		expect(/; Secure/.test(header)).toBe(isSecureCookies())
		const claim = await newestClaim(header.split(';')[0]!)
		expect(claim?.userId).toBe(owner.id)
		expect(Buffer.from(decodeURIComponent(header.split('=')[1]!.split('.')[0]!), 'base64').toString()).not.toContain(owner.phone)
		// A failed sign-in gives none.
		expect(deviceCookieOf(await signInFrom(newAddress(), owner.phone, 'Wrong-guess-1'))).toBeNull()
	})

	it('lets the owner sign in at once on a known browser while guesses from many addresses slow the phone; without it the owner waits as before', async () => {
		const { owner, cookie } = await ownerWithDevice()
		await slowDownFromManyAddresses(owner.phone)
		// The phone-wide key now makes every browser without a device cookie wait: 5 s after the first
		// slowed guess, doubling up to a minute. The strangers are taken to that cap, so what follows
		// does not depend on how fast this machine answers the next requests.
		await holdPhoneAtCap(owner.phone)
		const unknownBrowser = await signInFrom(newAddress(), owner.phone, TEST_PASSWORD)
		expect(unknownBrowser.status).toBe(429)
		expect(text(unknownBrowser)).toContain('errors.login.locked')
		const knownBrowser = await signInFrom(newAddress(), owner.phone, TEST_PASSWORD, cookie)
		expect(knownBrowser.status).toBe(302)
		expect(knownBrowser.location).toBe('/')
		// The owner's sign-in did not clear the strangers' count: other browsers still wait.
		expect((await signInFrom(newAddress(), owner.phone, TEST_PASSWORD)).status).toBe(429)
	})

	it('ignores a forged, tampered or other account’s cookie: such a browser is counted like any other', async () => {
		const { owner, cookie } = await ownerWithDevice()
		const { cookie: othersCookie } = await ownerWithDevice()
		const ip = newAddress()
		await slowDownAddress(owner.phone, ip)
		const claim = (await newestClaim(cookie))!
		const value = cookie.slice('yy_device='.length)
		const [payload, signature] = decodeURIComponent(value).split('.')
		const body = JSON.parse(Buffer.from(payload!, 'base64').toString()) as Record<string, string>[]
		const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64')
		const candidates = {
			'signed with another secret': (await createCookie('yy_device', { secrets: ['not-the-server-secret-0123456789abcdef'] }).serialize(body)).split(';')[0]!,
			unsigned: `yy_device=${encodeURIComponent(encode(body))}`,
			'another nonce under the old signature': `yy_device=${encodeURIComponent(`${encode(body.map((c) => ({ ...c, n: 'A'.repeat(22) })))}.${signature}`)}`,
			'a flipped signature': `yy_device=${encodeURIComponent(`${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`)}`,
			'another account’s': othersCookie,
		}
		for (const [what, forged] of Object.entries(candidates)) {
			const res = await signInFrom(ip, owner.phone, TEST_PASSWORD, forged)
			expect(res.status, what).toBe(429)
		}
		// The other account's cookie is a real one: it fits its own account only.
		expect(deviceClaimFits((await newestClaim(othersCookie))!, { id: owner.id, passwordHash: '' })).toBe(false)
		expect(claim.userId).toBe(owner.id)
		// The real cookie from the same slowed address is trusted.
		expect((await signInFrom(ip, owner.phone, TEST_PASSWORD, cookie)).status).toBe(302)
	})

	it('stops trusting a device cookie after LOGIN_MAX_FAILURES failures: it is then counted like any other browser', async () => {
		const { owner, cookie } = await ownerWithDevice()
		const secondBrowser = deviceCookieOf(await signInFrom(newAddress(), owner.phone, TEST_PASSWORD))!
		const ip = newAddress()
		// Guesses on a device are never made to wait, only counted.
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
			const res = await signInFrom(ip, owner.phone, `Wrong-guess-${i}`, cookie)
			expect(res.status).toBe(401)
			expect(text(res)).toContain('errors.login.invalid')
		}
		// Locked out: the next attempts count on the (phone, address) key, which soon makes them wait.
		await slowDownAddress(owner.phone, ip)
		expect((await signInFrom(ip, owner.phone, TEST_PASSWORD, cookie)).status).toBe(429)
		// Another known browser of the owner at the same address is still trusted.
		expect((await signInFrom(ip, owner.phone, TEST_PASSWORD, secondBrowser)).status).toBe(302)
	})

	it('clears a device’s failures when it signs in', async () => {
		const { owner, cookie } = await ownerWithDevice()
		const ip = newAddress()
		for (let round = 0; round < 2; round++) {
			for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) expect((await signInFrom(ip, owner.phone, `Wrong-guess-${i}`, cookie)).status).toBe(401)
			expect((await signInFrom(ip, owner.phone, TEST_PASSWORD, cookie)).status).toBe(302)
		}
	})

	it('stops trusting the old cookies after a password reset by SMS code', async () => {
		const { owner, cookie } = await ownerWithDevice()
		expect((await requestResetCode({ phone: owner.phone, ip: null })).ok).toBe(true)
		const message = await prisma.outbox.findFirstOrThrow({ where: { toPhone: owner.phone, template: 'auth.code' }, orderBy: { id: 'desc' }, select: { params: true } })
		const reset = await resetPasswordWithCode({ phone: owner.phone, code: (message.params as { code: string }).code, password: 'New-password-2026', ip: null })
		expect(reset.ok).toBe(true)
		const ip = newAddress()
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await signInFrom(ip, owner.phone, `Wrong-guess-${i}`)
		expect((await signInFrom(ip, owner.phone, 'New-password-2026', cookie)).status).toBe(429)
		// A sign-in elsewhere with the new password gives a cookie that is trusted there.
		const fresh = deviceCookieOf(await signInFrom(newAddress(), owner.phone, 'New-password-2026'))!
		expect((await signInFrom(ip, owner.phone, 'New-password-2026', fresh)).status).toBe(302)
	})

	it('stops trusting the old cookies after a staff sign-in reset, also once a new password is set', async () => {
		const staff = await makeUser({ role: 'provider_staff' })
		const res = await signInFrom(newAddress(), staff.phone, TEST_PASSWORD)
		const cookie = deviceCookieOf(res)!
		const claim = (await newestClaim(cookie))!
		const hashOf = async () => prisma.user.findUniqueOrThrow({ where: { id: staff.id }, select: { id: true, passwordHash: true } })
		expect(deviceClaimFits(claim, await hashOf())).toBe(true)
		const reset = await reinviteStaff(await sessionUser('13800000051'), { userId: staff.id, reason: '忘记密码' }, null)
		if (!reset.ok) throw new Error(`reset refused: ${JSON.stringify(reset)}`)
		expect(deviceClaimFits(claim, await hashOf())).toBe(false)
		expect((await acceptInvitation(reset.value.invitePath.replace('/invite/', ''), 'New-password-2026', null)).ok).toBe(true)
		expect(deviceClaimFits(claim, await hashOf())).toBe(false)
		const ip = newAddress()
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await signInFrom(ip, staff.phone, `Wrong-guess-${i}`)
		expect((await signInFrom(ip, staff.phone, 'New-password-2026', cookie)).status).toBe(429)
	})

	it('is given to an officer only after the second factor', async () => {
		const officer = await makeUser({ role: 'bureau_city' })
		const code = await currentTotpOf(officer.phone)
		const password = await signInFrom(newAddress(), officer.phone, TEST_PASSWORD)
		expect(password.location).toMatch(/^\/login\/two-factor/)
		expect(deviceCookieOf(password)).toBeNull()
		const session = password.headers.getSetCookie().find((c) => c.startsWith('yy_session='))!.split(';')[0]!
		const visitor = await anonymous()
		const second = await callAction(twoFactorPage, password.location!, { code }, { as: { ...visitor, cookie: `${visitor.cookie}; ${session}` } })
		expect(second.status).toBe(302)
		const cookie = deviceCookieOf(second)
		expect(cookie).not.toBeNull()
		// And it makes the officer's password step a known browser's.
		const ip = newAddress()
		await slowDownAddress(officer.phone, ip)
		expect((await signInFrom(ip, officer.phone, TEST_PASSWORD, cookie!)).location).toMatch(/^\/login\/two-factor/)
	})

	it('is given to an officer who enrols an authenticator at the first sign-in, with the recovery codes', async () => {
		const officer = await makeUser({ role: 'bureau_city' })
		const password = await signInFrom(newAddress(), officer.phone, TEST_PASSWORD)
		expect(deviceCookieOf(password)).toBeNull()
		const session = password.headers.getSetCookie().find((c) => c.startsWith('yy_session='))!.split(';')[0]!
		const visitor = await anonymous()
		const as = { ...visitor, cookie: `${visitor.cookie}; ${session}` }
		const page = await callLoader<{ enrolment: { secret: string } }>(twoFactorPage, password.location!, { as })
		const code = (await generateTOTP({ algorithm: 'SHA-1', digits: 6, period: 30, secret: page.data.enrolment.secret })).otp
		const enrolled = await callAction(twoFactorPage, password.location!, { code }, { as })
		expect(enrolled.status).toBe(200)
		expect(deviceCookieOf(enrolled)).not.toBeNull()
	})

	it('keeps a shared browser known to each of its last accounts, the newest first, at most DEVICE_ACCOUNTS', async () => {
		const accounts = await Promise.all(Array.from({ length: DEVICE_ACCOUNTS + 1 }, () => makeUser({ role: 'family' })))
		let cookie = ''
		for (const a of accounts) {
			const res = await signInFrom(newAddress(), a.phone, TEST_PASSWORD, cookie)
			expect(res.status).toBe(302)
			cookie = deviceCookieOf(res)!
		}
		const claims = await readDeviceCookies(new Request('http://x/', { headers: { cookie } }))
		expect(claims.map((c) => c.userId)).toEqual(accounts.slice(1).reverse().map((a) => a.id))
		// The second account is still a known browser's, though others signed in after it: slowed strangers do not slow it.
		const second = accounts[1]!
		await slowDownFromManyAddresses(second.phone)
		await holdPhoneAtCap(second.phone)
		expect((await signInFrom(newAddress(), second.phone, TEST_PASSWORD)).status).toBe(429)
		const again = await signInFrom(newAddress(), second.phone, TEST_PASSWORD, cookie)
		expect(again.status).toBe(302)
		// Its claim is renewed and put first; the others stay.
		const renewed = await readDeviceCookies(new Request('http://x/', { headers: { cookie: deviceCookieOf(again)! } }))
		expect(renewed.map((c) => c.userId)).toEqual([second.id, ...claims.map((c) => c.userId).filter((id) => id !== second.id)])
		// The oldest account, pushed out, signs in as an unknown browser would.
		await slowDownFromManyAddresses(accounts[0]!.phone)
		await holdPhoneAtCap(accounts[0]!.phone)
		expect((await signInFrom(newAddress(), accounts[0]!.phone, TEST_PASSWORD, cookie)).status).toBe(429)
	})

	it('never answers 5xx to a garbage device cookie', async () => {
		const owner = await makeUser({ role: 'family' })
		const signed = createCookie('yy_device', { secrets: [getEnv().SESSION_SECRET] })
		const garbage = [
			'yy_device=',
			'yy_device=garbage',
			'yy_device=%ZZ%',
			'yy_device="unterminated',
			'yy_device=a.b.c.d',
			`yy_device=${'x'.repeat(4000)}`,
			'yy_device=eyJ1Ijo.',
			'yy_device=%00%01%02',
			'yy_device=\u00e9\u00ff',
			'yy_device=1; yy_device=2',
			...(await Promise.all([null, 42, 'text', [1, 2], [], [null, { u: 1 }], { u: 1, n: 2, p: 3 }, { u: owner.id, n: '!', p: '' }, { u: owner.id, n: 'A'.repeat(22), p: 'B'.repeat(43) }].map(async (v) => (await signed.serialize(v)).split(';')[0]!))),
		]
		for (const cookie of garbage) {
			expect(await readDeviceCookies(new Request('http://x/', { headers: { cookie } }))).toSatisfy((claims: { userId: string }[]) => claims.every((c) => c.userId === owner.id))
			const res = await signInFrom(newAddress(), owner.phone, TEST_PASSWORD, cookie)
			expect(res.status, cookie).toBe(302)
			expect((await callLoader(loginPage, '/login', { headers: { cookie } })).status, cookie).toBeLessThan(500)
		}
	})
})

// Last in the file: the connection it closes is this file's own.
describe('device cookie when Redis is unreachable', () => {
	it('works the same with the in-process counts', async () => {
		const { owner, cookie } = await ownerWithDevice()
		const { owner: other, cookie: othersCookie } = await ownerWithDevice()
		redis.disconnect()
		await slowDownFromManyAddresses(owner.phone)
		const unknownBrowser = await signInFrom(newAddress(), owner.phone, TEST_PASSWORD)
		expect(unknownBrowser.status).toBe(429)
		expect(text(unknownBrowser)).toContain('errors.login.locked')
		expect((await signInFrom(newAddress(), owner.phone, TEST_PASSWORD, cookie)).status).toBe(302)
		// A device that fails too often is counted like any other browser.
		const ip = newAddress()
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect((await signInFrom(ip, other.phone, `Wrong-guess-${i}`, othersCookie)).status).toBe(401)
		await slowDownAddress(other.phone, ip)
		expect((await signInFrom(ip, other.phone, TEST_PASSWORD, othersCookie)).status).toBe(429)
	})
})
