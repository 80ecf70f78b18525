// React Router (which Remix runs on the server) works out its route table afresh on every match:
// matchRoutes flattens and ranks every route and compiles a regular expression per route path,
// and one document request matches three or four times (Remix's server routes, the static
// handler, the partial manifest of lazy route discovery). With this app's ~60 routes that was
// about 15% of the CPU of a bare page (profile of /floor). The route table never changes in a
// running server, so this gives @remix-run/router's CommonJS build (the one Node loads) two
// caches before anything imports it: the compiled path patterns (keyed by path, case sensitivity
// and end; a fixed set, the app's own paths) and the ranked branches of a routes array (keyed by
// the array itself, weakly). Same results, same code otherwise; if the library's source ever
// differs from what this expects, nothing is patched and a warning says so.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.resolve('package.json'))

const PATCHED = Symbol.for('yiyang.routeMatchingCache')

function patch() {
	let filename: string
	try {
		filename = require.resolve('@remix-run/router')
	} catch {
		return
	}
	if (!filename.endsWith('router.cjs.js')) return
	const loaded = require.cache[filename] as (NodeJS.Module & { [PATCHED]?: true }) | undefined
	if (loaded) {
		// Loaded unpatched: something imported React Router first (an ESM bundle hoists its external
		// imports above its own code: hence server/main.ts). Say so, or every page quietly pays it.
		if (!loaded[PATCHED]) console.warn('route-matching-cache: @remix-run/router was loaded before the patch; route matching is not cached')
		return
	}
	const source = readFileSync(filename, 'utf8')
	const flatten = '  let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);\n'
	const compile = 'function compilePath(path, caseSensitive, end) {\n'
	if (!source.includes(flatten) || !source.includes(compile)) {
		console.warn('route-matching-cache: @remix-run/router is not the expected version; route matching is not cached')
		return
	}
	const patched = source
		.replace(
			flatten,
			`  let branches = __rankedBranches.get(routes);
  if (!branches) {
    branches = flattenRoutes(routes);
    rankRouteBranches(branches);
    __rankedBranches.set(routes, branches);
  }
`,
		)
		.replace(
			compile,
			`const __rankedBranches = new WeakMap();
const __compiledPaths = new Map();
function compilePath(path, caseSensitive, end) {
  const key = path + "\\u0000" + (caseSensitive === true) + (end !== false);
  let hit = __compiledPaths.get(key);
  if (!hit) {
    hit = __compilePath(path, caseSensitive, end);
    if (__compiledPaths.size < 10000) __compiledPaths.set(key, hit);
  }
  return hit;
}
function __compilePath(path, caseSensitive, end) {
`,
		)
	const Module = require('node:module') as { new (id: string): NodeJS.Module & { _compile(code: string, filename: string): void; filename: string; paths: string[]; loaded: boolean }; _nodeModulePaths(dir: string): string[] }
	const mod = new Module(filename)
	mod.filename = filename
	mod.paths = Module._nodeModulePaths(path.dirname(filename))
	mod._compile(patched, filename)
	mod.loaded = true
	;(mod as NodeJS.Module & { [PATCHED]?: true })[PATCHED] = true
	require.cache[filename] = mod
}

patch()
