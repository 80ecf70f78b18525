// server/server-routes-cache.ts hands out the route tree RemixServer builds for the app's manifest
// instead of building it afresh per request. The tree must be the one the library builds, and a
// different set of route modules or SPA mode must get a tree of its own.
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheEntryRouteModules, cacheServerRoutes } from '../../server/server-routes-cache.ts'

type CreateServerRoutes = (manifest: object, routeModules: Record<string, unknown>, future: unknown, isSpaMode: boolean) => unknown[]
type ServerRoute = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; handle?: unknown; loader?: unknown; lazy?: unknown; Component?: unknown; ErrorBoundary?: unknown; HydrateFallback?: unknown; element?: { type: unknown; props: { children?: { type: unknown } } }; errorElement?: unknown; children?: ServerRoute[] }

const require = createRequire(path.resolve('package.json'))
const library = (require('@remix-run/react/dist/routes.js') as { createServerRoutes: CreateServerRoutes }).createServerRoutes

/** What a route object is made of, with the library's per-call closures (loader, lazy) as their kind. */
function shape(routes: ServerRoute[]): unknown[] {
	return routes.map((r) => ({
		id: r.id,
		path: r.path,
		index: r.index,
		caseSensitive: r.caseSensitive,
		handle: r.handle,
		loader: typeof r.loader,
		lazy: typeof r.lazy,
		Component: r.Component,
		ErrorBoundary: r.ErrorBoundary,
		HydrateFallback: r.HydrateFallback,
		element: r.element && { type: r.element.type, child: r.element.props.children?.type },
		errorElement: typeof r.errorElement,
		children: r.children && shape(r.children),
	}))
}

describe('the server routes cache', () => {
	it('hands out the tree the library builds, once per manifest and set of route modules', async () => {
		const build = (await import(/* @vite-ignore */ path.resolve('build/index.js'))) as { assets: { routes: object }; routes: Record<string, { module: unknown }>; future: unknown }
		const modules = () => Object.fromEntries(Object.entries(build.routes).map(([id, r]) => [id, r.module]))
		expect(Object.keys(modules()).length).toBeGreaterThan(60)
		const holder = { createServerRoutes: library }
		cacheServerRoutes(holder)
		expect(holder.createServerRoutes).not.toBe(library)

		// As RemixServer calls it: the same manifest, a fresh map of the same modules per request.
		const first = holder.createServerRoutes(build.assets.routes, modules(), build.future, false) as ServerRoute[]
		const again = holder.createServerRoutes(build.assets.routes, modules(), build.future, false)
		expect(again).toBe(first)
		expect(shape(first)).toEqual(shape(library(build.assets.routes, modules(), build.future, false) as ServerRoute[]))
		expect(shape(first)[0]).toMatchObject({ id: 'root', loader: 'function' })

		// Another module for one route, SPA mode, or another manifest: a tree of their own.
		const changed = { ...modules(), root: { ...(modules().root as object) } }
		expect(holder.createServerRoutes(build.assets.routes, changed, build.future, false)).not.toBe(first)
		const spa = holder.createServerRoutes(build.assets.routes, modules(), build.future, true) as ServerRoute[]
		expect(spa).not.toBe(first)
		expect(shape(spa)).toEqual(shape(library(build.assets.routes, modules(), build.future, true) as ServerRoute[]))
		expect(holder.createServerRoutes({ ...build.assets.routes }, modules(), build.future, false)).not.toBe(first)

		// Wrapping twice wraps once.
		const wrapped = holder.createServerRoutes
		cacheServerRoutes(holder)
		expect(holder.createServerRoutes).toBe(wrapped)
	})

	it("makes a build's map of route modules once, the map Remix makes", async () => {
		const build = (await import(/* @vite-ignore */ path.resolve('build/index.js'))) as { routes: Record<string, { module: unknown }> }
		const entry = require('@remix-run/server-runtime/dist/entry.js') as { createEntryRouteModules: (routes: object) => Record<string, unknown> }
		const holder = { createEntryRouteModules: entry.createEntryRouteModules }
		cacheEntryRouteModules(holder)
		const first = holder.createEntryRouteModules(build.routes)
		expect(first).toEqual(entry.createEntryRouteModules(build.routes))
		expect(first.root).toBe(build.routes.root!.module)
		expect(holder.createEntryRouteModules(build.routes)).toBe(first)
		expect(Object.isFrozen(first)).toBe(true)
		// Another build (a development rebuild): its own map.
		const other = { ...build.routes }
		expect(holder.createEntryRouteModules(other)).not.toBe(first)
		expect(holder.createEntryRouteModules(other)).toEqual(first)
		const wrapped = holder.createEntryRouteModules
		cacheEntryRouteModules(holder)
		expect(holder.createEntryRouteModules).toBe(wrapped)
	})
})
