import { createServer, type RequestListener, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express'
import { i18nFor } from './i18n.ts'
import { getPreferences } from './preferences.server.ts'
import { isUuid } from './query.ts'

// Headers the request guard sets for the app. Whatever a client sends under these names is removed
// first, so the app can trust them.
const CLIENT_IP_HEADER = 'x-yiyang-client-ip'
const REFUSAL_HEADER = 'x-yiyang-refusal'

/** Longest request target (path and query) the app reads: a search box needs far less. */
export const MAX_URL_LENGTH = 4096

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Request bodies, by kind, refused (413) from their Content-Length before a byte is read. */
/**
 * `upload`: the allowance imports' file (5 MB, MAX_UPLOAD_BYTES in modules/allowance/csv.server.ts,
 * which also enforces it while streaming) plus the form's other parts; only the pages that take such
 * a file (ALLOWANCE_UPLOAD_PATHS) accept a multipart body that large, any other form gets `form`.
 */
export const BODY_LIMITS = { form: 1024 * 1024, webhook: 256 * 1024, upload: 5 * 1024 * 1024 + 64 * 1024, photos: 3 * 2 * 1024 * 1024 + 64 * 1024 } as const
/** The registry import streams its file (80 MB, MAX_IMPORT_BYTES in modules/registry-import/columns.ts, plus the form's other parts). */
export const REGISTRY_IMPORT_BODY_LIMIT = 80 * 1024 * 1024 + 64 * 1024
/** The cremation import and a run's bank returns/confirmations. */
const ALLOWANCE_UPLOAD_PATHS = /^\/bureau\/allowance\/(cremation|runs\/[^/]+)\/?$/
/**
 * `photos`: forms that take up to three photos or attachments of 2 MB each (MAX_PHOTOS and
 * MAX_PHOTO_BYTES in modules/institutions/photos.server.ts, MAX_ATTACHMENTS and MAX_ATTACHMENT_BYTES
 * in modules/due-process/attachments.ts) plus the form's other parts.
 */
const PHOTO_UPLOAD_PATHS = /^\/(bureau\/construction|bureau\/inspections|institution\/inspections|subsidies\/appeals)\/?$/

/** The most bytes a request body to `path` may have (checked from Content-Length before it is read). */
export function bodyLimit(path: string, contentType: string | undefined): number {
	if (path === '/resources/stripe-webhook') return BODY_LIMITS.webhook
	if (path === '/registry/import') return REGISTRY_IMPORT_BODY_LIMIT
	const multipart = (contentType ?? '').startsWith('multipart/form-data')
	if (multipart && ALLOWANCE_UPLOAD_PATHS.test(path)) return BODY_LIMITS.upload
	return multipart && PHOTO_UPLOAD_PATHS.test(path) ? BODY_LIMITS.photos : BODY_LIMITS.form
}

type Refusal = 'cross-origin' | 'uri-too-long' | 'too-large'
const REFUSALS: Record<Refusal, { status: number; key: string }> = {
	'cross-origin': { status: 403, key: 'errorPage.crossOrigin' },
	'uri-too-long': { status: 414, key: 'errorPage.uriTooLong' },
	'too-large': { status: 413, key: 'errorPage.tooLarge' },
}

/**
 * The client's address, for audit entries and sign-in limits. It is the socket's address, or the
 * address a proxy names in X-Forwarded-For only when TRUST_PROXY says that proxy is trusted: express
 * works it out (its `trust proxy` setting) and the request guard passes it on. A client's own
 * X-Forwarded-For is never read here.
 */
export function clientIp(request: Request): string | null {
	return request.headers.get(CLIENT_IP_HEADER) || null
}

/** express's `trust proxy` value for the TRUST_PROXY setting: off unless configured. */
export function trustProxySetting(value: string | undefined): boolean | number | string {
	if (!value || value === 'false') return false
	if (value === 'true') return true
	if (/^\d+$/.test(value)) return Number(value)
	return value
}

/** Whether a state-changing request comes from another site, judged by Origin and Sec-Fetch-Site. */
export function isCrossOrigin(headers: { origin?: string; secFetchSite?: string; host?: string }): boolean {
	const { origin, secFetchSite, host } = headers
	if (secFetchSite === 'cross-site' || secFetchSite === 'same-site') return true
	// No Origin (an old browser, or a server such as Stripe's webhook): the CSRF token decides.
	if (origin === undefined) return false
	// "null" is what a browser sends for a same-origin form when the page's referrer policy is
	// no-referrer, and for sandboxed or privacy-sensitive contexts. It names no other site; the
	// browser's Sec-Fetch-Site (checked above) and the form's CSRF token decide.
	if (origin === 'null') return false
	try {
		return new URL(origin).host !== host
	} catch {
		return true
	}
}

/**
 * Runs before Remix. Remix 2 refuses a POST whose Origin is not the Host by throwing, which answers
 * a blank 500 (with `Referrer-Policy: no-referrer` every plain-HTML form sent `Origin: null` and
 * failed that way). This guard makes the decision instead and removes the Origin header, so Remix's
 * check never throws: a request from another site, or a request target longer than MAX_URL_LENGTH,
 * is turned into a GET of the same page that the root loader answers with the product's own error
 * page (403 or 414, in the visitor's language); see `throwIfRefused`.
 */
export function requestGuard() {
	return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
		delete req.headers[CLIENT_IP_HEADER]
		delete req.headers[REFUSAL_HEADER]
		if (req.ip) req.headers[CLIENT_IP_HEADER] = req.ip
		let refusal: Refusal | null = null
		if (req.originalUrl.length > MAX_URL_LENGTH) refusal = 'uri-too-long'
		else if (!SAFE_METHODS.has(req.method)) {
			const trusted = (req.app.get('trust proxy fn') as (addr: string | undefined, i: number) => boolean)(req.socket.remoteAddress, 0)
			const forwardedHost = trusted ? req.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined
			if (isCrossOrigin({ origin: req.get('origin'), secFetchSite: req.get('sec-fetch-site'), host: forwardedHost || req.get('host') })) refusal = 'cross-origin'
			// A body without a length (chunked) counts as too large: its size is unknown until read.
			else if (req.get('transfer-encoding') || Number(req.get('content-length') ?? 0) > bodyLimit(req.path, req.get('content-type'))) refusal = 'too-large'
		}
		if (!SAFE_METHODS.has(req.method)) delete req.headers.origin
		// The webhook is a resource route with no page: Stripe gets the bare status.
		if (refusal === 'too-large' && req.path === '/resources/stripe-webhook') return void res.status(413).set('Connection', 'close').end()
		if (refusal) {
			req.headers[REFUSAL_HEADER] = refusal
			// The page is shown instead of running the action; the body is never read.
			req.method = 'GET'
			if (refusal === 'uri-too-long') req.url = req.originalUrl = req.path.slice(0, 512)
			delete req.headers['content-type']
			delete req.headers['content-length']
			delete req.headers['transfer-encoding']
		}
		next()
	}
}

