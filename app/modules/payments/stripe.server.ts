import Stripe from 'stripe'
import { getEnv } from '~/lib/env.server.ts'
import { singleton } from '~/lib/singleton.server.ts'

/** The Stripe client; STRIPE_API_BASE points it at stripe-mock locally and in tests. */
export const stripe = singleton('stripe', () => {
	const env = getEnv()
	const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null
	return new Stripe(env.STRIPE_SECRET_KEY, {
		maxNetworkRetries: 2,
		timeout: 10_000,
		...(base
			? { host: base.hostname, port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)), protocol: base.protocol.replace(':', '') as 'http' | 'https' }
			: {}),
	})
})
