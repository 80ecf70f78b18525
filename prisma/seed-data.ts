// Fixed reference data of the seed: Jingmen's districts, their communities and villages, the
// official statistics of the 2016–2020 plan and the demo accounts. Pure data with no imports, so
// the README, the seed, the integration tests and the e2e tests all read it from one place.
// Community and village names are generated (plausible, not an official gazetteer).

export type DistrictId = 'dongbao' | 'duodao' | 'jingshan' | 'shayang' | 'zhongxiang' | 'qujialing'
export type DistrictKindName = 'central_city' | 'county' | 'county_city' | 'management_zone'
export type SettlementKindName = 'urban_community' | 'village'
export type RoleName = 'family' | 'provider_staff' | 'community_officer' | 'township_officer' | 'bureau_district' | 'bureau_city' | 'admin' | 'assessor'
export type ProviderKindName = 'home_care' | 'community_centre' | 'institution'

export type DistrictSeed = {
	id: DistrictId
	/** Resident-ID prefix; null for 屈家岭管理区, which has none of its own. */
	regionCode: string | null
	legacyCodes: string[]
	nameZh: string
	nameEn: string
	kind: DistrictKindName
	sortOrder: number
}

/** In the order the plan names them: the central city, 京山, 沙洋, 钟祥, 屈家岭. */
export const DISTRICTS: readonly DistrictSeed[] = [
	{ id: 'dongbao', regionCode: '420802', legacyCodes: [], nameZh: '东宝区', nameEn: 'Dongbao District', kind: 'central_city', sortOrder: 1 },
	{ id: 'duodao', regionCode: '420804', legacyCodes: [], nameZh: '掇刀区', nameEn: 'Duodao District', kind: 'central_city', sortOrder: 2 },
	{ id: 'jingshan', regionCode: '420882', legacyCodes: ['420821'], nameZh: '京山市', nameEn: 'Jingshan', kind: 'county_city', sortOrder: 3 },
	{ id: 'shayang', regionCode: '420822', legacyCodes: [], nameZh: '沙洋县', nameEn: 'Shayang County', kind: 'county', sortOrder: 4 },
	{ id: 'zhongxiang', regionCode: '420881', legacyCodes: [], nameZh: '钟祥市', nameEn: 'Zhongxiang', kind: 'county_city', sortOrder: 5 },
	{ id: 'qujialing', regionCode: null, legacyCodes: [], nameZh: '屈家岭管理区', nameEn: 'Qujialing Management Zone', kind: 'management_zone', sortOrder: 6 },
]

export const DISTRICT_IDS = DISTRICTS.map((d) => d.id)

export function districtById(id: string): DistrictSeed {
	const d = DISTRICTS.find((x) => x.id === id)
	if (!d) throw new Error(`unknown district ${id}`)
	return d
}

/** Region code printed on the cards of a district's residents: 屈家岭 residents carry 京山's. */
export function elderRegionCode(districtId: string): string {
	return districtById(districtId).regionCode ?? '420882'
}

/** Districts next to each other: home-care companies often serve a neighbour too. */
export const NEIGHBOURS: Record<DistrictId, DistrictId[]> = {
	dongbao: ['duodao', 'jingshan', 'zhongxiang'],
	duodao: ['dongbao', 'shayang'],
	jingshan: ['qujialing', 'zhongxiang', 'dongbao'],
	shayang: ['duodao', 'qujialing', 'zhongxiang'],
	zhongxiang: ['jingshan', 'dongbao', 'shayang'],
	qujialing: ['jingshan', 'shayang'],
}

// ---------------------------------------------------------------- official statistics

/** Elders aged 60+ in 2015: 15,472 beds at 30 per 1,000 (the plan's 2015 figures). */
export const POPULATION_60_PLUS_2015 = 515_700
export const POPULATION_BASE_YEAR = 2015
export const POPULATION_LAST_YEAR = 2020
/** Yearly growth of the 60+ population used for 2016..2020. */
export const POPULATION_GROWTH = 0.03

/** Share of the city's 60+ population per district (sums to 1). */
export const DISTRICT_POPULATION_SHARE: Record<DistrictId, number> = {
	zhongxiang: 0.33,
	jingshan: 0.21,
	shayang: 0.2,
	dongbao: 0.14,
	duodao: 0.1,
	qujialing: 0.02,
}

