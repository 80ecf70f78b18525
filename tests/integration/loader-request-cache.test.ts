// server/loader-request-cache.ts makes Remix's stripped copy of a request once per request and gives
// it to every loader of that request. The copy must be the one the library makes (the same URL,
// method, headers and abort signal), the action must keep its own, and another request must get
// another copy.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileCommonJs } from '../../server/patch-commonjs.ts'
import { patchDataSource } from '../../server/loader-request-cache.ts'

type Args = { request: Request; params: Record<string, string>; loadContext: unknown; routeId: string; singleFetch: boolean }
type Data = {
	callRouteLoader: (args: Args & { loader: (a: { request: Request }) => unknown }) => Promise<unknown>
	callRouteAction: (args: Args & { action: (a: { request: Request }) => unknown }) => Promise<unknown>
}

const require = createRequire(createRequire(path.resolve('package.json')).resolve('@remix-run/node'))
const filename = require.resolve('@remix-run/server-runtime/dist/data.js')

const compile = (source: string) => compileCommonJs(filename, source).exports as Data

/** What each loader of one request was given. */
async function seenByLoaders(data: Data, request: Request, singleFetch: boolean, count = 3): Promise<Request[]> {
	const seen: Request[] = []
	for (let i = 0; i < count; i++) {
		await data.callRouteLoader({ request, params: {}, loadContext: {}, routeId: `r${i}`, singleFetch, loader: ({ request: r }) => (seen.push(r), { i }) })
	}
	return seen
}

const describeRequest = (r: Request) => ({ url: r.url, method: r.method, headers: [...r.headers], aborted: r.signal.aborted })

describe('the per-request loader request', () => {
	const source = readFileSync(filename, 'utf8')
	const original = compile(source)
	const patched = compile(patchDataSource(source)!)

	it('patches the installed server runtime', () => {
		expect(patchDataSource(source)).not.toBeNull()
		expect(patchDataSource('function other() {}')).toBeNull()
	})

	it("gives every loader of a request the same copy, the library's", async () => {
		for (const singleFetch of [true, false]) {
			const url = 'http://localhost/bureau/beds?index&index=2&_routes=root&_data=root&q=1'
			const request = new Request(url, { headers: { cookie: 'a=b', 'x-test': '1' } })
			const seen = await seenByLoaders(patched, request, singleFetch)
			expect(seen[1]).toBe(seen[0])
			expect(seen[2]).toBe(seen[0])
			expect(seen[0]).not.toBe(request)
			const want = await seenByLoaders(original, request, singleFetch, 1)
			expect(describeRequest(seen[0]!)).toEqual(describeRequest(want[0]!))
			// Another request: another copy.
			const other = await seenByLoaders(patched, new Request(url), singleFetch, 1)
			expect(other[0]).not.toBe(seen[0])
		}
	})

	it('aborts the copy with the request', async () => {
		const controller = new AbortController()
		const request = new Request('http://localhost/floor', { signal: controller.signal })
		const [copy] = await seenByLoaders(patched, request, true, 1)
		expect(copy!.signal.aborted).toBe(false)
		controller.abort()
		expect(copy!.signal.aborted).toBe(true)
	})

	it('leaves the action its own copy', async () => {
		const request = new Request('http://localhost/floor?index', { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
		let given: Request | undefined
		await patched.callRouteAction({ request, params: {}, loadContext: {}, routeId: 'r', singleFetch: true, action: ({ request: r }) => ((given = r), null) })
		const [loaderCopy] = await seenByLoaders(patched, request, true, 1)
		expect(given).toBeDefined()
		expect(given).not.toBe(loaderCopy)
		expect(await given!.text()).toBe('x=1')
	})
})
