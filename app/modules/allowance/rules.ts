// Eligibility and tiers of the longevity allowance (高龄津贴), as pure functions of the registry.
// The set-based SQL of the run uses the month parameters computed here (monthParams), so the rules
// live in one place: the SQL only compares dates with these thresholds.
import { addMonths, ageOn, bornOnOrBefore, isLeapYear } from '~/lib/time.ts'

export type Tier = 80 | 90 | 100
export const TIERS: readonly Tier[] = [80, 90, 100]

export type AllowanceSettings = {
	tier80Fen: number
	tier90Fen: number
	tier100Fen: number
	/** A certification covers its own month and this many months after it. */
	livenessWindowMonths: number
	backPayAllowed: boolean
}

export type SettingsVersion = AllowanceSettings & { effectiveMonth: string }

export const DEFAULT_SETTINGS: AllowanceSettings = { tier80Fen: 5000, tier90Fen: 10000, tier100Fen: 30000, livenessWindowMonths: 12, backPayAllowed: true }

export type StopReason = 'death' | 'cremation' | 'moved_out' | 'no_liveness'

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/
export function isMonth(value: unknown): value is string {
	return typeof value === 'string' && MONTH_RE.test(value)
}

/** The settings in force for a month: the latest version whose effective month is not after it. */
export function settingsForMonth(versions: readonly SettingsVersion[], month: string): AllowanceSettings {
	let best: SettingsVersion | undefined
	for (const v of versions) if (v.effectiveMonth <= month && (!best || v.effectiveMonth > best.effectiveMonth)) best = v
	return best ?? DEFAULT_SETTINGS
}

export function firstDayOf(month: string): string {
	return `${month}-01`
}

export function lastDayOf(month: string): string {
	const y = Number(month.slice(0, 4))
	const m = Number(month.slice(5, 7))
	const days = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
	return `${month}-${String(days).padStart(2, '0')}`
}

/**
 * The age that counts for a month: the age reached by the last day of the month before. So the
 * allowance starts the month after the 80th birthday and a tier changes the month after the
 * birthday that crosses it. A 29 February birthday falls on 28 February in a common year (Civil Code, as ageOn).
 */
export function ageForMonth(birthDate: string, month: string): number {
	return ageOn(birthDate, lastDayOf(addMonths(month, -1)))
}

export function tierForAge(age: number): Tier | null {
	return age >= 100 ? 100 : age >= 90 ? 90 : age >= 80 ? 80 : null
}

export function amountFor(tier: Tier, s: AllowanceSettings): number {
	return tier === 100 ? s.tier100Fen : tier === 90 ? s.tier90Fen : s.tier80Fen
}

/** The first month paid: the month after the month of the 80th birthday. */
export function firstEligibleMonth(birthDate: string): string {
	// Start from the birthday's month 80 years on; a 29 Feb birth turns 80 in a leap year anyway.
	let month = addMonths(birthDate.slice(0, 7), 80 * 12)
	while (ageForMonth(birthDate, month) < 80) month = addMonths(month, 1)
	return month
}

/** The registry facts the rules read (dates YYYY-MM-DD). */
export type ElderFacts = {
	birthDate: string
	deathDate: string | null
	cremated: boolean
	resident: boolean
	movedOutOn: string | null
	lastLivenessAt: string | null
}

export type MonthDecision = { payable: true; tier: Tier; amountFen: number } | { payable: false; reason: StopReason | 'under_age' }

/**
 * Whether an elder is paid for a month, judged on today's registry facts. A death in month M: M is
 * the last month paid. Moving out in month M: likewise. Liveness: a certification in month C covers
 * months up to C + window; a later certification also proves the elder was alive in earlier months,
 * which is what pays back the months missed (when the bureau allows back-pay).
 */
export function decideMonth(e: ElderFacts, month: string, s: AllowanceSettings): MonthDecision {
	const tier = tierForAge(ageForMonth(e.birthDate, month))
	if (!tier) return { payable: false, reason: 'under_age' }
	const first = firstDayOf(month)
	if (e.deathDate && e.deathDate < first) return { payable: false, reason: e.cremated ? 'cremation' : 'death' }
	if (!e.resident && !(e.movedOutOn && e.movedOutOn >= first)) return { payable: false, reason: 'moved_out' }
	if (!e.lastLivenessAt || e.lastLivenessAt < firstDayOf(addMonths(month, -s.livenessWindowMonths))) return { payable: false, reason: 'no_liveness' }
	return { payable: true, tier, amountFen: amountFor(tier, s) }
}

