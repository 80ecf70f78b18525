// Bounded input (issue 12, item 5): text fields have maximum lengths and refuse control characters;
// names refuse characters no name has. The shared rules live in app/modules/auth/schemas.ts and every
// module's schemas.ts uses them.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rejectRunSchema } from '~/modules/allowance/schemas.ts'
import { hasNoControlChars, isSingleLine, multiLineText, nameSchema, registerSchema, singleLineText } from '~/modules/auth/schemas.ts'
import { roomSchema } from '~/modules/beds/schemas.ts'
import { declineSchema, replySchema } from '~/modules/marketplace/schemas.ts'
import { bureauDecisionSchema, communityReviewSchema } from '~/modules/subsidies/schemas.ts'

const CONTROLS = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u200b', '\u200e', '\u202e', '\u2066', '\ufeff']
const withControl = fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...CONTROLS), fc.string({ maxLength: 10 })).map(([a, c, b]) => `张${a}${c}${b}伟`)

describe('names', () => {
	it('accepts names of every script and the separators names use', () => {
		for (const name of ['张伟', '欧阳娜娜', '阿卜杜·热合曼', '阿卜杜•热合曼', 'Mary-Jane O’Neil', "D'Arcy", 'José Ng', 'Zoë', 'བཀྲ་ཤིས', 'Ng Wei.', 'Ахмет'])
			expect(nameSchema.safeParse(name).success, name).toBe(true)
	})

	it('refuses digits, symbols, emoji, markup, controls, blanks and over-long names', () => {
		for (const name of ['张伟1', '<script>', '张伟😀', 'Robert"); DROP TABLE', '张_伟', '张@伟', '·张伟', '张\n伟', '张\u202e伟', '   ', '', '张'.repeat(41)])
			expect(nameSchema.safeParse(name).success, JSON.stringify(name)).toBe(false)
	})

	it('accepts any run of CJK characters up to 40, and refuses any with a control character', () => {
		fc.assert(fc.property(fc.array(fc.integer({ min: 0x4e00, max: 0x9fa5 }), { minLength: 1, maxLength: 40 }), (codes) => nameSchema.safeParse(String.fromCodePoint(...codes)).success))
		fc.assert(fc.property(withControl, (s) => !nameSchema.safeParse(s).success))
	})

	it('applies to registration', () => {
		const base = { phone: '13912345678', password: 'Abcdef12', confirmPassword: 'Abcdef12' }
		expect(registerSchema.safeParse({ ...base, name: '王芳' }).success).toBe(true)
		expect(registerSchema.safeParse({ ...base, name: '王芳\u0000' }).success).toBe(false)
	})
})

describe('text fields', () => {
	it('single-line text refuses line breaks and controls; multi-line text allows line breaks only', () => {
		expect(singleLineText(20).safeParse('东宝区').success).toBe(true)
		expect(singleLineText(20).safeParse('东宝\n区').success).toBe(false)
		expect(singleLineText(5).safeParse('123456').success).toBe(false)
		expect(multiLineText(50).safeParse('第一行\r\n第二行\t完').success).toBe(true)
		expect(multiLineText(50).safeParse('第一行\u0007').success).toBe(false)
		expect(multiLineText(5).safeParse('123456').success).toBe(false)
		fc.assert(fc.property(withControl, (s) => !hasNoControlChars(s) && !isSingleLine(s)))
		// eslint-disable-next-line no-control-regex -- the expected set, written out independently
		fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => isSingleLine(s) === !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/.test(s)))
	})

	it('every module refuses control characters in its free-text fields, and over-long text', () => {
		const id = '00000000-0000-4000-8000-000000000000'
		const cases: [string, { safeParse: (v: unknown) => { success: boolean } }, Record<string, unknown>, string][] = [
			['allowance reject reason', rejectRunSchema, {}, 'reason'],
			['beds room name', roomSchema, { intent: 'room', floor: '1' }, 'name'],
			['marketplace decline reason', declineSchema, { intent: 'decline' }, 'reason'],
			['marketplace reply', replySchema, { intent: 'reply' }, 'reply'],
			['subsidies bureau reason', bureauDecisionSchema, { applicationId: id, decision: 'reject' }, 'reason'],
			['subsidies community note', communityReviewSchema, { applicationId: id, decision: 'reject', economicCheckResult: 'pass', economicCheckDate: '2026-01-01' }, 'note'],
		]
		for (const [label, schema, rest, field] of cases) {
			expect(schema.safeParse({ ...rest, [field]: '理由充分' }).success, `${label} accepts plain text`).toBe(true)
			for (const c of CONTROLS) expect(schema.safeParse({ ...rest, [field]: `理由${c}充分` }).success, `${label} refuses U+${c.codePointAt(0)!.toString(16)}`).toBe(false)
			expect(schema.safeParse({ ...rest, [field]: '理'.repeat(5000) }).success, `${label} refuses 5000 characters`).toBe(false)
		}
	})
})
