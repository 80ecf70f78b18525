// A stand-in for what Stripe's real API does with WeChat Pay and Alipay, in front of stripe-mock.
// stripe-mock checks every request against Stripe's OpenAPI spec but is stateless and answers with
// fixtures: a confirmed intent's next_action is a placeholder. This proxy forwards every call to
// stripe-mock unchanged and, for an intent confirmed with wechat_pay or alipay, fills in the next
// action the way Stripe documents it (wechat_pay_display_qr_code with its QR data and PNG;
// alipay_handle_redirect with its URL), and keeps the intent's own id, metadata and methods.
// Used by the local demo (`npm start`), the browser tests and the payment integration tests; never
// by a deployment (STRIPE_API_BASE unset there means api.stripe.com).
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import QRCode from 'qrcode'

type Known = { id: string; bookingId: string | null; paymentId: string | null; amount: number; currency: string; methods: string[] }

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let body = ''
		req.on('data', (c: Buffer) => (body += c.toString('utf8')))
		req.on('end', () => resolve(body))
		req.on('error', reject)
	})
}

export async function startStripeWalletStandin(opts: { upstream: string; port?: number; host?: string }): Promise<{ url: string; close: () => Promise<void> }> {
	const upstream = opts.upstream.replace(/\/$/, '')
	const known = new Map<string, Known>()
	const server: Server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://standin')
			const body = req.method === 'GET' || req.method === 'DELETE' ? '' : await readBody(req)
			const headers: Record<string, string> = {}
			for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v
			const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { method: req.method, headers, body: body || undefined })
			let text = await answer.text()
			const form = new URLSearchParams(body)
			const created = req.method === 'POST' && url.pathname === '/v1/payment_intents'
			const confirm = req.method === 'POST' && /^\/v1\/payment_intents\/[^/]+\/confirm$/.test(url.pathname)
			if (answer.ok && (created || confirm)) {
				const intent = JSON.parse(text) as Record<string, unknown>
				if (created) {
					const methods = [...form.entries()].filter(([k]) => /^(allowed_)?payment_method_types\[\d*\]$/.test(k)).map(([, v]) => v)
					// Stripe answers with the compatible methods among those allowed (all of them, for CNY wallets).
					if (methods.length) intent.payment_method_types = methods
					known.set(String(intent.id), { id: String(intent.id), bookingId: form.get('metadata[bookingId]'), paymentId: form.get('metadata[paymentId]'), amount: Number(form.get('amount')), currency: form.get('currency') ?? 'cny', methods })
				} else {
					const id = url.pathname.split('/')[3]!
					const k = known.get(id)
					const type = form.get('payment_method_data[type]')
					Object.assign(intent, { id, status: 'requires_action', metadata: k ? { bookingId: k.bookingId, paymentId: k.paymentId } : {}, ...(k ? { amount: k.amount, currency: k.currency, payment_method_types: k.methods } : {}) })
					if (type === 'wechat_pay') {
						const data = `weixin://wxpay/bizpayurl?pr=${id.slice(3, 15)}`
						intent.next_action = {
							type: 'wechat_pay_display_qr_code',
							wechat_pay_display_qr_code: {
								data,
								image_data_url: await QRCode.toDataURL(data, { margin: 2 }),
								image_url_png: `https://qr.stripe.com/${id}.png`,
								image_url_svg: `https://qr.stripe.com/${id}.svg`,
								hosted_instructions_url: `https://pay.stripe.com/wechat_pay/instructions/${id}`,
							},
						}
					} else if (type === 'alipay') {
						intent.next_action = {
							type: 'alipay_handle_redirect',
							alipay_handle_redirect: { url: `https://hooks.stripe.com/redirect/authenticate/src_${id.slice(3)}?client_secret=standin`, native_url: `alipays://platformapi/startapp?appId=20000067&url=standin-${id}`, native_data: null, return_url: form.get('return_url') },
						}
					}
				}
				text = JSON.stringify(intent)
			}
			res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'request-id': answer.headers.get('request-id') ?? 'req_standin' }).end(text)
		})().catch((error: unknown) => {
			res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }))
		})
	})
	// A port already taken fails at once rather than leaving the caller waiting.
	await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve))
	const { port } = server.address() as AddressInfo
	return {
		url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections()
				server.close(() => resolve())
			}),
	}
}
