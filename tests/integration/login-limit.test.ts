import express from 'express'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { clientIp, requestGuard, trustProxySetting } from '~/lib/http.server.ts'
import { authenticate } from '~/modules/accounts/accounts.server.ts'
import { ACCOUNT_DELAY_CAP_S } from '~/modules/auth/login-limit.server.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'

// Issue 12 item 4: sign-in limits that cannot be bypassed or turned against an officer.

const checks = vi.hoisted(() => ({ count: 0 }))
vi.mock('~/modules/auth/password.server.ts', async (importOriginal) => {
	const original = await importOriginal<typeof import('~/modules/auth/password.server.ts')>()
	return {
		...original,
		verifyPassword: async (hash: string, password: string) => {
			checks.count++
			return original.verifyPassword(hash, password)
		},
		verifyAgainstDummy: async (password: string) => {
			checks.count++
			return original.verifyAgainstDummy(password)
		},
	}
})

describe('sign-in limits', () => {
	it('counts an attempt before the password is checked: 20 concurrent guesses check at most 5 passwords', async () => {
		checks.count = 0
		const results = await Promise.all(Array.from({ length: 20 }, () => authenticate({ phone: '13800000032', password: 'Wrong-guess-1', ip: '198.51.100.7' })))
		expect(checks.count).toBeLessThanOrEqual(5)
		expect(results.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThanOrEqual(15)
		// The guessing address now waits, with the right password too.
		const right = await authenticate({ phone: '13800000032', password: DEMO_PASSWORD, ip: '198.51.100.7' })
		expect(right).toMatchObject({ ok: false, reason: 'locked' })
	})

	it('does not let a stranger lock an officer out: the guesses slow the guessing address only', async () => {
		for (let i = 0; i < 12; i++) await authenticate({ phone: '13800000031', password: `Wrong-guess-${i}`, ip: '203.0.113.9' })
		const stranger = await authenticate({ phone: '13800000031', password: DEMO_PASSWORD, ip: '203.0.113.9' })
		expect(stranger).toMatchObject({ ok: false, reason: 'locked' })
		const officer = await authenticate({ phone: '13800000031', password: DEMO_PASSWORD, ip: '192.0.2.44' })
		expect(officer.ok).toBe(true)
	})

	it('slows guesses spread over many addresses by at most a minute per attempt, never a long lock', async () => {
		const phone = '13800000042'
		for (let i = 0; i < 40; i++) await authenticate({ phone, password: `Wrong-guess-${i}`, ip: `198.18.${i}.1` })
		const owner = await authenticate({ phone, password: DEMO_PASSWORD, ip: '192.0.2.45' })
		if (!owner.ok) {
			expect(owner.reason).toBe('locked')
			if (owner.reason === 'locked') expect(owner.retryAfterSeconds).toBeLessThanOrEqual(ACCOUNT_DELAY_CAP_S)
		}
	})
})

describe('client address', () => {
	let close: () => Promise<void>
	async function serve(trust: string | undefined) {
		const app = express()
		app.set('trust proxy', trustProxySetting(trust))
		app.use(requestGuard())
		app.get('/ip', (req, res) => {
			const headers = new Headers()
			for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
			res.send(String(clientIp(new Request('http://x/', { headers }))))
		})
		const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
			const s = app.listen(0, '127.0.0.1', () => resolve(s))
		})
		close = () => new Promise((resolve) => server.close(() => resolve()))
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
	}
	afterAll(async () => {
		await close?.()
	})

	it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
		expect(trustProxySetting(undefined)).toBe(false)
		expect(trustProxySetting('false')).toBe(false)
		expect(trustProxySetting('1')).toBe(1)
		expect(trustProxySetting('loopback')).toBe('loopback')
		let base = await serve(undefined)
		expect(await (await fetch(`${base}/ip`, { headers: { 'x-forwarded-for': '1.2.3.4', 'x-yiyang-client-ip': '5.6.7.8' } })).text()).toBe('127.0.0.1')
		await close()
		base = await serve('loopback')
		expect(await (await fetch(`${base}/ip`, { headers: { 'x-forwarded-for': '1.2.3.4' } })).text()).toBe('1.2.3.4')
	})
})
