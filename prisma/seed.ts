// Seeds the reference data, a registry of elders, providers and the demo accounts.
//
//   npx tsx prisma/seed.ts [--scale demo|city] [--if-empty] [--demo-month]
//
// demo (default): ~400 elders, a dozen providers of each kind, a few communities per district.
// city: every community and village, 515,700 elders aged 60+ (the plan's 2015 population), the
// plan's 80 institutions, 165 community centres and 694 rural mutual-aid centres.
// Deterministic: fixed PRNG seeds; ages are computed from today's Shanghai date. Everything runs in
// one transaction, so a failed seed leaves nothing behind. --if-empty: do nothing when the
// `district` table already has rows (without it a non-empty database is an error). --demo-month: then
// the demo's lived-in month (prisma/demo-month.ts), through the product's own module functions.
import { realpathSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTick } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { hash } from '@node-rs/argon2'
import type pg from 'pg'
import { disconnectDb, withPgTransaction } from '~/lib/db.server.ts'
import { seedStatusesAndAssessment } from './seed-statuses.ts'
import { seedBeds } from './seed-beds.ts'
import { fromShanghai, shanghaiDate } from '~/lib/time.ts'
import {
	addDays,
	apportion,
	birthDateForAge,
	IdSequenceAllocator,
	makeElder,
	Rng,
	type ElderRow,
	type ElderRowInput,
} from './generators.ts'
import {
	AGE_DISTRIBUTION,
	AGED_80_PLUS_SHARE_2015,
	CITY_TOTALS,
	COMMUNITY_COUNTS,
	communitiesOf,
	communityPlacesOf,
	DEMO_ACCOUNTS,
	DISTRICT_DIVISION_CODES,
	townshipsOf,
	DEMO_COMMUNITY_COUNTS,
	DEMO_PASSWORD,
	DEMO_TOTP_SECRET,
	isDemoOfficer,
	DISTRICT_POPULATION_SHARE,
	DISTRICTS,
	elderRegionCode,
	NEIGHBOURS,
	POPULATION_60_PLUS_2015,
	POPULATION_BASE_YEAR,
	POPULATION_GROWTH,
	POPULATION_LAST_YEAR,
	URBAN_ELDER_SHARE,
	type DistrictId,
	type ProviderKindName,
	type SettlementKindName,
} from './seed-data.ts'
import { seedMarketplace } from './seed-marketplace.ts'
import { seedInstitutionFacts } from './seed-centres.ts'

export type SeedScale = 'demo' | 'city'

export type SeedOptions = {
	scale?: SeedScale
	ifEmpty?: boolean
	/** Shanghai date (YYYY-MM-DD) ages and liveness dates are computed from; defaults to today. */
	today?: string
	/** Silences the progress lines. */
	quiet?: boolean
	/** Seeds only one capability's data into an already seeded database (e.g. 'beds' into a copy of the city). */
	only?: 'beds'
	/** After a fresh demo seed, the lived-in month of prisma/demo-month.ts (npm start, npm run setup; not the tests' template). */
	demoMonth?: boolean
}

export type SeedResult = {
	skipped: boolean
	scale: SeedScale
	ms: number
	counts: {
		districts: number
		communities: number
		townships: number
		populationStats: number
		elders: number
		providers: number
		providerDistricts: number
		users: number
		familyLinks: number
	}
}

/** Fixed seed of every PRNG stream: the same scale on the same day gives the same data. */
const SEED = 20_161_231
const DEMO_ELDERS = 400
const ELDER_BATCH = 5_000
const ADVISORY_LOCK = 7_301_960 // pg_advisory_xact_lock key: one seed at a time

// Female share by age band (women live longer).
const FEMALE_SHARE = [0.49, 0.5, 0.51, 0.53, 0.56, 0.6, 0.65, 0.7, 0.75]

// ---------------------------------------------------------------- bulk SQL

type Column = { name: string; type: string; array?: boolean }

const q = (name: string) => `"${name}"`
const UTC_NOW = `(now() AT TIME ZONE 'UTC')`

/**
 * INSERT ... SELECT * FROM unnest($1::t1[], $2::t2[], ...): one statement and one round trip for
 * any number of rows. Array-valued columns travel as text literals ('{a,b}') and are cast back,
 * because unnest would flatten a 2-D array.
 */
async function insertColumns(
	client: pg.PoolClient,
	table: string,
	columns: readonly Column[],
	data: unknown[][],
	extra: { name: string; expr: string }[] = [],
) {
	const params = columns.map((c, i) => `$${i + 1}::${c.array ? 'text' : c.type}[]`)
	const alias = columns.map((c) => q(c.name))
	const select = columns.map((c) => (c.array ? `t.${q(c.name)}::${c.type}[]` : `t.${q(c.name)}`))
	const sql =
		`INSERT INTO ${q(table)} (${[...alias, ...extra.map((e) => q(e.name))].join(', ')}) ` +
		`SELECT ${[...select, ...extra.map((e) => e.expr)].join(', ')} ` +
		`FROM unnest(${params.join(', ')}) AS t(${alias.join(', ')})`
	return client.query(sql, data)
}

async function insertRows(
	client: pg.PoolClient,
	table: string,
	columns: readonly Column[],
	rows: readonly Record<string, unknown>[],
	extra: { name: string; expr: string }[] = [],
) {
	if (rows.length === 0) return
	const data = columns.map((c) => rows.map((r) => (r[c.name] === undefined ? null : r[c.name])))
	await insertColumns(client, table, columns, data, extra)
}

const arrayLiteral = (values: readonly string[]) => `{${values.map((v) => `"${v}"`).join(',')}}`
const dateText = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null)

const TIMESTAMPS = [
	{ name: 'createdAt', expr: UTC_NOW },
	{ name: 'updatedAt', expr: UTC_NOW },
]

// ---------------------------------------------------------------- reference data

type CommunityRef = { id: string; districtId: DistrictId; nameZh: string; kind: SettlementKindName; townshipId: string; code: string }
type DistrictCommunities = { urban: CommunityRef[]; village: CommunityRef[] }
type TownshipRef = { id: string; districtId: DistrictId; nameZh: string; kind: 'township' | 'street'; code: string }

/** Every district's townships and streets, at both scales (their own PRNG stream, so community ids stay as they were). */
function buildTownships(): Map<DistrictId, TownshipRef[]> {
	const rng = Rng.for('townships', SEED)
	return new Map(DISTRICTS.map((d) => [d.id, townshipsOf(d.id).map((t) => ({ id: rng.uuid(), districtId: d.id, ...t }))]))
}

