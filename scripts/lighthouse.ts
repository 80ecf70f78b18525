// Lighthouse (mobile form factor, its default simulated throttling) on the pages issue 11 names:
// prints performance and accessibility per page and fails if performance < 90 or accessibility < 100.
// It builds nothing: against a running production server (`LIGHTHOUSE_BASE_URL=http://127.0.0.1:3000
// npm run lighthouse`, demo-seeded) or, without it, against the browser tests' server (the production
// build, a fresh demo database: `npm run build` first), started and stopped the way Playwright does.
// Pages behind sign-in get the session cookie through Lighthouse's extraHeaders, after signing in over
// HTTP through the real forms (the CSRF token, then the officers' TOTP code).
// Options: LIGHTHOUSE_RUNS=n (default 1) keeps each page's median score; LIGHTHOUSE_CHROMIUM_PATH
// (default /usr/bin/chromium, Debian's full browser, installed as root when missing); LIGHTHOUSE_JSON=path
// writes the figures as JSON.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg } from 'node:os'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { ensureChromium, FULL_CHROMIUM } from './lib/chromium.ts'

const DEMO_PASSWORD = 'Yiyang2026!'
/** The demo officers' TOTP secret (prisma/seed-data.ts DEMO_TOTP_SECRET). */
const DEMO_TOTP_SECRET = 'YIYANGDEMOJINGMENTOTPAAA'
const MIN_PERFORMANCE = 90
const MIN_ACCESSIBILITY = 100
const runs = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 1) || 1)

type Page = { path: string | ((base: string, cookie: string) => Promise<string>); who?: string }
const FAMILY = '13800000001'
const DISTRICT_OFFICER = '13800000031'
const PAGES: Page[] = [
	{ path: '/' },
	{ path: '/login' },
	{ path: '/services' },
	{ path: '/elders', who: FAMILY },
	{ path: firstBooking, who: FAMILY },
	{ path: '/bureau/beds', who: DISTRICT_OFFICER },
]

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer()
		server.on('error', reject)
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number }
			server.close(() => resolve(port))
		})
	})
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 180_000) {
	const until = Date.now() + timeoutMs
	while (Date.now() < until) {
		if (child.exitCode !== null) throw new Error(`the e2e server exited with ${child.exitCode}`)
		try {
			if ((await fetch(url)).ok) return
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500))
	}
	throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}

/** The browser tests' server (scripts/e2e-server.ts), as playwright.config.ts starts it. */
async function startE2eServer() {
	const port = await freePort()
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/e2e-server.ts'], { env: { ...process.env, E2E_PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] })
	const base = `http://127.0.0.1:${port}`
	await waitFor(`${base}/healthz`, child)
	return {
		base,
		stop: () =>
			new Promise<void>((resolve) => {
				child.once('exit', () => resolve())
				child.kill('SIGTERM')
			}),
	}
}

/** RFC 4226 HOTP of a base32 secret (as tests/e2e/fixtures.ts). */
function hotp(secretBase32: string, counter: number) {
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

class CookieJar {
	private cookies = new Map<string, string>()
	take(response: Response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';')
			const at = pair!.indexOf('=')
			this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1))
		}
	}
	header() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
	}
}

async function getPage(base: string, path: string, jar: CookieJar) {
	const response = await fetch(base + path, { headers: { cookie: jar.header() }, redirect: 'manual' })
	jar.take(response)
	return { response, html: await response.text() }
}

async function postForm(base: string, path: string, fields: Record<string, string>, jar: CookieJar) {
	const response = await fetch(base + path, {
		method: 'POST',
		headers: { cookie: jar.header(), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields),
		redirect: 'manual',
	})
	jar.take(response)
	return response
}

function csrfOf(html: string) {
	const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1]
	if (!token) throw new Error('no CSRF token on the page')
	return token
}

/** Signs in through the real forms (and the officers' second factor); answers the Cookie header. */
async function signIn(base: string, phone: string) {
	const jar = new CookieJar()
	const login = await getPage(base, '/login', jar)
	let response = await postForm(base, '/login', { csrf: csrfOf(login.html), formId: 'login', phone, password: DEMO_PASSWORD, redirectTo: '/' }, jar)
	const location = response.headers.get('location') ?? ''
	if (location.startsWith('/login/two-factor')) {
		const page = await getPage(base, location, jar)
		const step = Math.floor(Date.now() / 30_000)
		// The server accepts each step once: a run moments ago may have used this one.
		for (const counter of [step, step + 1]) {
			response = await postForm(base, location, { csrf: csrfOf(page.html), formId: 'second-factor', code: hotp(DEMO_TOTP_SECRET, counter), redirectTo: '/' }, jar)
			if (response.status === 302 || response.status === 303) break
		}
	}
	if (response.status !== 302 && response.status !== 303) throw new Error(`signing in as ${phone} answered ${response.status}`)
	return jar.header()
}

/**
 * The family's first booking on /bookings; the demo seed has none, so without one the script books
 * the first bookable service's first free time for the family's first elder, through the real form.
 */
