// server/route-matching-cache.ts changes how React Router tries its branches (grouped by first path
// segment, cached per routes array). It must give exactly the matches the library gives: checked
// here over the app's own route table (the production build's) and pathnames made from every route
// path, in other letter cases, with trailing and doubled slashes, unknown and encoded ones.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileCommonJs } from '../../server/patch-commonjs.ts'
import { patchRouterSource } from '../../server/route-matching-cache.ts'

type Route = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: Route[] }
type Match = { params: Record<string, string>; pathname: string; pathnameBase: string; route: Route }
type DataRoute = Route & { hasErrorBoundary?: boolean; children?: DataRoute[] }
type Router = { matchRoutes: (routes: Route[], location: string) => Match[] | null; UNSAFE_convertRoutesToDataRoutes: (routes: Route[], map: (r: Route) => object, parentPath?: string[], manifest?: Record<string, DataRoute>) => DataRoute[] }

const require = createRequire(path.resolve('package.json'))
const filename = require.resolve('@remix-run/router')

const compile = (source: string) => compileCommonJs(filename, source).exports as Router

/**
 * The production build's route table, from the browser manifest it names (the same ids, paths and
 * parents as the server build's routes). Read as text: importing the server bundle loads the whole
 * app, which took 2.7 s alone and most of a minute beside the rest of `npm test`.
 */
async function appRoutes(): Promise<Route[]> {
	const manifestUrl = /\burl:\s*"(\/build\/manifest-[A-Za-z0-9]+\.js)"/.exec(readFileSync('build/index.js', 'utf8'))?.[1]
	expect(manifestUrl, 'build/index.js names its browser manifest').toBeDefined()
	const text = readFileSync(path.join('public', manifestUrl!), 'utf8')
	const manifest = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { routes: Record<string, { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean }> }
	const byParent = new Map<string | undefined, Route[]>()
	for (const r of Object.values(manifest.routes)) byParent.set(r.parentId, [...(byParent.get(r.parentId) ?? []), { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive }])
	const attach = (routes: Route[]): Route[] => routes.map((r) => ({ ...r, children: byParent.has(r.id) ? attach(byParent.get(r.id)!) : undefined }))
	return attach(byParent.get(undefined)!)
}

function fullPaths(routes: Route[], parent = ''): string[] {
	return routes.flatMap((r) => {
		const here = r.path ? `${parent}/${r.path}` : parent
		return [here || '/', ...fullPaths(r.children ?? [], here)]
	})
}

const summary = (matches: Match[] | null) => matches?.map((m) => ({ id: m.route.id, params: m.params, pathname: m.pathname, pathnameBase: m.pathnameBase })) ?? null

describe('route matching with the cache', () => {
	it('matches every pathname exactly as React Router does', async () => {
		const source = readFileSync(filename, 'utf8')
		const patchedSource = patchRouterSource(source)
		expect(patchedSource, 'the patch applies to the installed @remix-run/router').not.toBeNull()
		const original = compile(source)
		const patched = compile(patchedSource!)
		// The app's table, plus routes whose first segment could be anything (it has none of its own today).
		const routes = await appRoutes()
		routes[0]!.children!.push({ id: 'any-first', path: ':anything/detail' }, { id: 'optional-first', path: 'maybe?/thing' }, { id: 'everything-else', path: '*' })
		const templates = [...new Set(fullPaths(routes))]
		expect(templates.length).toBeGreaterThan(60)
		const pathnames = templates.flatMap((t) => {
			const concrete = t.replace(/:[A-Za-z]+\??/g, 'a1b2').replace(/\*$/, 'x/y')
			return [concrete, concrete.toUpperCase(), `${concrete}/`, `${concrete}/extra`, `/${concrete}`, concrete.replace(/^\/([^/]+)/, '/$1-not')]
		})
		pathnames.push('/', '', '//', '/nope', '/NOPE/deeper', '/%E5%8A%A9%E6%B5%B4', '/services/%E5%8A%A9', '/build/x.js', '/.well-known/x')
		// Each pathname against the same array twice, then against a copy made afresh for each match
		// (as Remix's render does): the copy's own route objects must come back.
		const copy = (rs: Route[]): Route[] => rs.map((r) => ({ ...r, children: r.children && copy(r.children) }))
		for (let round = 0; round < 2; round++) {
			for (const p of pathnames) expect(summary(patched.matchRoutes(routes, p)), p).toEqual(summary(original.matchRoutes(routes, p)))
		}
		for (const p of pathnames) {
			const fresh = copy(routes)
			const matches = patched.matchRoutes(fresh, p)
			expect(summary(matches), p).toEqual(summary(original.matchRoutes(routes, p)))
			const ownRoutes = new Set<Route>()
			const collect = (rs: Route[]) => rs.forEach((r) => (ownRoutes.add(r), collect(r.children ?? [])))
			collect(fresh)
			for (const m of matches ?? []) expect(ownRoutes.has(m.route), `${p}: ${m.route.id} is the fresh array's own object`).toBe(true)
		}
	})

	it('converts a route tree to data routes once per tree and properties mapper, as the library converts it', async () => {
		const source = readFileSync(filename, 'utf8')
		const original = compile(source)
		const patched = compile(patchRouterSource(source)!)
		const routes = await appRoutes()
		const map = (r: Route) => ({ hasErrorBoundary: r.id === 'root' })
		const expected: Record<string, DataRoute> = {}
		const want = original.UNSAFE_convertRoutesToDataRoutes(routes, map, undefined, expected)
		const first: Record<string, DataRoute> = {}
		const got = patched.UNSAFE_convertRoutesToDataRoutes(routes, map, undefined, first)
		expect(got).toEqual(want)
		expect(first).toEqual(expected)
		// The same tree again (a render): the same data routes, every id found in the manifest as the
		// first time (lent as its prototype); what the caller writes stays its own.
		const again: Record<string, DataRoute> = {}
		expect(patched.UNSAFE_convertRoutesToDataRoutes(routes, map, undefined, again)).toBe(got)
		for (const id of Object.keys(expected)) {
			expect(again[id]).toEqual(expected[id])
			expect(again[id]).toBe(first[id])
		}
		expect(again['no-such-route']).toBeUndefined()
		const id5 = Object.keys(expected)[5]!
		again[id5] = { id: 'written' }
		const third: Record<string, DataRoute> = {}
		patched.UNSAFE_convertRoutesToDataRoutes(routes, map, undefined, third)
		expect(third[id5]).toBe(first[id5])
		// Another mapper, another tree, a manifest with entries already, or a nested call: converted afresh.
		const other = (r: Route) => ({ hasErrorBoundary: r.id !== 'root' })
		expect(patched.UNSAFE_convertRoutesToDataRoutes(routes, other, undefined, {})).not.toBe(got)
		expect(patched.UNSAFE_convertRoutesToDataRoutes(routes, other, undefined, {})).toEqual(original.UNSAFE_convertRoutesToDataRoutes(routes, other, undefined, {}))
		const copy = routes.map((r) => ({ ...r }))
		expect(patched.UNSAFE_convertRoutesToDataRoutes(copy, map, undefined, {})).not.toBe(got)
		expect(() => patched.UNSAFE_convertRoutesToDataRoutes(routes, map, undefined, { root: {} as DataRoute })).toThrow(/route id collision/)
		expect(patched.UNSAFE_convertRoutesToDataRoutes(routes[0]!.children!, map, ['0'], {})).toEqual(original.UNSAFE_convertRoutesToDataRoutes(routes[0]!.children!, map, ['0'], {}))
	})
})