function buildCommunities(scale: SeedScale, townships: Map<DistrictId, TownshipRef[]>): Map<DistrictId, DistrictCommunities> {
	const rng = Rng.for('communities', SEED)
	const out = new Map<DistrictId, DistrictCommunities>()
	for (const d of DISTRICTS) {
		const all = communitiesOf(d.id)
		const places = communityPlacesOf(d.id)
		const inDistrict = townships.get(d.id)!
		const counts = scale === 'city' ? COMMUNITY_COUNTS[d.id] : DEMO_COMMUNITY_COUNTS[d.id]
		// Ids are drawn for the full list so a community keeps its id at both scales.
		const withIds = (list: typeof all.urban, where: typeof places.urban) =>
			list.map((c, k) => ({ id: rng.uuid(), districtId: d.id, ...c, townshipId: inDistrict[where[k]!.township]!.id, code: where[k]!.code }))
		const urban = withIds(all.urban, places.urban)
		const village = withIds(all.village, places.village)
		out.set(d.id, { urban: urban.slice(0, counts.urban), village: village.slice(0, counts.village) })
	}
	return out
}

function buildPopulationStats() {
	const ids = DISTRICTS.map((d) => d.id)
	const base = apportion(POPULATION_60_PLUS_2015, ids.map((id) => DISTRICT_POPULATION_SHARE[id]))
	const rows: Record<string, unknown>[] = []
	for (let year = POPULATION_BASE_YEAR; year <= POPULATION_LAST_YEAR; year++) {
		const n = year - POPULATION_BASE_YEAR
		ids.forEach((districtId, i) => {
			const aged60Plus = Math.round(base[i]! * (1 + POPULATION_GROWTH) ** n)
			const aged80Plus = Math.round(aged60Plus * (AGED_80_PLUS_SHARE_2015[districtId] + 0.002 * n))
			rows.push({ districtId, year, aged60Plus, aged80Plus })
		})
	}
	return { rows, aged60Plus2015: new Map(ids.map((id, i) => [id, base[i]!])) }
}

// ---------------------------------------------------------------- providers

type ProviderPlan = {
	kind: ProviderKindName
	districtId: DistrictId
	community?: CommunityRef
	status?: 'pending' | 'approved' | 'rejected' | 'suspended'
	/** Marks the providers the demo staff accounts work for. */
	staffOf?: string
}

const DISTRICT_SHORT: Record<DistrictId, string> = {
	dongbao: '东宝',
	duodao: '掇刀',
	jingshan: '京山',
	shayang: '沙洋',
	zhongxiang: '钟祥',
	qujialing: '屈家岭',
}
const BRANDS = [
	'福康', '安康', '颐和', '康宁', '孝之家', '夕阳红', '爱心', '乐龄', '惠民', '仁爱', '金秋', '晚晴', '松鹤', '福寿',
	'康乐', '和顺', '家家乐', '邻里', '暖心', '同心', '益寿', '怡康', '德孝', '百福', '安馨', '长乐', '颐年', '馨园',
	'慈航', '泰康', '瑞祥', '永安',
]
const HOME_CARE_SUFFIX = ['居家养老服务有限公司', '养老服务中心', '家政养老服务有限公司', '护理服务有限公司', '居家照护服务社']
const INSTITUTION_SUFFIX = ['养老院', '颐养中心', '老年公寓', '康养中心', '护理院']
const HOME_CARE_SERVICES = ['助餐', '助浴', '助洁', '助医', '助急', '助行', '护理', '康复', '喘息服务']

