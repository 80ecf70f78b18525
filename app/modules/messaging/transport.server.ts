// The SMS transport interface the outbox worker sends through, and the choice of transport by
// environment: SMS_TRANSPORT=aliyun sends through Aliyun Dysms; dev (the default) sends nothing and
// the send's record (sms_send) is what the administrators' page /admin/messages shows.
import { randomUUID } from 'node:crypto'
import { getEnv, type Env } from '~/lib/env.server.ts'
import { aliyunTransport } from './aliyun.server.ts'
import type { SmsTransport } from './types.ts'

export type { SendResult, SmsMessage, SmsTransport } from './types.ts'

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
