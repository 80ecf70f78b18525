// What the browser downloads for the pages people open first (issue 11, "light pages"): no validation
// library they do not use. Reads the production build's metafile (`npm run build` first, as for the
// HTTP tests): a route's chunk and every chunk it imports, transitively.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

type Metafile = { outputs: Record<string, { entryPoint?: string; imports: { path: string }[]; inputs: Record<string, { bytesInOutput: number }> }> }
const meta = JSON.parse(readFileSync('build/metafile.js.json', 'utf8')) as Metafile

/** Every input (source or package file) that reaches the browser with this route. */
function shippedWith(route: string) {
	const entry = Object.keys(meta.outputs).find((out) => meta.outputs[out]!.entryPoint === `browser-route-module:${route}?browser`)
	if (!entry) throw new Error(`no browser chunk for ${route}`)
	const seen = new Set<string>()
	const visit = (out: string) => {
		if (seen.has(out)) return
		seen.add(out)
		for (const i of meta.outputs[out]?.imports ?? []) visit(i.path)
	}
	visit(entry)
	return [...seen].flatMap((out) => Object.entries(meta.outputs[out]?.inputs ?? {}).filter(([, v]) => v.bytesInOutput > 0).map(([input]) => input))
}

describe('page weight', () => {
	it.each(['root.tsx', 'routes/_index.tsx', 'routes/login.tsx', 'routes/services._index.tsx', 'routes/elders._index.tsx', 'routes/bookings.$bookingId.tsx', 'routes/bureau.beds.tsx'])('%s ships no zod', (route) => {
		const inputs = shippedWith(route)
		expect(inputs.length).toBeGreaterThan(0)
		expect(inputs.filter((i) => /node_modules\/(zod|@conform-to\/zod)\//.test(i))).toEqual([])
	})
})
