import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { i18nFor } from '~/lib/i18n.ts'
import { FUZZ_RUNS as RUNS, FUZZ_SEED as SEED, idsFor, loadIds, paramArb, paramsOf, ROLES, ROUTES_DIR, urlOf, valueArb } from '../setup/fuzz.ts'
import { consistencyViolations, installWriteCounter, newViolations, writeCount, type Violations } from '../setup/db-consistency.ts'
import { uniquePhone } from '../factories/accounts.ts'
import { anonymous, callAction, signIn, type RouteModule, type RouteResult, type Visitor } from '../setup/route.ts'

// Issue 12 item 8: every state-changing form, for every role, with generated bad values (empty, huge,
// control characters, wrong types, ids of other scopes, missing or forged CSRF): every answer is a 4xx
// with a translated message or a correct success, never a 5xx, and the database is never left
// half-written (tests/setup/db-consistency.ts, checked after every case that wrote anything).
//
// What a route accepts is derived from the route module itself: the zod schemas it imports from the
// modules (their field names and enum values), the field names and intents in its source, and its URL
// params (filled with ids of every table, so of other scopes, plus malformed ones). The table below
// only names each action route and what the source cannot tell (an upload field); the first test fails
// when an action route has no entry, so a new form is fuzzed from the day it is added.
//
// Cases per route: FUZZ_RUNS generated ones (default 6 in `npm test`; `npm run test:fuzz` sets more),
// plus, for every role, the empty form with a valid token and the form with none.

type Entry = {
	/** File fields (multipart uploads): each case also sends a generated file under this name. */
	files?: string[]
	/** The form can end the account it acts for (closing it): each case acts as a new copy of the role's demo account. */
	ownAccount?: boolean
}

const FUZZ_ROUTES: Record<string, Entry> = {
	'account.data.tsx': { ownAccount: true },
	'account.phone.tsx': { ownAccount: true },
	'account.requests.tsx': {},
	'account.sessions.tsx': {},
	'admin.messages.tsx': {},
	'allowance.elders.$elderId.tsx': {},
	'assessments.tsx': {},
	'bookings.$bookingId.tsx': {},
	'bureau.allowance._index.tsx': {},
	'bureau.allowance.cremation.tsx': { files: ['file'] },
	'bureau.allowance.recoveries.tsx': {},
	'bureau.allowance.runs.$runId.bank-file.ts': {},
	'bureau.allowance.runs.$runId.tsx': { files: ['file'] },
	'bureau.allowance.settings.tsx': {},
	'bureau.assessment-orgs.tsx': {},
	'bureau.assessment-scale.tsx': {},
	'bureau.beds.tsx': {},
	'bureau.construction.tsx': { files: ['photos'] },
	'bureau.disputes.tsx': {},
	'bureau.geography.tsx': {},
	'bureau.grading.tsx': {},
	'bureau.inspections.tsx': { files: ['photos'] },
	'bureau.institution-settings.tsx': {},
	'bureau.operating-subsidy.tsx': {},
	'bureau.operating-subsidy_.rates.tsx': {},
	'bureau.plan.tsx': {},
	'bureau.population.tsx': {},
	'bureau.providers.tsx': {},
	'bureau.retention.tsx': {},
	'bureau.staff.tsx': {},
	'bureau.visits.tsx': {},
	'centre.roll-call.tsx': {},
	'complaints.tsx': {},
	'elders.$elderId.tsx': {},
	'elders.$elderId_.assessment.tsx': {},
	'elders.$elderId_.edit.tsx': {},
	'elders.$elderId_.statuses.tsx': {},
	'elders.claims.tsx': {},
	'elders.new.tsx': {},
	'floor.tsx': {},
	'institution.admissions.tsx': {},
	'institution.beds.tsx': {},
	'institution.beds_.$bedId.tsx': {},
	'institution.construction.tsx': {},
	'institution.facts.tsx': {},
	'institution.inspections.tsx': { files: ['photos'] },
	'institution.requests.tsx': {},
	'invite.$token.tsx': {},
	'login.tsx': {},
	'login_.two-factor.tsx': {},
	'logout.tsx': {},
	'notice.$communityId.tsx': {},
	'notifications.tsx': {},
	'operating-subsidy.$statementId.tsx': {},
	'preferences.tsx': {},
	'provider._index.tsx': {},
	'provider.staff.tsx': {},
	'provider.offerings.$offeringId.tsx': {},
	'provider.offerings.new.tsx': {},
	'providers.apply.tsx': {},
	'reauth.tsx': {},
	'register.tsx': {},
	'registry.import.$importId.tsx': {},
	'registry.import._index.tsx': { files: ['file'] },
	'registry.requests.tsx': {},
	'registry.requests_.new.tsx': {},
	'reset-password.tsx': {},
	'resources.stripe-webhook.ts': {},
	'services.book.$offeringId.tsx': {},
	'stays.tsx': {},
	'subsidies.appeals.tsx': {},
	'subsidies.apply.tsx': {},
	'subsidies.approvals.tsx': {},
	'subsidies.claims.$claimId.tsx': {},
	'subsidies.claims._index.tsx': {},
	'subsidies.due-process.tsx': {},
	'subsidies.policies.tsx': {},
	'subsidies.review.tsx': {},
	'visits.$bookingId.tsx': {},
}