/** Share of the 60+ who are 80+ in 2015 (≈12%; 钟祥 is a known 长寿之乡). Rises 0.2 points a year. */
export const AGED_80_PLUS_SHARE_2015: Record<DistrictId, number> = {
	dongbao: 0.118,
	duodao: 0.112,
	jingshan: 0.12,
	shayang: 0.121,
	zhongxiang: 0.126,
	qujialing: 0.115,
}

export type AgeBand = { min: number; max: number; share: number }

/**
 * Age distribution of elders aged 60+ (shares sum to 1). The 80+ bands add up to 12%, matching the
 * official 80+ statistic, so the registry and the statistics agree. The 100+ band is capped at 104.
 */
export const AGE_DISTRIBUTION: readonly AgeBand[] = [
	{ min: 60, max: 64, share: 0.3 },
	{ min: 65, max: 69, share: 0.25 },
	{ min: 70, max: 74, share: 0.19 },
	{ min: 75, max: 79, share: 0.14 },
	{ min: 80, max: 84, share: 0.07 },
	{ min: 85, max: 89, share: 0.035 },
	{ min: 90, max: 94, share: 0.012 },
	{ min: 95, max: 99, share: 0.0025 },
	{ min: 100, max: 104, share: 0.0005 },
]

/** Share of a district's elders living in urban communities (the rest in villages). */
export const URBAN_ELDER_SHARE: Record<DistrictId, number> = {
	dongbao: 0.62,
	duodao: 0.52,
	jingshan: 0.27,
	shayang: 0.24,
	zhongxiang: 0.28,
	qujialing: 0.3,
}

// ---------------------------------------------------------------- communities and villages

/**
 * Urban communities (社区) and villages (村) per district at city scale: 209 and 1,335 in all, so
 * the plan's 165 community centres are 79% of urban communities and its 694 rural mutual-aid
 * centres 52% of villages.
 */
export const COMMUNITY_COUNTS: Record<DistrictId, { urban: number; village: number }> = {
	dongbao: { urban: 60, village: 190 },
	duodao: { urban: 45, village: 110 },
	jingshan: { urban: 30, village: 330 },
	shayang: { urban: 25, village: 270 },
	zhongxiang: { urban: 45, village: 410 },
	qujialing: { urban: 4, village: 25 },
}

/** The demo uses the first few of each list. */
export const DEMO_COMMUNITY_COUNTS: Record<DistrictId, { urban: number; village: number }> = {
	dongbao: { urban: 3, village: 3 },
	duodao: { urban: 2, village: 3 },
	jingshan: { urban: 2, village: 3 },
	shayang: { urban: 2, village: 3 },
	zhongxiang: { urban: 3, village: 4 },
	qujialing: { urban: 1, village: 2 },
}

export const CITY_TOTALS = {
	urbanCommunities: 209,
	villages: 1335,
	institutions: 80,
	communityCentres: 165,
	ruralCentres: 694,
	homeCareProviders: 200,
}

// Named first (so the demo uses them), then generated names fill each list.
const NAMED: Record<DistrictId, { urban: string[]; village: string[] }> = {
	dongbao: {
		urban: ['龙泉', '泉口', '象山', '白庙', '月亮湖', '金虾', '东宝山', '竹园', '杨树港', '中天'],
		village: ['东方红', '栗溪', '子陵', '漳河', '仙居', '马河', '牌楼', '石桥驿', '何场', '李集'],
	},
	duodao: {
		urban: ['掇刀石', '团林', '白石坡', '响岭', '兴隆', '天鹅', '金鸡', '麻城'],
		village: ['双喜', '罗岗', '杨岭', '麻城', '团林铺', '虎牙关', '十里牌', '许场'],
	},
	jingshan: {
		urban: ['新市', '城中', '惠亭', '永兴', '宋河', '绿林', '八里途'],
		village: ['钱场', '孙桥', '永隆', '罗店', '三阳', '坪坝', '杨集', '石龙', '雁门口', '曹武'],
	},
	shayang: {
		urban: ['汉津', '洪岭', '后港', '五里铺', '高阳', '拾回桥'],
		village: ['毛李', '官垱', '曾集', '纪山', '马良', '十里铺', '李市', '沈集', '马良山', '蔡庙'],
	},
	zhongxiang: {
		urban: ['郢中', '阳春', '莫愁湖', '南湖', '皇城', '北湖', '王府', '文峰'],
		village: ['长寿', '胡集', '丰乐', '双河', '石牌', '柴湖', '旧口', '洋梓', '磷矿', '长滩', '冷水', '客店'],
	},
	qujialing: {
		urban: ['易家岭', '五三', '何集', '长滩'],
		village: ['罗汉寺', '马家岭', '屈岭', '易岭', '三店', '东湖'],
	},
}

