// The capability assessment's scoring (老年人能力评估, GB/T 42195-2022), pure: the scoring table is
// data (a versioned row of assessment_scale, which the bureau can correct), and `scoreAssessment`
// applies it. Higher item scores mean more capability, as in the standard. See docs/registry.md
// ("Capability assessment") for how we read the standard and what is uncertain.

export const CAPABILITY_LEVELS = ['intact', 'mild', 'moderate', 'severe', 'complete'] as const
export type CapabilityLevelName = (typeof CAPABILITY_LEVELS)[number]
export const INDICATORS = ['selfCare', 'mobility', 'mental', 'perception'] as const
export type Indicator = (typeof INDICATORS)[number]

export type ScaleItem = { id: string; indicator: Indicator; zh: string; en: string; max: number }
export type ScaleTable = {
	items: ScaleItem[]
	/** Lowest total of each level, from intact down; the last must be 0. */
	levels: { level: CapabilityLevelName; min: number }[]
	/** Care-risk events in the last 30 days from which the level is raised by one. */
	riskEventsToRaise: number
}

/** Our reading of GB/T 42195-2022 Annex B: 26 items, 90 points in all (32 + 16 + 30 + 12). */
export const SEED_SCALE: ScaleTable = {
	items: [
		{ id: 'eating', indicator: 'selfCare', zh: '进食', en: 'Eating', max: 4 },
		{ id: 'grooming', indicator: 'selfCare', zh: '修饰', en: 'Grooming', max: 4 },
		{ id: 'bathing', indicator: 'selfCare', zh: '洗澡', en: 'Bathing', max: 4 },
		{ id: 'upperDressing', indicator: 'selfCare', zh: '穿/脱上衣', en: 'Dressing (upper body)', max: 4 },
		{ id: 'lowerDressing', indicator: 'selfCare', zh: '穿/脱裤子和鞋袜', en: 'Dressing (trousers, shoes, socks)', max: 4 },
		{ id: 'urination', indicator: 'selfCare', zh: '小便控制', en: 'Bladder control', max: 4 },
		{ id: 'defecation', indicator: 'selfCare', zh: '大便控制', en: 'Bowel control', max: 4 },
		{ id: 'toileting', indicator: 'selfCare', zh: '如厕', en: 'Toilet use', max: 4 },
		{ id: 'bedTransfer', indicator: 'mobility', zh: '床上体位转移', en: 'Turning in bed', max: 4 },
		{ id: 'chairTransfer', indicator: 'mobility', zh: '床椅转移', en: 'Bed–chair transfer', max: 4 },
		{ id: 'walking', indicator: 'mobility', zh: '平地行走', en: 'Walking on level ground', max: 4 },
		{ id: 'stairs', indicator: 'mobility', zh: '上下楼梯', en: 'Stairs', max: 4 },
		{ id: 'timeOrientation', indicator: 'mental', zh: '时间定向', en: 'Orientation in time', max: 4 },
		{ id: 'placeOrientation', indicator: 'mental', zh: '空间定向', en: 'Orientation in place', max: 4 },
		{ id: 'personOrientation', indicator: 'mental', zh: '人物定向', en: 'Orientation to people', max: 4 },
		{ id: 'memory', indicator: 'mental', zh: '记忆', en: 'Memory', max: 4 },
		{ id: 'understanding', indicator: 'mental', zh: '理解能力', en: 'Understanding', max: 4 },
		{ id: 'expression', indicator: 'mental', zh: '表达能力', en: 'Expression', max: 4 },
		{ id: 'aggression', indicator: 'mental', zh: '攻击行为', en: 'Aggressive behaviour', max: 1 },
		{ id: 'depression', indicator: 'mental', zh: '抑郁症状', en: 'Depressive symptoms', max: 1 },
		{ id: 'consciousness', indicator: 'mental', zh: '意识水平', en: 'Level of consciousness', max: 4 },
		{ id: 'vision', indicator: 'perception', zh: '视力', en: 'Vision', max: 2 },
		{ id: 'hearing', indicator: 'perception', zh: '听力', en: 'Hearing', max: 2 },
		{ id: 'dailyAffairs', indicator: 'perception', zh: '执行日常事务', en: 'Daily affairs', max: 4 },
		{ id: 'transport', indicator: 'perception', zh: '使用交通工具外出', en: 'Going out by transport', max: 2 },
		{ id: 'social', indicator: 'perception', zh: '社会交往能力', en: 'Social interaction', max: 2 },
	],
	levels: [
		{ level: 'intact', min: 90 },
		{ level: 'mild', min: 66 },
		{ level: 'moderate', min: 46 },
		{ level: 'severe', min: 30 },
		{ level: 'complete', min: 0 },
	],
	riskEventsToRaise: 2,
}

export type AssessmentInput = {
	scores: Record<string, number>
	/** 昏迷: rated complete whatever the scores. */
	coma: boolean
	/** A diagnosed dementia (认知障碍/痴呆) or psychiatric illness. */
	diagnosis: boolean
	/** Care-risk events (falls, choking, wandering, self-harm) in the last 30 days. */
	riskEvents: number
}

export type AssessmentResult = {
	indicatorTotals: Record<Indicator, number>
	total: number
	baseLevel: CapabilityLevelName
	level: CapabilityLevelName
}

