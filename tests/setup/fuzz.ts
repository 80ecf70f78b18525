// What the fuzz suites (forms: fuzz-forms.test.ts; pages: fuzz-pages.test.ts) generate: bad and
// plausible values, ids of every table (most of another scope than the visitor's), and the URL of a
// flat-route file with its params filled in.
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { DEMO_ACCOUNTS } from '../../prisma/seed-data.ts'

export const ROUTES_DIR = fileURLToPath(new URL('../../app/routes/', import.meta.url))

/** Cases per route: FUZZ_RUNS (default 6 in `npm test`; `npm run test:fuzz` sets more). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 6)
// `npm test` always draws the same cases (a fixed seed: tests are deterministic); `npm run test:fuzz`
// draws new ones each time and prints the seed of a failure, which FUZZ_SEED replays.
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261201

/** Who visits: nobody signed in, or one of the demo accounts. */
export const ROLES = ['anonymous', ...DEMO_ACCOUNTS.map((a) => a.phone)] as const

/** The URL of a flat-route file name, with each `$param` filled in. */
export function urlOf(file: string, params: Record<string, string>) {
	const segments = file
		.replace(/\.tsx?$/, '')
		.replace(/\[\.\]/g, '~dot~')
		.split('.')
		.map((s) => s.replace(/_$/, ''))
		.filter((s) => s && !s.startsWith('_'))
		.map((s) => (s.startsWith('$') ? encodeURIComponent(params[s.slice(1)] ?? '') : s.replaceAll('~dot~', '.')))
	return `/${segments.join('/')}`
}

export const paramsOf = (file: string) => [...file.matchAll(/\$(\w+)/g)].map((m) => m[1]!)


export const HUGE = 'x'.repeat(100_000)
export const BAD_TEXT = [
	'',
	' ',
	'\u0000',
	'a\u0007b',
	'\u202eevil',
	'\u200b',
	'\ufeff',
	'\r\n',
	'\t',
	'abc',
	'-1',
	'0',
	'1e309',
	'NaN',
	'Infinity',
	'99999999999999999999999',
	'-0.001',
	'1.005',
	'2147483648',
	'true',
	'null',
	'undefined',
	'2026-02-30',
	'0000-00-00',
	'9999-12-31',
	'2026-13',
	'{"a":1}',
	"' OR 1=1 --",
	'../../etc/passwd',
	'<script>alert(1)</script>',
	'𠮷𠮷𠮷',
	HUGE,
	'张'.repeat(5000),
]

const today = shanghaiDate()
export const PLAUSIBLE = [today, today.slice(0, 7), '2026-01-01', '1', '2', '12', '100', '0.5', '8', 'dongbao', 'zhongxiang', '张三', '王秀英', '13800000099', '测试说明', 'yes', 'no', 'on', 'approve', 'reject', 'Yiyang2026!', '123456']

/** Ids of rows in every table that forms take ids of: most belong to another scope than the visitor's. */
const ID_TABLES: Record<string, string> = {
	elder: 'elder',
	booking: 'booking',
	bed: 'bed',
	room: 'room',
	provider: 'provider',
	community: 'community',
	township: 'township',
	district: 'district',
	run: 'allowance_run',
	import: 'registry_import',
	claim: 'subsidy_claim',
	application: 'subsidy_application',
	complaint: 'complaint',
	admission: 'admission',
	request: 'stay_request',
	change: 'pending_change',
	session: 'session',
	policy: 'subsidy_policy',
	rule: 'availability_rule',
	user: 'app_user',
	org: 'assessment_org',
	offering: 'offering',
	status: 'elder_status',
	appeal: 'appeal',
	grant: 'subsidy_grant',
	notice: 'subsidy_notice',
	objection: 'notice_objection',
}
let idPool: Record<string, string[]> = {}
let allIds: string[] = []