const URBAN_STEMS = [
	'和平', '幸福', '光明', '振兴', '新城', '朝阳', '阳光', '东方', '友谊', '文明', '建设', '胜利', '红旗',
	'团结', '繁荣', '富强', '新华', '人民', '解放', '前进', '长青', '金桥', '银河', '翠柳', '桂花', '荷花',
	'紫薇', '丹桂', '玉泉', '清泉', '碧水', '青山', '凤凰', '白云', '明珠', '锦绣', '花园', '滨河', '滨湖',
	'河畔', '桥东', '桥西', '城东', '城西', '城南', '城北', '站前', '铁路', '石化', '电力', '化工', '纺织',
	'机械', '商城', '学苑', '康乐', '安居', '福星', '祥和', '嘉禾', '望江', '汇通', '龙井', '龙山', '凤台',
	'金龙', '金凤', '五一', '七一', '八一', '红星', '惠民', '聚贤', '兴华', '中兴', '复兴', '泰和', '长虹',
	'春晖', '枫林', '梅园', '松涛', '东湖', '西湖', '华山', '新村', '工农', '育才', '园林', '金港',
]

const VILLAGE_HEADS = [
	'张家', '王家', '李家', '刘家', '陈家', '杨家', '黄家', '赵家', '周家', '吴家', '徐家', '孙家', '胡家',
	'朱家', '高家', '何家', '郭家', '罗家', '彭家', '曾家', '熊家', '余家', '邓家', '万家', '易家', '付家',
	'石', '双', '三', '五', '九', '大', '小', '新', '老', '东', '西', '南', '北', '上', '中', '下', '前',
	'后', '白', '红', '青', '金', '龙', '凤', '马', '牛', '鹿', '松', '柳', '桃', '杨', '枣', '竹', '梅',
	'桑', '荷', '莲', '花', '高', '长', '平', '太', '永', '兴', '和', '福', '安', '团', '官', '鲁', '漳',
]
const VILLAGE_TAILS = [
	'湾', '岗', '垱', '河', '桥', '冲', '坪', '店', '庙', '集', '台', '港', '铺', '畈', '湖', '堰', '嘴',
	'岭', '山', '坡', '林', '塘', '口', '园', '营', '庄', '寨', '沟', '垸', '坝',
]
const VILLAGE_SOCIALIST = ['红星', '胜利', '友谊', '团结', '先锋', '前进', '新建', '联合', '红旗', '新农', '幸福', '光明', '和平', '跃进']
const DIRECTIONS = ['东', '西', '南', '北', '新']

// A tiny deterministic shuffle, so this file needs no imports.
function seededShuffle<T>(items: readonly T[], seedText: string): T[] {
	let h = 2166136261
	for (const ch of seedText) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619)
	const next = () => {
		h = (h + 0x6d2b79f5) | 0
		let t = Math.imul(h ^ (h >>> 15), 1 | h)
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
	const out = items.slice()
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1))
		;[out[i], out[j]] = [out[j]!, out[i]!]
	}
	return out
}

export type CommunitySeed = { nameZh: string; kind: SettlementKindName }

const communityCache = new Map<DistrictId, { urban: CommunitySeed[]; village: CommunitySeed[] }>()

/** The full, stable list of a district's urban communities and villages (city scale). */
export function communitiesOf(districtId: DistrictId): { urban: CommunitySeed[]; village: CommunitySeed[] } {
	const cached = communityCache.get(districtId)
	if (cached) return cached
	const counts = COMMUNITY_COUNTS[districtId]
	const named = NAMED[districtId]

	const urbanNames = new Set<string>()
	for (const n of named.urban) if (urbanNames.size < counts.urban) urbanNames.add(`${n}社区`)
	const stems = seededShuffle(URBAN_STEMS, `${districtId}/urban`)
	for (const prefix of ['', ...DIRECTIONS]) {
		for (const stem of stems) {
			if (urbanNames.size >= counts.urban) break
			urbanNames.add(`${prefix}${stem}社区`)
		}
	}

	const villageNames = new Set<string>()
	for (const n of named.village) if (villageNames.size < counts.village) villageNames.add(`${n}村`)
	const combos: string[] = [...VILLAGE_SOCIALIST]
	for (const head of VILLAGE_HEADS) {
		for (const tail of VILLAGE_TAILS) if (!head.endsWith(tail)) combos.push(`${head}${tail}`)
	}
	for (const combo of seededShuffle(combos, `${districtId}/village`)) {
		if (villageNames.size >= counts.village) break
		villageNames.add(`${combo}村`)
	}
	if (urbanNames.size < counts.urban || villageNames.size < counts.village) {
		throw new Error(`not enough community names for ${districtId}`)
	}
	const result = {
		urban: [...urbanNames].map((nameZh) => ({ nameZh, kind: 'urban_community' as const })),
		village: [...villageNames].map((nameZh) => ({ nameZh, kind: 'village' as const })),
	}
	communityCache.set(districtId, result)
	return result
}