/**
 * Date thresholds of a month for the set-based SQL: an elder born on or before t80 is at least 80
 * for the month (and so on); paid only if death/moving-out is on or after `first` and the last
 * certification on or after `livenessFrom`. Exactly equivalent to decideMonth (unit-tested).
 */
export type MonthParams = { month: string; t80: string; t90: string; t100: string; first: string; livenessFrom: string; a80: number; a90: number; a100: number }

export function monthParams(month: string, s: AllowanceSettings): MonthParams {
	const last = lastDayOf(addMonths(month, -1))
	return {
		month,
		t80: bornOnOrBefore(last, 80),
		t90: bornOnOrBefore(last, 90),
		t100: bornOnOrBefore(last, 100),
		first: firstDayOf(month),
		livenessFrom: firstDayOf(addMonths(month, -s.livenessWindowMonths)),
		a80: s.tier80Fen,
		a90: s.tier90Fen,
		a100: s.tier100Fen,
	}
}

/** decideMonth expressed with the SQL's thresholds; kept beside it so tests prove them equal. */
export function decideWithParams(e: ElderFacts, p: MonthParams): MonthDecision {
	if (e.birthDate > p.t80) return { payable: false, reason: 'under_age' }
	if (e.deathDate && e.deathDate < p.first) return { payable: false, reason: e.cremated ? 'cremation' : 'death' }
	if (!e.resident && !(e.movedOutOn && e.movedOutOn >= p.first)) return { payable: false, reason: 'moved_out' }
	if (!e.lastLivenessAt || e.lastLivenessAt < p.livenessFrom) return { payable: false, reason: 'no_liveness' }
	const tier: Tier = e.birthDate <= p.t100 ? 100 : e.birthDate <= p.t90 ? 90 : 80
	return { payable: true, tier, amountFen: tier === 100 ? p.a100 : tier === 90 ? p.a90 : p.a80 }
}

/**
 * Months paid back in the run of `month`: months before it for which this elder was stopped for want
 * of a liveness certification, is payable now (certified again, still alive and resident then), and
 * has no payment yet. Each is paid at its own month's tier and settings.
 */
export function backPayMonths(
	e: ElderFacts,
	month: string,
	opts: { stoppedForLiveness: readonly string[]; paidMonths: ReadonlySet<string>; versions: readonly SettingsVersion[] },
): { month: string; tier: Tier; amountFen: number }[] {
	if (!settingsForMonth(opts.versions, month).backPayAllowed) return []
	const out: { month: string; tier: Tier; amountFen: number }[] = []
	for (const m of [...new Set(opts.stoppedForLiveness)].sort()) {
		if (m >= month || opts.paidMonths.has(m)) continue
		const d = decideMonth(e, m, settingsForMonth(opts.versions, m))
		if (d.payable) out.push({ month: m, tier: d.tier, amountFen: d.amountFen })
	}
	return out
}

/** Differences between two consecutive months' regular payments, for the approval page. */
export type DiffKind = 'new' | 'stopped' | 'tier_changed' | 'resumed'

export function classifyDiff(prev: Tier | null, cur: Tier | null, everPaidBefore: boolean): DiffKind | null {
	if (prev === null && cur !== null) return everPaidBefore ? 'resumed' : 'new'
	if (prev !== null && cur === null) return 'stopped'
	if (prev !== null && cur !== null && prev !== cur) return 'tier_changed'
	return null
}

/** Masks a card or account reference down to its last four characters. */
export function maskCardRef(ref: string | null): string {
	if (!ref) return ''
	const tail = ref.replace(/[^0-9A-Za-z]/g, '').slice(-4)
	return `****${tail}`
}

/** Integer fen as a yuan amount string for the bank file ("50.00"), without floating point. */
export function fenToYuanString(fen: number): string {
	const sign = fen < 0 ? '-' : ''
	const abs = Math.abs(fen)
	return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** How an allowance paid after the elder's death came back: the bank reversed it, or the family repaid it. */
export const RECOVERY_METHODS = ['bank_reversal', 'repaid'] as const
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number]

/** Where a payment after death stands for the family and the officers: nothing back yet, part back, all back, or the rest written off. */
export type PaymentRecovery = 'owed' | 'partial' | 'recovered' | 'waived'
