import type { Stripe, StripeElements } from '@stripe/stripe-js'
import { loadStripe } from '@stripe/stripe-js/pure'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

type Props = {
	publishableKey: string
	clientSecret: string
	/** Where Stripe sends the family back after confirming (a path on this site). */
	returnPath: string
	amountFen: number
}

type Phase = 'loading' | 'ready' | 'submitting' | 'unavailable'

// Large type and strong contrast inside Stripe's iframe too: the Payment Element only takes styles
// through its Appearance API.
const appearance = {
	theme: 'stripe' as const,
	variables: { fontSizeBase: '20px', spacingUnit: '6px', borderRadius: '8px', colorText: '#111111', colorPrimary: '#0b5394', colorDanger: '#a50e0e' },
}

/**
 * Stripe's Payment Element for the family's share. Card details go from the browser to Stripe only;
 * the booking becomes paid when Stripe's signed webhook says so, not when this form returns.
 */
export function CardPayment({ publishableKey, clientSecret, returnPath, amountFen }: Props) {
	const { t, i18n } = useTranslation('marketplace')
	const mountRef = useRef<HTMLDivElement>(null)
	const stripeRef = useRef<{ stripe: Stripe; elements: StripeElements } | null>(null)
	const [phase, setPhase] = useState<Phase>('loading')
	const [error, setError] = useState<string | null>(null)

	useEffect(() => {
		let cancelled = false
		let unmount: (() => void) | undefined
		loadStripe(publishableKey, { locale: i18n.language.startsWith('zh') ? 'zh' : 'en' })
			.then((stripe) => {
				if (cancelled || !stripe || !mountRef.current) return
				const elements = stripe.elements({ clientSecret, appearance })
				const element = elements.create('payment', { layout: 'tabs' })
				element.on('ready', () => !cancelled && setPhase('ready'))
				element.on('loaderror', () => !cancelled && setPhase('unavailable'))
				element.mount(mountRef.current)
				stripeRef.current = { stripe, elements }
				unmount = () => element.destroy()
			})
			.catch(() => !cancelled && setPhase('unavailable'))
		return () => {
			cancelled = true
			unmount?.()
		}
	}, [publishableKey, clientSecret, i18n.language])

	async function pay() {
		const loaded = stripeRef.current
		if (!loaded || phase !== 'ready') return
		setPhase('submitting')
		setError(null)
		const submitted = await loaded.elements.submit()
		const result = submitted.error ? submitted : await loaded.stripe.confirmPayment({ elements: loaded.elements, confirmParams: { return_url: new URL(returnPath, window.location.href).toString() } })
		// confirmPayment only returns on an error; on success the browser is already leaving for returnUrl.
		if (result.error) {
			setError(result.error.message ?? t('card.failed'))
			setPhase('ready')
		}
	}

	return (
		<section className="card-payment" aria-labelledby="card-payment-h">
			<h2 id="card-payment-h">{t('card.title', { amount: (amountFen / 100).toFixed(2) })}</h2>
			<p>{t('card.lead')}</p>
			{phase === 'loading' ? <p role="status">{t('card.loading')}</p> : null}
			{phase === 'unavailable' ? (
				<p role="alert" className="form-error">
					{t('card.unavailable')}
				</p>
			) : null}
			<div ref={mountRef} className="payment-element" data-testid="payment-element" />
			{error ? (
				<p role="alert" className="form-error">
					{error}
				</p>
			) : null}
			{phase !== 'unavailable' ? (
				<button type="button" className="button big" onClick={pay} disabled={phase !== 'ready'} aria-busy={phase === 'submitting'}>
					{phase === 'submitting' ? t('card.submitting') : t('card.pay', { amount: (amountFen / 100).toFixed(2) })}
				</button>
			) : null}
		</section>
	)
}
