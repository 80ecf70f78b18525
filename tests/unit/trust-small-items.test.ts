import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { contentSecurityPolicy } from '~/lib/csp.server.ts'
import { isSecureCookies } from '~/lib/env.server.ts'
import { safeRedirect } from '~/modules/auth/schemas.ts'

// Issue 12 item 7, the smaller items.

describe('safeRedirect', () => {
	it('keeps paths on this site', () => {
		expect(safeRedirect('/elders')).toBe('/elders')
		expect(safeRedirect('/services?q=%E5%85%BB&page=2#x')).toBe('/services?q=%E5%85%BB&page=2#x')
	})

	it('refuses anything a browser reads as another origin', () => {
		for (const to of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '\\/evil.example', 'https://evil.example', 'javascript:alert(1)', '/%09/evil.example/..', ' /elders', '', null, 42]) {
			const out = safeRedirect(to)
			expect(out, JSON.stringify(to)).toBe(out === '/' ? '/' : out)
			expect(new URL(out, 'https://yiyang.example').origin, JSON.stringify(to)).toBe('https://yiyang.example')
			expect(out.startsWith('//')).toBe(false)
		}
		expect(safeRedirect('/\t/evil.example')).toBe('/')
		expect(safeRedirect('/\\\\evil.example')).toBe('/')
	})
})

describe('HSTS and upgrade-insecure-requests follow Secure cookies', () => {
	it('are on in production by default, where cookies are Secure', () => {
		const env = { NODE_ENV: 'production', COOKIE_SECURE: undefined, STRIPE_PUBLISHABLE_KEY: undefined } as const
		expect(isSecureCookies(env)).toBe(true)
		expect(contentSecurityPolicy(env)['upgrade-insecure-requests']).toEqual([])
		expect(readFileSync('server.ts', 'utf8')).toContain('strictTransportSecurity: isSecureCookies(env)')
	})

	it('are off when cookies are not Secure (plain-HTTP demo)', () => {
		const env = { NODE_ENV: 'production', COOKIE_SECURE: 'false', STRIPE_PUBLISHABLE_KEY: undefined } as const
		expect(isSecureCookies(env)).toBe(false)
		expect(contentSecurityPolicy(env)['upgrade-insecure-requests']).toBeNull()
	})
})
