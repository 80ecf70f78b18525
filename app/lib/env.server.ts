import { z } from 'zod'

// Local defaults make a fresh clone run with nothing set. Production refuses the development keys.
const DEV_SESSION_SECRET = 'dev-session-secret-change-me-0123456789'
const DEV_STRIPE_SECRET_KEY = 'sk_test_yiyanglocaldev'
const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_yiyang_local_webhook_secret'
const LOCAL_STRIPE_MOCK = 'http://127.0.0.1:12111'
// 32-byte keys, base64. Development only: production must set its own.
const DEV_ID_ENCRYPTION_KEY = 'ZGV2LWlkLWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzISE='
const DEV_ID_HASH_KEY = 'ZGV2LWlkLWhhc2gta2V5LTMyLWJ5dGVzLWxvbmchISE='
const DEV_ALLOWANCE_CARD_KEY = 'ZGV2LWFsbG93YW5jZS1jYXJkLWtleS0zMi1ieXRlcyE='

const key32 = z
	.string()
	.refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')

const schema = z
	.object({
		NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
		/** Port of the web server. */
		PORT: z.coerce.number().int().min(1).max(65535).default(3000),
		/** PostgreSQL: the only durable state. */
		DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/yiyang'),
		/** Pool size per process for the Prisma adapter and raw SQL. */
		DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
		/** Redis: BullMQ queues, rate limits. */
		REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
		/** Prefix of every BullMQ key, so test runs and deployments never share queues. */
		QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]+$/).default('yiyang'),
		/** Stripe secret key; stripe-mock accepts any sk_test_ key. */
		STRIPE_SECRET_KEY: z.string().startsWith('sk_').default(DEV_STRIPE_SECRET_KEY),
		/**
		 * Base URL of the Stripe API. Unset: stripe-mock on 127.0.0.1:12111 for local and test runs,
		 * api.stripe.com in production (a deployment never talks to a mock by accident).
		 */
		STRIPE_API_BASE: z.url().optional(),
		/**
		 * Publishable key (pk_...) for Stripe's Payment Element in the browser. Unset: the booking page
		 * starts the payment but cannot show the card form (local runs against stripe-mock, which has no
		 * Stripe.js); the booking is still marked paid only by Stripe's webhook.
		 */
		STRIPE_PUBLISHABLE_KEY: z.string().startsWith('pk_').optional(),
		/** Secret that signs webhook events (whsec_...). */
		STRIPE_WEBHOOK_SECRET: z.string().min(8).default(DEV_STRIPE_WEBHOOK_SECRET),
		/** Signs the session and CSRF cookies. */
		SESSION_SECRET: z.string().min(32).default(DEV_SESSION_SECRET),
		/** AES-256-GCM key for identity numbers at rest (base64, 32 bytes). */
		ID_ENCRYPTION_KEY: key32.default(DEV_ID_ENCRYPTION_KEY),
		/** HMAC key for the identity-number lookup hash (base64, 32 bytes); different from the encryption key. */
		ID_HASH_KEY: key32.default(DEV_ID_HASH_KEY),
		/** AES-256-GCM key for allowance subsidy card numbers (惠民惠农一卡通) at rest (base64, 32 bytes); not the identity key. */
		ALLOWANCE_CARD_KEY: key32.default(DEV_ALLOWANCE_CARD_KEY),
		/** Working days (Mon-Fri) after which a bank-file line the bank has not returned counts as paid. */
		ALLOWANCE_CONFIRM_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(10),
		/** How long /healthz waits for each service (database, Redis, Stripe) before calling it down. */
		HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
		/** Set to "true" only behind HTTPS: marks cookies Secure. Defaults to true in production. */
		COOKIE_SECURE: z.enum(['true', 'false']).optional(),
		/**
		 * Which proxies may name the client's address (X-Forwarded-For) and host: unset or "false" trusts
		 * none (the socket's address counts), "true" any, a number that many hops, or express's list
		 * form ("loopback", "10.0.0.0/8, 127.0.0.1"). Set it only behind a proxy that overwrites the header.
		 */
		TRUST_PROXY: z.string().optional(),
		/**
		 * Sign-in attempts per phone and client address before each further one waits (30 s, doubling);
		 * also the failed attempts after which a browser's device cookie is no longer trusted. See
		 * app/modules/auth/login-limit.server.ts for the per-account, per-address and per-device limits.
		 */
		LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
		/** Longest wait between sign-in attempts, in seconds; also how long counts (and a device cookie's lockout) are remembered. */
		LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(900),
		/** Officers' sessions (bureau, community, institution, administrator) end after this many minutes without a request; families keep 14 days. */
		SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
		/** Allowance: snapshot rows per chunk job (elders aged 80+ per job). */
		ALLOWANCE_CHUNK_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
		/**
		 * Allowance jobs one worker process runs at once. Chunks are set-based SQL, so PostgreSQL does the
		 * work: 2 lets one process keep two cores busy (bench/allowance.ts).
		 */
		ALLOWANCE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
		/** Allowance worker lock in ms: a killed worker's chunk is taken over after about this long. */
		ALLOWANCE_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
		/** How often a worker re-enqueues unfinished runs from the database (survives a Redis that lost its data). */
		ALLOWANCE_RECONCILE_MS: z.coerce.number().int().min(200).default(30_000),
		/** Testing aid: ms a chunk job holds its transaction open, so a test can kill a worker mid-chunk. 0 in production. */
		ALLOWANCE_CHUNK_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
		/** "true" serves the benchmarks' bare route /floor (bench/lib.ts sets it); otherwise /floor is 404. */
		BENCH_FLOOR: z.enum(['true', 'false']).default('false'),
		/** "true" lets a production build run with the development secrets and stripe-mock: the local demo, e2e and benchmarks only. */
		ALLOW_DEV_SECRETS: z.enum(['true', 'false']).default('false'),
		// ---- SMS (app/modules/messaging; docs/marketplace.md#sms)
		/** Which SMS transport the worker sends through: "dev" records messages for the admin page (/admin/messages) only; "aliyun" sends through Aliyun Dysms SendSms. */
		SMS_TRANSPORT: z.enum(['dev', 'aliyun']).default('dev'),
		/** Aliyun Dysms endpoint (RPC API, signature v1 HMAC-SHA1). Tests point it at a local signing server. */
		SMS_ALIYUN_ENDPOINT: z.url().default('https://dysmsapi.aliyuncs.com/'),
		/** Aliyun AccessKey id and secret (a RAM user allowed dysms:SendSms only). Required when SMS_TRANSPORT=aliyun. */
		SMS_ALIYUN_ACCESS_KEY_ID: z.string().min(1).optional(),
		SMS_ALIYUN_ACCESS_KEY_SECRET: z.string().min(1).optional(),
		/** The approved SMS signature (签名), e.g. 荆门颐养. Required when SMS_TRANSPORT=aliyun. */
		SMS_ALIYUN_SIGN_NAME: z.string().min(1).optional(),
		/** Aliyun region id of the SMS API. */
		SMS_ALIYUN_REGION: z.string().min(1).default('cn-hangzhou'),
		/** JSON object from our template names (auth.code, booking.confirmed, …) to the provider's approved template codes (SMS_…); unset names keep the defaults in app/modules/messaging/templates.ts. */
		SMS_TEMPLATE_CODES: z.string().optional(),
		/** Tries per message before it is dead-lettered (shown to admins). */
		SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
		/** First retry delay in ms; each further retry waits twice as long. */
		SMS_RETRY_BASE_MS: z.coerce.number().int().min(10).default(30_000),
		/** How often the worker looks for due messages (ms). */
		SMS_SWEEP_MS: z.coerce.number().int().min(100).default(5_000),
		/** A message claimed for sending longer ago than this (ms) is one whose send's outcome is unknown: dead-lettered, never sent again. */
		SMS_SENDING_STALE_MS: z.coerce.number().int().min(1000).default(120_000),
		/** Timeout of one provider call (ms). */
		SMS_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
		/** Messages per number per minute, hour and day (the provider's own limits are similar); a message over a limit waits, it is not a failed try. */
		SMS_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(2),
		SMS_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(10),
		SMS_LIMIT_PER_DAY: z.coerce.number().int().min(1).default(30),
		/** Phone confirmation codes one client address may ask for per hour. */
		PHONE_CODE_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
	})
	.superRefine((env, ctx) => {
		if (env.SMS_TRANSPORT === 'aliyun') {
			for (const name of ['SMS_ALIYUN_ACCESS_KEY_ID', 'SMS_ALIYUN_ACCESS_KEY_SECRET', 'SMS_ALIYUN_SIGN_NAME'] as const) {
				if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when SMS_TRANSPORT=aliyun' })
			}
		}
		if (env.NODE_ENV !== 'production' || env.ALLOW_DEV_SECRETS === 'true') return
		for (const [name, dev] of [
			['STRIPE_SECRET_KEY', DEV_STRIPE_SECRET_KEY],
			['STRIPE_WEBHOOK_SECRET', DEV_STRIPE_WEBHOOK_SECRET],
			['SESSION_SECRET', DEV_SESSION_SECRET],
			['ID_ENCRYPTION_KEY', DEV_ID_ENCRYPTION_KEY],
			['ID_HASH_KEY', DEV_ID_HASH_KEY],
			['ALLOWANCE_CARD_KEY', DEV_ALLOWANCE_CARD_KEY],
		] as const) {
			if (env[name] === dev) ctx.addIssue({ code: 'custom', path: [name], message: 'must be set in production (the development default is public)' })
		}
		if (env.SMS_TRANSPORT === 'dev') ctx.addIssue({ code: 'custom', path: ['SMS_TRANSPORT'], message: 'must be "aliyun" in production (the dev transport sends nothing)' })
	})

export type Env = z.infer<typeof schema>

let cached: Env | undefined

/** Parses an environment; throws an error naming every wrong variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
	const parsed = schema.safeParse(source)
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
		throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`)
	}
	const env = parsed.data
	// Local runs (development, tests, and the production-mode demo that allows the dev secrets) use stripe-mock.
	if (!env.STRIPE_API_BASE && (env.NODE_ENV !== 'production' || env.ALLOW_DEV_SECRETS === 'true')) env.STRIPE_API_BASE = LOCAL_STRIPE_MOCK
	return env
}

/** Validates the process environment once; a wrong value stops start-up with a message naming the variable. */
export function getEnv(): Env {
	cached ??= parseEnv(process.env)
	return cached
}

/** Whether cookies are marked Secure; HSTS and upgrade-insecure-requests follow the same answer. */
export function isSecureCookies(env: Pick<Env, 'COOKIE_SECURE' | 'NODE_ENV'> = getEnv()) {
	return env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : env.NODE_ENV === 'production'
}
