import { isSecureCookies, type Env } from './env.server.ts'

// Stripe's published CSP for Stripe.js and the Payment Element: the script from js.stripe.com, its
// iframes from js.stripe.com and hooks.stripe.com (3-D Secure), its calls to api.stripe.com.
const STRIPE_JS = {
	'script-src': ['https://js.stripe.com'],
	'frame-src': ['https://js.stripe.com', 'https://hooks.stripe.com'],
	'connect-src': ['https://api.stripe.com'],
}

/** Helmet's CSP directives: same-origin only, plus Stripe.js when card payments are configured. */
export function contentSecurityPolicy(env: Pick<Env, 'NODE_ENV' | 'COOKIE_SECURE' | 'STRIPE_PUBLISHABLE_KEY'>) {
	const stripe = Boolean(env.STRIPE_PUBLISHABLE_KEY)
	return {
		// Remix inlines its hydration scripts; everything else is same-origin.
		'script-src': ["'self'", "'unsafe-inline'", ...(stripe ? STRIPE_JS['script-src'] : [])],
		'frame-src': stripe ? STRIPE_JS['frame-src'] : ["'none'"],
		'connect-src': ["'self'", ...(env.NODE_ENV === 'development' ? ['ws:'] : []), ...(stripe ? STRIPE_JS['connect-src'] : [])],
		// Served over HTTPS exactly when cookies are Secure.
		'upgrade-insecure-requests': isSecureCookies(env) ? [] : null,
	}
}
