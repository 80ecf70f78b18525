import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requestReassessment } from '~/modules/assessment/assessments.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { confirmBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { classifyImport } from '~/modules/registry-import/classify.server.ts'
import { templateCsv } from '~/modules/registry-import/report.server.ts'
import { applyForSubsidy, communityReview } from '~/modules/subsidies/applications.server.ts'
import { applySchema } from '~/modules/subsidies/schemas.ts'
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { makeUser, sessionUser, TEST_PASSWORD } from '../factories/accounts.ts'
import { applicationForDecision } from '../factories/due-process.ts'
import { addDays } from '../factories/index.ts'
import { currentTotpOf, HttpClient, startApp } from '../setup/http.ts'

// Scoped access on every loader and action, checked as a matrix: a page that shows one tenant's
// record must not be shown to another tenant of the same role. For each account A of a pair, every
// page A reaches is crawled; each URL that names a record (a uuid in its path or query) is then asked
// for by the paired account B (same role, another family / community / township / district /
// provider / assessment organisation) and by an anonymous visitor, and A's forms on those pages (and
// A's forms elsewhere that carry a record's id) are posted by B with B's own CSRF token. B must get
// 403, 404, a 400 refusal or a redirect; never A's record, never a write (every table's row count and
// newest updatedAt, and the named record's row, before and after), never a 5xx. Roles seen city-wide
// (city officers, the administrator) have no pair. Made to fail: with getElder's elderScope removed it
// reports 33 pages; with cancelBooking allowing any family, B's cancel (200, and the writes).

let app: Awaited<ReturnType<typeof startApp>>

type Account = { phone: string; password: string; role: string; label: string }
const demo = (phone: string): Account => {
	const a = DEMO_ACCOUNTS.find((x) => x.phone === phone)!
	return { phone, password: DEMO_PASSWORD, role: a.role, label: `${a.role} ${phone}` }
}

/** Accounts made in this file's database: the second of a role the demo has only one of. */
const made: Record<string, Account> = {}
/** Crawled account → the account of the same role in another scope; both ways where both have records. */
let pairs: { a: Account; b: Account }[] = []

/** The CSRF refusal (app/locales/{zh-CN,en}/common.json errorPage.formExpired). */
const FORM_EXPIRED = ['表单已过期或缺少校验信息', 'The form has expired or lacks its security token']

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const SKIP = /^\/(logout|resources\/|build\/|reauth|login|preferences)|\.(csv|xlsx)(\?|$)|\/export|bank-file|reconciliation/

/**
 * Shapes the role may open in any scope, by design: a family books any published offering of the
 * catalogue; the longevity allowance's monthly run is the city's one run, which a district officer
 * reads with their district's figures and people. On these pages B gets, every record B's page
 * links to must still be B's to open (a district's people list naming another district's elders fails).
 */
const SHARED: Record<string, RegExp[]> = {
	family: [/^\/services\/book\/:id(\?|$)/],
	bureau_district: [/^\/bureau\/allowance\/runs\/:id(\/people)?(\?|$)/],
}

/** The shape of a URL: ids replaced, query values dropped (keys kept, sorted). */
function shapeOf(url: string) {
	const [path, query] = url.split('?') as [string, string | undefined]
	const keys = query ? [...new URLSearchParams(query).keys()].sort().join('&') : ''
	return path.replace(UUID, ':id').replace(/\/\d+(?=\/|$)/g, '/:n') + (keys ? `?${keys}` : '')
}

const decode = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#x27;', "'").replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>')

