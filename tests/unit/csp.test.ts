import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from '~/lib/csp.server.ts'

describe('content security policy', () => {
	it('is same-origin only without card payments', () => {
		const csp = contentSecurityPolicy({ NODE_ENV: 'production', COOKIE_SECURE: 'true', STRIPE_PUBLISHABLE_KEY: undefined })
		expect(csp['script-src']).toEqual(["'self'", "'unsafe-inline'"])
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
})
