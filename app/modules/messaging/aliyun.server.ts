// Aliyun Dysms SendSms (API version 2017-05-25), called over its RPC protocol with signature v1:
// every parameter except Signature, sorted by name, each name and value percent-encoded per RFC 3986
// (UTF-8; only A-Z a-z 0-9 - _ . ~ left as they are; space as %20), joined as name=value with &;
// StringToSign = METHOD & percentEncode("/") & percentEncode(that query string);
// Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
// (Alibaba Cloud, "Signature method" of the SMS API reference.)
//
// OutId is the provider's field for our own reference: we send the outbox id, so the provider's
// delivery reports and its QuerySendDetails name the message, and an operator can tell whether a
// message whose outcome we do not know was sent. Aliyun does not deduplicate on it, so a retry after
// an unknown outcome could send twice: the worker never retries those (see outbox.server.ts).
import { createHmac, randomUUID } from 'node:crypto'
import type { SendResult, SmsMessage, SmsTransport } from './types.ts'

export function percentEncode(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

export function canonicalQuery(params: Record<string, string>): string {
	return Object.keys(params)
		.filter((k) => k !== 'Signature')
		.sort()
		.map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
		.join('&')
}

export function stringToSign(method: string, params: Record<string, string>): string {
	return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`
}

export function rpcSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
	return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64')
}

/** ISO 8601 in UTC without milliseconds, as the API wants it: 2017-07-12T02:42:19Z. */
export function rpcTimestamp(at: Date): string {
	return at.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export type AliyunConfig = { endpoint: string; accessKeyId: string; accessKeySecret: string; signName: string; regionId: string; timeoutMs: number }

// Codes after which the same request may succeed later (flow control, the provider's own faults).
const RETRYABLE = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL', 'Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'InternalError', 'isp.SYSTEM_ERROR', 'isp.GATEWAY_ERROR', 'isv.OUT_OF_SERVICE'])

export function signedSendSmsParams(config: AliyunConfig, message: SmsMessage, now = new Date(), nonce = randomUUID()): Record<string, string> {
	const params: Record<string, string> = {
		AccessKeyId: config.accessKeyId,
		Action: 'SendSms',
		Format: 'JSON',
		OutId: message.outboxId,
		PhoneNumbers: message.phone,
		RegionId: config.regionId,
		SignName: config.signName,
		SignatureMethod: 'HMAC-SHA1',
		SignatureNonce: nonce,
		SignatureVersion: '1.0',
		TemplateCode: message.templateCode,
		TemplateParam: JSON.stringify(message.params),
		Timestamp: rpcTimestamp(now),
		Version: '2017-05-25',
	}
	params.Signature = rpcSignature('POST', params, config.accessKeySecret)
	return params
}

function networkCode(error: unknown): string | undefined {
	const e = error as { cause?: { code?: string }; code?: string; name?: string }
	return e?.cause?.code ?? e?.code ?? e?.name
}

// Failures before any byte reached the provider: the message was certainly not sent.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

export function aliyunTransport(config: AliyunConfig): SmsTransport {
	return {
		name: 'aliyun',
		async send(message: SmsMessage): Promise<SendResult> {
			const body = new URLSearchParams(signedSendSmsParams(config, message)).toString()
			let response: Response
			try {
				response = await fetch(config.endpoint, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
					body,
					signal: AbortSignal.timeout(config.timeoutMs),
				})
			} catch (error) {
				const code = networkCode(error) ?? 'network'
				if (NOT_SENT.has(code)) return { status: 'refused', retryable: true, code, message: `provider unreachable (${code})` }
				return { status: 'unknown', message: `no answer from the provider (${code})` }
			}
			const text = await response.text().catch(() => '')
			let json: { Code?: string; Message?: string; RequestId?: string; BizId?: string } = {}
			try {
				json = JSON.parse(text) as typeof json
			} catch {
				// A gateway page: 502/503 mean the provider did not take the request; anything else is unknown.
				if (response.status === 502 || response.status === 503) return { status: 'refused', retryable: true, code: `HTTP ${response.status}`, message: 'provider unavailable' }
				return { status: 'unknown', message: `unreadable answer (HTTP ${response.status})` }
			}
			if (json.Code === 'OK') return { status: 'accepted', requestId: json.RequestId ?? null, messageId: json.BizId ?? null }
			const code = json.Code ?? `HTTP ${response.status}`
			return { status: 'refused', retryable: RETRYABLE.has(code) || response.status >= 500, code, message: (json.Message ?? '').slice(0, 300) }
		},
	}
}
