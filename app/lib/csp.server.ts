import { isSecureCookies, type Env } from './env.server.ts'
import { randomText } from './random.server.ts'

// Stripe's published CSP for Stripe.js and the Payment Element: the script from js.stripe.com, its
// iframes from js.stripe.com and hooks.stripe.com (3-D Secure), its calls to api.stripe.com.
const STRIPE_JS = {
	'script-src': ['https://js.stripe.com'],
	'frame-src': ['https://js.stripe.com', 'https://hooks.stripe.com'],
	'connect-src': ['https://api.stripe.com'],
}

/** Stands for the request's nonce in the policy built once at start (see `cspWithNonce`). */
export const NONCE_PLACEHOLDER = '__CSP_NONCE__'

/** Helmet's CSP directives: same-origin only, plus Stripe.js when card payments are configured. */
export function contentSecurityPolicy(env: Pick<Env, 'NODE_ENV' | 'COOKIE_SECURE' | 'STRIPE_PUBLISHABLE_KEY'>) {
	const stripe = Boolean(env.STRIPE_PUBLISHABLE_KEY)
	return {
		// Remix inlines its hydration scripts: each carries this request's nonce (never 'unsafe-inline').
		'script-src': ["'self'", `'nonce-${NONCE_PLACEHOLDER}'`, ...(stripe ? STRIPE_JS['script-src'] : [])],
		'frame-src': stripe ? STRIPE_JS['frame-src'] : ["'none'"],
		'connect-src': ["'self'", ...(env.NODE_ENV === 'development' ? ['ws:'] : []), ...(stripe ? STRIPE_JS['connect-src'] : [])],
		// Served over HTTPS exactly when cookies are Secure.
		'upgrade-insecure-requests': isSecureCookies(env) ? [] : null,
	}
}

/** A fresh nonce for one response: 128 random bits. */
export function newNonce() {
	return randomText(16, 'base64')
}

/** The policy for one response: the header built once, with this request's nonce put in. */
export function cspWithNonce(policy: string, nonce: string) {
	return policy.replaceAll(NONCE_PLACEHOLDER, nonce)
}
