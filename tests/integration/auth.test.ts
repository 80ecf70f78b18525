import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { verifyPassword } from '~/modules/auth/password.server.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient, startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

/** Registration confirms the phone by SMS: asks for a code and reads it from the outbox (no worker sends it here). */
async function codeFor(client: HttpClient, phone: string) {
	expect((await client.post('/register', { intent: 'sendCode', formId: 'register-sms', phone })).status).toBe(200)
	const message = await prisma.outbox.findFirstOrThrow({ where: { toPhone: phone, template: 'auth.code' }, orderBy: { id: 'desc' }, select: { params: true } })
	return (message.params as { code: string }).code
}

let phoneCounter = 0
function uniquePhone() {
	return `139${String(process.pid % 10000).padStart(4, '0')}${String(++phoneCounter).padStart(4, '0')}`
}

describe('family registration and sign-in over HTTP', () => {
	it('registers a family member with an argon2id hash and signs them in', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/register')
		const phone = uniquePhone()
		const res = await client.post('/register', { name: '王芳', phone, code: await codeFor(client, phone), password: 'Abcdef12', confirmPassword: 'Abcdef12', agreePrivacy: 'on' })
		expect(res.status).toBe(302)
		expect(res.headers.get('location')).toBe('/elders')
		const cookie = res.headers.get('set-cookie') ?? ''
		expect(cookie).toMatch(/yy_session=.*HttpOnly/i)
		expect(cookie).toMatch(/SameSite=Lax/i)
		const user = await prisma.user.findUniqueOrThrow({ where: { phone }, select: { role: true, passwordHash: true } })
		expect(user.role).toBe('family')
		expect(user.passwordHash).toMatch(/^\$argon2id\$/)
		expect(await verifyPassword(user.passwordHash, 'Abcdef12')).toBe(true)
		const page = await client.get('/elders')
		expect(page.status).toBe(200)
	})

	it('refuses bad input field by field with 4xx and writes nothing', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/register')
		const before = await prisma.user.count()
		const weak = await client.post('/register', { name: '', phone: '12345', password: 'short', confirmPassword: 'other' })
		expect(weak.status).toBe(400)
		const body = await weak.text()
		expect(body).toContain('errors.phone.invalid')
		expect(body).toContain('errors.password.tooShort')
		expect(body).toContain('errors.required')
		const letters = await client.post('/register', { name: '王', phone: uniquePhone(), password: 'abcdefghij', confirmPassword: 'abcdefghij' })
		expect(letters.status).toBe(400)
		expect(await letters.text()).toContain('errors.password.weak')
		expect(await prisma.user.count()).toBe(before)
	})

	it('refuses a phone that is already registered', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/register')
		const res = await client.post('/register', { name: '张伟', phone: '13800000001', code: await codeFor(client, '13800000001'), password: 'Abcdef12', confirmPassword: 'Abcdef12', agreePrivacy: 'on' })
		expect(res.status).toBe(409)
		expect(await res.text()).toContain('errors.phone.taken')
	})

	it('rejects a form without the CSRF token', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/register')
		const res = await client.post('/register', { name: '王', phone: uniquePhone(), password: 'Abcdef12', confirmPassword: 'Abcdef12', agreePrivacy: 'on' }, { csrf: false })
		expect(res.status).toBe(403)
	})

	it('rejects a CSRF cookie the server did not sign, even when the form carries the same token', async () => {
		// What a page on another subdomain could plant: a cookie of its own choosing and a form to match.
		const forged = 'forged-token-of-an-attacker'
		const post = (cookie: string) =>
			fetch(`${app.baseUrl}/register`, {
				method: 'POST',
				redirect: 'manual',
				body: new URLSearchParams({ csrf: forged, name: '王', phone: uniquePhone(), password: 'Abcdef12', confirmPassword: 'Abcdef12', agreePrivacy: 'on' }),
				headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
			})
		expect((await post(`yy_csrf=${encodeURIComponent(btoa(JSON.stringify(forged)))}`)).status).toBe(403)
		// The same token in a cookie signed with the server's secret passes the check (the form is then judged on its fields).
		const { createCookie } = await import('@remix-run/node')
		const { getEnv } = await import('~/lib/env.server.ts')
		const signed = (await createCookie('yy_csrf', { secrets: [getEnv().SESSION_SECRET] }).serialize(forged)).split(';')[0]!
		const passed = await post(signed)
		expect(passed.status, await passed.clone().text()).not.toBe(403)
	})

	it('gives each new visitor a token of 32 random bytes (base64url), kept while its cookie is', async () => {
		const { csrf } = await import('~/modules/auth/csrf.server.ts')
		const tokens = await Promise.all(Array.from({ length: 50 }, () => csrf.commitToken(new Headers())))
		expect(new Set(tokens.map(([t]) => t)).size).toBe(50)
		for (const [token, cookie] of tokens) {
			expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
			expect(Buffer.from(token, 'base64url')).toHaveLength(32)
			expect(cookie).toContain('yy_csrf=')
		}
		const [again, noCookie] = await csrf.commitToken(new Headers({ cookie: tokens[0]![1]!.split(';')[0]! }))
		expect([again, noCookie]).toEqual([tokens[0]![0], null])
	})

	it('locks a phone out after repeated failed sign-ins, even with the right password', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/register')
		const phone = uniquePhone()
		expect((await client.post('/register', { name: '赵磊', phone, code: await codeFor(client, phone), password: 'Abcdef12', confirmPassword: 'Abcdef12', agreePrivacy: 'on' })).status).toBe(302)
		const other = new HttpClient(app.baseUrl)
		await other.page('/login')
		for (let i = 0; i < 4; i++) expect((await other.post('/login', { phone, password: 'Wrong1234' })).status).toBe(401)
		expect((await other.post('/login', { phone, password: 'Wrong1234' })).status).toBe(429)
		const locked = await other.post('/login', { phone, password: 'Abcdef12' })
		expect(locked.status).toBe(429)
		expect(await locked.text()).toContain('errors.login.locked')
	})

	it('gives a browser that signs in a device cookie (signed, HttpOnly, SameSite=Lax, 180 days) beside its session, and takes any value of it without a 5xx', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', { phone: '13800000002', password: DEMO_PASSWORD })
		expect(res.status).toBe(302)
		const cookies = res.headers.getSetCookie()
		expect(cookies.find((c) => c.startsWith('yy_session='))).toMatch(/HttpOnly/i)
		const device = cookies.find((c) => c.startsWith('yy_device='))!
		expect(device).toMatch(/^yy_device=[^;]+\.[^;]+; Max-Age=15552000; Path=\/; HttpOnly; SameSite=Lax$/)
		expect(device).not.toContain('13800000002')
		// Garbage in its place is a browser without one.
		for (const garbage of ['x', '%ZZ', '"', 'a.b', `${device.split(';')[0]!.slice('yy_device='.length)}x`]) {
			const other = new HttpClient(app.baseUrl)
			await other.page('/login')
			const login = await fetch(`${app.baseUrl}/login`, {
				method: 'POST',
				redirect: 'manual',
				body: new URLSearchParams({ phone: '13800000002', password: DEMO_PASSWORD, csrf: other.csrfToken! }),
				headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${other.cookieHeader()}; yy_device=${garbage}` },
			})
			expect(login.status, garbage).toBe(302)
		}
	})

	it('stops honouring a session once it has expired or its account is deactivated', async () => {
		const register = async () => {
			const client = new HttpClient(app.baseUrl)
			await client.page('/register')
			const phone = uniquePhone()
			expect((await client.post('/register', { name: '李强', phone, code: await codeFor(client, phone), password: 'Abcdef12', confirmPassword: 'Abcdef12', agreePrivacy: 'on' })).status).toBe(302)
			expect((await client.get('/elders')).status).toBe(200)
			return { client, user: await prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true } }) }
		}
		const expired = await register()
		// A minute ago in UTC, as Prisma stores it: the lookup compares in UTC whatever the server's zone.
		await prisma.session.updateMany({ where: { userId: expired.user.id }, data: { expiresAt: new Date(Date.now() - 60_000) } })
		const afterExpiry = await expired.client.get('/elders')
		expect(afterExpiry.status).toBe(302)
		expect(afterExpiry.headers.get('location')).toMatch(/^\/login/)

		const deactivated = await register()
		await prisma.user.update({ where: { id: deactivated.user.id }, data: { active: false } })
		const afterDeactivation = await deactivated.client.get('/elders')
		expect(afterDeactivation.status).toBe(302)
		expect(afterDeactivation.headers.get('location')).toMatch(/^\/login/)
	})

	it('signs out, ending the session in the database', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.login('13800000041', DEMO_PASSWORD)
		expect((await client.get('/bureau/audit')).status).toBe(200)
		const out = await client.post('/logout', {})
		expect(out.status).toBe(302)
		const after = await client.get('/bureau/audit')
		expect(after.status).toBe(302)
		expect(after.headers.get('location')).toMatch(/^\/login/)
	})
})

describe('role and scope', () => {
	it('keeps families out of bureau pages and bureau officers out of other districts', async () => {
		const family = new HttpClient(app.baseUrl)
		await family.login('13800000001', DEMO_PASSWORD)
		expect((await family.get('/bureau/audit')).status).toBe(403)
		expect((await family.get('/bureau/staff')).status).toBe(403)

		const dongbao = new HttpClient(app.baseUrl)
		await dongbao.login('13800000031', DEMO_PASSWORD)
		const zhongxiangElder = await prisma.elder.findFirstOrThrow({ where: { districtId: 'zhongxiang' }, select: { id: true } })
		expect((await dongbao.get(`/elders/${zhongxiangElder.id}`)).status).toBe(404)
		const dongbaoElder = await prisma.elder.findFirstOrThrow({ where: { districtId: 'dongbao' }, select: { id: true } })
		expect((await dongbao.get(`/elders/${dongbaoElder.id}`)).status).toBe(200)
	})

	it('lets a district officer create provider staff only within the district', async () => {
		const officer = new HttpClient(app.baseUrl)
		await officer.login('13800000031', DEMO_PASSWORD)
		await officer.page('/bureau/staff')
		const foreignProvider = await prisma.provider.findFirstOrThrow({ where: { districtId: { not: 'dongbao' } }, select: { id: true } })
		const phone = uniquePhone()
		const res = await officer.post('/bureau/staff', { name: '钱进', phone, role: 'provider_staff', providerId: foreignProvider.id })
		expect(res.status).toBe(403)
		const cityRole = await officer.post('/bureau/staff', { name: '钱进', phone, role: 'bureau_city' })
		expect(cityRole.status).toBe(403)
		expect(await prisma.user.count({ where: { phone } })).toBe(0)
		const ownProvider = await prisma.provider.findFirstOrThrow({ where: { districtId: 'dongbao' }, select: { id: true } })
		const ok = await officer.post('/bureau/staff', { name: '钱进', phone, role: 'provider_staff', providerId: ownProvider.id })
		expect(ok.status).toBe(200)
		const created = await prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true, role: true, providerId: true } })
		expect(created).toMatchObject({ role: 'provider_staff', providerId: ownProvider.id })
		const entry = await prisma.auditLog.findFirst({ where: { action: 'account.invite_staff', entityId: created.id } })
		expect(entry).not.toBeNull()
	})
})
