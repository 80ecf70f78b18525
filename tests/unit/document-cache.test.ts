// Reused renders (app/lib/document-cache.server.ts): the key covers every input of the render, and a
// kept document is answered with each response's own nonce.
import type { EntryContext } from '@remix-run/node'
import { describe, expect, it } from 'vitest'
import { admitDocument, cachedDocument, documentKey, keepDocument, NONCE_STAND_IN } from '~/lib/document-cache.server.ts'

function context(loaderData: Record<string, unknown>, opts: { documentCache?: boolean; actionData?: unknown; search?: string } = {}) {
	return {
		manifest: { version: 'build-1' },
		serverHandoffString: '{"future":{}}',
		routeModules: { root: {}, 'routes/page': { handle: { documentCache: opts.documentCache ?? true } } },
		staticHandlerContext: {
			matches: [{ route: { id: 'root' } }, { route: { id: 'routes/page' } }],
			loaderData,
			actionData: opts.actionData ?? null,
			errors: null,
			location: { pathname: '/page', search: opts.search ?? '' },
		},
	} as unknown as EntryContext
}
const get = new Request('http://127.0.0.1/page')
const key = (data: Record<string, unknown>, opts?: Parameters<typeof context>[1], request = get, status = 200) => documentKey(request, status, context(data, opts))

describe('document keys', () => {
	it('are equal for equal inputs and differ with any input', () => {
		const data = { root: { user: { id: 'a', name: '王芳' }, csrfToken: 't1', locale: 'zh-CN' }, 'routes/page': { n: 1, at: new Date(0) } }
		expect(key(data)).toBe(key(structuredClone(data)))
		expect(key(data)).not.toBe(key({ ...data, root: { ...data.root, csrfToken: 't2' } }))
		expect(key(data)).not.toBe(key({ ...data, root: { ...data.root, user: { id: 'b', name: '王芳' } } }))
		expect(key(data)).not.toBe(key(data, { search: '?page=2' }))
		// Values JSON prints alike are kept apart.
		expect(key({ r: { at: new Date(0) } })).not.toBe(key({ r: { at: new Date(0).toISOString() } }))
		expect(key({ r: { a: undefined } })).not.toBe(key({ r: {} }))
		expect(key({ r: { a: Number.NaN } })).not.toBe(key({ r: { a: null } }))
		expect(key({ r: { a: -0 } })).not.toBe(key({ r: { a: 0 } }))
	})

	it('are not made for pages that did not opt in, other requests, or data a fingerprint cannot vouch for', () => {
		expect(key({ r: 1 }, { documentCache: false })).toBeNull()
		expect(key({ r: 1 }, {}, new Request('http://127.0.0.1/page', { method: 'POST' }))).toBeNull()
		expect(key({ r: 1 }, {}, get, 404)).toBeNull()
		expect(key({ r: 1 }, { actionData: { 'routes/page': { ok: true } } })).toBeNull()
		expect(key({ r: new Map() })).toBeNull()
		expect(key({ r: Promise.resolve(1) })).toBeNull()
	})
})

describe('kept documents', () => {
	it('are answered with this response’s nonce wherever the render had one', () => {
		const k = `k-${Math.random()}`
		const html = Buffer.from(`<script nonce="${NONCE_STAND_IN}">a</script><p>页</p><script nonce="${NONCE_STAND_IN}">b</script>`)
		expect(cachedDocument(k, 'bm9uY2Uxbm9uY2Ux')).toBeNull()
		expect(keepDocument(k, html, 'bm9uY2Uxbm9uY2Ux').toString()).toBe('<script nonce="bm9uY2Uxbm9uY2Ux">a</script><p>页</p><script nonce="bm9uY2Uxbm9uY2Ux">b</script>')
		expect(cachedDocument(k, 'T3RoZXJOb25jZT09')!.toString()).toBe('<script nonce="T3RoZXJOb25jZT09">a</script><p>页</p><script nonce="T3RoZXJOb25jZT09">b</script>')
		// A nonce of any other shape is not put into a kept page.
		expect(cachedDocument(k, '"><script>')).toBeNull()
	})

	it('are not kept when the render failed', () => {
		const k = `k-${Math.random()}`
		expect(keepDocument(null, Buffer.from(`<p nonce="${NONCE_STAND_IN}">x</p>`), 'bm9uY2Uxbm9uY2Ux').toString()).toBe('<p nonce="bm9uY2Uxbm9uY2Ux">x</p>')
		expect(cachedDocument(k, 'bm9uY2Uxbm9uY2Ux')).toBeNull()
	})

	it('are kept from the second time their key comes (one-off pages, such as a cookieless visitor’s, are not)', () => {
		const k = `k-${Math.random()}`
		expect(admitDocument(k)).toBe(false)
		expect(admitDocument(k)).toBe(true)
		expect(admitDocument(`k-${Math.random()}`)).toBe(false)
	})
})