function buildProviders(
	scale: SeedScale,
	communities: Map<DistrictId, DistrictCommunities>,
	reviewerId: string,
	today: string,
) {
	const rng = Rng.for('providers', SEED)
	const plans: ProviderPlan[] = []
	const c = (id: DistrictId) => communities.get(id)!

	if (scale === 'demo') {
		const spread: DistrictId[] = ['dongbao', 'dongbao', 'dongbao', 'duodao', 'duodao', 'jingshan', 'jingshan', 'shayang', 'shayang', 'zhongxiang', 'zhongxiang', 'qujialing']
		spread.forEach((districtId, i) => {
			plans.push({
				kind: 'home_care',
				districtId,
				status: i === 2 ? 'pending' : 'approved',
				staffOf: i === 0 ? '13800000011' : undefined,
			})
		})
		spread.forEach((districtId, i) => {
			const d = c(districtId)
			plans.push({
				kind: 'institution',
				districtId,
				community: i % 2 === 0 ? d.urban[0] : d.village[0],
				status: i === 6 ? 'pending' : 'approved',
				staffOf: i === 0 ? '13800000012' : undefined,
			})
		})
		const centres: [DistrictId, 'urban' | 'village', number][] = [
			['dongbao', 'urban', 0], ['dongbao', 'urban', 1], ['dongbao', 'village', 0],
			['duodao', 'urban', 0], ['duodao', 'village', 0],
			['jingshan', 'urban', 0], ['jingshan', 'village', 0],
			['shayang', 'urban', 0], ['shayang', 'village', 0],
			['zhongxiang', 'urban', 0], ['zhongxiang', 'urban', 1], ['zhongxiang', 'village', 0],
		]
		centres.forEach(([districtId, kind, index], i) => {
			plans.push({
				kind: 'community_centre',
				districtId,
				community: c(districtId)[kind][index]!,
				status: i === 10 ? 'pending' : 'approved',
				staffOf: i === 0 ? '13800000013' : undefined,
			})
		})
	} else {
		const ids = DISTRICTS.map((d) => d.id)
		const homeCare = apportion(CITY_TOTALS.homeCareProviders, [0.22, 0.16, 0.2, 0.16, 0.24, 0.02])
		const institutions = apportion(CITY_TOTALS.institutions, ids.map((id) => DISTRICT_POPULATION_SHARE[id]))
		const urbanCentres = apportion(CITY_TOTALS.communityCentres, ids.map((id) => COMMUNITY_COUNTS[id].urban))
		const ruralCentres = apportion(CITY_TOTALS.ruralCentres, ids.map((id) => COMMUNITY_COUNTS[id].village))
		const cityStatus = (): ProviderPlan['status'] => {
			const r = rng.next()
			return r < 0.9 ? 'approved' : r < 0.96 ? 'pending' : r < 0.985 ? 'suspended' : 'rejected'
		}
		ids.forEach((districtId, i) => {
			const d = c(districtId)
			for (let k = 0; k < homeCare[i]!; k++) {
				const first = districtId === 'dongbao' && k === 0
				plans.push({ kind: 'home_care', districtId, status: first ? 'approved' : cityStatus(), staffOf: first ? '13800000011' : undefined })
			}
			for (let k = 0; k < institutions[i]!; k++) {
				const first = districtId === 'dongbao' && k === 0
				const all = [...d.urban, ...d.village]
				plans.push({
					kind: 'institution',
					districtId,
					community: k === 0 ? d.urban[0] : rng.pick(all),
					status: first ? 'approved' : cityStatus(),
					staffOf: first ? '13800000012' : undefined,
				})
			}
			// Centres sit in the first communities of each list (distinct, stable, include 龙泉社区).
			for (let k = 0; k < urbanCentres[i]!; k++) {
				const first = districtId === 'dongbao' && k === 0
				plans.push({
					kind: 'community_centre',
					districtId,
					community: d.urban[k]!,
					status: first || rng.chance(0.97) ? 'approved' : 'pending',
					staffOf: first ? '13800000013' : undefined,
				})
			}
			for (let k = 0; k < ruralCentres[i]!; k++) {
				plans.push({ kind: 'community_centre', districtId, community: d.village[k]!, status: rng.chance(0.96) ? 'approved' : 'pending' })
			}
		})
	}

	const licenceCounters = new Map<string, number>()
	const usedNames = new Set<string>()
	const providers: Record<string, unknown>[] = []
	const served: { providerId: string; districtId: string }[] = []
	const staffProvider = new Map<string, string>()
	const byId = new Map(DISTRICTS.map((d) => [d.id, d]))

	for (const plan of plans) {
		const district = byId.get(plan.districtId)!
		const id = rng.uuid()
		const prefix = district.regionCode ?? '420800'
		const n = (licenceCounters.get(prefix) ?? 0) + 1
		licenceCounters.set(prefix, n)
		const short = DISTRICT_SHORT[plan.districtId]

		let name: string
		let description: string
		if (plan.kind === 'community_centre') {
			const place = plan.community!
			name = place.kind === 'urban_community' ? `${place.nameZh}居家养老服务中心` : `${place.nameZh}农村互助照料活动中心`
			description = place.kind === 'urban_community' ? '日间照料、老年食堂、文体活动、短期托养' : '互助照料、老年食堂、文体活动'
		} else {
			const suffixes = plan.kind === 'home_care' ? HOME_CARE_SUFFIX : INSTITUTION_SUFFIX
			do {
				if (plan.kind === 'institution' && !usedNames.has(`${short}社会福利院`)) name = `${short}社会福利院`
				else name = `${short}${rng.pick(BRANDS)}${rng.pick(suffixes)}`
			} while (usedNames.has(name))
			description =
				plan.kind === 'home_care'
					? rng.shuffle([...HOME_CARE_SERVICES]).slice(0, rng.int(3, 6)).join('、') + '上门服务'
					: `床位${rng.int(6, 40) * 10}张，其中护理型床位约${rng.int(2, 6) * 10}%`
		}
		usedNames.add(name)

		const status = plan.status ?? 'approved'
		const daysAgo = rng.int(60, 900)
		const createdAt = new Date(Date.parse(`${addDays(today, -daysAgo)}T02:00:00Z`) + rng.int(0, 28_800) * 1000)
		const reviewedAt = status === 'pending' ? null : new Date(createdAt.getTime() + rng.int(3, 30) * 86_400_000)
		const grade = status === 'approved' ? 1 + rng.weightedIndex([8, 22, 35, 25, 10]) : null
		const place = plan.community
		providers.push({
			id,
			name,
			kind: plan.kind,
			licenceNo: `MZ-${prefix}-${String(n).padStart(4, '0')}`,
			districtId: plan.districtId,
			communityId: place?.id ?? null,
			address: `荆门市${district.nameZh}${place ? place.nameZh : rng.pick(['长宁大道', '象山大道', '白云大道', '月亮湖路', '金虾路', '泉口路', '迎春大道'])}${rng.int(1, 288)}号`,
			phone: `0724-${rng.int(2, 8)}${rng.digits(6)}`,
			description,
			status,
			statusReason:
				status === 'rejected' ? '营业执照与申报主体不一致' : status === 'suspended' ? '消防安全检查未通过，整改期间暂停服务' : null,
			reviewedById: reviewedAt ? reviewerId : null,
			reviewedAt: reviewedAt?.toISOString() ?? null,
			grade,
			gradedAt: grade && reviewedAt ? reviewedAt.toISOString() : null,
			gradedById: grade ? reviewerId : null,
			createdAt: createdAt.toISOString(),
		})
		served.push({ providerId: id, districtId: plan.districtId })
		if (plan.kind === 'home_care') {
			const extra = rng.weightedIndex([55, 30, 15]) // serves 1, 2 or 3 districts
			for (const other of rng.shuffle([...NEIGHBOURS[plan.districtId]]).slice(0, extra)) served.push({ providerId: id, districtId: other })
		}
		if (plan.staffOf) staffProvider.set(plan.staffOf, id)
	}
	return { providers, served, staffProvider }
}

// ---------------------------------------------------------------- elders

type Fixture = {
	key: string
	districtId: DistrictId
	where: ['urban' | 'village', number]
	age: number
	gender: 'male' | 'female'
	name: string
	family?: string
	overrides?: (today: string) => Partial<ElderRowInput>
}

/** Named elders the demo accounts and the allowance edge cases rely on (seeded at both scales). */
export const SEED_FIXTURES: readonly Fixture[] = [
	{ key: 'zhangwei-1', districtId: 'dongbao', where: ['urban', 0], age: 72, gender: 'male', name: '张德明', family: '13800000001' },
	{
		key: 'zhangwei-2',
		districtId: 'dongbao',
		where: ['urban', 0],
		age: 84,
		gender: 'female',
		name: '李桂英',
		family: '13800000001',
		overrides: () => ({ categories: ['dibao'], disabilityLevel: 'partial' }),
	},
	{
		key: 'zhangwei-3',
		districtId: 'dongbao',
		where: ['urban', 0],
		age: 91,
		gender: 'male',
		name: '张永福',
		family: '13800000001',
		overrides: () => ({ categories: [], disabilityLevel: 'full' }),
	},
	{ key: 'lina-1', districtId: 'zhongxiang', where: ['urban', 0], age: 68, gender: 'male', name: '李国华', family: '13800000002' },
	{
		key: 'lina-2',
		districtId: 'zhongxiang',
		where: ['urban', 0],
		age: 81,
		gender: 'female',
		name: '陈玉兰',
		family: '13800000002',
		overrides: () => ({ categories: ['youfu'] }),
	},
	{
		key: 'deceased',
		districtId: 'dongbao',
		where: ['urban', 1],
		age: 86,
		gender: 'male',
		name: '刘长春',
		overrides: (today) => ({ deathDate: addDays(today, -40), lastLivenessAt: addDays(today, -200) }),
	},
	{
		key: 'moved-out',
		districtId: 'dongbao',
		where: ['urban', 1],
		age: 83,
		gender: 'female',
		name: '黄秀兰',
		overrides: (today) => ({ residencyStatus: 'moved_out', movedOutOn: addDays(today, -75), lastLivenessAt: addDays(today, -150) }),
	},
]

