// Installs a patched copy of a library's CommonJS file in Node's module cache before anything
// requires it (server/route-matching-cache.ts, server/loader-request-cache.ts). If the file was
// already loaded, or its source is not what the patch expects, nothing is patched and a warning says
// so: the server then runs the library as shipped, only slower.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

type CompilableModule = NodeJS.Module & { _compile(code: string, filename: string): void; filename: string; paths: string[]; loaded: boolean }
const require = createRequire(path.resolve('package.json'))
const Module = require('node:module') as { new (id: string): CompilableModule; _nodeModulePaths(dir: string): string[] }

/** `source` compiled as the CommonJS module at `filename` (resolving its own requires from there), not cached. */
export function compileCommonJs(filename: string, source: string): CompilableModule {
	const mod = new Module(filename)
	mod.filename = filename
	mod.paths = Module._nodeModulePaths(path.dirname(filename))
	mod._compile(source, filename)
	mod.loaded = true
	return mod
}

/**
 * Puts `patchSource(original)` in require.cache as `filename`. `label` names the patch and `lost`
 * what is lost without it, in the warnings.
 */
export function installPatchedCommonJs(filename: string, patchSource: (source: string) => string | null, warning: { label: string; library: string; lost: string }) {
	const marker = Symbol.for(`yiyang.patched:${filename}`)
	const loaded = require.cache[filename] as (NodeJS.Module & { [marker]?: true }) | undefined
	if (loaded) {
		// Loaded unpatched: something imported the library first (an ESM bundle hoists its external
		// imports above its own code: hence the patches are server/main.ts's first imports).
		if (!loaded[marker]) console.warn(`${warning.label}: ${warning.library} was loaded before the patch; ${warning.lost}`)
		return
	}
	const patched = patchSource(readFileSync(filename, 'utf8'))
	if (patched === null) {
		console.warn(`${warning.label}: ${warning.library} is not the expected version; ${warning.lost}`)
		return
	}
	const mod = compileCommonJs(filename, patched) as CompilableModule & { [marker]?: true }
	mod[marker] = true
	require.cache[filename] = mod
}
