// Remix's RemixServer builds React Router's route objects for every route of the app on every
// document request (createServerRoutes: a route object per route, React elements for the root's
// layout), though they depend only on the build: 4–7% of a page's CPU (profiles of /floor and of
// /bureau/beds). This keeps the tree made for a manifest and hands it out again while the route
// modules are the same objects (a fresh map of them is made per request, its values never change
// in a running server). Only the top-level call is cached; React Router copies the routes into its
// own data routes and never changes them. tests/integration/server-routes-cache.test.ts compares
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
	const trees = new WeakMap<object, { modules: Record<string, unknown>; count: number; future: unknown; isSpaMode: boolean; routes: unknown[] }>()
	const cached: CreateServerRoutes & { [CACHED]?: true } = (manifest, routeModules, future, isSpaMode, ...rest) => {
		// A nested call (a parent's children) is the library's own recursion: never cached on its own.
		if (rest.length > 0) return original(manifest, routeModules, future, isSpaMode, ...rest)
		const hit = trees.get(manifest)
		if (hit && hit.future === future && hit.isSpaMode === isSpaMode && sameModules(hit.modules, routeModules, hit.count)) return hit.routes
		const routes = original(manifest, routeModules, future, isSpaMode)
		trees.set(manifest, { modules: { ...routeModules }, count: Object.keys(routeModules).length, future, isSpaMode, routes })
		return routes
	}
	cached[CACHED] = true
	routesModule.createServerRoutes = cached
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
}