const ELDER_COLUMNS: readonly Column[] = [
	{ name: 'id', type: 'uuid' },
	{ name: 'idNumberCipher', type: 'bytea' },
	{ name: 'idNumberHash', type: 'bytea' },
	{ name: 'idNumberMasked', type: 'text' },
	{ name: 'name', type: 'text' },
	{ name: 'gender', type: '"Gender"' },
	{ name: 'birthDate', type: 'date' },
	{ name: 'districtId', type: 'text' },
	{ name: 'communityId', type: 'uuid' },
	{ name: 'settlement', type: '"SettlementKind"' },
	{ name: 'categories', type: '"ElderCategory"', array: true },
	{ name: 'disabilityLevel', type: '"DisabilityLevel"' },
	{ name: 'lastLivenessAt', type: 'date' },
	{ name: 'deathDate', type: 'date' },
	{ name: 'residencyStatus', type: '"ResidencyStatus"' },
	{ name: 'movedOutOn', type: 'date' },
	{ name: 'bankCardRef', type: 'text' },
	{ name: 'bankCardCipher', type: 'bytea' },
	{ name: 'bankName', type: 'text' },
	{ name: 'bankAccountHolder', type: 'text' },
	{ name: 'bankCardRecordedAt', type: 'timestamptz' },
]

function emptyElderBatch(): unknown[][] {
	return ELDER_COLUMNS.map(() => [])
}

function pushElder(batch: unknown[][], r: ElderRow) {
	batch[0]!.push(r.id)
	batch[1]!.push(r.idNumberCipher)
	batch[2]!.push(r.idNumberHash)
	batch[3]!.push(r.idNumberMasked)
	batch[4]!.push(r.name)
	batch[5]!.push(r.gender)
	batch[6]!.push(dateText(r.birthDate))
	batch[7]!.push(r.districtId)
	batch[8]!.push(r.communityId)
	batch[9]!.push(r.settlement)
	batch[10]!.push(`{${r.categories.join(',')}}`)
	batch[11]!.push(r.disabilityLevel)
	batch[12]!.push(dateText(r.lastLivenessAt))
	batch[13]!.push(dateText(r.deathDate))
	batch[14]!.push(r.residencyStatus)
	batch[15]!.push(dateText(r.movedOutOn))
	batch[16]!.push(r.bankCardRef)
	batch[17]!.push(r.bankCardCipher)
	batch[18]!.push(r.bankName)
	batch[19]!.push(r.bankAccountHolder)
	batch[20]!.push(r.bankCardRecordedAt ? r.bankCardRecordedAt.toISOString() : null)
}

/** Band index of every generated (non-fixture) elder, shuffled. */
function agePlan(rng: Rng, scale: SeedScale, n: number): Uint8Array {
	let counts: number[]
	if (scale === 'city') {
		counts = apportion(n, AGE_DISTRIBUTION.map((b) => b.share))
	} else {
		// Demo: about 40 aged 80+ in all (5 of them fixtures), a few 90+, one 100+.
		const old = [20, 10, 3, 1, 1]
		const young = apportion(n - old.reduce((a, b) => a + b, 0), AGE_DISTRIBUTION.slice(0, 4).map((b) => b.share))
		counts = [...young, ...old]
	}
	const plan = new Uint8Array(n)
	let k = 0
	counts.forEach((count, band) => plan.fill(band, k, (k += count)))
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(rng.next() * (i + 1))
		const t = plan[i]!
		plan[i] = plan[j]!
		plan[j] = t
	}
	return plan
}

/** Yields every elder: fixtures first, then each district's communities in turn. */
function* generateElders(
	scale: SeedScale,
	today: string,
	communities: Map<DistrictId, DistrictCommunities>,
	elderTotals: Map<DistrictId, number>,
	fixtureIds: Map<string, string>,
): Generator<ElderRow> {
	const rng = Rng.for(`elders/${scale}`, SEED)
	const sequences = new IdSequenceAllocator(Rng.for('sequences', SEED))

	const drawBirthDate = (regionCode: string, age: number, gender: 'male' | 'female') => {
		for (;;) {
			const birthDate = birthDateForAge(rng, age, today)
			if (sequences.hasRoom(regionCode, birthDate, gender)) return { birthDate, seq: sequences.next(regionCode, birthDate, gender) }
		}
	}

	for (const f of SEED_FIXTURES) {
		const regionCode = elderRegionCode(f.districtId)
		const community = communities.get(f.districtId)![f.where[0]][f.where[1]]!
		const { birthDate, seq } = drawBirthDate(regionCode, f.age, f.gender)
		const { row } = makeElder(rng, {
			districtId: f.districtId,
			regionCode,
			communityId: community.id,
			settlement: community.kind,
			birthDate,
			seq,
			today,
			name: f.name,
			categories: [],
			disabilityLevel: 'none',
			lastLivenessAt: addDays(today, -rng.int(20, 90)),
			...f.overrides?.(today),
		})
		fixtureIds.set(f.key, row.id)
		yield row
	}

	const fixturesPer = new Map<DistrictId, number>()
	for (const f of SEED_FIXTURES) fixturesPer.set(f.districtId, (fixturesPer.get(f.districtId) ?? 0) + 1)
	const generated = [...elderTotals].reduce((a, [id, n]) => a + n - (fixturesPer.get(id) ?? 0), 0)
	const plan = agePlan(rng, scale, generated)
	let next = 0
	let staleOld = 0 // demo: a handful of 80+ elders whose liveness certification lapsed

	for (const d of DISTRICTS) {
		const n = elderTotals.get(d.id)! - (fixturesPer.get(d.id) ?? 0)
		const regionCode = elderRegionCode(d.id)
		const { urban, village } = communities.get(d.id)!
		const urbanN = Math.round(n * URBAN_ELDER_SHARE[d.id])
		for (const [list, total] of [
			[urban, urbanN],
			[village, n - urbanN],
		] as const) {
			const perCommunity = apportion(total, list.map(() => 0.4 + rng.next() * 1.2))
			for (let ci = 0; ci < list.length; ci++) {
				const community = list[ci]!
				for (let k = 0; k < perCommunity[ci]!; k++) {
					const bandIndex = plan[next++]!
					const band = AGE_DISTRIBUTION[bandIndex]!
					const age = rng.int(band.min, band.max)
					const gender = rng.chance(FEMALE_SHARE[bandIndex]!) ? 'female' : 'male'
					const { birthDate, seq } = drawBirthDate(regionCode, age, gender)
					const input: ElderRowInput = {
						districtId: d.id,
						regionCode,
						communityId: community.id,
						settlement: community.kind,
						birthDate,
						seq,
						today,
					}
					if (scale === 'demo' && age >= 80 && staleOld < 4 && rng.chance(0.2)) {
						staleOld++
						input.lastLivenessAt = addDays(today, -rng.int(380, 600))
					}
					yield makeElder(rng, input).row
				}
			}
		}
	}
	if (next !== generated) throw new Error(`age plan mismatch: ${next} of ${generated}`)
}