function attrs(tag: string): Record<string, string> {
	const out: Record<string, string> = {}
	for (const m of tag.matchAll(/([\w:-]+)(?:=(?:"([^"]*)"|'([^']*)'))?/g)) out[m[1]!.toLowerCase()] = decode(m[2] ?? m[3] ?? '')
	return out
}

/** Same-origin GET links of a page, without fragments. */
function links(html: string): string[] {
	const out = new Set<string>()
	for (const m of html.matchAll(/href="(\/[^"#]*)"/g)) {
		const href = decode(m[1]!)
		if (!SKIP.test(href)) out.add(href)
	}
	return [...out]
}

/** `names`: the ids the form names a record by (its action, hidden inputs, buttons, the elder chosen), not a list of choices. */
type FormPost = { action: string; fields: [string, string][]; multipart: boolean; intent: string; names: string[]; optional: Set<string> }

/** A card number whose last digit is its Luhn check digit. */
function luhn(body: string) {
	let sum = 0
	for (let i = 0; i < body.length; i++) {
		let d = Number(body[body.length - 1 - i])
		if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2
		sum += d
	}
	return body + String((10 - (sum % 10)) % 10)
}

/** What a user would type, by the field's name or type, so that B's submission gets past the form's own checks to the guard. */
function typed(name: string, type: string, today: string) {
	if (/^lat$/i.test(name)) return '31.03'
	if (/^(lng|lon)$/i.test(name)) return '112.2'
	if (/cardNumber/i.test(name)) return luhn('621700287001234567')
	if (/grade$/i.test(name)) return '1'
	if (/price|income|credit|percent|amount|fen$/i.test(name)) return '100'
	if (type === 'number') return '1'
	if (type === 'date') return today
	if (type === 'month') return today.slice(0, 7)
	if (type === 'tel' || /phone/i.test(name)) return '13900000000'
	if (type === 'password') return DEMO_PASSWORD
	if (type === 'hidden') return ''
	return '测试'
}

/** The post forms of a page, one submission per submit button (its name=value added), filled as a user would. */
function forms(html: string, pagePath: string): FormPost[] {
	const out: FormPost[] = []
	const today = shanghaiDate()
	for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
		const fa = attrs(m[1]!)
		if ((fa.method ?? 'get').toLowerCase() !== 'post') continue
		const action = fa.action ? decode(fa.action) : pagePath
		if (!action.startsWith('/') || SKIP.test(action)) continue
		const body = m[2]!
		const fields: [string, string][] = []
		const radios = new Set<string>()
		const names = idsIn(action)
		const optional = new Set<string>()
		for (const i of body.matchAll(/<input\b([^>]*)>/g)) {
			const a = attrs(i[1]!)
			const type = (a.type ?? 'text').toLowerCase()
			if (!a.name || a.name === 'csrf' || type === 'submit' || type === 'button' || type === 'file') continue
			// Boxes are ticked, as a user confirming the act would ("yes, cancel").
			if (type === 'checkbox') {
				fields.push([a.name, a.value ?? 'on'])
				continue
			}
			if (type === 'radio') {
				if (radios.has(a.name)) continue
				radios.add(a.name)
			}
			let value = a.value ?? ''
			if (!value && !('disabled' in a)) {
				value = typed(a.name, type, today)
				if (!('required' in a)) optional.add(a.name)
			}
			fields.push([a.name, value])
			if (type === 'hidden') names.push(...idsIn(value))
		}
		for (const s of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
			const a = attrs(s[1]!)
			if (!a.name) continue
			const options = [...s[2]!.matchAll(/<option\b([^>]*)>/g)].map((o) => attrs(o[1]!))
			const chosen = options.find((o) => 'selected' in o && o.value) ?? options.find((o) => o.value)
			if (chosen) fields.push([a.name, chosen.value!])
			if (chosen && a.name === 'elderId') names.push(...idsIn(chosen.value!))
			if (chosen && !options.some((o) => 'selected' in o) && options.some((o) => o.value === '' || !('value' in o))) optional.add(a.name)
		}
		for (const t of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
			const a = attrs(t[1]!)
			if (!a.name) continue
			fields.push([a.name, decode(t[2]!) || '测试'])
			if (!decode(t[2]!) && !('required' in a)) optional.add(a.name)
		}
		const buttons = [...body.matchAll(/<button\b([^>]*)>/g)].map((b) => attrs(b[1]!)).filter((b) => (b.type ?? 'submit') === 'submit')
		const named = buttons.filter((b) => b.name)
		const multipart = (fa.enctype ?? '').includes('multipart')
		if (!named.length) out.push({ action, fields, multipart, intent: fields.find(([k]) => k === 'intent')?.[1] ?? '', names, optional })
		for (const b of named) out.push({ action, fields: [...fields.filter(([k]) => k !== b.name), [b.name!, b.value ?? '']], multipart, intent: b.value ?? '', names: [...names, ...idsIn(b.value ?? '')], optional })
	}
	return out
}

/**
 * Posts a form as `client` with the client's own CSRF token, as the app's JavaScript does (single fetch,
 * `<path>.data`): the answer is the action's own, not the page's. A document POST is answered with the
 * page, whose scoped loader says 404 even after an unscoped action has done its work (or sent back
 * what it read).
 */
async function post(client: HttpClient, form: FormPost) {
	const [path, query] = form.action.split('?') as [string, string | undefined]
	const target = `${path === '/' ? '/_root' : path.replace(/\/$/, '')}.data${query ? `?${query}` : ''}`
	const body = form.multipart ? new FormData() : new URLSearchParams()
	for (const [k, v] of form.fields) body.append(k, v)
	body.set('csrf', client.csrfToken ?? '')
	return fetch(app.baseUrl + target, { method: 'POST', redirect: 'manual', body, headers: { cookie: client.cookieHeader() } })
}

// ---------------------------------------------------------------- what a write would change

let fingerprintSql = ''
/** Row counts of every table and the newest updatedAt where a table has one (sessions excepted). */
async function fingerprint(): Promise<Record<string, string>> {
	if (!fingerprintSql) {
		const tables = await prisma.$queryRawUnsafe<{ t: string; u: boolean }[]>(
			`SELECT c.table_name::text AS t, bool_or(c.column_name = 'updatedAt') AS u FROM information_schema.columns c JOIN information_schema.tables x USING (table_schema, table_name)
			 WHERE c.table_schema = 'public' AND x.table_type = 'BASE TABLE' AND c.table_name NOT IN ('session', '_prisma_migrations') GROUP BY c.table_name ORDER BY 1`,
		)
		fingerprintSql = `SELECT ${tables.map(({ t, u }) => `(SELECT count(*)${u ? ` || '/' || coalesce(max("updatedAt")::text, '')` : ''} FROM "${t}") AS "${t}"`).join(', ')}`
	}
	const [row] = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(fingerprintSql)
	return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, String(v)]))
}