// ---------------------------------------------------------------- demo accounts

/** Password of every demo account. Development and tests only. */
export const DEMO_PASSWORD = 'Yiyang2026!'

/**
 * The demo officers' TOTP secret (base32; add it to any authenticator app, or compute the code with
 * `npm run demo:totp`). Officers (bureau, community, institution staff, administrator) sign in with
 * the password and then this second factor. Demo data only: real accounts enrol their own secret at
 * their first sign-in.
 */
export const DEMO_TOTP_SECRET = 'YIYANGDEMOJINGMENTOTPAAA'

/** Whether a demo account is an officer (second factor, 30-minute idle limit): app/modules/auth/two-factor.server.ts isOfficer. */
export const isDemoOfficer = (a: { role: RoleName; providerKind?: ProviderKindName }) => a.role !== 'family' && (a.role !== 'provider_staff' || a.providerKind === 'institution')

export type DemoAccount = {
	phone: string
	role: RoleName
	nameZh: string
	description: string
	districtId?: DistrictId
	/** For provider staff: the kind of provider they work for. */
	providerKind?: ProviderKindName
}

/** Seeded at both scales, all with DEMO_PASSWORD. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
	{ phone: '13800000001', role: 'family', nameZh: '张伟', districtId: 'dongbao', description: 'Family member of 3 elders in Dongbao (龙泉社区), one aged 80+ and one aged 90+' },
	{ phone: '13800000002', role: 'family', nameZh: '李娜', districtId: 'zhongxiang', description: 'Family member of 2 elders in Zhongxiang (郢中社区), one aged 80+' },
	{ phone: '13800000011', role: 'provider_staff', nameZh: '王强', districtId: 'dongbao', providerKind: 'home_care', description: 'Staff of an approved home-care provider in Dongbao' },
	{ phone: '13800000012', role: 'provider_staff', nameZh: '刘芳', districtId: 'dongbao', providerKind: 'institution', description: 'Staff of an approved institution in Dongbao' },
	{ phone: '13800000013', role: 'provider_staff', nameZh: '陈静', districtId: 'dongbao', providerKind: 'community_centre', description: 'Staff of the approved community centre of 龙泉社区, Dongbao' },
	{ phone: '13800000021', role: 'community_officer', nameZh: '赵敏', districtId: 'dongbao', description: 'Community officer of 龙泉社区, Dongbao (where 张伟\'s elders live)' },
	{ phone: '13800000031', role: 'bureau_district', nameZh: '周杰', districtId: 'dongbao', description: 'Dongbao district civil-affairs officer' },
	{ phone: '13800000032', role: 'bureau_district', nameZh: '吴刚', districtId: 'zhongxiang', description: 'Zhongxiang district civil-affairs officer' },
	{ phone: '13800000041', role: 'bureau_city', nameZh: '孙丽', description: 'City civil-affairs officer (maker)' },
	{ phone: '13800000042', role: 'bureau_city', nameZh: '郑涛', description: 'Second city civil-affairs officer (checker)' },
	{ phone: '13800000051', role: 'admin', nameZh: '系统管理员', description: 'Platform administrator' },
	// registry: added last so every other account keeps its seeded id
	{ phone: '13800000022', role: 'township_officer', nameZh: '钱红', districtId: 'dongbao', description: 'Township officer (民政办) of 龙泉街道, Dongbao: reviews subsidy applications after the community, registers and verifies elders' },
	// statuses and capability assessment (issue 10): an assessor of the seeded assessment organisation
	{ phone: '13800000061', role: 'assessor', nameZh: '冯晓', districtId: 'dongbao', description: 'Capability assessor (老年人能力评估员) of 荆门市康宁老年人能力评估中心 (东宝区, 掇刀区)' },
]

export function demoAccount(phone: string): DemoAccount {
	const a = DEMO_ACCOUNTS.find((x) => x.phone === phone)
	if (!a) throw new Error(`no demo account ${phone}`)
	return a
}

// ---------------------------------------------------------------- townships and streets (乡镇 / 街道)

/**
 * 12-digit statistical division codes (统计用区划代码) of the districts. 屈家岭管理区 has no
 * resident-ID prefix of its own; its code here is plausible, not official.
 */