export type ScoreProblem = { field: string; problem: 'missing' | 'range' | 'unknown' }

/** Whether a table is usable: items with unique ids and positive integer maxima, levels descending to 0. */
export function tableProblems(table: ScaleTable): string[] {
	const problems: string[] = []
	const ids = new Set<string>()
	for (const item of table.items) {
		if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(item.id) || ids.has(item.id)) problems.push(`item ${item.id}`)
		ids.add(item.id)
		if (!INDICATORS.includes(item.indicator)) problems.push(`indicator of ${item.id}`)
		if (!Number.isInteger(item.max) || item.max < 1 || item.max > 10) problems.push(`max of ${item.id}`)
	}
	if (table.items.length === 0) problems.push('no items')
	const levels = table.levels.map((l) => l.level)
	if (levels.join() !== CAPABILITY_LEVELS.join()) problems.push('levels must list intact … complete once each')
	for (let i = 1; i < table.levels.length; i++) if (!(table.levels[i]!.min < table.levels[i - 1]!.min)) problems.push(`level ${table.levels[i]!.level} threshold`)
	if (table.levels.at(-1)?.min !== 0) problems.push('the last level must start at 0')
	if (!Number.isInteger(table.riskEventsToRaise) || table.riskEventsToRaise < 1) problems.push('riskEventsToRaise')
	return problems
}

export function maxTotal(table: ScaleTable) {
	return table.items.reduce((sum, item) => sum + item.max, 0)
}

/** The level a total falls in (the first whose threshold it reaches). */
export function levelOfTotal(table: ScaleTable, total: number): CapabilityLevelName {
	return (table.levels.find((l) => total >= l.min) ?? table.levels.at(-1)!).level
}

/** One level worse, stopping at complete. */
export function raiseLevel(level: CapabilityLevelName): CapabilityLevelName {
	return CAPABILITY_LEVELS[Math.min(CAPABILITY_LEVELS.indexOf(level) + 1, CAPABILITY_LEVELS.length - 1)]!
}

/**
 * The total and the level of an assessment under a scoring table: every item scored once, as an
 * integer between 0 and its maximum (problems name the item); the level by the total, complete
 * directly in a coma, raised by one for a diagnosis or repeated care-risk events.
 */
export function scoreAssessment(table: ScaleTable, input: AssessmentInput): { ok: true; value: AssessmentResult } | { ok: false; problems: ScoreProblem[] } {
	const problems: ScoreProblem[] = []
	const known = new Set(table.items.map((i) => i.id))
	for (const key of Object.keys(input.scores)) if (!known.has(key)) problems.push({ field: key, problem: 'unknown' })
	const indicatorTotals = { selfCare: 0, mobility: 0, mental: 0, perception: 0 } as Record<Indicator, number>
	for (const item of table.items) {
		const score = input.scores[item.id]
		if (score === undefined) problems.push({ field: item.id, problem: 'missing' })
		else if (!Number.isInteger(score) || score < 0 || score > item.max) problems.push({ field: item.id, problem: 'range' })
		else indicatorTotals[item.indicator] += score
	}
	if (!Number.isInteger(input.riskEvents) || input.riskEvents < 0 || input.riskEvents > 99) problems.push({ field: 'riskEvents', problem: 'range' })
	if (problems.length) return { ok: false, problems }
	const total = INDICATORS.reduce((sum, k) => sum + indicatorTotals[k], 0)
	const baseLevel = input.coma ? 'complete' : levelOfTotal(table, total)
	const raise = !input.coma && (input.diagnosis || input.riskEvents >= table.riskEventsToRaise)
	return { ok: true, value: { indicatorTotals, total, baseLevel, level: raise ? raiseLevel(baseLevel) : baseLevel } }
}

/** The existing DisabilityLevel a capability level stands for (same mapping as SQL elder_disability_on). */
export function disabilityOfLevel(level: CapabilityLevelName | null): 'none' | 'partial' | 'full' {
	if (level === null || level === 'intact') return 'none'
	return level === 'mild' || level === 'moderate' ? 'partial' : 'full'
}

/** Last day of an assessment's validity: `months` after the day it was made, less one day. */
export function validUntilOf(assessedOn: string, months: number): string {
	const [y, m, d] = assessedOn.split('-').map(Number) as [number, number, number]
	const end = new Date(Date.UTC(y, m - 1 + months, 1))
	const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate()
	end.setUTCDate(Math.min(d, lastDay))
	end.setUTCDate(end.getUTCDate() - 1)
	return end.toISOString().slice(0, 10)
}

/** The form field of an item's score (flat, so form libraries do not read it as a nested path). */
export function scoreField(itemId: string) {
	return `score_${itemId}`
}

/** Item scores as a form sent them: blank is missing (undefined), anything but an integer is NaN (out of range). */
export function readScores(table: ScaleTable, get: (name: string) => unknown): Record<string, number> {
	const scores: Record<string, number> = {}
	for (const item of table.items) {
		const raw = get(scoreField(item.id))
		if (typeof raw !== 'string' || raw.trim() === '') continue
		scores[item.id] = /^-?\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
	}
	return scores
}
