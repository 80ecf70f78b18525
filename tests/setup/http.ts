import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'

/** Starts the real express + Remix server (production build) on a free port. */
export async function startApp(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
	const { createApp } = await import('../../server.ts')
	const app = await createApp()
	const server: Server = await new Promise((resolve) => {
		const s = app.listen(0, '127.0.0.1', () => resolve(s))
	})
	const { port } = server.address() as AddressInfo
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	}
}

/** A browser-like HTTP client: keeps cookies, reads the CSRF token from pages, posts forms. */
export class HttpClient {
	private cookies = new Map<string, string>()
	csrfToken: string | null = null

	/** `databaseUrl`: the database the server uses (where officers' second factors are read); the test file's own by default. */
	constructor(
		readonly baseUrl: string,
		readonly databaseUrl = process.env.DATABASE_URL!,
	) {}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
	}

	private remember(res: Response) {
		for (const header of res.headers.getSetCookie()) {
			const [pair] = header.split(';')
			const eq = pair!.indexOf('=')
			const name = pair!.slice(0, eq).trim()
			const value = pair!.slice(eq + 1).trim()
			if (/expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0/i.test(header)) this.cookies.delete(name)
			else this.cookies.set(name, value)
		}
	}

	async get(path: string, init: RequestInit = {}) {
		const res = await fetch(this.baseUrl + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() } })
		this.remember(res)
		return res
	}

	/** GETs a page and keeps its CSRF token, as a browser rendering the form would. */
	async page(path: string) {
		const res = await this.get(path)
		const html = await res.text()
		const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1]
		if (token) this.csrfToken = token
		return { res, html }
	}

	/** Posts a form with the CSRF token (unless `csrf: false`) the way Remix's <Form> does without JS. */
	async post(path: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean; headers?: Record<string, string> } = {}) {
		if (opts.csrf !== false && !this.csrfToken) await this.page('/')
		const body = new URLSearchParams()
		for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item)
		if (opts.csrf !== false && this.csrfToken) body.set('csrf', this.csrfToken)
		const res = await fetch(this.baseUrl + path, {
			method: 'POST',
			redirect: 'manual',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...opts.headers },
		})
		this.remember(res)
		return res
	}

	async login(phone: string, password: string) {
		await this.page('/login')
		let res = await this.post('/login', { phone, password })
		if (res.status !== 302) throw new Error(`login of ${phone} failed with ${res.status}`)
		// Officers give their second factor next: the current TOTP code of their secret.
		const next = res.headers.get('location') ?? ''
		if (next.startsWith('/login/two-factor')) {
			await this.page(next)
			res = await this.post(next, { code: await currentTotpOf(phone, this.databaseUrl) })
			if (res.status !== 302) throw new Error(`second factor of ${phone} failed with ${res.status}`)
		}
		await this.page('/')
		return res
	}
}

/**
 * The current TOTP code of an enrolled user, read from the database the server uses (benchmarks
 * run servers on databases other than this process's). A code is accepted once per time step, and
 * tests sign the same officer in many times a minute, so the user's last accepted step is forgotten
 * first. An officer without a second factor (made by a factory) is given one.
 */
export async function currentTotpOf(phone: string, databaseUrl = process.env.DATABASE_URL!) {
	const { default: pg } = await import('pg')
	const { generateTOTP } = await import('@epic-web/totp')
	const { openTotpSecret, sealTotpSecret } = await import('~/modules/auth/totp-secret.server.ts')
	const db = new pg.Client({ connectionString: databaseUrl })
	await db.connect()
	try {
		const { rows } = await db.query<{ totpSecret: string | null }>('UPDATE app_user SET "totpLastCounter" = NULL WHERE phone = $1 RETURNING "totpSecret"', [phone])
		if (rows.length !== 1) throw new Error(`no user with phone ${phone} in ${databaseUrl}`)
		let secret = rows[0]!.totpSecret
		// Officers made by the factories have not enrolled: give them a secret, as enrolment would.
		if (!secret) {
			secret = sealTotpSecret((await generateTOTP()).secret)
			await db.query('UPDATE app_user SET "totpSecret" = $2, "totpEnabledAt" = now() WHERE phone = $1', [phone, secret])
		}
		return (await generateTOTP({ secret: openTotpSecret(secret), algorithm: 'SHA-1', digits: 6, period: 30 })).otp
	} finally {
		await db.end()
	}
}