/** Rows within the demo accounts' own scopes, so that some cases get past the scope checks. */
function ownIds(phones: string[]): Record<string, ReturnType<typeof sql>> {
	const users = sql`SELECT id, "providerId", "communityId" FROM app_user WHERE phone = ANY(${phones}::text[])`
	return {
		elder: sql`SELECT DISTINCT e.id::text AS id FROM elder e WHERE e.id IN (SELECT l."elderId" FROM family_link l WHERE l."userId" IN (SELECT id FROM (${users}) u))
			OR e."communityId" IN (SELECT "communityId" FROM (${users}) u) ORDER BY 1 LIMIT 12`,
		booking: sql`SELECT b.id::text AS id FROM booking b WHERE b."familyUserId" IN (SELECT id FROM (${users}) u) OR b."providerId" IN (SELECT "providerId" FROM (${users}) u) ORDER BY b."createdAt" DESC LIMIT 12`,
		bed: sql`SELECT b.id::text AS id FROM bed b WHERE b."providerId" IN (SELECT "providerId" FROM (${users}) u) ORDER BY 1 LIMIT 6`,
		offering: sql`SELECT o.id::text AS id FROM offering o WHERE o."providerId" IN (SELECT "providerId" FROM (${users}) u) ORDER BY 1 LIMIT 6`,
		provider: sql`SELECT DISTINCT "providerId"::text AS id FROM (${users}) u WHERE "providerId" IS NOT NULL`,
		community: sql`SELECT DISTINCT "communityId"::text AS id FROM (${users}) u WHERE "communityId" IS NOT NULL`,
	}
}

export async function loadIds() {
	idPool = {}
	const own = ownIds(DEMO_ACCOUNTS.map((a) => a.phone))
	for (const [key, table] of Object.entries(ID_TABLES)) {
		const mine = own[key] ? (await own[key].rows<{ id: string }>()).map((r) => r.id) : []
		const rows = await sql`SELECT id::text AS id FROM ${sql.raw(table)} ORDER BY id LIMIT 6`.rows<{ id: string }>()
		idPool[key] = [...new Set([...mine, ...rows.map((r) => r.id)])]
	}
	allIds = [...new Set(Object.values(idPool).flat())]
}

export function idsFor(name: string): string[] {
	const key = name.replace(/Ids?$/, '').replace(/^.*[A-Z]/, (m) => m.slice(-1).toLowerCase())
	const own = idPool[key] ?? []
	return [...own, ...allIds.slice(0, 20)]
}

const isIdName = (name: string) => /(^id$|Ids?$)/.test(name)

export function valueArb(name: string, choices: Set<string>): fc.Arbitrary<string> {
	const options: fc.WeightedArbitrary<string>[] = [
		{ arbitrary: fc.constantFrom(...BAD_TEXT), weight: 4 },
		{ arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
		{ arbitrary: fc.oneof(fc.integer().map(String), fc.double().map(String), fc.uuid(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))), weight: 2 },
	]
	// Plausible values too, so that some forms pass validation and reach the writes behind it.
	options.push({ arbitrary: fc.constantFrom(...PLAUSIBLE), weight: 3 })
	const ids = idsFor(name)
	if (ids.length) options.push({ arbitrary: fc.constantFrom(...ids, 'not-a-uuid', '00000000-0000-0000-0000-000000000000'), weight: isIdName(name) ? 6 : 1 })
	if (choices.size) options.push({ arbitrary: fc.constantFrom(...choices), weight: 6 })
	return fc.oneof(...options)
}

/** A URL param: mostly ids (of its own kind first), sometimes malformed or unknown. */
export function paramArb(name: string): fc.Arbitrary<string> {
	const ids = idsFor(name)
	return fc.oneof({ arbitrary: fc.constantFrom(...(ids.length ? ids : ['x'])), weight: 6 }, { arbitrary: fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', HUGE.slice(0, 5000), '%00', '..'), weight: 1 }, { arbitrary: fc.uuid(), weight: 1 })
}