async function insertElders(
	client: pg.PoolClient,
	rows: Generator<ElderRow>,
	log: (line: string) => void,
): Promise<number> {
	const started = performance.now()
	let batch = emptyElderBatch()
	let size = 0
	let total = 0
	let inFlight: Promise<unknown> | undefined

	const flush = async () => {
		if (inFlight) await inFlight
		const sending = insertColumns(client, 'elder', ELDER_COLUMNS, batch, TIMESTAMPS)
		sending.catch(() => {}) // awaited below; keeps Node from flagging it while the next batch is built
		inFlight = sending
		batch = emptyElderBatch()
		total += size
		size = 0
	}

	for (const row of rows) {
		pushElder(batch, row)
		size++
		// Let the socket drain and results arrive while the next batch is built.
		if (size % 1000 === 0) await nextTick()
		if (size === ELDER_BATCH) {
			await flush()
			if (total % 100_000 === 0) log(`  elders: ${total.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
		}
	}
	if (size > 0) await flush()
	if (inFlight) await inFlight
	return total
}

// ---------------------------------------------------------------- subsidies

const HOME_CARE_CATEGORIES = ['meals', 'bathing', 'cleaning', 'medical_escort', 'emergency_response', 'mobility', 'nursing', 'rehabilitation', 'respite']

/**
 * Subsidy policies (政府购买养老服务) with this year's budget per district: a home-care credit for
 * 低保/特困/三无 elders, a care credit for elders with care needs, and an institution-bed subsidy that
 * cannot be combined with the home-care credit. 屈家岭's budget is deliberately small, so approving
 * beyond it (and the city-level override) can be tried in the demo.
 */
async function seedSubsidies(client: pg.PoolClient, scale: SeedScale, today: string, cityOfficerId: string) {
	const rng = Rng.for('subsidies', SEED)
	const yearStart = `${today.slice(0, 4)}-01-01`
	const policies = [
		{ id: rng.uuid(), code: 'home-care-basic', nameZh: '居家养老服务补贴（低保、特困、三无）', nameEn: 'Home-care credit (minimum-living, extreme-poverty, three-without)', categories: '{dibao,tekun,sanwu}', minDisability: 'none', creditFen: 30_000, covered: HOME_CARE_CATEGORIES, copayBps: 2_000 },
		{ id: rng.uuid(), code: 'care-needs', nameZh: '失能半失能老人护理补贴', nameEn: 'Care credit for dependent elders', categories: '{}', minDisability: 'partial', creditFen: 20_000, covered: ['nursing', 'rehabilitation', 'respite', 'bathing', 'day_care'], copayBps: 3_000 },
		{ id: rng.uuid(), code: 'institution-bed', nameZh: '特困老人机构入住补贴', nameEn: 'Institution bed subsidy (extreme poverty)', categories: '{tekun,sanwu}', minDisability: 'none', creditFen: 80_000, covered: ['residential_stay', 'short_stay'], copayBps: 1_000 },
	]
	await insertRows(
		client,
		'subsidy_policy',
		[
			{ name: 'id', type: 'uuid' },
			{ name: 'code', type: 'text' },
			{ name: 'nameZh', type: 'text' },
			{ name: 'nameEn', type: 'text' },
			{ name: 'createdById', type: 'uuid' },
		],
		policies.map((p) => ({ ...p, createdById: cityOfficerId })),
	)
	await insertRows(
		client,
		'subsidy_policy_version',
		[
			{ name: 'id', type: 'uuid' },
			{ name: 'policyId', type: 'uuid' },
			{ name: 'version', type: 'int' },
			{ name: 'effectiveFrom', type: 'date' },
			{ name: 'categories', type: '"ElderCategory"', array: true },
			{ name: 'minDisability', type: '"DisabilityLevel"' },
			{ name: 'monthlyCreditFen', type: 'int' },
			{ name: 'coveredCategories', type: 'text', array: true },
			{ name: 'copayBps', type: 'int' },
			{ name: 'createdById', type: 'uuid' },
		],
		policies.map((p) => ({ id: rng.uuid(), policyId: p.id, version: 1, effectiveFrom: yearStart, categories: p.categories, minDisability: p.minDisability, monthlyCreditFen: p.creditFen, coveredCategories: arrayLiteral(p.covered), copayBps: p.copayBps, createdById: cityOfficerId })),
	)
	await client.query(`INSERT INTO subsidy_policy_exclusion ("policyId", "excludedPolicyId") VALUES ($1, $2)`, [policies[2]!.id, policies[0]!.id])
	// Yuan per district and year: demo figures, scaled up for the city (about 6% of elders are 低保).
	const factor = scale === 'city' ? 1_000 : 1
	const budgetYuan: Record<DistrictId, number> = { dongbao: 600_000, duodao: 400_000, jingshan: 500_000, shayang: 450_000, zhongxiang: 700_000, qujialing: 2_000 }
	const budgets = policies.flatMap((p) =>
		DISTRICTS.map((d) => ({ policyId: p.id, districtId: d.id, year: Number(today.slice(0, 4)), amountFen: budgetYuan[d.id] * 100 * (d.id === 'qujialing' ? 1 : factor) })),
	)
	await insertRows(
		client,
		'subsidy_budget',
		[
			{ name: 'policyId', type: 'uuid' },
			{ name: 'districtId', type: 'text' },
			{ name: 'year', type: 'int' },
			{ name: 'amountFen', type: 'bigint' },
		],
		budgets,
		[{ name: 'updatedAt', expr: UTC_NOW }],
	)
	// The city's limits for districts' own policies (issue 15 item 4): ¥300 a month per elder, and a
	// tenth of the district's city budget a year.
	await insertRows(
		client,
		'subsidy_district_limit',
		[
			{ name: 'districtId', type: 'text' },
			{ name: 'maxMonthlyCreditFen', type: 'int' },
			{ name: 'maxYearBudgetFen', type: 'bigint' },
		],
		DISTRICTS.map((d) => ({ districtId: d.id, maxMonthlyCreditFen: 30_000, maxYearBudgetFen: (budgetYuan[d.id] * 100 * (d.id === 'qujialing' ? 1 : factor)) / 10 })),
		[{ name: 'updatedAt', expr: UTC_NOW }],
	)
}

// ---------------------------------------------------------------- main

export async function seed(options: SeedOptions = {}): Promise<SeedResult> {
	const scale = options.scale ?? 'demo'
	const today = options.today ?? shanghaiDate()
	const log = options.quiet ? () => {} : (line: string) => console.log(line)
	const started = performance.now()
	const lap = (() => {
		let last = started
		return (label: string) => {
			const now = performance.now()
			log(`${label} (${((now - last) / 1000).toFixed(1)} s)`)
			last = now
		}
	})()

	// argon2id is slow on purpose: hash once, in parallel with the data generation, and reuse.
	const passwordHash = hash(DEMO_PASSWORD)
	passwordHash.catch(() => {})

	const empty = (): SeedResult['counts'] => ({
		districts: 0,
		communities: 0,
		townships: 0,
		populationStats: 0,
		elders: 0,
		providers: 0,
		providerDistricts: 0,
		users: 0,
		familyLinks: 0,
	})

	if (options.only === 'beds') {
		await withPgTransaction(async (client) => {
			await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK])
			await seedBeds(client, { scale, today, log })
		})
		log(`Seeded beds in ${((performance.now() - started) / 1000).toFixed(1)} s`)
		return { skipped: false, scale, ms: Math.round(performance.now() - started), counts: empty() }
	}

	const result = await withPgTransaction(async (client) => {
		await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK])
		await client.query('SET LOCAL synchronous_commit = off')
		const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM district')
		if (rows[0]!.n > 0) {
			if (options.ifEmpty) return { skipped: true as const, counts: empty() }
			throw new Error('the database already has districts: seed an empty database, or pass --if-empty to skip')
		}
		log(`Seeding ${scale} scale (today ${today})`)
		const counts = empty()

		// Users' ids come first: providers record the city officer who reviewed them.
		const userRng = Rng.for('users', SEED)
		const userIds = new Map(DEMO_ACCOUNTS.map((a) => [a.phone, userRng.uuid()]))
		const reviewerId = userIds.get('13800000041')!

		await insertRows(
			client,
			'district',
			[
				{ name: 'id', type: 'text' },
				{ name: 'regionCode', type: 'text' },
				{ name: 'legacyCodes', type: 'text', array: true },
				{ name: 'nameZh', type: 'text' },
				{ name: 'nameEn', type: 'text' },
				{ name: 'kind', type: '"DistrictKind"' },
				{ name: 'sortOrder', type: 'int' },
				{ name: 'divisionCode', type: 'text' },
			],
			DISTRICTS.map((d) => ({ ...d, legacyCodes: arrayLiteral(d.legacyCodes), divisionCode: DISTRICT_DIVISION_CODES[d.id] })),
		)
		counts.districts = DISTRICTS.length

		const townships = buildTownships()
		const townshipRows = [...townships.values()].flat()
		await insertRows(
			client,
			'township',
			[
				{ name: 'id', type: 'uuid' },
				{ name: 'districtId', type: 'text' },
				{ name: 'code', type: 'text' },
				{ name: 'nameZh', type: 'text' },
				{ name: 'kind', type: '"TownshipKind"' },
			],
			townshipRows,
			TIMESTAMPS,
		)
		counts.townships = townshipRows.length

		const communities = buildCommunities(scale, townships)
		const communityRows = [...communities.values()].flatMap((d) => [...d.urban, ...d.village])
		await insertRows(
			client,
			'community',
			[
				{ name: 'id', type: 'uuid' },
				{ name: 'districtId', type: 'text' },
				{ name: 'nameZh', type: 'text' },
				{ name: 'kind', type: '"SettlementKind"' },
				{ name: 'townshipId', type: 'uuid' },
				{ name: 'code', type: 'text' },
			],
			communityRows,
		)
		counts.communities = communityRows.length

		const population = buildPopulationStats()
		await insertRows(
			client,
			'population_stat',
			[
				{ name: 'districtId', type: 'text' },
				{ name: 'year', type: 'int' },
				{ name: 'aged60Plus', type: 'int' },
				{ name: 'aged80Plus', type: 'int' },
			],
			population.rows,
			[{ name: 'updatedAt', expr: UTC_NOW }],
		)
		counts.populationStats = population.rows.length

		const { providers, served, staffProvider } = buildProviders(scale, communities, reviewerId, today)
		await insertRows(
			client,
			'provider',
			[
				{ name: 'id', type: 'uuid' },
				{ name: 'name', type: 'text' },
				{ name: 'kind', type: '"ProviderKind"' },
				{ name: 'licenceNo', type: 'text' },
				{ name: 'districtId', type: 'text' },
				{ name: 'communityId', type: 'uuid' },
				{ name: 'address', type: 'text' },
				{ name: 'phone', type: 'text' },
				{ name: 'description', type: 'text' },
				{ name: 'status', type: '"ProviderStatus"' },
				{ name: 'statusReason', type: 'text' },
				{ name: 'reviewedById', type: 'uuid' },
				{ name: 'reviewedAt', type: 'timestamp' },
				{ name: 'grade', type: 'int' },
				{ name: 'gradedAt', type: 'timestamp' },
				{ name: 'gradedById', type: 'uuid' },
				{ name: 'createdAt', type: 'timestamp' },
			],
			providers,
			[{ name: 'updatedAt', expr: UTC_NOW }],
		)
		await insertRows(
			client,
			'provider_district',
			[
				{ name: 'providerId', type: 'uuid' },
				{ name: 'districtId', type: 'text' },
			],
			served,
		)
		counts.providers = providers.length
		counts.providerDistricts = served.length
		lap(`  reference data: ${counts.districts} districts, ${counts.communities} communities, ${counts.providers} providers`)

		const elderTotals = new Map<DistrictId, number>()
		const total = scale === 'city' ? POPULATION_60_PLUS_2015 : DEMO_ELDERS
		const split = apportion(total, DISTRICTS.map((d) => DISTRICT_POPULATION_SHARE[d.id]))
		DISTRICTS.forEach((d, i) => elderTotals.set(d.id, split[i]!))
		if (scale === 'city') {
			for (const d of DISTRICTS) {
				if (elderTotals.get(d.id) !== population.aged60Plus2015.get(d.id)) throw new Error('registry and statistics disagree')
			}
		}
		const fixtureIds = new Map<string, string>()
		const elderStarted = performance.now()
		counts.elders = await insertElders(client, generateElders(scale, today, communities, elderTotals, fixtureIds), log)
		const elderSeconds = (performance.now() - elderStarted) / 1000
		lap(`  elders: ${counts.elders.toLocaleString('en')} (${Math.round(counts.elders / elderSeconds).toLocaleString('en')} rows/s)`)
		// Life events (issue 10 item 7): the seeded deaths and moves out as the records they come from,
		// so the elder's timeline shows them (set-based; the elder columns already hold their result).
		await client.query(`INSERT INTO life_event ("elderId", kind, "occurredOn", source, reference)
			SELECT id, 'death'::"LifeEventKind", "deathDate", 'officer'::"LifeEventSource", '示例数据' FROM elder WHERE "deathDate" IS NOT NULL
			UNION ALL SELECT id, 'moved_out'::"LifeEventKind", "movedOutOn", 'officer'::"LifeEventSource", '示例数据' FROM elder WHERE "residencyStatus" = 'moved_out' AND "movedOutOn" IS NOT NULL
			ON CONFLICT DO NOTHING`)

		const dongbaoCentre = communities.get('dongbao')!.urban[0]!
		const pwHash = await passwordHash
		const userRows = DEMO_ACCOUNTS.map((a) => ({
			id: userIds.get(a.phone)!,
			passwordHash: pwHash,
			phone: a.phone,
			name: a.nameZh,
			role: a.role,
			districtId: a.districtId ?? null,
			communityId: a.role === 'community_officer' ? dongbaoCentre.id : null,
			providerId: a.role === 'provider_staff' ? staffProvider.get(a.phone)! : null,
			// the township officer serves the township of the community officer's community (龙泉街道)
			townshipId: a.role === 'township_officer' ? dongbaoCentre.townshipId : null,
			// the demo provider staff were made by the bureau: their providers' managers
			providerManager: a.role === 'provider_staff',
		}))
		await insertRows(
			client,
			'app_user',
			[
				{ name: 'id', type: 'uuid' },
				{ name: 'phone', type: 'text' },
				{ name: 'name', type: 'text' },
				{ name: 'passwordHash', type: 'text' },
				{ name: 'role', type: '"Role"' },
				{ name: 'districtId', type: 'text' },
				{ name: 'communityId', type: 'uuid' },
				{ name: 'providerId', type: 'uuid' },
				{ name: 'townshipId', type: 'uuid' },
				{ name: 'providerManager', type: 'boolean' },
			],
			userRows,
			TIMESTAMPS,
		)
		counts.users = userRows.length
		// trust (issue 12): demo officers have a second factor with the documented demo secret.
		const { sealTotpSecret } = await import('~/modules/auth/totp-secret.server.ts')
		for (const a of DEMO_ACCOUNTS.filter(isDemoOfficer)) await client.query(`UPDATE app_user SET "totpSecret" = $1, "totpEnabledAt" = now() WHERE phone = $2`, [sealTotpSecret(DEMO_TOTP_SECRET), a.phone])
		// statuses and capability assessment (issue 10): records from the seeded columns, an assessment organisation
		await seedStatusesAndAssessment(client, { today, seed: SEED, communityId: dongbaoCentre.id, assessorPhone: '13800000061', cityOfficerId: userIds.get('13800000041')! })

		const links = SEED_FIXTURES.filter((f) => f.family).map((f) => ({
			userId: userIds.get(f.family!)!,
			elderId: fixtureIds.get(f.key)!,
			relationship: 'child',
		}))
		await insertRows(
			client,
			'family_link',
			[
				{ name: 'userId', type: 'uuid' },
				{ name: 'elderId', type: 'uuid' },
				{ name: 'relationship', type: '"Relationship"' },
			],
			links,
		)
		counts.familyLinks = links.length
		// PIPL rights requests (app/modules/rights): 张伟 asked three days ago for a correction of his
		// first elder's record; 龙泉社区's officer finds it open at /registry/requests.
		const zhangWei = userIds.get('13800000001')!
		const asked = links.find((l) => l.userId === zhangWei)
		if (asked) {
			const filed = fromShanghai(addDays(today, -3), '10:00')
			const { rows } = await client.query<{ id: string }>(
				`INSERT INTO rights_request ("elderId", "userId", kind, "wrongInfo", "correctInfo", "dueOn", "createdAt")
				 VALUES ($1, $2, 'correction', '紧急联系人电话', '13900001234', ($3::date + 30), $4) RETURNING id`,
				[asked.elderId, zhangWei, addDays(today, -3), filed],
			)
			await client.query(
				`INSERT INTO audit_log ("actorId", "actorRole", action, "entityType", "entityId", "districtId", details, at) VALUES ($1, 'family', 'rights.request_file', 'rights_request', $2, 'dongbao', $3, $4)`,
				[zhangWei, rows[0]!.id, JSON.stringify({ elderId: asked.elderId, kind: 'correction' }), filed],
			)
		}
		// An elder of 龙泉社区 with no family account asked at the office yesterday for a copy of her record:
		// the officer recorded it (the receipt printed at /registry/requests/<id>/paper).
		const officer = userIds.get('13800000021')!
		const { rows: walkIn } = await client.query<{ id: string; name: string }>(
			`SELECT e.id, e.name FROM elder e JOIN app_user u ON u.id = $1 AND e."communityId" = u."communityId"
			 WHERE e."deathDate" IS NULL AND NOT EXISTS (SELECT 1 FROM family_link l WHERE l."elderId" = e.id) ORDER BY e.name, e.id LIMIT 1`,
			[officer],
		)
		if (walkIn[0]) {
			const recorded = fromShanghai(addDays(today, -1), '09:30')
			const { rows } = await client.query<{ id: string }>(
				`INSERT INTO rights_request ("elderId", "filedById", "requesterName", "requesterRelation", "identityDocument", kind, "dueOn", "createdAt")
				 VALUES ($1, $2, $3, 'self', 'resident_id', 'copy', ($4::date + 30), $5) RETURNING id`,
				[walkIn[0].id, officer, walkIn[0].name, addDays(today, -1), recorded],
			)
			await client.query(
				`INSERT INTO audit_log ("actorId", "actorRole", action, "entityType", "entityId", "districtId", details, at) VALUES ($1, 'community_officer', 'rights.request_record', 'rights_request', $2, 'dongbao', $3, $4)`,
				[officer, rows[0]!.id, JSON.stringify({ elderId: walkIn[0].id, kind: 'copy', requesterRelation: 'self', identityDocument: 'resident_id' }), recorded],
			)
		}
		lap(`  users: ${counts.users}, family links: ${counts.familyLinks}`)
		await seedBeds(client, { scale, today, log })
		lap('  beds, admissions, indicator snapshots')
		lap(`  institution facts: ${await seedInstitutionFacts(client)}`)

		const offerings = await seedMarketplace(client, SEED)
		lap(`  marketplace: ${offerings} offerings with weekly schedules`)
		await seedSubsidies(client, scale, today, userIds.get('13800000041')!)
		lap('  subsidy policies and budgets')
		return { skipped: false as const, counts }
	})

	if (!result.skipped) await seedAllowance({ scale, today, userIds: await demoUserIds(), log: lap })
	if (!result.skipped && options.demoMonth) {
		const { seedDemoMonth } = await import('./demo-month.ts')
		await seedDemoMonth({ today, log })
		lap('  a month of everyday work')
	}

	const ms = Math.round(performance.now() - started)
	if (result.skipped) log('Database already seeded (districts exist): nothing to do.')
	else log(`Seeded ${scale} scale in ${(ms / 1000).toFixed(1)} s`)
	if (!result.skipped) log(`Demo officers' second factor: TOTP secret ${DEMO_TOTP_SECRET} (add it to an authenticator app, or run npm run demo:totp)`)
	return { ...result, scale, ms }
}

// ---------------------------------------------------------------- longevity allowance (高龄津贴)

async function demoUserIds() {
	const { pool } = await import('~/lib/db.server.ts')
	const { rows } = await pool.query<{ id: string; phone: string }>(`SELECT id, phone FROM app_user WHERE phone = ANY($1)`, [['13800000041', '13800000042']])
	return new Map(rows.map((r) => [r.phone, r.id]))
}

/**
 * Last month's allowance, already paid: started by the scheduler, submitted by the first city officer,
 * approved by the second, disbursed by the first. Computed by the same set-based code as the worker (without the
 * queue), so families see a payment history and this month's run has a month to compare with.
 */
async function seedAllowance(opts: { scale: SeedScale; today: string; userIds: Map<string, string>; log: (line: string) => void }) {
	const { pool } = await import('~/lib/db.server.ts')
	const { addMonths } = await import('~/lib/time.ts')
	const { computeRunInline } = await import('~/modules/allowance/engine.server.ts')
	const month = addMonths(opts.today.slice(0, 7), -1)
	const { rows } = await pool.query<{ id: string }>(
		`INSERT INTO allowance_run (id, month, status) VALUES (gen_random_uuid(), $1, 'computing') ON CONFLICT (month) WHERE status <> 'rejected' DO NOTHING RETURNING id`,
		[month],
	)
	const runId = rows[0]?.id
	if (!runId) return
	await computeRunInline(runId)
	const checker = opts.userIds.get('13800000042')!
	const disburser = opts.userIds.get('13800000041')!
	// The first bank file, made by the same code as an export (payments held for want of a card stay
	// held), and confirmed paid by the bank: families see last month 已发放.
	const { transaction } = await import('~/lib/db.server.ts')
	const { sql } = await import('~/lib/sql.server.ts')
	const { makeBankFile } = await import('~/modules/allowance/disbursement.server.ts')
	await transaction(async (tx) => {
		const file = await makeBankFile(tx, { runId, month, districtId: null, userId: disburser, allowEmpty: true })
		await sql`UPDATE allowance_disbursement SET status = 'paid', "paidAt" = now(), "paidBy" = 'confirmation' WHERE "fileId" = ${file!.id}`.run(tx)
		await sql`UPDATE allowance_payment SET status = 'paid', "paidAt" = now() WHERE "runId" = ${runId} AND status = 'sent'`.run(tx)
	}, { timeout: 10 * 60_000 })
	await pool.query(
		// Two-person control (trust): the scheduler's run is submitted by one city officer, approved by the other.
		`UPDATE allowance_run SET status = 'disbursed', "submittedById" = $3, "submittedAt" = now(), "approvedById" = $2, "approvedAt" = now(), "disbursedById" = $3, "disbursedAt" = now() WHERE id = $1`,
		[runId, checker, disburser],
	)
	const { rows: done } = await pool.query<{ paymentCount: number }>(`SELECT "paymentCount" FROM allowance_run WHERE id = $1`, [runId])
	opts.log(`  allowance: ${month} paid to ${done[0]!.paymentCount} elders`)
}

// ---------------------------------------------------------------- command line

function parseArgs(argv: string[]): SeedOptions {
	const options: SeedOptions = {}
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!
		if (arg === '--if-empty') options.ifEmpty = true
		else if (arg === '--scale' || arg.startsWith('--scale=')) {
			const value = arg.includes('=') ? arg.slice('--scale='.length) : argv[++i]
			if (value !== 'demo' && value !== 'city') throw new Error(`--scale must be demo or city, not ${value}`)
			options.scale = value
		} else if (arg === '--quiet') options.quiet = true
		else if (arg === '--demo-month') options.demoMonth = true
		else if (arg === '--only' || arg.startsWith('--only=')) {
			const value = arg.includes('=') ? arg.slice('--only='.length) : argv[++i]
			if (value !== 'beds') throw new Error(`--only must be beds, not ${value}`)
			options.only = value
		}
		else throw new Error(`unknown argument ${arg} (usage: tsx prisma/seed.ts [--scale demo|city] [--if-empty] [--demo-month] [--only beds])`)
	}
	return options
}

function isMain(): boolean {
	const entry = process.argv[1]
	if (!entry) return false
	try {
		return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
	} catch {
		return false
	}
}

if (isMain()) {
	try {
		await seed(parseArgs(process.argv.slice(2)))
	} catch (error) {
		console.error(error)
		process.exitCode = 1
	} finally {
		await disconnectDb()
		// The demo month runs the product's modules, whose Redis client (made on import) would keep the process alive.
		process.exit()
	}
}
