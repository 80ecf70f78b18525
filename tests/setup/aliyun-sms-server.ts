// A local stand-in for Aliyun's Dysms API: it checks each SendSms request the way the provider
// does (its own implementation of the RPC signature v1, written from the provider's documentation
// and independent of app/modules/messaging/aliyun.server.ts), refuses a replayed nonce or a stale
// timestamp, and answers what the test scripts: OK, a provider error code, or no answer in time.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'

export type Reply = 'ok' | { code: string; status?: number } | { hangMs: number }
export type Received = { params: Record<string, string>; signatureOk: boolean; answered: string }

const UNRESERVED = /[A-Za-z0-9\-_.~]/
/** The documented encoding: UTF-8 bytes, A-Z a-z 0-9 - _ . ~ kept, every other byte as %XY (upper case). */
function popEncode(value: string) {
	let out = ''
	for (const byte of Buffer.from(value, 'utf8')) {
		const ch = String.fromCharCode(byte)
		out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
	}
	return out
}

export function expectedSignature(method: string, params: Record<string, string>, secret: string) {
	const query = Object.keys(params)
		.filter((k) => k !== 'Signature')
		.sort()
		.map((k) => `${popEncode(k)}=${popEncode(params[k]!)}`)
		.join('&')
	const toSign = `${method}&${popEncode('/')}&${popEncode(query)}`
	return createHmac('sha1', `${secret}&`).update(toSign).digest('base64')
}

export async function startAliyunSmsServer(opts: { port: number; accessKeyId: string; secret: string }) {
	const received: Received[] = []
	const script = new Map<string, Reply[]>()
	const nonces = new Set<string>()
	let fallback: Reply = 'ok'
	let seq = 0
	const server: Server = createServer((req, res) => {
		let body = ''
		req.on('data', (c: Buffer) => (body += c.toString('utf8')))
		req.on('end', () => {
			const params = Object.fromEntries(new URLSearchParams(body))
			const answer = (status: number, json: object, answered: string) => {
				received.push({ params, signatureOk: answered !== 'SignatureDoesNotMatch', answered })
				res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ RequestId: `req-${++seq}`, ...json }))
			}
			const signatureOk = req.method === 'POST' && params.Signature === expectedSignature('POST', params, opts.secret)
			if (params.AccessKeyId !== opts.accessKeyId) return answer(404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' }, 'InvalidAccessKeyId.NotFound')
			if (!signatureOk) return answer(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' }, 'SignatureDoesNotMatch')
			const age = Math.abs(Date.now() - Date.parse(params.Timestamp ?? ''))
			if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0' || !(age < 15 * 60_000)) return answer(400, { Code: 'InvalidTimeStamp.Expired', Message: 'bad timestamp' }, 'InvalidTimeStamp.Expired')
			if (nonces.has(params.SignatureNonce ?? '')) return answer(400, { Code: 'SignatureNonceUsed', Message: 'nonce used' }, 'SignatureNonceUsed')
			nonces.add(params.SignatureNonce ?? '')
			if (params.Action !== 'SendSms' || params.Version !== '2017-05-25' || params.Format !== 'JSON') return answer(400, { Code: 'InvalidParameter', Message: 'bad action' }, 'InvalidParameter')
			const phone = params.PhoneNumbers ?? ''
			const reply = script.get(phone)?.shift() ?? fallback
			if (reply === 'ok') return answer(200, { Code: 'OK', Message: 'OK', BizId: `biz-${seq + 1}` }, 'OK')
			if ('hangMs' in reply) {
				received.push({ params, signatureOk: true, answered: 'hang' })
				setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Code: 'OK', Message: 'OK', BizId: 'late' })), reply.hangMs)
				return
			}
			return answer(reply.status ?? 200, { Code: reply.code, Message: reply.code }, reply.code)
		})
	})
	// A port already taken fails at once rather than leaving the test waiting.
	await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, '127.0.0.1', resolve))
	return {
		received,
		/** Replies for the next requests to `phone`, in order; then the fallback. */
		script: (phone: string, replies: Reply[]) => script.set(phone, [...replies]),
		setFallback: (reply: Reply) => (fallback = reply),
		/** The requests the provider accepted for `phone`. */
		accepted: (phone: string) => received.filter((r) => r.params.PhoneNumbers === phone && r.answered === 'OK'),
		to: (phone: string) => received.filter((r) => r.params.PhoneNumbers === phone),
		close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
	}
}