async function firstBooking(base: string, cookie: string) {
	const existing = async () => /href="\/bookings\/([0-9a-f-]{36})"/.exec(await (await fetch(`${base}/bookings`, { headers: { cookie } })).text())?.[1]
	let id = await existing()
	if (!id) {
		const services = await (await fetch(`${base}/services`, { headers: { cookie } })).text()
		const book = /href="(\/services\/book\/[0-9a-f-]{36})"/.exec(services)?.[1]
		const chooser = book && (await (await fetch(base + book, { headers: { cookie } })).text())
		const elderId = chooser && /<select[^>]*name="elderId"[^>]*>[\s\S]*?<option value="([0-9a-f-]{36})"/.exec(chooser)?.[1]
		if (!book || !elderId) throw new Error('no bookable service or elder for the demo family')
		const page = await (await fetch(`${base}${book}?elderId=${elderId}`, { headers: { cookie } })).text()
		const form = /<form method="post"[^>]*id="book"[\s\S]*?<\/form>/.exec(page)?.[0] ?? ''
		const fields: Record<string, string> = {}
		for (const [input] of form.matchAll(/<input[^>]*>/g)) {
			const name = /name="([^"]+)"/.exec(input)?.[1]
			const value = /value="([^"]*)"/.exec(input)?.[1] ?? ''
			if (name && !(name in fields)) fields[name] = value.replaceAll('&amp;', '&')
		}
		const action = (/action="([^"]+)"/.exec(form)?.[1] ?? book).replaceAll('&amp;', '&')
		const response = await fetch(base + action, {
			method: 'POST',
			headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ ...fields, serviceAddress: '荆门市东宝区龙泉社区长宁大道88号' }),
			redirect: 'manual',
		})
		id = /\/bookings\/([0-9a-f-]{36})/.exec(response.headers.get('location') ?? '')?.[1] ?? (await existing())
		if (!id) throw new Error(`booking for the demo family answered ${response.status}`)
	}
	return `/bookings/${id}`
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main() {
	ensureChromium(FULL_CHROMIUM)
	const server = process.env.LIGHTHOUSE_BASE_URL ? { base: process.env.LIGHTHOUSE_BASE_URL.replace(/\/$/, ''), stop: async () => {} } : await startE2eServer()
	const chrome = await chromeLauncher.launch({
		chromePath: FULL_CHROMIUM.path,
		chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	})
	const results: { page: string; performance: number; accessibility: number; lcpMs: number; tbtMs: number; failing: string[] }[] = []
	try {
		const cookies = new Map<string, string>()
		for (const page of PAGES) {
			let cookie = ''
			if (page.who) {
				if (!cookies.has(page.who)) cookies.set(page.who, await signIn(server.base, page.who))
				cookie = cookies.get(page.who)!
			}
			const path = typeof page.path === 'string' ? page.path : await page.path(server.base, cookie)
			const scores = []
			for (let i = 0; i < runs; i++) {
				const audit = async () =>
					(await lighthouse(server.base + path, {
						port: chrome.port,
						output: 'json',
						logLevel: 'error',
						onlyCategories: ['performance', 'accessibility'],
						extraHeaders: cookie ? { Cookie: cookie } : undefined,
					}))!.lhr
				let lhr = await audit()
				// Chromium now and then records no trace (NO_NAVSTART, NO_FCP): that run measured nothing,
				// so it is made once more; a score is never run again.
				if (lhr.runtimeError) lhr = await audit()
				if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`)
				const failing = Object.values(lhr.audits)
					.filter((a) => a.score !== null && a.score < 1 && lhr.categories.accessibility!.auditRefs.some((r) => r.id === a.id && r.weight > 0))
					.map((a) => a.id)
				scores.push({
					performance: Math.round((lhr.categories.performance!.score ?? 0) * 100),
					accessibility: Math.round((lhr.categories.accessibility!.score ?? 0) * 100),
					lcpMs: Math.round(lhr.audits['largest-contentful-paint']?.numericValue ?? 0),
					tbtMs: Math.round(lhr.audits['total-blocking-time']?.numericValue ?? 0),
					failing,
				})
			}
			const perf = median(scores.map((s) => s.performance))
			const row = { page: typeof page.path === 'string' ? path : '/bookings/:id', ...scores.find((s) => s.performance === perf)!, accessibility: Math.min(...scores.map((s) => s.accessibility)) }
			results.push(row)
			console.log(`${row.page.padEnd(14)} performance ${String(row.performance).padStart(3)}  accessibility ${String(row.accessibility).padStart(3)}  LCP ${row.lcpMs} ms  TBT ${row.tbtMs} ms${row.failing.length ? `  (${row.failing.join(', ')})` : ''}`)
		}
	} finally {
		chrome.kill()
		await server.stop()
	}
	const load = loadavg().map((l) => l.toFixed(2)).join(' ')
	console.log(`load average ${load}; ${runs} run(s) per page, mobile, default throttling`)
	if (process.env.LIGHTHOUSE_JSON) writeFileSync(process.env.LIGHTHOUSE_JSON, JSON.stringify({ at: new Date().toISOString(), loadavg: load, runs, results }, null, 2))
	const below = results.filter((r) => r.performance < MIN_PERFORMANCE || r.accessibility < MIN_ACCESSIBILITY)
	if (below.length) {
		console.error(`Below ${MIN_PERFORMANCE} performance / ${MIN_ACCESSIBILITY} accessibility: ${below.map((r) => r.page).join(', ')}`)
		process.exitCode = 1
	}
}

await main()
