// The SMS transport interface the outbox worker sends through, and the choice of transport by
// environment: SMS_TRANSPORT=aliyun sends through Aliyun Dysms; dev (the default) sends nothing and
// the send's record (sms_send) is what the administrators' page /admin/messages shows.
import { randomUUID } from 'node:crypto'
import { getEnv, type Env } from '~/lib/env.server.ts'
import { aliyunTransport } from './aliyun.server.ts'

export type SmsMessage = { outboxId: string; phone: string; template: string; templateCode: string; params: Record<string, string> }

export type SendResult =
	/** The provider took the message. */
	| { status: 'accepted'; requestId: string | null; messageId: string | null }
	/** The provider answered that it did not take it (or could not be reached at all): certainly not sent. */
	| { status: 'refused'; retryable: boolean; code: string; message: string }
	/** The request may have reached the provider (timeout, connection lost): sent or not, we cannot know. */
	| { status: 'unknown'; message: string }

export interface SmsTransport {
	readonly name: string
	send(message: SmsMessage): Promise<SendResult>
}

export const devTransport: SmsTransport = {
	name: 'dev',
	async send() {
		return { status: 'accepted', requestId: `dev-${randomUUID()}`, messageId: null }
	},
}

export function transportFromEnv(env: Env = getEnv()): SmsTransport {
	if (env.SMS_TRANSPORT === 'aliyun') {
		return aliyunTransport({
			endpoint: env.SMS_ALIYUN_ENDPOINT,
			accessKeyId: env.SMS_ALIYUN_ACCESS_KEY_ID!,
			accessKeySecret: env.SMS_ALIYUN_ACCESS_KEY_SECRET!,
			signName: env.SMS_ALIYUN_SIGN_NAME!,
			regionId: env.SMS_ALIYUN_REGION,
			timeoutMs: env.SMS_HTTP_TIMEOUT_MS,
		})
	}
	return devTransport
}