// ---- What the route modules say -------------------------------------------------------------------

const actionRoutes = readdirSync(ROUTES_DIR)
	.filter((f) => /\.tsx?$/.test(f))
	.filter((f) => /export\s+(async\s+)?function\s+action\b|export\s+const\s+action\b/.test(readFileSync(ROUTES_DIR + f, 'utf8')))
	.sort()

type ZodLike = { _zod: { def: Record<string, unknown> & { type: string } } }
const isZod = (v: unknown): v is ZodLike => typeof v === 'object' && v !== null && '_zod' in v

/** Enum and literal values a field accepts (to reach past the first check), if it is one. */
function choicesOf(s: ZodLike, depth = 0): string[] {
	if (depth > 8) return []
	const def = s._zod.def
	switch (def.type) {
		case 'enum':
			return Object.values(def.entries as Record<string, string | number>).map(String)
		case 'literal':
			return (def.values as unknown[]).map(String)
		case 'optional':
		case 'nullable':
		case 'default':
		case 'prefault':
		case 'catch':
		case 'readonly':
		case 'nonoptional':
			return choicesOf(def.innerType as ZodLike, depth + 1)
		case 'pipe':
			return choicesOf(def.in as ZodLike, depth + 1)
		case 'array':
			return choicesOf(def.element as ZodLike, depth + 1)
		case 'union':
			return (def.options as ZodLike[]).flatMap((o) => choicesOf(o, depth + 1))
		default:
			return []
	}
}

/** The form field names of a zod schema (objects nest as Conform names them: `a.b`), with their choices. */
function fieldsOfSchema(s: ZodLike, out: Map<string, Set<string>>, prefix = '', depth = 0) {
	if (depth > 8) return
	const def = s._zod.def
	switch (def.type) {
		case 'object':
			for (const [k, v] of Object.entries(def.shape as Record<string, ZodLike>)) {
				const name = prefix + k
				if (unwrapped(v)._zod.def.type === 'object') fieldsOfSchema(v, out, `${name}.`, depth + 1)
				const set = out.get(name) ?? new Set<string>()
				for (const c of choicesOf(v)) set.add(c)
				out.set(name, set)
			}
			return
		case 'pipe':
			return fieldsOfSchema(def.in as ZodLike, out, prefix, depth + 1)
		case 'optional':
		case 'nullable':
		case 'default':
		case 'prefault':
		case 'catch':
		case 'readonly':
		case 'nonoptional':
			return fieldsOfSchema(def.innerType as ZodLike, out, prefix, depth + 1)
		case 'union':
			for (const o of def.options as ZodLike[]) fieldsOfSchema(o, out, prefix, depth + 1)
			return
		case 'intersection':
			fieldsOfSchema(def.left as ZodLike, out, prefix, depth + 1)
			fieldsOfSchema(def.right as ZodLike, out, prefix, depth + 1)
			return
	}
}

function unwrapped(s: ZodLike): ZodLike {
	const def = s._zod.def
	if (['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'].includes(def.type)) return unwrapped(def.innerType as ZodLike)
	if (def.type === 'pipe') return unwrapped(def.in as ZodLike)
	return s
}

type Shape = { file: string; module: RouteModule; params: string[]; fields: Map<string, Set<string>>; intents: string[]; files: string[] }

