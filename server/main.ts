// The production entry (build/node/server.js). esbuild's ESM bundle hoists every external import
// of the modules it bundles above their code, so the route-matching patch must run before the
// server's module graph is even loaded: it is imported first (and the loader-request patch with it), and server.ts only afterwards. The
// server-routes cache only needs to wrap its function before the first request.
import './web-defaults.ts'
import './route-matching-cache.ts'
import './loader-request-cache.ts'
import { installLazyHandoffStream } from './lazy-handoff-stream.ts'
import { installServerRoutesCache } from './server-routes-cache.ts'

installServerRoutesCache()
installLazyHandoffStream()
await import('../server.ts')