let idTablesSql = ''
/** The rows (whole, as text) that carry an id, whatever their table: what a write on that record would change. */
async function rowsOf(ids: string[]): Promise<string[]> {
	if (!ids.length) return []
	if (!idTablesSql) {
		const tables = await prisma.$queryRawUnsafe<{ t: string }[]>(
			`SELECT table_name::text AS t FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id' AND data_type = 'uuid' AND table_name NOT IN ('session') ORDER BY 1`,
		)
		idTablesSql = tables.map(({ t }) => `SELECT '${t}' AS t, x::text AS row FROM "${t}" x WHERE x.id = ANY($1::uuid[])`).join(' UNION ALL ')
	}
	const rows = await prisma.$queryRawUnsafe<{ t: string; row: string }[]>(idTablesSql, ids)
	return rows.map((r) => `${r.t}: ${r.row}`).sort()
}

function changed(before: Record<string, string>, after: Record<string, string>) {
	return Object.keys(after).filter((k) => before[k] !== after[k]).map((k) => `${k} ${before[k]} → ${after[k]}`)
}

// ---------------------------------------------------------------- accounts

beforeAll(async () => {
	app = await startApp()
	const fresh = async (key: string, role: Parameters<typeof makeUser>[0]['role'], data: Omit<Parameters<typeof makeUser>[0], 'role'>, extra: { townshipId?: string; assessmentOrgId?: string } = {}) => {
		const user = await makeUser({ role, name: `矩阵${key}`, ...data })
		if (extra.townshipId || extra.assessmentOrgId) await prisma.user.update({ where: { id: user.id }, data: extra })
		made[key] = { phone: user.phone, password: TEST_PASSWORD, role, label: `${role} (made, ${key})` }
	}
	const officer = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000021' }, select: { communityId: true, community: { select: { townshipId: true } } } })
	// Another community, of another township, in the same district: community scope, not only the district's.
	const community = await prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', id: { not: officer.communityId! }, townshipId: { not: officer.community!.townshipId }, retiredAt: null }, orderBy: { nameZh: 'asc' }, select: { id: true, townshipId: true } })
	await fresh('community', 'community_officer', { districtId: 'dongbao', communityId: community.id })
	await fresh('township', 'township_officer', { districtId: 'dongbao' }, { townshipId: community.townshipId! })
	// An assessment organisation of other districts than the demo's (东宝, 掇刀).
	const cityOfficer = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000041' }, select: { id: true } })
	const org = await prisma.assessmentOrg.create({ data: { name: '钟祥市测试评估中心', licenceNo: 'JMPG-TEST-ZX', districtIds: ['zhongxiang', 'jingshan'], createdById: cityOfficer.id }, select: { id: true } })
	await fresh('assessor', 'assessor', { districtId: 'zhongxiang' }, { assessmentOrgId: org.id })
	// Staff of another approved provider of each kind, in another district.
	for (const kind of ['home_care', 'institution', 'community_centre'] as const) {
		const provider = await prisma.provider.findFirstOrThrow({ where: { kind, status: 'approved', districtId: { not: 'dongbao' }, staff: { none: {} } }, orderBy: { name: 'asc' }, select: { id: true, districtId: true } })
		await fresh(kind, 'provider_staff', { districtId: provider.districtId, providerId: provider.id })
	}
	// Records the demo seeds none of, made through the modules as users would: a booking of 张伟's
	// elder with 王强's home-care provider (the family's and the provider's booking and visit pages)
	// and a re-assessment request (the assessor's work list).
	const family = await sessionUser('13800000001')
	const elder = await prisma.elder.findFirstOrThrow({ where: { families: { some: { userId: family.id } }, districtId: 'dongbao', deathDate: null }, orderBy: { name: 'asc' }, select: { id: true } })
	const staff = await sessionUser('13800000011')
	const offering = await prisma.offering.findFirstOrThrow({ where: { providerId: staff.providerId!, active: true, districtIds: { has: 'dongbao' }, communityIds: { isEmpty: true }, rules: { some: {} } }, orderBy: { title: 'asc' }, select: { id: true, priceFen: true, rules: { select: { weekday: true, startMinute: true } } } })
	// Two bookings on different days: one left requested (the provider's confirm and decline forms),
	// one confirmed by the provider (its visit page).
	const bookings: string[] = []
	for (let ahead = 2; ahead < 16 && bookings.length < 2; ahead++) {
		const day = addDays(shanghaiDate(), ahead)
		const weekday = ((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7) + 1
		const rule = offering.rules.find((r) => r.weekday === weekday)
		if (!rule) continue
		const time = `${String(Math.floor(rule.startMinute / 60)).padStart(2, '0')}:${String(rule.startMinute % 60).padStart(2, '0')}`
		const startsAt = new Date(`${day}T${time}:00+08:00`).toISOString()
		const outcome = await createBooking(family, offering.id, { elderId: elder.id, startsAt, expectedPriceFen: offering.priceFen, expectedCopayFen: offering.priceFen, serviceAddress: '东宝区龙泉社区3栋2单元', note: '', idempotencyKey: crypto.randomUUID().replaceAll('-', '') })
		if (!outcome.ok) throw new Error(`booking for the matrix refused: ${JSON.stringify(outcome)}`)
		bookings.push(outcome.value.bookingId)
	}
	expect(bookings).toHaveLength(2)
	const confirmed = await confirmBooking(staff, bookings[1]!)
	if (!confirmed.ok) throw new Error(`confirmation refused: ${JSON.stringify(confirmed)}`)
	const requested = await requestReassessment(family, elder.id, '近来行动不便，申请重新评估', null)
	if (!requested.ok) throw new Error(`re-assessment request refused: ${JSON.stringify(requested)}`)
	// Subsidy applications of 张伟's (each elder with the first policy it is eligible for): one passed by
	// the community officer and waiting for the township's review, one waiting for the community's; and
	// one in a place of its own waiting for the district bureau's decision.
	const applications: string[] = []
	const elders = await prisma.elder.findMany({ where: { families: { some: { userId: family.id } }, communityId: officer.communityId!, deathDate: null }, orderBy: { name: 'asc' }, select: { id: true } })
	const policies = await prisma.subsidyPolicy.findMany({ orderBy: { code: 'asc' }, select: { id: true } })
	for (const e of elders) {
		for (const policy of policies) {
			const outcome = await applyForSubsidy(family, applySchema.parse({ elderId: e.id, policyId: policy.id, householdSize: '1', householdIncome: '0', statement: '测试' }))
			if (outcome.ok) {
				applications.push(outcome.value.id)
				break
			}
		}
	}
	expect(applications.length, 'applications for the community and township reviews').toBeGreaterThanOrEqual(2)
	const reviewed = await communityReview(await sessionUser('13800000021'), { applicationId: applications[0]!, decision: 'approve', economicCheckResult: 'pass', economicCheckDate: shanghaiDate() }, null)
	if (!reviewed.ok) throw new Error(`community review refused: ${JSON.stringify(reviewed)}`)
	await applicationForDecision()
	// A registry import of the community officer's, uploaded as the browser does and classified as the
	// worker would (its page, and the form that applies it).
	const officerClient = await clientOf(demo('13800000021'))
	const upload = new FormData()
	upload.append('csrf', officerClient.csrfToken!)
	upload.append('formId', 'registry-import')
	upload.append('file', new Blob([new TextEncoder().encode(templateCsv())]), 'registry.csv')
	const uploaded = await fetch(`${app.baseUrl}/registry/import`, { method: 'POST', redirect: 'manual', body: upload, headers: { cookie: officerClient.cookieHeader() } })
	expect(uploaded.status, await uploaded.text()).toBe(302)
	await classifyImport(uploaded.headers.get('location')!.split('/').at(-1)!)
	pairs = [
		{ a: demo('13800000001'), b: demo('13800000002') },
		{ a: demo('13800000002'), b: demo('13800000001') },
		{ a: demo('13800000011'), b: made.home_care! },
		{ a: demo('13800000012'), b: made.institution! },
		{ a: demo('13800000013'), b: made.community_centre! },
		{ a: demo('13800000021'), b: made.community! },
		{ a: demo('13800000022'), b: made.township! },
		{ a: demo('13800000031'), b: demo('13800000032') },
		{ a: demo('13800000032'), b: demo('13800000031') },
		{ a: demo('13800000061'), b: made.assessor! },
	]
})
afterAll(async () => {
	await app?.close()
})

const clients = new Map<string, HttpClient>()
/** One sign-in per account for the whole file. */
async function clientOf(account: Account) {
	let client = clients.get(account.phone)
	if (!client) {
		// Officers made here enrol in the second factor before signing in (currentTotpOf gives them a secret).
		if (!['family', 'provider_staff'].includes(account.role)) await currentTotpOf(account.phone)
		client = new HttpClient(app.baseUrl)
		await client.login(account.phone, account.password)
		clients.set(account.phone, client)
	}
	return client
}

type Page = { path: string; html: string }

/** Pages A reaches from the home page: at most `perShape` of each shape and `max` in all. */
async function crawl(client: HttpClient, max = 100, perShape = 2): Promise<Page[]> {
	const pages: Page[] = []
	const queue = ['/']
	const visited = new Set<string>()
	const shapes = new Map<string, number>()
	while (queue.length && visited.size < max) {
		const path = queue.shift()!
		const shape = shapeOf(path)
		if (visited.has(path) || (shapes.get(shape) ?? 0) >= perShape) continue
		visited.add(path)
		shapes.set(shape, (shapes.get(shape) ?? 0) + 1)
		const res = await client.get(path)
		if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('text/html')) {
			await res.body?.cancel()
			continue
		}
		const html = await res.text()
		pages.push({ path, html })
		// Record pages first: they are what this test is about.
		const next = links(html).filter((l) => !visited.has(l))
		queue.unshift(...next.filter((l) => idsIn(l).length))
		queue.push(...next.filter((l) => !idsIn(l).length))
	}
	return pages
}