export const DISTRICT_DIVISION_CODES: Record<DistrictId, string> = {
	dongbao: '420802000000',
	duodao: '420804000000',
	jingshan: '420882000000',
	shayang: '420822000000',
	zhongxiang: '420881000000',
	qujialing: '420891000000',
}

/**
 * Each district's streets (街道) and towns / townships (镇 / 乡), by their real names as far as the
 * team knows them. Codes follow the national pattern (district 6 digits + 3 for the township,
 * 001–099 streets, 100–199 towns, 200+ 乡 + 000); they are plausible and unique, not official.
 */
export const TOWNSHIP_NAMES: Record<DistrictId, { streets: string[]; towns: string[] }> = {
	dongbao: { streets: ['龙泉街道', '泉口街道', '东宝山街道'], towns: ['子陵铺镇', '栗溪镇', '马河镇', '石桥驿镇', '牌楼镇', '漳河镇', '仙居乡'] },
	duodao: { streets: ['掇刀石街道', '白庙街道', '兴隆街道', '双喜街道'], towns: ['团林铺镇', '麻城镇'] },
	jingshan: { streets: ['新市街道', '永兴街道'], towns: ['宋河镇', '坪坝镇', '三阳镇', '绿林镇', '杨集镇', '孙桥镇', '石龙镇', '永隆镇', '雁门口镇', '钱场镇', '罗店镇', '曹武镇'] },
	shayang: { streets: [], towns: ['沙洋镇', '五里铺镇', '十里铺镇', '纪山镇', '拾回桥镇', '后港镇', '毛李镇', '官垱镇', '李市镇', '马良镇', '高阳镇', '沈集镇', '曾集镇'] },
	zhongxiang: { streets: ['郢中街道'], towns: ['洋梓镇', '长寿镇', '丰乐镇', '胡集镇', '双河镇', '磷矿镇', '文集镇', '冷水镇', '石牌镇', '旧口镇', '柴湖镇', '长滩镇', '东桥镇', '客店镇', '张集镇', '九里回族乡'] },
	qujialing: { streets: ['易家岭街道'], towns: ['何集镇', '五三镇', '长滩镇'] },
}

export type TownshipSeed = { nameZh: string; kind: 'township' | 'street'; code: string }

/** A district's townships with their codes, streets first. */
export function townshipsOf(districtId: DistrictId): TownshipSeed[] {
	const prefix = DISTRICT_DIVISION_CODES[districtId].slice(0, 6)
	const { streets, towns } = TOWNSHIP_NAMES[districtId]
	let town = 100
	let xiang = 200
	return [
		...streets.map((nameZh, i) => ({ nameZh, kind: 'street' as const, code: `${prefix}${String(i + 1).padStart(3, '0')}000` })),
		...towns.map((nameZh) => ({ nameZh, kind: 'township' as const, code: `${prefix}${String(nameZh.endsWith('乡') ? xiang++ : town++)}000` })),
	]
}

/**
 * Where each of a district's communities (full city list) belongs, and its code: urban communities
 * go round the streets (round the towns where a district has no street), villages round the towns.
 * Computed on the full list, so a community keeps its township and code at both scales.
 */
export function communityPlacesOf(districtId: DistrictId): { urban: { township: number; code: string }[]; village: { township: number; code: string }[] } {
	const townships = townshipsOf(districtId)
	const streets = townships.flatMap((t, i) => (t.kind === 'street' ? [i] : []))
	const towns = townships.flatMap((t, i) => (t.kind === 'township' ? [i] : []))
	const serial = new Map<number, { urban: number; village: number }>()
	const place = (pool: number[], k: number, kind: 'urban' | 'village') => {
		const township = pool[k % pool.length]!
		const n = serial.get(township) ?? { urban: 1, village: 200 }
		const code = `${townships[township]!.code.slice(0, 9)}${String(n[kind]).padStart(3, '0')}`
		n[kind]++
		serial.set(township, n)
		return { township, code }
	}
	const all = communitiesOf(districtId)
	return {
		urban: all.urban.map((_, k) => place(streets.length ? streets : towns, k, 'urban')),
		village: all.village.map((_, k) => place(towns, k, 'village')),
	}
}
