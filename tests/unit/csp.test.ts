import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, cspWithNonce, NONCE_PLACEHOLDER, newNonce } from '~/lib/csp.server.ts'

describe('content security policy', () => {
	it('is same-origin only without card payments', () => {
		const csp = contentSecurityPolicy({ NODE_ENV: 'production', COOKIE_SECURE: 'true', STRIPE_PUBLISHABLE_KEY: undefined })
		// Inline scripts only with the request's nonce: no 'unsafe-inline'.
		expect(csp['script-src']).toEqual(["'self'", `'nonce-${NONCE_PLACEHOLDER}'`])
		expect(csp['frame-src']).toEqual(["'none'"])
		expect(csp['connect-src']).toEqual(["'self'"])
		expect(csp['upgrade-insecure-requests']).toEqual([])
	})

	it('lets Stripe.js, its iframes and its API in when a publishable key is configured', () => {
		const csp = contentSecurityPolicy({ NODE_ENV: 'production', COOKIE_SECURE: 'false', STRIPE_PUBLISHABLE_KEY: 'pk_live_x' })
		expect(csp['script-src']).toContain('https://js.stripe.com')
		expect(csp['frame-src']).toEqual(['https://js.stripe.com', 'https://hooks.stripe.com'])
		expect(csp['connect-src']).toEqual(["'self'", 'https://api.stripe.com'])
		expect(csp['upgrade-insecure-requests']).toBeNull()
	})

	it('puts a fresh nonce into each response’s policy', () => {
		const a = newNonce()
		const b = newNonce()
		expect(a).not.toBe(b)
		expect(Buffer.from(a, 'base64')).toHaveLength(16)
		expect(cspWithNonce(`script-src 'self' 'nonce-${NONCE_PLACEHOLDER}'`, a)).toBe(`script-src 'self' 'nonce-${a}'`)
	})
})