const idsIn = (s: string) => [...new Set(s.match(UUID) ?? [])]

/** A page without what differs between two requests of it (nonces, CSRF tokens). */
const normalised = (html: string) => html.replace(/nonce="[^"]*"/g, '').replace(/name="csrf" value="[^"]*"/g, '').replace(/"csrf":"[^"]*"/g, '')

/**
 * Where a URL names a record in its query only (a filter, a highlighted row), B may get 200: then B's
 * page must be the page B gets for an id that names nothing (the id echoed back, nothing else).
 * Returns where the two differ, or null.
 */
async function differsFromUnknown(client: HttpClient, url: string, html: string) {
	const ids = idsIn(url)
	let unknownUrl = url
	const swaps = ids.map((id) => [id, crypto.randomUUID()] as const)
	for (const [id, other] of swaps) unknownUrl = unknownUrl.replaceAll(id, other)
	const res = await client.get(unknownUrl)
	let other = await res.text()
	for (const [id, o] of swaps) other = other.replaceAll(o, id)
	const [x, y] = [normalised(html), normalised(other)]
	if (res.status === 200 && x === y) return null
	let i = 0
	while (i < x.length && x[i] === y[i]) i++
	return `${res.status} for an unknown id; differs at …${x.slice(Math.max(0, i - 80), i + 120)}…`
}

