// What the booking page takes from a confirmed intent's next action, and the QR drawn when Stripe
// sends no image.
import { describe, expect, it } from 'vitest'
import { qrImageOf } from '~/modules/payments/qr.server.ts'
import { deviceOf, methodsOfIntent, offeredMethods, walletStepOf } from '~/modules/payments/wallets.ts'

describe('wallet next actions', () => {
	it('keeps WeChat Pay QR data and only a PNG data URL; Alipay only an https redirect', () => {
		const qr = walletStepOf('wechat_pay', {
			type: 'wechat_pay_display_qr_code',
			wechat_pay_display_qr_code: { data: 'weixin://wxpay/bizpayurl?pr=abc', image_data_url: 'data:image/png;base64,iVBORw0KGgo=', hosted_instructions_url: 'https://pay.stripe.com/x' },
		})
		expect(qr).toEqual({ method: 'wechat_pay', kind: 'qr', qrData: 'weixin://wxpay/bizpayurl?pr=abc', qrImage: 'data:image/png;base64,iVBORw0KGgo=', openUrl: 'https://pay.stripe.com/x' })
		expect(walletStepOf('wechat_pay', { type: 'wechat_pay_display_qr_code', wechat_pay_display_qr_code: { data: 'x', image_data_url: 'javascript:alert(1)' } })).toMatchObject({ qrImage: null, openUrl: null })
		expect(walletStepOf('alipay', { type: 'alipay_handle_redirect', alipay_handle_redirect: { url: 'javascript:alert(1)' } })).toBeNull()
		expect(walletStepOf('alipay', { type: 'alipay_handle_redirect', alipay_handle_redirect: { url: 'https://hooks.stripe.com/r', native_url: 'alipays://platformapi/startapp?x=1' } })).toEqual({
			method: 'alipay',
			kind: 'redirect',
			url: 'https://hooks.stripe.com/r',
			appUrl: 'alipays://platformapi/startapp?x=1',
		})
		// stripe-mock's placeholder, or another method's action: nothing to show.
		expect(walletStepOf('wechat_pay', { type: 'type' })).toBeNull()
		expect(walletStepOf('alipay', { type: 'wechat_pay_display_qr_code', wechat_pay_display_qr_code: { data: 'x' } })).toBeNull()
	})

	it('draws the QR from its data when Stripe sends no image', async () => {
		const image = await qrImageOf({ qrImage: null, qrData: 'weixin://wxpay/bizpayurl?pr=abc' })
		expect(image).toMatch(/^data:image\/svg\+xml;base64,/)
		expect(Buffer.from(image!.split(',')[1]!, 'base64').toString()).toContain('<svg')
		expect(await qrImageOf({ qrImage: null, qrData: null })).toBeNull()
	})

	it('offers a card only with Stripe.js; reads the methods of a webhook intent; tells phones from desktops', () => {
		expect(offeredMethods(false)).toEqual(['wechat_pay', 'alipay'])
		expect(offeredMethods(true)).toEqual(['wechat_pay', 'alipay', 'card'])
		expect(methodsOfIntent({ payment_method: 'pm_1', payment_method_types: ['wechat_pay', 'alipay'] })).toEqual(['wechat_pay', 'alipay'])
		expect(methodsOfIntent({ payment_method: { type: 'alipay' }, payment_method_types: ['wechat_pay', 'alipay'] })).toEqual(['alipay'])
		expect(deviceOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148')).toBe('phone')
		expect(deviceOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120')).toBe('desktop')
		expect(deviceOf(null)).toBe('desktop')
	})
})
