import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { FUZZ_RUNS, FUZZ_SEED, idsFor, loadIds, paramArb, paramsOf, ROLES, ROUTES_DIR, urlOf, valueArb } from '../setup/fuzz.ts'
import { anonymous, callLoader, signIn, type RouteModule, type Visitor } from '../setup/route.ts'

// The forms' fuzz suite (fuzz-forms.test.ts) for what a visitor can GET: every page and resource
// route, for every role, with generated URL params and query strings (ids of other scopes, malformed
// ids, huge and control-character values). Every answer is below 500: a filter a loader cannot use is
// ignored or refused with a 4xx, never handed to the database as it came.
//
// The query names tried are the ones the app reads anywhere (`searchParams.get('x')`, app/lib/query.ts's
// helpers, filter schemas' fields): sending a name a page does not read costs nothing, and a page that starts reading one is
// fuzzed from that day.

const APP_DIR = fileURLToPath(new URL('../../app/', import.meta.url))

const loaderRoutes = readdirSync(ROUTES_DIR)
	.filter((f) => /\.tsx?$/.test(f))
	.filter((f) => /export\s+(async\s+)?function\s+loader\b|export\s+const\s+loader\b/.test(readFileSync(ROUTES_DIR + f, 'utf8')))
	.sort()

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(`${dir}${d.name}/`) : /\.tsx?$/.test(d.name) ? [`${dir}${d.name}`] : []))
}