/** How many (A, B) pairs beforeAll makes: one test each, so each role's crawl has its own time budget. */
const PAIR_COUNT = 10

describe('scoped access: another tenant of the same role gets neither the page nor the action', () => {
	const checked: Record<string, Set<string>> = {}
	const posted: Record<string, Set<string>> = {}
	const shared: string[] = []
	const publicShapes = new Set<string>()
	const crawled: string[] = []

	it.for(Array.from({ length: PAIR_COUNT }, (_, i) => i))('answers B and anonymous visitors with a refusal on every record page and form of A (pair %i)', { timeout: 120_000 }, async (index) => {
		expect(pairs).toHaveLength(PAIR_COUNT)
		const anonymous = new HttpClient(app.baseUrl)
		const failures: string[] = []
		{
			const { a, b } = pairs[index]!
			const clientA = await clientOf(a)
			const clientB = await clientOf(b)
			const pages = await crawl(clientA)
			crawled.push(`${a.label}: ${pages.length}`)
			const role = a.role
			const seenShapes = new Map<string, number>()
			const seenPosts = new Set<string>()
			const deniedToB = new Set<string>()
			for (const page of pages) {
				const ids = idsIn(page.path)
				const shape = shapeOf(page.path)
				if (ids.length && (seenShapes.get(shape) ?? 0) < 2) {
					seenShapes.set(shape, (seenShapes.get(shape) ?? 0) + 1)
					const anon = await anonymous.get(page.path)
					await anon.body?.cancel()
					if (anon.status === 200) {
						publicShapes.add(shape)
						continue
					}
					if (!(anon.status === 302 && (anon.headers.get('location') ?? '').startsWith('/login'))) failures.push(`anonymous GET ${page.path} (${a.label}'s): ${anon.status} ${anon.headers.get('location') ?? ''}`)
					const res = await clientB.get(page.path)
					const html = await res.text()
					if (SHARED[role]?.some((r) => r.test(shape))) {
						// Shared by design: what B's page links to must be B's to open.
						shared.push(`${role} ${shape}`)
						if (res.status !== 200) failures.push(`${b.label} GET ${page.path} (shared): ${res.status}`)
						for (const link of links(html).filter((l) => idsIn(l.split('?')[0]!).length && !SHARED[role]!.some((r) => r.test(shapeOf(l)))).slice(0, 3)) {
							const linked = await clientB.get(link)
							await linked.body?.cancel()
							if (linked.status !== 200) failures.push(`${b.label} GET ${page.path} (shared) links to ${link}, which answers B ${linked.status}`)
						}
						continue
					}
					const query = page.path.includes('?') && !idsIn(page.path.split('?')[0]!).length
					const difference = res.status === 200 && query ? await differsFromUnknown(clientB, page.path, html) : null
					if (res.status >= 500) failures.push(`${b.label} GET ${page.path} (${a.label}'s): ${res.status}`)
					else if (res.status === 200 && (!query || difference)) failures.push(`${b.label} GET ${page.path} (${a.label}'s): 200 with the record${difference ? ` (${difference})` : ''}`)
					else if (![200, 302, 303, 400, 403, 404].includes(res.status)) failures.push(`${b.label} GET ${page.path} (${a.label}'s): unexpected ${res.status}`)
					else {
						if (res.status !== 200) deniedToB.add(page.path)
						;(checked[role] ??= new Set()).add(shape)
					}
				}
				// A's forms: on a record page B was refused, or elsewhere when they name a record by id.
				for (const form of forms(page.html, page.path)) {
					const onRecordPage = deniedToB.has(page.path) && form.action.split('?')[0] === page.path.split('?')[0]
					const recordIds = [...new Set(form.names)]
					if (!onRecordPage && !(recordIds.length && !deniedToB.has(form.action) && !idsIn(page.path).length)) continue
					if (!recordIds.length) continue
					const postShape = `${shapeOf(form.action)} ${form.intent}`
					if (seenPosts.has(postShape) || SHARED[role]?.some((r) => r.test(shapeOf(form.action)))) continue
					seenPosts.add(postShape)
					const before = await fingerprint()
					const rowsBefore = await rowsOf(recordIds)
					let res = await post(clientB, form)
					let text = await res.text()
					// Refused by the form's own checks (a field we filled that this case must leave empty): once more with only what is required.
					if (res.status === 400 && form.optional.size) {
						res = await post(clientB, { ...form, fields: form.fields.map(([k, v]) => [k, form.optional.has(k) ? '' : v]) })
						text = await res.text()
					}
					if (process.env.DEBUG_ACCESS_MATRIX && res.status === 400) console.info('400', role, postShape, JSON.stringify(form.fields), text.slice(0, 600))
					const after = await fingerprint()
					const rowsAfter = await rowsOf(recordIds)
					const label = `${b.label} POST ${form.action} intent=${form.intent || '-'} (${a.label}'s form on ${page.path})`
					if (res.status >= 500) failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`)
					// B's own token is valid: a refusal of the token would mean the guard was never reached.
					else if (res.status === 403 && FORM_EXPIRED.some((m) => text.includes(m))) failures.push(`${label}: refused B's CSRF token (the test did not reach the guard)`)
					else if (![400, 403, 404, 409, 422].includes(res.status)) failures.push(`${label}: ${res.status} ${res.headers.get('location') ?? ''}`)
					const diff = changed(before, after)
					if (diff.length) failures.push(`${label}: wrote ${diff.join(', ')}`)
					if (JSON.stringify(rowsBefore) !== JSON.stringify(rowsAfter)) failures.push(`${label}: changed the record`)
					;(posted[role] ??= new Set()).add(`${postShape} → ${res.status}`)
				}
			}
		}
		expect(failures).toEqual([])
	})

	it('reached the record pages and forms of every role', () => {
		const summary = Object.fromEntries(Object.entries(checked).map(([role, s]) => [role, [...s].sort()]))
		const postSummary = Object.fromEntries(Object.entries(posted).map(([role, s]) => [role, [...s].sort()]))
		console.info(JSON.stringify({ crawled, checked: summary, posted: postSummary, public: [...publicShapes], shared }, null, 1))
		// The crawl reached the record pages and forms of every role (a crawl that silently finds nothing fails).
		const least: Record<string, [pages: number, posts: number]> = { family: [4, 9], provider_staff: [4, 10], community_officer: [6, 12], township_officer: [4, 7], bureau_district: [8, 12], assessor: [1, 2] }
		for (const [role, [pages, posts]] of Object.entries(least)) {
			expect(summary[role]?.length ?? 0, `${role}: record page shapes checked`).toBeGreaterThanOrEqual(pages)
			expect(postSummary[role]?.length ?? 0, `${role}: forms posted`).toBeGreaterThanOrEqual(posts)
		}
		// B's submissions reached the guards: a form refused by its own checks (400) proves nothing about scope.
		const answers = Object.values(postSummary).flat()
		expect(answers.filter((a) => a.endsWith('→ 400')).length, answers.join('\n')).toBeLessThan(answers.length / 8)
	})
})
