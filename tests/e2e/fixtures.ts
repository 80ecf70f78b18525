import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type APIRequestContext, type Browser, type Cookie, type Locator, type Page } from '@playwright/test'
import pg from 'pg'
import Stripe from 'stripe'

export const DEMO_PASSWORD = 'Yiyang2026!'

/** The demo officers' TOTP secret (prisma/seed-data.ts DEMO_TOTP_SECRET). */
export const DEMO_TOTP_SECRET = 'YIYANGDEMOJINGMENTOTPAAA'

/** The e2e server's database (scripts/e2e-server.ts writes where it is). */
function e2eDatabaseUrl() {
	return (JSON.parse(readFileSync(`.cache/e2e-due-process-${process.env.E2E_PORT}`, 'utf8')) as { databaseUrl: string }).databaseUrl
}

/**
 * A resident identity number (GB 11643, valid check digit) of 东宝区, born on `birthDate`, that no
 * elder of the browser tests' database can hold: every number whose mask and birth date an elder
 * already has is skipped (the mask keeps the last two characters, so this is stricter than needed).
 * Tests running at once pass different birth dates, so they never pick the same number.
 */
export async function unregisteredIdNumber(birthDate: string): Promise<string> {
	const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
	const client = new pg.Client({ connectionString: e2eDatabaseUrl() })
	await client.connect()
	try {
		const start = Date.now() % 800
		for (let i = 0; i < 800; i++) {
			const first17 = `420802${birthDate.replaceAll('-', '')}${String(100 + ((start + i) % 800)).padStart(3, '0')}`
			const sum = [...first17].reduce((acc, d, k) => acc + Number(d) * weights[k]!, 0)
			const idNumber = first17 + '10X98765432'[sum % 11]
			const masked = `${idNumber.slice(0, 4)}${'*'.repeat(12)}${idNumber.slice(16)}`
			const { rowCount } = await client.query('SELECT 1 FROM elder WHERE "idNumberMasked" = $1 AND "birthDate" = $2::date', [masked, birthDate])
			if (!rowCount) return idNumber
		}
		throw new Error(`no free identity number born ${birthDate}`)
	} finally {
		await client.end()
	}
}

export const TOTP_PERIOD_SECONDS = 30

/** RFC 4226 HOTP of a base32 secret: the code an authenticator app shows for the given time step. */
export function hotp(secretBase32: string, counter: number) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
	let bits = ''
	for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
	const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)))
	const message = Buffer.alloc(8)
	message.writeBigUInt64BE(BigInt(counter))
	const mac = createHmac('sha1', key).update(message).digest()
	const offset = mac[mac.length - 1]! & 0xf
	return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

/**
 * The demo secret's code for a time step the account has not used yet. The server accepts each step
 * once and the steps next to the current one (window 1), so when the same officer signed in moments
 * ago (one test after another) the next step's code is given, and only if that one is used too does
 * the helper wait for the clock: a refused code is never sent (it would be a 401 in the console).
 */
async function unusedTotpCode(page: Page, client: pg.Client, phone: string) {
	const row = (await client.query<{ last: number | null }>('SELECT "totpLastCounter" AS last FROM app_user WHERE phone = $1', [phone])).rows[0]
	for (;;) {
		const now = Math.floor(Date.now() / 1000 / TOTP_PERIOD_SECONDS)
		const step = Math.max(now, (row?.last ?? -1) + 1)
		if (step <= now + 1) return hotp(DEMO_TOTP_SECRET, step)
		await page.waitForTimeout((TOTP_PERIOD_SECONDS - ((Date.now() / 1000) % TOTP_PERIOD_SECONDS)) * 1000 + 200)
	}
}

/** The advisory-lock class of the browser tests' authenticator steps (two-key locks: apart from any one-key lock of the app). */
const TOTP_LOCK_CLASS = 4242

/**
 * Enters the officer's code and waits until the server has taken it, holding a lock on that officer
 * across the browser test workers: two workers signing one officer in at the same moment read the
 * same unused step, and the server takes each step once (the other got "验证码不正确或已使用过" and a
 * 401, 1 Dec). The lock is the e2e database's, released when its session ends.
 */
async function enterTotpCode(page: Page, phone: string, code: Locator, signedIn: Locator) {
	const client = new pg.Client({ connectionString: e2eDatabaseUrl() })
	await client.connect()
	try {
		await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [TOTP_LOCK_CLASS, phone])
		await code.fill(await unusedTotpCode(page, client, phone))
		await page.getByRole('button', { name: '验证' }).click()
		await expect(signedIn).toBeVisible()
	} finally {
		await client.end()
	}
}

/**
 * The month the demo seed paid (its run is the first one made). Not "last month" by the clock: the
 * template is seeded when the run starts, and a run that crosses midnight in Shanghai on a month's
 * last day would otherwise expect a month the seed never paid.
 */
export async function seededAllowanceMonth(): Promise<string> {
	const client = new pg.Client({ connectionString: e2eDatabaseUrl() })
	await client.connect()
	try {
		const { rows } = await client.query<{ month: string }>('SELECT month FROM allowance_run ORDER BY "startedAt", month LIMIT 1')
		if (!rows[0]) throw new Error('the demo seed made no allowance run')
		return rows[0].month
	} finally {
		await client.end()
	}
}