/**
 * Whether the guard refused this request (the root loader answers it with the error page). Route
 * loaders run beside the root's, so one that redirects checks this first, or its redirect would win.
 */
export function isRefused(request: Request) {
	return request.headers.has(REFUSAL_HEADER)
}

/** Called by the root loader: answers a request the guard refused with the product's error page. */
export async function throwIfRefused(request: Request) {
	const refusal = request.headers.get(REFUSAL_HEADER) as Refusal | null
	if (!refusal || !(refusal in REFUSALS)) return
	const { status, key } = REFUSALS[refusal]
	const { locale } = await getPreferences(request)
	throw new Response(i18nFor(locale).t(key), { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

/**
 * Header bytes Node reads before answering by itself. Its default, 16 KB, answered a long search (a
 * 10,000-character Chinese query is 90 KB encoded) with an empty 431; up to this size the request
 * guard answers with the product's 414 page.
 */
export const MAX_HEADER_BYTES = 128 * 1024

// Node answers a request whose headers pass MAX_HEADER_BYTES, or that it cannot parse, before
// express sees it. This page stands in for the product's error page there (no scripts, no assets).
function clientErrorPage(status: number, zh: string, en: string) {
	const body = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>颐养 Yiyang</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.6"><h1 style="font-size:1.4rem">颐养</h1><section role="alert"><p>${zh}</p><p lang="en">${en}</p><p><a href="/">${i18nFor('zh-CN').t('errorPage.home')}</a></p></section></body></html>`
	const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'
	return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

/**
 * Makes `app.listen` create its server with MAX_HEADER_BYTES and answer what Node refuses before
 * express (headers too large, malformed requests) with a page in Chinese instead of an empty one.
 */
export function listenWithLimits<T extends { listen: (...args: never[]) => Server }>(app: T & RequestListener): T {
	app.listen = ((...args: Parameters<Server['listen']>) => {
		const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app)
		server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
			if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') return void socket.destroy()
			const tooLarge = error.code === 'HPE_HEADER_OVERFLOW'
			socket.end(tooLarge ? clientErrorPage(431, i18nFor('zh-CN').t('errorPage.uriTooLong'), i18nFor('en').t('errorPage.uriTooLong')) : clientErrorPage(400, i18nFor('zh-CN').t('errorPage.status', { status: 400 }), i18nFor('en').t('errorPage.status', { status: 400 })))
		})
		return server.listen(...args)
	}) as unknown as T['listen']
	return app
}

/**
 * Throws a Response (400 unless told otherwise) when the condition is false, like the Epic Stack's
 * `invariantResponse`: `invariantResponse(booking, 'Not found', { status: 404 })`.
 */
export function invariantResponse(condition: unknown, message: string | (() => string), responseInit?: ResponseInit): asserts condition {
	if (!condition) {
		throw new Response(typeof message === 'function' ? message() : message, { status: 400, ...responseInit })
	}
}

/** A route's id parameter, or 404 when it is missing or not a UUID (never a database error, never 500). */
export function requireId(params: Record<string, string | undefined>, name: string): string {
	const value = params[name]
	invariantResponse(isUuid(value), 'Not found', { status: 404 })
	return value
}

/** A UUID read from a form or query, or 404 (the object it names cannot exist). */
export function requireUuid(value: FormDataEntryValue | string | null | undefined): string {
	invariantResponse(isUuid(value), 'Not found', { status: 404 })
	return value
}

/** 404 unless found: `const elder = notFoundUnless(await getElder(user, id))`. */
export function notFoundUnless<T>(value: T | null | undefined, message = 'Not found'): T {
	invariantResponse(value !== null && value !== undefined, message, { status: 404 })
	return value
}
