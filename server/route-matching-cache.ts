// React Router (which Remix runs on the server) works out its route table afresh on every match:
// matchRoutes flattens and ranks every route, compiles a regular expression per route path, and
// tries the branches one by one until one matches; one document request matches four times
// (Remix's server routes, the static handler, the render, the partial manifest of lazy route
// discovery). With this app's ~100 routes that was a quarter of the CPU of a bare page (profile of
// /floor). The route table never changes in a running server, so this gives @remix-run/router's
// CommonJS build (the one Node loads), before anything imports it:
//   - the compiled path patterns, keyed by path, case sensitivity and end (a fixed set: the app's paths);
//   - the ranked branches of a route table, grouped by their first path segment: a pathname is tried
//     only against the branches whose first segment is its own (letter case aside) or could be
//     anything (a parameter, a splat, an optional or empty segment), in the same ranked order. A
//     branch left out could never match that pathname, so the first match is the one the full list
//     gives. Cached per routes array (weakly) and per table shape (arrays made afresh per render).
//   - the data routes of a route tree converted again with the same properties mapper (React Router's
//     static router converts RemixServer's tree on every render; server-routes-cache.ts makes that
//     tree once per build, so the same array comes back each time), and their manifest lent as the
//     prototype of the caller's.
// Same results, same code otherwise (tests/integration/route-matching-cache.test.ts compares them);
// if the library's source ever differs from what this expects, nothing is patched and a warning says so.
import { createRequire } from 'node:module'
import path from 'node:path'
import { installPatchedCommonJs } from './patch-commonjs.ts'

function patch() {
	let filename: string
	try {
		filename = createRequire(path.resolve('package.json')).resolve('@remix-run/router')
	} catch {
		return
	}
	if (!filename.endsWith('router.cjs.js')) return
	installPatchedCommonJs(filename, patchRouterSource, { label: 'route-matching-cache', library: '@remix-run/router', lost: 'route matching is not cached' })
}

/** The router's source with the caches in, or null when it is not the source this expects. */
export function patchRouterSource(source: string): string | null {
	const match = `  let branches = flattenRoutes(routes);
  rankRouteBranches(branches);
  let matches = null;
  let decoded = decodePath(pathname);
  for (let i = 0; matches == null && i < branches.length; ++i) {`
	const compile = 'function compilePath(path, caseSensitive, end) {\n'
	const convert = 'function convertRoutesToDataRoutes(routes, mapRouteProperties, parentPath, manifest) {\n'
	if (!source.includes(match) || !source.includes(compile) || !source.includes(convert)) return null
	return source
		.replace(
			convert,
			`const __dataRoutes = new WeakMap();
// A top-level conversion of a routes array already converted with the same properties mapper (the
// static router of every render converts the route tree RemixServer builds once per build): the
// data routes made the first time, their manifest entries lent to this call's (empty) manifest as
// its prototype: the router only reads and writes entries by id, and copying ~150 entries per
// render was 1.7% of a bare page's CPU. What a caller writes stays its own.
function convertRoutesToDataRoutes(routes, mapRouteProperties, parentPath, manifest) {
  if (parentPath === void 0 && manifest !== void 0 && Object.getPrototypeOf(manifest) === Object.prototype && Object.keys(manifest).length === 0) {
    let byMapper = __dataRoutes.get(routes);
    let hit = byMapper && byMapper.get(mapRouteProperties);
    if (!hit) {
      let own = {};
      hit = { routes: __convertRoutesToDataRoutes(routes, mapRouteProperties, undefined, own), manifest: own };
      if (!byMapper) __dataRoutes.set(routes, (byMapper = new Map()));
      byMapper.set(mapRouteProperties, hit);
      Object.assign(manifest, own);
    } else Object.setPrototypeOf(manifest, hit.manifest);
    return hit.routes;
  }
  return __convertRoutesToDataRoutes(routes, mapRouteProperties, parentPath, manifest);
}
function __convertRoutesToDataRoutes(routes, mapRouteProperties, parentPath, manifest) {
`,
		)
		.replace(
			match,
			`  let decoded = decodePath(pathname);
  let branches = __candidateBranches(routes, decoded);
  let matches = null;
  for (let i = 0; matches == null && i < branches.length; ++i) {`,
		)
		.replace(
			compile,
			`const __rankedBranches = new WeakMap();
function __firstSegment(path) {
  if (path.charCodeAt(0) !== 47 || path.charCodeAt(1) === 47) return null;
  let end = path.indexOf("/", 1);
  let segment = path.slice(1, end === -1 ? path.length : end);
  return segment === "" ? null : segment.toLowerCase();
}
function __staticFirstSegment(branchPath) {
  let segment = __firstSegment("/" + branchPath.replace(/^\\/+/, ""));
  return segment === null || /^:|\\*|\\?$/.test(segment) ? null : segment;
}
// A routes array's ranked branches, grouped by first segment. Remix makes some route arrays afresh
// for every render (the same routes, new objects), so the work is cached by the table's shape
// (ids, paths, flags) and a fresh array only gets its own objects put into the candidates it needs.
const __tables = new Map();
function __shapeOf(routes, byId) {
  let shape = "";
  for (let route of routes) {
    if (typeof route.id !== "string" || byId.has(route.id)) return null;
    byId.set(route.id, route);
    shape += route.id + "\u0001" + (route.path ?? "") + "\u0001" + (route.index ? 1 : 0) + (route.caseSensitive ? 1 : 0);
    if (route.children && route.children.length > 0) {
      let children = __shapeOf(route.children, byId);
      if (children === null) return null;
      shape += "(" + children + ")";
    }
    shape += "\u0002";
  }
  return shape;
}
function __tableOf(routes) {
  let all = flattenRoutes(routes);
  rankRouteBranches(all);
  let segments = all.map((branch) => __staticFirstSegment(branch.path));
  let bySegment = new Map();
  for (let segment of new Set(segments)) if (segment !== null) bySegment.set(segment, all.filter((_, i) => segments[i] === segment || segments[i] === null));
  return { all, bySegment, anySegment: all.filter((_, i) => segments[i] === null) };
}
function __candidateBranches(routes, decoded) {
  let entry = __rankedBranches.get(routes);
  if (!entry) {
    let byId = new Map();
    let shape = __shapeOf(routes, byId);
    let table = shape === null ? undefined : __tables.get(shape);
    if (table) {
      entry = { table, byId, own: new Map() };
    } else {
      table = __tableOf(routes);
      if (shape !== null && __tables.size < 100) __tables.set(shape, table);
      // This array's own objects are in the table already.
      entry = { table, byId: null, own: null };
    }
    __rankedBranches.set(routes, entry);
  }
  let segment = __firstSegment(decoded);
  // "/" can only be matched by branches whose first segment is not a fixed word.
  let list = segment !== null ? entry.table.bySegment.get(segment) || entry.table.anySegment : decoded === "/" ? entry.table.anySegment : entry.table.all;
  if (entry.byId === null) return list;
  // The table was made from other objects of the same shape: the same branches with this array's routes.
  let own = entry.own.get(list);
  if (!own) {
    own = list.map((branch) => ({ ...branch, routesMeta: branch.routesMeta.map((meta) => ({ ...meta, route: entry.byId.get(meta.route.id) })) }));
    entry.own.set(list, own);
  }
  return own;
}
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
}

patch()
