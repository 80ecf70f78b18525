// Remix's RemixServer builds React Router's route objects for every route of the app on every
// document request (createServerRoutes: a route object per route, React elements for the root's
// layout), though they depend only on the build: 4–7% of a page's CPU (profiles of /floor and of
// /bureau/beds). This keeps the tree made for a manifest and hands it out again while the route
// modules are the same objects (Remix made a fresh map of them per request, its values never
// changing in a running server; cacheEntryRouteModules below now makes that map once per build).
// Only the top-level call is cached; React Router copies the routes into its own data routes and
// never changes them. tests/integration/server-routes-cache.test.ts compares
// the cached tree with a fresh one.
import { createRequire } from 'node:module'
import path from 'node:path'

type CreateServerRoutes = (manifest: object, routeModules: Record<string, unknown>, future: unknown, isSpaMode: boolean, ...rest: unknown[]) => unknown[]
type RoutesModule = { createServerRoutes: CreateServerRoutes }

const CACHED = Symbol.for('yiyang.serverRoutesCache')

function sameModules(a: Record<string, unknown>, b: Record<string, unknown>, count: number) {
	let n = 0
	for (const id in b) {
		if (a[id] !== b[id]) return false
		n++
	}
	return n === count
}

/** Wraps `routesModule.createServerRoutes` (once) so that a manifest's tree is made once. */
export function cacheServerRoutes(routesModule: RoutesModule): void {
	const original = routesModule.createServerRoutes as CreateServerRoutes & { [CACHED]?: true }
	if (original[CACHED]) return
	const trees = new WeakMap<object, { modules: Record<string, unknown>; given: Record<string, unknown>; count: number; future: unknown; isSpaMode: boolean; routes: unknown[] }>()
	const cached: CreateServerRoutes & { [CACHED]?: true } = (manifest, routeModules, future, isSpaMode, ...rest) => {
		// A nested call (a parent's children) is the library's own recursion: never cached on its own.
		if (rest.length > 0) return original(manifest, routeModules, future, isSpaMode, ...rest)
		const hit = trees.get(manifest)
		// The very map of modules seen last (cacheEntryRouteModules hands out one per build), or an equal one.
		if (hit && hit.future === future && hit.isSpaMode === isSpaMode && (hit.given === routeModules || sameModules(hit.modules, routeModules, hit.count))) {
			hit.given = routeModules
			return hit.routes
		}
		const routes = original(manifest, routeModules, future, isSpaMode)
		trees.set(manifest, { modules: { ...routeModules }, given: routeModules, count: Object.keys(routeModules).length, future, isSpaMode, routes })
		return routes
	}
	cached[CACHED] = true
	routesModule.createServerRoutes = cached
}

type CreateEntryRouteModules = ((manifest: Record<string, { module: unknown }>) => Record<string, unknown>) & { [CACHED]?: true }
type EntryModule = { createEntryRouteModules: CreateEntryRouteModules }

/**
 * Wraps `entryModule.createEntryRouteModules` (once) so that a build's map of route id to module is
 * made once: Remix makes it afresh for every document (a reduce over ~150 routes into a new object,
 * 1.6% of a bare page's CPU), though a build's routes and their modules never change (a development
 * rebuild is a new build object). The map is frozen: nothing on the server writes to it.
 */
export function cacheEntryRouteModules(entryModule: EntryModule): void {
	const original = entryModule.createEntryRouteModules
	if (original[CACHED]) return
	const maps = new WeakMap<object, Record<string, unknown>>()
	const cached: CreateEntryRouteModules = (manifest) => {
		let modules = maps.get(manifest)
		if (!modules) {
			modules = Object.freeze(original(manifest))
			maps.set(manifest, modules)
		}
		return modules
	}
	cached[CACHED] = true
	entryModule.createEntryRouteModules = cached
}

/** Caches the server routes of the installed @remix-run/react (its CommonJS build, the one Node loads). */
export function installServerRoutesCache(): void {
	const require = createRequire(path.resolve('package.json'))
	let routesModule: RoutesModule | null
	try {
		routesModule = require('@remix-run/react/dist/routes.js') as RoutesModule
	} catch {
		routesModule = null
	}
	if (routesModule && typeof routesModule.createServerRoutes === 'function') cacheServerRoutes(routesModule)
	else console.warn('server-routes-cache: @remix-run/react is not the expected version; server routes are not cached')
	let entryModule: EntryModule | null
	try {
		// @remix-run/server-runtime calls it through this module's exports object on every document.
		entryModule = createRequire(require.resolve('@remix-run/node'))('@remix-run/server-runtime/dist/entry.js') as EntryModule
	} catch {
		entryModule = null
	}
	if (entryModule && typeof entryModule.createEntryRouteModules === 'function') cacheEntryRouteModules(entryModule)
	else console.warn('server-routes-cache: @remix-run/server-runtime is not the expected version; route modules are mapped per request')
}
