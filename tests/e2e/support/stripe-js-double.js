// A stand-in for Stripe.js (https://js.stripe.com), given to every page by Playwright (an init
// script, tests/e2e/fixtures.ts) because this network cannot reach Stripe. It implements the part
// of Stripe.js's public API the app calls — Stripe(), elements({ clientSecret }),
// create('payment').mount/on/destroy, elements.submit(), confirmPayment() — and checks its
// arguments the way Stripe.js does. Like Stripe's test mode, card 4000 0000 0000 0002 is declined; any other complete number succeeds and redirects to return_url with the
// payment_intent, payment_intent_client_secret and redirect_status parameters Stripe adds.
;(() => {
	const DECLINED = '4000000000000002'
	const text = {
		zh: { number: '卡号', incomplete: '您的卡号不完整。', declined: '您的银行卡被拒绝了。' },
		en: { number: 'Card number', incomplete: 'Your card number is incomplete.', declined: 'Your card has been declined.' },
	}
	function Stripe(key, options = {}) {
		if (typeof key !== 'string' || !/^pk_(test|live)_/.test(key)) throw new Error(`Invalid API Key provided: ${key}`)
		const words = text[options.locale === 'zh' ? 'zh' : 'en']
		let input = null
		let clientSecret = null
		return {
			elements({ clientSecret: secret, appearance } = {}) {
				if (typeof secret !== 'string' || !/^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/.test(secret)) throw new Error('IntegrationError: Invalid value for elements(): clientSecret should be a client secret of the form ${id}_secret_${secret}.')
				clientSecret = secret
				window.__stripeDouble = { key, locale: options.locale, clientSecret: secret, appearance }
				return {
					create(type) {
						if (type !== 'payment') throw new Error(`IntegrationError: unsupported element ${type}`)
						const handlers = {}
						let host = null
						return {
							on(event, handler) {
								handlers[event] = handler
								return this
							},
							mount(node) {
								host = node
								const label = document.createElement('label')
								label.textContent = words.number
								input = document.createElement('input')
								input.inputMode = 'numeric'
								input.autocomplete = 'cc-number'
								label.append(input)
								node.append(label)
								setTimeout(() => handlers.ready?.({ elementType: 'payment' }), 50)
							},
							destroy() {
								host?.replaceChildren()
							},
						}
					},
					async submit() {
						const digits = (input?.value ?? '').replace(/\s/g, '')
						return /^\d{16}$/.test(digits) ? {} : { error: { type: 'validation_error', message: words.incomplete } }
					},
				}
			},
			async confirmPayment({ elements, confirmParams } = {}) {
				if (!elements || !confirmParams?.return_url) throw new Error('IntegrationError: confirmPayment needs elements and confirmParams.return_url')
				const returnUrl = new URL(confirmParams.return_url)
				const digits = (input?.value ?? '').replace(/\s/g, '')
				if (digits === DECLINED) return { error: { type: 'card_error', code: 'card_declined', message: words.declined } }
				returnUrl.searchParams.set('payment_intent', clientSecret.split('_secret_')[0])
				returnUrl.searchParams.set('payment_intent_client_secret', clientSecret)
				returnUrl.searchParams.set('redirect_status', 'succeeded')
				window.location.assign(returnUrl.toString())
				return new Promise(() => {})
			},
		}
	}
	Stripe.version = 'endive'
	window.Stripe = Stripe
})()
