// WeChat Pay and Alipay through Stripe PaymentIntents (CNY). Pure rules shared by the payment
// module and the booking page: which methods are offered, and what the family's wallet needs next,
// read from a confirmed intent's next_action and kept to what a page may show (no Stripe ids).

export const WALLET_METHODS = ['wechat_pay', 'alipay'] as const
export const PAY_METHODS = [...WALLET_METHODS, 'card'] as const
export type WalletMethod = (typeof WALLET_METHODS)[number]
export type PayMethod = (typeof PAY_METHODS)[number]
export type Device = 'phone' | 'desktop'

export function isPayMethod(v: unknown): v is PayMethod {
	return typeof v === 'string' && (PAY_METHODS as readonly string[]).includes(v)
}
export function isWallet(v: PayMethod): v is WalletMethod {
	return v !== 'card'
}

/** Wallets always; a card form only where Stripe.js can be loaded (a publishable key is set). */
export function offeredMethods(cardEnabled: boolean): PayMethod[] {
	return cardEnabled ? [...WALLET_METHODS, 'card'] : [...WALLET_METHODS]
}

/** A phone hands over to the wallet app; a desktop shows WeChat Pay's QR code to scan. */
export function deviceOf(userAgent: string | null): Device {
	return /Mobi|Android|iPhone|iPad|HarmonyOS|MicroMessenger/i.test(userAgent ?? '') ? 'phone' : 'desktop'
}

/** What the page shows or where it sends the family, kept on the payment row. */
export type WalletStep =
	| { method: 'wechat_pay'; kind: 'qr'; qrData: string | null; qrImage: string | null; openUrl: string | null }
	| { method: 'alipay'; kind: 'redirect'; url: string; appUrl: string | null }

const httpsUrl = (v: unknown) => (typeof v === 'string' && /^https:\/\/[^\s"'<>]+$/.test(v) && v.length < 4096 ? v : null)
const appUrl = (v: unknown, schemes: string[]) => (typeof v === 'string' && v.length < 4096 && schemes.some((s) => v.startsWith(`${s}:`)) && !/[\s"'<>]/.test(v) ? v : null)
const pngDataUrl = (v: unknown) => (typeof v === 'string' && /^data:image\/png;base64,[A-Za-z0-9+/=]+$/.test(v) && v.length < 200_000 ? v : null)

/**
 * The next step from a confirmed intent's next_action (Stripe's API shapes:
 * wechat_pay_display_qr_code {data, image_data_url, hosted_instructions_url, …},
 * alipay_handle_redirect {url, native_url, …}); null when it holds nothing a wallet can use.
 */
export function walletStepOf(method: WalletMethod, nextAction: unknown): WalletStep | null {
	const na = (nextAction ?? {}) as Record<string, Record<string, unknown> | string | undefined>
	if (method === 'wechat_pay' && na.type === 'wechat_pay_display_qr_code' && typeof na.wechat_pay_display_qr_code === 'object') {
		const qr = na.wechat_pay_display_qr_code
		const qrData = typeof qr.data === 'string' && qr.data.length > 0 && qr.data.length < 2048 ? qr.data : null
		const qrImage = pngDataUrl(qr.image_data_url)
		if (!qrData && !qrImage) return null
		return { method, kind: 'qr', qrData, qrImage, openUrl: httpsUrl(qr.hosted_instructions_url) ?? appUrl(qrData, ['weixin']) }
	}
	if (method === 'alipay' && na.type === 'alipay_handle_redirect' && typeof na.alipay_handle_redirect === 'object') {
		const r = na.alipay_handle_redirect
		const url = httpsUrl(r.url)
		if (!url) return null
		return { method, kind: 'redirect', url, appUrl: appUrl(r.native_url, ['alipays', 'alipay']) ?? httpsUrl(r.native_url) }
	}
	return null
}

/** The methods an intent in a webhook was paid with or could be: its payment method's type when expanded, else the types it allowed. */
export function methodsOfIntent(intent: { payment_method?: unknown; payment_method_types?: unknown }): string[] {
	const pm = intent.payment_method as { type?: unknown } | null | undefined
	if (pm && typeof pm === 'object' && typeof pm.type === 'string') return [pm.type]
	return Array.isArray(intent.payment_method_types) ? intent.payment_method_types.filter((t): t is string => typeof t === 'string') : []
}
