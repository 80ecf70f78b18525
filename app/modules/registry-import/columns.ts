// The registry import's file format (documented in docs/registry.md and on the page) and the pure
// checks of one line. Everything here is plain and unit-testable; the database checks (places, scope,
// duplicates, existing records) are set-based in classify.server.ts.
import { makeIdNumber, parseIdNumber, type IdNumberProblem } from '~/modules/identity/id-number.ts'
import { impossibleDate, realDate, type LifeEventKind } from '~/modules/life-events/schemas.ts'

export const REQUIRED_COLUMNS = ['身份证号', '姓名', '乡镇代码', '社区代码'] as const
export const OPTIONAL_COLUMNS = ['联系电话', '紧急联系人', '紧急联系人电话', '变动类型', '变动日期'] as const
export const ALL_COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS] as const
export type Column = (typeof ALL_COLUMNS)[number]

/** The documented limit: a whole city (about 520,000 elders) fits with room to spare. */
export const MAX_IMPORT_BYTES = 80 * 1024 * 1024
/** Lines applied per transaction. */
export const APPLY_CHUNK_LINES = 5000
export const MIN_IMPORT_AGE = 60

export const EVENT_WORDS: Record<string, LifeEventKind> = { 死亡: 'death', 迁出: 'moved_out', 迁入: 'moved_in' }

export const TEMPLATE_ROWS: string[][] = [
	[...ALL_COLUMNS],
	[makeIdNumber('420802', '1945-03-15', 12), '张桂兰', '420802001000', '420802001001', '13800000000', '李明', '13900000000', '', ''],
	[makeIdNumber('420802', '1938-01-20', 25), '王德明', '420802001000', '420802001001', '', '', '', '死亡', '2026-10-02'],
]

/** Reasons a line is rejected: i18n keys under registryImport.reason. */
export type RejectReason =
	| `idNumber.${IdNumberProblem}`
	| 'tooYoung'
	| 'name'
	| 'phone'
	| 'eventKind'
	| 'eventDate'
	| 'eventDateFuture'
	| 'eventDateBeforeBirth'
	| 'unknownTownship'
	| 'unknownCommunity'
	| 'communityNotInTownship'
	| 'outOfScope'
	| 'elderOutOfScope'
	| 'duplicateInFile'
	| 'conflictsVerified'
	| 'deathOtherDate'

export type StagedLine = {
	line: number
	id: { value: string; birthDate: string; gender: 'male' | 'female' } | null
	name: string
	townshipCode: string
	communityCode: string
	phone: string | null
	emergencyContactName: string | null
	emergencyContactPhone: string | null
	eventKind: LifeEventKind | null
	eventOn: string | null
	reason: RejectReason | null
}

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/

/** A date cell of a spreadsheet saved without its format: Excel's serial day number (1900 system). */
function excelSerialDate(v: string): string | null {
	if (!/^\d{4,5}$/.test(v)) return null
	return new Date(Date.UTC(1899, 11, 30) + Number(v) * 86_400_000).toISOString().slice(0, 10)
}

function ageOn(birthDate: string, today: string) {
	const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4))
	return today.slice(5) >= birthDate.slice(5) ? years : years - 1
}

/** Where each column is in a file's rows (by its header; a column named twice: the last one). */
export type ColumnIndex = Partial<Record<Column, number>>

/** Checks one line by itself (no database): the first problem found is its reason. */
export function checkLine(line: number, values: readonly string[], columns: ColumnIndex, today: string): StagedLine {
	const v = (c: Column) => {
		const i = columns[c]
		return i === undefined ? '' : (values[i] ?? '').trim()
	}
	const base: StagedLine = {
		line,
		id: null,
		name: v('姓名').slice(0, 100),
		townshipCode: v('乡镇代码').slice(0, 20),
		communityCode: v('社区代码').slice(0, 20),
		phone: v('联系电话') || null,
		emergencyContactName: v('紧急联系人').slice(0, 50) || null,
		emergencyContactPhone: v('紧急联系人电话') || null,
		eventKind: null,
		eventOn: null,
		reason: null,
	}
	const id = parseIdNumber(v('身份证号'), { today })
	if (!id.ok) return { ...base, reason: `idNumber.${id.problem}` }
	base.id = { value: id.value, birthDate: id.birthDate, gender: id.gender }
	if (ageOn(id.birthDate, today) < MIN_IMPORT_AGE) return { ...base, reason: 'tooYoung' }
	if (!base.name || base.name.length > 50) return { ...base, reason: 'name' }
	if ((base.phone && !PHONE.test(base.phone)) || (base.emergencyContactPhone && !PHONE.test(base.emergencyContactPhone))) return { ...base, reason: 'phone' }
	const word = v('变动类型')
	const dateRaw = v('变动日期')
	if (word || dateRaw) {
		const kind = EVENT_WORDS[word]
		if (!kind) return { ...base, reason: 'eventKind' }
		const on = realDate(dateRaw) ?? excelSerialDate(dateRaw)
		if (!on) return { ...base, eventKind: kind, reason: 'eventDate' }
		const wrong = impossibleDate(on, id.birthDate, today)
		if (wrong) return { ...base, eventKind: kind, reason: wrong === 'future' ? 'eventDateFuture' : 'eventDateBeforeBirth' }
		base.eventKind = kind
		base.eventOn = on
	}
	return base
}