/** Query names the app reads, with the values the code compares them with (enum members of filter schemas). */
async function queryNames(): Promise<Map<string, Set<string>>> {
	const names = new Map<string, Set<string>>()
	const add = (name: string, choices: readonly string[] = []) => {
		const set = names.get(name) ?? new Set<string>()
		for (const c of choices) set.add(c)
		names.set(name, set)
	}
	for (const file of sourceFiles(APP_DIR)) {
		const src = readFileSync(file, 'utf8')
		for (const m of src.matchAll(/(?:searchParams|query|params)\.get(?:All)?\('([A-Za-z]\w*)'\)/g)) add(m[1]!)
		// app/lib/query.ts
		for (const m of src.matchAll(/\b(?:text|int|uuid|date)Param\([^,]+?,\s*'([A-Za-z]\w*)'/g)) add(m[1]!)
		if (/\bpageParam\(/.test(src)) add('page')
		// Helpers over URLSearchParams (audit/filter.ts: `get('actor')`).
		if (/URLSearchParams/.test(src)) for (const m of src.matchAll(/\bget\('([A-Za-z]\w*)'\)/g)) add(m[1]!)
	}
	// Filter schemas parse the whole query (`schema.parse(Object.fromEntries(url.searchParams))`).
	const schemas: [string, string][] = [
		['~/modules/marketplace/schemas.ts', 'searchSchema'],
		['~/modules/allowance/run-people.server.ts', 'peopleFilterSchema'],
	]
	for (const [path, name] of schemas) {
		const schema = ((await import(/* @vite-ignore */ path)) as Record<string, { shape: Record<string, { _zod: { def: Def } }> }>)[name]!
		for (const [field, s] of Object.entries(schema.shape)) add(field, choicesOf(s))
	}
	return names
}

type Def = { type: string; innerType?: { _zod: { def: Def } }; in?: { _zod: { def: Def } }; entries?: Record<string, string> }
function choicesOf(s: { _zod: { def: Def } }, depth = 0): string[] {
	const def = s._zod.def
	if (depth > 6) return []
	if (def.type === 'enum') return Object.values(def.entries ?? {})
	if (def.innerType) return choicesOf(def.innerType, depth + 1)
	if (def.in) return choicesOf(def.in, depth + 1)
	return []
}

let names: Map<string, Set<string>>

type Case = { role: string; params: Record<string, string>; query: Record<string, string | string[]> }

function caseArb(params: string[], admitted: string[]): fc.Arbitrary<Case> {
	const query: Record<string, fc.Arbitrary<string | string[]>> = {}
	for (const [name, choices] of names) {
		const one = valueArb(name, choices)
		query[name] = fc.oneof({ arbitrary: one, weight: 5 }, { arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }), weight: 1 })
	}
	const paramArbs: Record<string, fc.Arbitrary<string>> = {}
	for (const p of params) paramArbs[p] = paramArb(p)
	return fc.record({
		role: admitted.length ? fc.oneof({ arbitrary: fc.constantFrom(...admitted), weight: 4 }, { arbitrary: fc.constantFrom(...ROLES), weight: 1 }) : fc.constantFrom(...ROLES),
		params: fc.record(paramArbs),
		query: fc.record(query, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string | string[]>>,
	})
}

function pathOf(file: string, c: Case) {
	const search = new URLSearchParams()
	for (const [k, v] of Object.entries(c.query)) for (const item of Array.isArray(v) ? v : [v]) search.append(k, item)
	const q = search.toString()
	return q ? `${urlOf(file, c.params)}?${q}` : urlOf(file, c.params)
}

async function runCase(file: string, module: RouteModule, c: Case, visitorOf: (role: string) => Promise<Visitor>): Promise<number> {
	const visitor = await visitorOf(c.role)
	let status: number
	try {
		status = (await callLoader(module, pathOf(file, c), { as: visitor, params: c.params })).status
	} catch (error) {
		throw new Error(`${file}: 500 (${error instanceof Error ? error.stack : String(error)})`, { cause: error })
	}
	expect(status, `${file} answered ${status} to ${pathOf(file, c).slice(0, 300)} as ${c.role}`).toBeLessThan(500)
	return status
}

beforeAll(async () => {
	await loadIds()
	names = await queryNames()
})

describe('fuzzing every page', () => {
	it('finds the pages and the query names the app reads', () => {
		expect(loaderRoutes.length).toBeGreaterThan(60)
		expect([...names.keys()]).toEqual(expect.arrayContaining(['page', 'district', 'month', 'year', 'q', 'actor', 'from', 'day']))
	})

	for (const file of loaderRoutes) {
		it(`${file}: never 5xx`, async () => {
			const module = (await import(/* @vite-ignore */ `~/routes/${file}`)) as RouteModule
			const params = paramsOf(file)
			// One session per role for the route's cases (a GET does not change it).
			const visitors = new Map<string, Promise<Visitor>>()
			const visitorOf = (role: string) => {
				let v = visitors.get(role)
				if (!v) visitors.set(role, (v = role === 'anonymous' ? anonymous() : signIn(role)))
				return v
			}
			const firstParams = Object.fromEntries(params.map((p) => [p, idsFor(p)[0] ?? 'x']))
			// Every role with no query: the roles the page lets in are the ones mostly fuzzed next.
			const admitted: string[] = []
			for (const role of ROLES) {
				const status = await runCase(file, module, { role, params: firstParams, query: {} }, visitorOf)
				if (status < 300) admitted.push(role)
			}
			await fc.assert(
				fc.asyncProperty(caseArb(params, admitted), async (c) => {
					await runCase(file, module, c, visitorOf)
				}),
				{ numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
			)
		})
	}
})

// Cases the fuzzer found, kept as examples: each was a 500.
describe('regressions found by the page fuzz suite', () => {
	const get = async (file: string, path: string, phone: string) => callLoader((await import(/* @vite-ignore */ `~/routes/${file}`)) as RouteModule, path, { as: await signIn(phone) })

	it('a year that is not a whole number is ignored (the bed indicators, their CSV and the plan)', async () => {
		for (const [file, path] of [
			['bureau.beds[.]csv.ts', '/bureau/beds.csv?year=0.5'],
			['bureau.beds.tsx', '/bureau/beds?year=1e309'],
			['bureau.plan.tsx', '/bureau/plan?year=0.5'],
		] as const)
			expect((await get(file, path, '13800000041')).status, path).toBe(200)
	})

	it('a NUL byte in a text filter is dropped (the audit log, the services search)', async () => {
		expect((await get('bureau.audit.tsx', '/bureau/audit?actor=%00', '13800000051')).status).toBe(200)
		const search = await get('services._index.tsx', '/services?q=a%00b&community=%00', '13800000041')
		expect(search.status).toBe(200)
		expect((search.data as { params: { q: string } }).params.q).toBe('')
	})

	it('a day that does not exist shows today (the roll call, the services search)', async () => {
		const roll = await get('centre.roll-call.tsx', '/centre/roll-call?day=2026-02-30', '13800000013')
		expect(roll.status).toBe(200)
		expect((roll.data as { day: string }).day).not.toBe('2026-02-30')
		const search = await get('services._index.tsx', '/services?date=0000-00-00', '13800000041')
		expect(search.status).toBe(200)
		expect((search.data as { params: { date?: string } }).params.date).toBeUndefined()
	})
})
