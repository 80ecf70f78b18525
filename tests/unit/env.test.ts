import { describe, expect, it } from 'vitest'
import { parseEnv } from '~/lib/env.server.ts'

const KEY_A = Buffer.alloc(32, 1).toString('base64')
const KEY_B = Buffer.alloc(32, 2).toString('base64')

describe('environment', () => {
	it('runs locally with nothing set, against stripe-mock', () => {
		const env = parseEnv({})
		expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 3000, STRIPE_API_BASE: 'http://127.0.0.1:12111' })
	})

	it('names every wrong variable', () => {
		expect(() => parseEnv({ PORT: 'eighty', DATABASE_URL: 'not a url', ID_HASH_KEY: 'short' })).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*ID_HASH_KEY: must be 32 bytes/)
	})

	it('refuses the public development secrets in production', () => {
		expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/STRIPE_SECRET_KEY[\s\S]*SESSION_SECRET[\s\S]*ID_ENCRYPTION_KEY/)
	})

	it('talks to the real Stripe in production unless told otherwise', () => {
		const env = parseEnv({
			NODE_ENV: 'production',
			STRIPE_SECRET_KEY: 'sk_live_abc',
			STRIPE_WEBHOOK_SECRET: 'whsec_production_secret',
			SESSION_SECRET: 'x'.repeat(40),
			ID_ENCRYPTION_KEY: KEY_A,
			ID_HASH_KEY: KEY_B,
			ALLOWANCE_CARD_KEY: Buffer.alloc(32, 3).toString('base64'),
			SMS_TRANSPORT: 'aliyun',
			SMS_ALIYUN_ACCESS_KEY_ID: 'LTAI-production',
			SMS_ALIYUN_ACCESS_KEY_SECRET: 'secret',
			SMS_ALIYUN_SIGN_NAME: '荆门颐养',
		})
		expect(env.STRIPE_API_BASE).toBeUndefined()
	})

	it('sends SMS in production (the dev transport is refused) and needs the provider settings for it', () => {
		const prod = { NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_production_secret', SESSION_SECRET: 'x'.repeat(40), ID_ENCRYPTION_KEY: KEY_A, ID_HASH_KEY: KEY_B }
		expect(() => parseEnv(prod)).toThrow(/SMS_TRANSPORT/)
		expect(() => parseEnv({ ...prod, SMS_TRANSPORT: 'aliyun' })).toThrow(/SMS_ALIYUN_ACCESS_KEY_ID[\s\S]*SMS_ALIYUN_ACCESS_KEY_SECRET[\s\S]*SMS_ALIYUN_SIGN_NAME/)
		expect(parseEnv({ NODE_ENV: 'development' }).SMS_TRANSPORT).toBe('dev')
	})

	it('lets the local production-mode demo use the development secrets and stripe-mock', () => {
		expect(parseEnv({ NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true' }).STRIPE_API_BASE).toBe('http://127.0.0.1:12111')
	})
})