/**
 * Runs SQL on the browser tests' database: for a state no screen makes in a test's time (a death
 * reported after the allowance was paid), never to check what the pages show.
 */
export async function e2eQuery<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
	const client = new pg.Client({ connectionString: e2eDatabaseUrl() })
	await client.connect()
	try {
		return (await client.query<R>(text, values)).rows
	} finally {
		await client.end()
	}
}

/**
 * Sessions this test worker has signed in, by phone: the session cookie and when the form was used.
 * A session is reused only while a fresh sign-in would still vouch for sensitive acts (step-up after
 * 5 minutes, app/modules/auth/step-up.server.ts), with room for a whole test (its 60 s timeout).
 */
const signedIn = new Map<string, { cookie: Cookie; at: number }>()
const SESSION_REUSE_MS = 3 * 60_000

/**
 * Signs in as `phone`. The first time in a worker (and again after three minutes) through the real
 * form, as a person would, officers then giving their authenticator's code; otherwise the browser
 * gets that session's cookie back, as a person who stayed signed in would. Reusing sessions keeps
 * each officer from waiting for the next authenticator step (each is accepted once).
 */
export async function login(page: Page, phone: string, password = DEMO_PASSWORD) {
	const kept = signedIn.get(phone)
	if (kept && Date.now() - kept.at < SESSION_REUSE_MS) {
		await page.context().addCookies([kept.cookie])
		await page.goto('/')
		// A session ended meanwhile (signed out elsewhere) falls back to the form.
		if (await page.getByRole('navigation', { name: '主菜单' }).isVisible()) return
		signedIn.delete(phone)
	}
	await loginThroughForm(page, phone, password)
	const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)
	if (cookie) signedIn.set(phone, { cookie, at: Date.now() })
}

const SESSION_COOKIE = 'yy_session'

/** Signs in through the real form, as a person would; officers then give their authenticator's code. */
export async function loginThroughForm(page: Page, phone: string, password = DEMO_PASSWORD) {
	await page.goto('/login')
	await page.getByLabel('手机号').fill(phone)
	await page.getByLabel('密码').fill(password)
	await page.getByRole('button', { name: '登录' }).last().click()
	const nav = page.getByRole('navigation', { name: '主菜单' })
	const code = page.getByLabel('验证码或恢复码')
	await expect(nav.or(code)).toBeVisible()
	if (await code.isVisible()) await enterTotpCode(page, phone, code, nav)
	await expect(nav).toBeVisible()
}

/** A link of the main menu, opening the menu first where a phone-sized page folds it away. */
export async function menuLink(page: Page, name: string) {
	const nav = page.getByRole('navigation', { name: /主菜单|Main menu/ })
	const summary = nav.locator('details.nav-menu > summary')
	if (await summary.isVisible()) {
		if ((await nav.locator('details.nav-menu').getAttribute('open')) === null) await summary.click()
		return nav.locator('details.nav-menu').getByRole('link', { name })
	}
	return nav.locator('.nav-wide').getByRole('link', { name })
}

/**
 * WCAG 2.2 AA scan of the current page; violations fail the test with their ids. Only violations are
 * reported in full (`resultTypes`): axe otherwise builds a selector and an HTML excerpt for every
 * element that passed, most of a scan's time on a long page, for results nobody reads. A page without
 * frames (every page these tests visit: Stripe's frames are stood in for) is scanned by one `axe.run`
 * in the page (`setLegacyMode`); the default, which frames need, opens a blank page per scan, injects
 * axe's 500 KB into it too and finishes the run there (five scan-heavy tests: 56 s → 44 s, 1 Dec).
 */
export async function expectAccessible(page: Page) {
	const scan = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).options({ resultTypes: ['violations'] })
	// Legacy mode does not look inside frames, so a page with one gets the full scan.
	const results = await (page.frames().length > 1 ? scan : scan.setLegacyMode()).analyze()
	expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

const stripeJsDouble = readFileSync(new URL('./support/stripe-js-double.js', import.meta.url), 'utf8')

/**
 * Remix's single fetch logs (console.error, @remix-run/react single-fetch.js fetchAndDecode) the
 * AbortError of a data request the browser cancelled because the page was reloaded or left while it
 * was being read, e.g. a booking page re-reading itself while it waits for Stripe's webhook. That is
 * the browser's doing, not a fault of the page; every other console error still fails the test.
 */
function isAbortedDataRequest(text: string) {
	return text === 'AbortError: signal is aborted without reason'
}

