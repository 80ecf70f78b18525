// Remix hands every loader its own copy of the request, made by stripping Remix's own search
// parameters (`index`, then `_routes` or `_data`): two `new URL` and two `new Request` (each with its
// own AbortSignal following the original) per loader, 3.7% of a bare page's CPU with the root's and
// the page's loaders (profile of /floor). The copies of one request are all alike, so this makes the
// copy once per request and gives the same one to every loader of that request. The loaders of a
// page then also share what is kept per request object: the signed-in user is looked up once per
// page (getSessionUser), not once per loader. The action keeps its own copy, as before.
// Patched into @remix-run/server-runtime's CommonJS build (the one Node loads) before anything
// imports it, by the production entry (server/main.ts; the tests' in-process server runs unpatched); tests/integration/loader-request-cache.test.ts checks
// the copy is the library's; if the source is not what this expects, nothing is patched (a warning).
import { createRequire } from 'node:module'
import path from 'node:path'
import { installPatchedCommonJs } from './patch-commonjs.ts'

const LOADER = 'async function callRouteLoader({'
const STRIP = '    request: singleFetch ? stripRoutesParam(stripIndexParam(request)) : stripDataParam(stripIndexParam(request)),\n'

/** The source of server-runtime's data.js with the per-request copy in, or null when it is not the source this expects. */
export function patchDataSource(source: string): string | null {
	const at = source.indexOf(LOADER)
	const strip = at === -1 ? -1 : source.indexOf(STRIP, at)
	// The loader's stripping must be the first after callRouteLoader starts, inside it.
	if (strip === -1 || source.indexOf('\n}\n', at) < strip) return null
	const helper = `// One stripped copy per request and mode, shared by its loaders (see server/loader-request-cache.ts).
const __loaderRequests = new WeakMap();
function __loaderRequest(request, singleFetch) {
  let copies = __loaderRequests.get(request);
  if (!copies) __loaderRequests.set(request, (copies = {}));
  let key = singleFetch ? "single" : "data";
  return copies[key] || (copies[key] = singleFetch ? stripRoutesParam(stripIndexParam(request)) : stripDataParam(stripIndexParam(request)));
}
`
	return source.slice(0, at) + helper + source.slice(at, strip) + '    request: __loaderRequest(request, singleFetch),\n' + source.slice(strip + STRIP.length)
}

function patch() {
	let filename: string
	try {
		filename = createRequire(createRequire(path.resolve('package.json')).resolve('@remix-run/node')).resolve('@remix-run/server-runtime/dist/data.js')
	} catch {
		return
	}
	installPatchedCommonJs(filename, patchDataSource, { label: 'loader-request-cache', library: '@remix-run/server-runtime', lost: 'each loader copies the request' })
}

patch()