/** Reads a route: its imported zod schemas (called with today if they are factories), field names and intents in its source. */
async function shapeOf(file: string): Promise<Shape> {
	const src = readFileSync(ROUTES_DIR + file, 'utf8')
	const module = (await import(/* @vite-ignore */ `~/routes/${file}`)) as RouteModule
	const fields = new Map<string, Set<string>>()
	const add = (name: string, choices: string[] = []) => {
		const set = fields.get(name) ?? new Set<string>()
		for (const c of choices) set.add(c)
		fields.set(name, set)
	}
	for (const m of src.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(~\/modules\/[^']+)'/g)) {
		const names = m[1]!
			.split(',')
			.map((n) => n.trim().replace(/^type\s+/, ''))
			.filter(Boolean)
		const wanted = names.filter((n) => /schema$/i.test(n.split(/\s+as\s+/).pop()!))
		if (!wanted.length) continue
		const mod = (await import(/* @vite-ignore */ m[2]!)) as Record<string, unknown>
		for (const n of wanted) {
			let value = mod[n.split(/\s+as\s+/)[0]!]
			if (typeof value === 'function') {
				try {
					value = (value as (today: string) => unknown)(shanghaiDate())
				} catch {
					continue
				}
			}
			if (isZod(value)) fieldsOfSchema(value, fields)
		}
	}
	// Fields the route names itself (local schemas, hidden inputs).
	for (const m of src.matchAll(/\bname(?::\s*|=)['"]([A-Za-z][\w.]*)['"]/g)) add(m[1]!)
	// Hidden fields given as an object (`hidden={{ intent: 'x', requestId: r.id }}` of PostForm and ReplyDecisionForm).
	for (const m of src.matchAll(/\bhidden=\{\{([^}]*)\}\}/g)) for (const key of m[1]!.split(',').map((p) => p.split(':')[0]!.trim())) if (/^[A-Za-z]\w*$/.test(key)) add(key)
	const intents = new Set<string>(fields.get('intent') ?? [])
	for (const re of [/intent\s*===\s*'([\w-]+)'/g, /intent(?:=|:\s*)["']([\w-]+)["']/g, /case\s+'([\w-]+)'/g]) for (const m of src.matchAll(re)) intents.add(m[1]!)
	fields.delete('intent')
	fields.delete('csrf')
	return { file, module, params: paramsOf(file), fields, intents: [...intents], files: FUZZ_ROUTES[file]?.files ?? [] }
}

// ---- Generated values -----------------------------------------------------------------------------

/** A form: any subset of the route's fields, each a generated value or repeated (checkboxes). */
function formArb(shape: Shape): fc.Arbitrary<Record<string, string | string[]>> {
	const record: Record<string, fc.Arbitrary<string | string[]>> = {}
	for (const [name, choices] of shape.fields) {
		const one = valueArb(name, choices)
		record[name] = fc.oneof({ arbitrary: one, weight: 5 }, { arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }), weight: 1 })
	}
	return fc.record(record, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string | string[]>>
}

const FILE_BODIES = [
	'',
	'\u0000\u0001\u0002',
	'身份证号,姓名,死亡日期\n',
	'身份证号,姓名,死亡日期\n420802193001011234,张三,2026-01-01\n',
	'身份证号,姓名,死亡日期\n"unterminated,quote\n',
	'a,b,c\n1,2,3\n',
	'PK\u0003\u0004garbage',
	'身份证号,姓名\n' + '420802193001011234,张三\n'.repeat(2000),
]

function fileArb(): fc.Arbitrary<File> {
	return fc
		.record({
			body: fc.oneof(fc.constantFrom(...FILE_BODIES), fc.string({ unit: 'binary', maxLength: 200 })),
			name: fc.constantFrom('a.csv', 'a.xlsx', 'a.txt', 'a.exe', '', 'x'.repeat(300) + '.csv'),
		})
		.map(({ body, name }) => new File([body], name, { type: 'text/csv' }))
}

// ---- Who, and one case ----------------------------------------------------------------------------

type Csrf = 'valid' | 'missing' | 'forged'
type Case = { role: string; params: Record<string, string>; intent: string | undefined; fields: Record<string, string | string[]>; files: Partial<Record<string, File>>; csrf: Csrf }

function caseArb(shape: Shape, admitted: string[]): fc.Arbitrary<Case> {
	const params: Record<string, fc.Arbitrary<string>> = {}
	for (const p of shape.params) params[p] = paramArb(p)
	const files: Record<string, fc.Arbitrary<File>> = {}
	for (const f of shape.files) files[f] = fileArb()
	return fc.record({
		// Mostly the roles the route lets in (so the values reach the checks behind the guard), sometimes any.
		role: admitted.length ? fc.oneof({ arbitrary: fc.constantFrom(...admitted), weight: 4 }, { arbitrary: fc.constantFrom(...ROLES), weight: 1 }) : fc.constantFrom(...ROLES),
		params: fc.record(params),
		intent: fc.oneof({ arbitrary: fc.constantFrom(...(shape.intents.length ? shape.intents : ['x'])), weight: 6 }, { arbitrary: fc.constantFrom(undefined, '', 'bogus'), weight: 1 }),
		fields: formArb(shape),
		files: fc.record(files, { requiredKeys: [] }),
		csrf: fc.oneof({ arbitrary: fc.constant<Csrf>('valid'), weight: 8 }, { arbitrary: fc.constantFrom<Csrf>('missing', 'forged'), weight: 2 }),
	})
}

let baseline: Violations
/** Answers per route (status → count, and `wrote`: cases that wrote and were checked); FUZZ_STATS=1 prints them. */
const stats: Record<string, Record<string, number>> = {}
const zh = i18nFor('zh-CN')

type FormReplyLike = { result?: { error?: Record<string, string[] | null> } }

// Forms that end, start or change the visitor's own session: each of their cases signs in afresh.
const SESSION_FORMS = /^(login|logout|account|invite|register|reset-password)\b/

/**
 * The visitors of one route's cases: one signed-in session per role, shared by the route's cases
 * (a sign-in is two writes and a signed cookie; a route has ~40 cases), or a new one per case for the
 * forms that change the session itself.
 */
function visitorsFor(file: string): (role: string) => Promise<Visitor> {
	const signInAs = (role: string) => (role === 'anonymous' ? anonymous() : signIn(role))
	if (FUZZ_ROUTES[file]?.ownAccount) return (role) => (role === 'anonymous' ? anonymous() : copyOf(role))
	if (SESSION_FORMS.test(file)) return signInAs
	const shared = new Map<string, Promise<Visitor>>()
	return (role) => {
		let visitor = shared.get(role)
		if (!visitor) shared.set(role, (visitor = signInAs(role)))
		return visitor
	}
}

/** A new account like a demo one (role, scope, password, linked elders), signed in. */
async function copyOf(phone: string): Promise<Visitor> {
	const demo = await prisma.user.findUniqueOrThrow({
		where: { phone },
		select: { name: true, role: true, passwordHash: true, districtId: true, communityId: true, townshipId: true, providerId: true, assessmentOrgId: true, elders: { select: { elderId: true, relationship: true } } },
	})
	const { elders, ...account } = demo
	const copy = await prisma.user.create({ data: { ...account, phone: uniquePhone(), elders: { create: elders } }, select: { id: true } })
	return signIn({ id: copy.id })
}

/** Runs one case; its status. */
async function runCase(shape: Shape, c: Case, visitorOf: (role: string) => Promise<Visitor>): Promise<number> {
	const visitor = await visitorOf(c.role)
	const fields: Record<string, string | string[] | File> = { ...c.fields }
	for (const [k, f] of Object.entries(c.files)) if (f) fields[k] = f
	if (c.intent !== undefined) fields.intent = c.intent
	if (c.csrf === 'forged') fields.csrf = 'forged-token'
	const path = urlOf(shape.file, c.params)
	const before = await writeCount()
	let res: RouteResult
	try {
		res = await callAction(shape.module, path, fields, { as: visitor, params: c.params, csrf: c.csrf === 'valid' })
	} catch (error) {
		throw new Error(`${shape.file}: 500 (${error instanceof Error ? error.stack : String(error)})`, { cause: error })
	}
	expect(res.status, `${shape.file} answered ${res.status}`).toBeLessThan(500)
	const seen = (stats[shape.file] ??= {})
	seen[res.status] = (seen[res.status] ?? 0) + 1
	if (c.csrf !== 'valid') {
		// A forged request changes nothing and is not accepted (403, or the sign-in page for a visitor
		// who may not use the form at all).
		expect(res.status === 200 || res.status === 201 || res.status === 204, `${shape.file} accepted a form without its CSRF token`).toBe(false)
		expect(await writeCount(), `${shape.file} wrote to the database for a form without its CSRF token`).toBe(before)
	}
	if (res.status >= 400) {
		const errors = (res.data as FormReplyLike | null)?.result?.error
		for (const messages of Object.values(errors ?? {})) for (const m of messages ?? []) expect(zh.exists(m), `${shape.file}: untranslated message ${JSON.stringify(m)}`).toBe(true)
	}
	if ((await writeCount()) !== before) {
		seen.wrote = (seen.wrote ?? 0) + 1
		const problems = newViolations(baseline, await consistencyViolations())
		expect(problems, `${shape.file}: half-written after ${JSON.stringify({ ...c, fields: Object.keys(c.fields) })}`).toEqual([])
	}
	return res.status
}

// ---- The suite --------------------------------------------------------------------------------------

beforeAll(async () => {
	await installWriteCounter()
	await loadIds()
	baseline = await consistencyViolations()
})

afterAll(async () => {
	if (process.env.FUZZ_STATS) for (const [file, seen] of Object.entries(stats)) console.info(file, JSON.stringify(seen))
	// Nothing left half-written at the end either (covers writes finished after an answer).
	expect(newViolations(baseline, await consistencyViolations())).toEqual([])
})

describe('fuzzing every form', () => {
	it('has an entry for every action route (a new form is fuzzed from the start)', () => {
		expect(actionRoutes).toEqual(Object.keys(FUZZ_ROUTES).sort())
	})

	for (const file of Object.keys(FUZZ_ROUTES).sort()) {
		it(`${file}: never 5xx, never half-written`, async () => {
			const shape = await shapeOf(file)
			const visitorOf = visitorsFor(file)
			const firstParams = Object.fromEntries(shape.params.map((p) => [p, idsFor(p)[0] ?? 'x']))
			// Every role: the empty form with a valid token, and the same form without one. The roles
			// that get past the guard (not sent to sign in, not 403) are the ones mostly fuzzed next.
			const admitted: string[] = []
			for (const role of ROLES) {
				const status = await runCase(shape, { role, params: firstParams, intent: shape.intents[0], fields: {}, files: {}, csrf: 'valid' }, visitorOf)
				if (status !== 403 && status !== 302) admitted.push(role)
				await runCase(shape, { role, params: firstParams, intent: shape.intents[0], fields: {}, files: {}, csrf: 'missing' }, visitorOf)
			}
			await fc.assert(
				fc.asyncProperty(caseArb(shape, admitted), async (c) => {
					await runCase(shape, c, visitorOf)
				}),
				{ numRuns: RUNS, seed: SEED, endOnFailure: true },
			)
		})
	}
})

// Cases the fuzzer found, kept as examples.
describe('regressions found by the fuzz suite', () => {
	it('a NUL character in any form value answers 400 under its field, not a database error (assessment orgs: districtIds)', async () => {
		const route = (await import('~/routes/bureau.assessment-orgs.tsx')) as RouteModule
		const fields = { intent: 'register', name: '荆门市评估中心', licenceNo: 'PG-2026-01', districtIds: '\u0000' }
		const res = await callAction<FormReplyLike>(route, '/bureau/assessment-orgs', fields, { as: await signIn('13800000041') })
		expect(res.status).toBe(400)
		expect(res.data.result?.error?.districtIds).toEqual(['errors.text.control'])
		const named = await callAction<FormReplyLike>(route, '/bureau/assessment-orgs', { ...fields, districtIds: 'dongbao', name: '评估\u0000中心' }, { as: await signIn('13800000041') })
		expect(named.status).toBe(400)
		const code = await callAction<FormReplyLike>(route, '/bureau/assessment-orgs', { ...fields, districtIds: ['dongbao', 'a b'] }, { as: await signIn('13800000041') })
		expect(code.status).toBe(400)
	})

	it('withdrawing a stay request named by a malformed id answers 400 under the field, not a database error', async () => {
		const route = (await import('~/routes/stays.tsx')) as RouteModule
		const res = await callAction<FormReplyLike>(route, '/stays', { intent: 'cancel', requestId: '\u202eevil', confirm: 'on' }, { as: await signIn('13800000002') })
		expect(res.status).toBe(400)
		expect(res.data.result?.error?.requestId).toEqual(['beds:errors.request.notOpen'])
	})

	it('a registry upload sent urlencoded (no multipart body) answers 400, not 500', async () => {
		const route = (await import('~/routes/registry.import._index.tsx')) as RouteModule
		const res = await callAction<FormReplyLike>(route, '/registry/import', { intent: 'x' }, { as: await signIn('13800000041') })
		expect(res.status).toBe(400)
		expect(res.data.result?.error?.file).toEqual(['registryImport.errors.malformedForm'])
	})

	it("a field zod refuses without a message of the schema's own answers an i18n key, not zod's English", async () => {
		const route = (await import('~/routes/subsidies.policies.tsx')) as RouteModule
		const res = await callAction<FormReplyLike>(route, '/subsidies/policies', { intent: 'bogus', amount: ['1', '2'] }, { as: await signIn('13800000041') })
		expect(res.status).toBe(400)
		const messages = Object.values(res.data.result?.error ?? {}).flatMap((m) => m ?? [])
		expect(messages.length).toBeGreaterThan(0)
		for (const m of messages) expect(zh.exists(m), m).toBe(true)
		expect(messages).toContain('errors.form.choice')
	})
})