export const test = base.extend<{ consoleErrors: string[]; stripeJs: void }>({
	// Stripe.js cannot be reached from this network: every page gets the stand-in instead, as
	// window.Stripe before the page's own scripts run, which loadStripe() takes as Stripe.js already
	// loaded. Not by routing js.stripe.com: any route makes Playwright intercept every request of
	// the context and turn its HTTP cache off, so each page would fetch and compile its scripts again
	// (that cost about a third of the browser tests' CPU).
	stripeJs: [
		async ({ context }, use) => {
			await context.addInitScript({ content: stripeJsDouble })
			await use()
		},
		{ auto: true },
	],
	consoleErrors: [
		async ({ page }, use) => {
			const errors: string[] = []
			page.on('console', (msg) => {
				if (msg.type() === 'error' && !isAbortedDataRequest(msg.text())) errors.push(msg.text())
			})
			page.on('pageerror', (err) => errors.push(err.message))
			await use(errors)
			expect(errors, 'browser console errors').toEqual([])
		},
		{ auto: true },
	],
})
export { expect }

// The app's local webhook secret (app/lib/env.server.ts default): the tests play Stripe's part.
const WEBHOOK_SECRET = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_yiyang_local_webhook_secret'

/** Stripe's signed payment_intent.succeeded webhook for an intent, delivered `times` times (each must be 200). */
export async function stripeReportsPayment(
	request: APIRequestContext,
	{ eventId, paymentIntentId, amountFen, times = 1, method = 'card' }: { eventId: string; paymentIntentId: string; amountFen: number; times?: number; method?: 'card' | 'wechat_pay' | 'alipay' },
) {
	const payload = JSON.stringify({ id: eventId, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: paymentIntentId, object: 'payment_intent', amount: amountFen, currency: 'cny', payment_method: { id: 'pm_e2e', object: 'payment_method', type: method }, payment_method_types: [method], metadata: {} } } })
	const signature = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
	for (let i = 0; i < times; i++) {
		const res = await request.post('/resources/stripe-webhook', { data: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signature } })
		expect(res.status()).toBe(200)
	}
}

/**
 * Chooses the first offered slot starting at least ten minutes from now. The earliest slot can start
 * a minute or two after the test books it, and a requested booking's hold ends at the slot's start,
 * so the provider's confirmation later in the test would come too late. The caregiver may check in
 * from an hour before the start, so the slot must not be much further away than that either.
 */
export async function chooseSlotSoonAfter(page: Page, minutes = 10) {
	await expect(page.locator('input[name="startsAt"]').first()).toBeAttached()
	const starts = await page.locator('input[name="startsAt"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
	const start = starts.find((s) => Date.parse(s) - Date.now() >= minutes * 60_000)
	expect(start, `a slot at least ${minutes} minutes away among ${starts.join(', ')}`).toBeDefined()
	expect(Date.parse(start!) - Date.now(), 'the chosen slot starts within the check-in window').toBeLessThan(60 * 60_000)
	await page.locator(`input[name="startsAt"][value="${start}"]`).check()
}

/**
 * The id of the PaymentIntent created for the booking at `bookingUrl`, as Stripe would name it in its
 * webhook. The family's page never shows it: the wallet stand-in in front of stripe-mock
 * (scripts/e2e-server.ts) remembers the intents it saw created.
 */
/**
 * The PaymentIntent the app stored for the booking's payment (read from the e2e database): the one
 * its webhook must name. Not the stand-in's newest intent: stripe-mock ignores idempotency keys, so a
 * create the Stripe client retried under load would leave the stand-in with an intent the app never kept.
 */
export async function paymentIntentOf(bookingUrl: string): Promise<string> {
	const bookingId = new URL(bookingUrl).pathname.split('/').at(-1)!
	const client = new pg.Client({ connectionString: e2eDatabaseUrl() })
	await client.connect()
	try {
		const { rows } = await client.query<{ intent: string }>(
			'SELECT "stripePaymentIntentId" AS intent FROM payment WHERE "bookingId" = $1::uuid AND "stripePaymentIntentId" IS NOT NULL ORDER BY "createdAt" DESC LIMIT 1',
			[bookingId],
		)
		expect(rows.length, `a stored PaymentIntent for booking ${bookingId}`).toBe(1)
		return rows[0]!.intent
	} finally {
		await client.end()
	}
}

/** The demo home-care provider (13800000011) publishes a ¥45, 15-minute bathing offering open every day, all day, for 3 at a time. */
export async function publishOffering(browser: Browser, title: string) {
	const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const provider = await context.newPage()
	await login(provider, '13800000011')
	await provider.goto('/provider/offerings/new')
	await provider.getByLabel('服务类别').selectOption('bathing')
	await provider.getByLabel('服务名称').fill(title)
	await provider.getByLabel('价格（元）').fill('45')
	await provider.getByLabel('服务时长（分钟）').fill('15')
	await provider.getByRole('button', { name: '保存' }).click()
	await expect(provider.getByRole('heading', { name: title })).toBeVisible()
	for (const day of ['周一', '周二', '周三', '周四', '周五', '周六', '周日']) await provider.getByRole('checkbox', { name: day }).check()
	await provider.getByLabel('开始时间').fill('00:00')
	await provider.getByLabel('结束时间').fill('23:59')
	await provider.getByLabel('同一时段可接待人数').fill('3')
	await provider.getByRole('button', { name: '添加服务时间' }).click()
	await expect(provider.getByRole('status')).toContainText('已添加服务时间')
	await context.close()
}
