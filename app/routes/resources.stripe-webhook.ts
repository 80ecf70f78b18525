import type { ActionFunctionArgs } from '@remix-run/node'
import { processStripeEvent, verifyWebhook } from '~/modules/marketplace/payments.server.ts'

// Stripe's webhook: no session or CSRF (Stripe is not a browser); the signature over the raw body
// is the authentication. A bad signature is 400 and nothing is read further. An event the payment
// cannot belong to (another intent than the one stored, a method the booking did not offer) is
// refused with 4xx and changes nothing.
export async function action({ request }: ActionFunctionArgs) {
	if (request.method !== 'POST') return new Response('Method not allowed', { status: 405 })
	const raw = await request.text()
	const event = verifyWebhook(raw, request.headers.get('stripe-signature'))
	if (!event) return new Response('Invalid signature', { status: 400 })
	const outcome = await processStripeEvent(event)
	if (outcome.refused) return Response.json({ received: false, error: outcome.refused.reason }, { status: outcome.refused.status })
	return Response.json({ received: true, duplicate: outcome.duplicate })
}

export async function loader() {
	return new Response('Method not allowed', { status: 405 })
}
