// Loader and action tests without a build or HTTP: a route module's `loader` / `action` called with a
// Request that carries a signed-in session cookie and a CSRF token, against the file's own database
// (tests/setup/database-per-file.ts). Keep HTTP tests (tests/setup/http.ts) for what only HTTP
// shows: headers, CSRF refusals from the server, cookies across requests, redirects, webhooks.
//
//   import * as newElder from '~/routes/elders.new.tsx'
//   const family = await signIn('13800000021')
//   const res = await callAction(newElder, '/elders/new', { name: '孙桂兰', ... }, { as: family })
//   expect(res.status).toBe(302); expect(res.location).toMatch(/^\/elders\//)
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { prisma } from '~/lib/db.server.ts'
import { csrf, CSRF_FIELD } from '~/modules/auth/csrf.server.ts'
import { createUserSession } from '~/modules/auth/session.server.ts'

const ORIGIN = 'http://127.0.0.1'

type Params = Record<string, string | undefined>
export type RouteModule = {
	loader?: (args: LoaderFunctionArgs) => unknown
	action?: (args: ActionFunctionArgs) => unknown
}

/** Who makes the request: the cookies a browser would hold and the CSRF token its forms carry. */
export type Visitor = { userId: string | null; cookie: string; csrfToken: string }

/** What a loader or action answered, whether it returned or threw, as data or as a Response. */
export type RouteResult<T = unknown> = {
	status: number
	headers: Headers
	/** The returned data (`data()` or a plain object), or the Response body (JSON parsed, else text). */
	data: T
	/** The redirect target, if any. */
	location: string | null
}

const cookiePair = (setCookie: string) => setCookie.split(';')[0]!

/** A visitor with no session, holding a CSRF cookie and token as after loading any page. */
export async function anonymous(): Promise<Visitor> {
	const [token, setCookie] = await csrf.commitToken()
	return { userId: null, cookie: setCookie ? cookiePair(setCookie) : '', csrfToken: token }
}

/** A signed-in visitor: a real session row for the user (by phone, e.g. a demo account, or id). */
export async function signIn(user: { phone: string } | { id: string } | string): Promise<Visitor> {
	const where = typeof user === 'string' ? { phone: user } : user
	const { id } = await prisma.user.findUniqueOrThrow({ where, select: { id: true } })
	const res = await createUserSession(id, new Request(`${ORIGIN}/login`), '/')
	const visitor = await anonymous()
	return { userId: id, cookie: `${cookiePair(res.headers.get('set-cookie')!)}; ${visitor.cookie}`, csrfToken: visitor.csrfToken }
}

function request(path: string, visitor: Visitor | undefined, init: RequestInit = {}) {
	const headers = new Headers(init.headers)
	if (visitor?.cookie) headers.set('cookie', visitor.cookie)
	return new Request(new URL(path, ORIGIN), { ...init, headers })
}

/** Calls the route's loader for a GET of `path`. */
export async function callLoader<T = unknown>(route: RouteModule, path: string, opts: { as?: Visitor; params?: Params; headers?: HeadersInit } = {}): Promise<RouteResult<T>> {
	if (!route.loader) throw new Error('this route has no loader')
	const loader = route.loader
	return settle<T>(() => loader({ request: request(path, opts.as, { headers: opts.headers }), params: opts.params ?? {}, context: {} }))
}

/**
 * Calls the route's action for a form POST to `path`, with the visitor's CSRF token unless
 * `csrf: false`. Fields with an array value repeat, as checkboxes do. With a `File` among the
 * values the body is multipart (the CSRF token first, as ActionForm puts it), else urlencoded.
 */
export async function callAction<T = unknown>(
	route: RouteModule,
	path: string,
	fields: Record<string, string | string[] | File>,
	opts: { as?: Visitor; params?: Params; csrf?: boolean; headers?: HeadersInit } = {},
): Promise<RouteResult<T>> {
	if (!route.action) throw new Error('this route has no action')
	const action = route.action
	const multipart = Object.values(fields).some((v) => v instanceof File)
	const headers = new Headers(opts.headers)
	let body: URLSearchParams | FormData
	if (multipart) {
		const form = new FormData()
		if (opts.csrf !== false && opts.as) form.append(CSRF_FIELD, opts.as.csrfToken)
		for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) if (!(k === CSRF_FIELD && form.has(k))) form.append(k, item)
		body = form
	} else {
		const form = new URLSearchParams()
		for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item as string)
		if (opts.csrf !== false && opts.as) form.set(CSRF_FIELD, opts.as.csrfToken)
		headers.set('content-type', 'application/x-www-form-urlencoded')
		body = form
	}
	return settle<T>(() => action({ request: request(path, opts.as, { method: 'POST', body, headers }), params: opts.params ?? {}, context: {} }))
}

type DataWithInit = { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null }
const isDataWithInit = (v: unknown): v is DataWithInit => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'DataWithResponseInit'

async function settle<T>(call: () => unknown): Promise<RouteResult<T>> {
	let value: unknown
	try {
		value = await call()
	} catch (thrown) {
		if (!(thrown instanceof Response) && !isDataWithInit(thrown)) throw thrown
		value = thrown
	}
	if (value instanceof Response) {
		const text = await value.text()
		let data: unknown = text
		if ((value.headers.get('content-type') ?? '').includes('json')) data = text ? JSON.parse(text) : null
		return { status: value.status, headers: value.headers, data: data as T, location: value.headers.get('location') }
	}
	if (isDataWithInit(value)) {
		const headers = new Headers(value.init?.headers)
		return { status: value.init?.status ?? 200, headers, data: value.data as T, location: headers.get('location') }
	}
	return { status: 200, headers: new Headers(), data: value as T, location: null }
}
