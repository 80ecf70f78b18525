import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkCharacter, makeIdNumber, maskIdNumber, parseIdNumber } from '~/modules/identity/id-number.ts'

const today = '2026-11-29'
const birthDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-29T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
const region = fc.constantFrom('420802', '420804', '420882', '420821', '420822', '420881', '110101')
const validNumber = fc.tuple(region, birthDate, fc.integer({ min: 0, max: 999 })).map(([r, b, s]) => makeIdNumber(r, b, s))

describe('GB 11643 identity numbers', () => {
	it('accepts a known valid number and derives birth date and gender', () => {
		// The standard's own worked example: 11010519491231002X (female, born 1949-12-31).
		const result = parseIdNumber('11010519491231002x', { today })
		expect(result).toEqual({ ok: true, value: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', gender: 'female' })
	})

	it('computes the ISO 7064 MOD 11-2 check character', () => {
		expect(checkCharacter('11010519491231002')).toBe('X')
		expect(checkCharacter('44052418800101001')).toBe('4')
	})

	it('accepts every generated number and recovers its parts', () => {
		fc.assert(
			fc.property(region, birthDate, fc.integer({ min: 0, max: 999 }), (r, b, s) => {
				const result = parseIdNumber(makeIdNumber(r, b, s), { today })
				expect(result.ok).toBe(true)
				if (!result.ok) return
				expect(result.regionCode).toBe(r)
				expect(result.birthDate).toBe(b)
				expect(result.gender).toBe(s % 2 === 1 ? 'male' : 'female')
			}),
		)
	})

	it('rejects any single changed character with the checksum (or format) error', () => {
		fc.assert(
			fc.property(validNumber, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, pos, delta) => {
				const alphabet = '0123456789X'
				const current = alphabet.indexOf(id[pos]!)
				const replacement = alphabet[(current + delta) % 11]!
				const tampered = id.slice(0, pos) + replacement + id.slice(pos + 1)
				const result = parseIdNumber(tampered, { today })
				// MOD 11-2 detects every single-character substitution; the earlier checks may catch it first.
				expect(result.ok).toBe(false)
			}),
		)
	})

	it('detects swapped adjacent digits', () => {
		fc.assert(
			fc.property(validNumber, fc.integer({ min: 0, max: 15 }), (id, pos) => {
				fc.pre(id[pos] !== id[pos + 1])
				const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2)
				expect(parseIdNumber(swapped, { today }).ok).toBe(false)
			}),
		)
	})

	it('says which part is wrong', () => {
		const good = makeIdNumber('420802', '1940-05-17', 123)
		expect(parseIdNumber('', { today })).toEqual({ ok: false, problem: 'required' })
		expect(parseIdNumber(good.slice(0, 17), { today })).toEqual({ ok: false, problem: 'length' })
		expect(parseIdNumber(`${good.slice(0, 16)}AB`, { today })).toEqual({ ok: false, problem: 'format' })
		expect(parseIdNumber(makeIdNumber('020802', '1940-05-17', 1), { today })).toEqual({ ok: false, problem: 'region' })
		// No province has the codes 10, 19, 24-30, 38-40, 47-49, 55-60, 66-70, 72-80, 84-99.
		for (const code of ['100101', '190101', '250101', '390101', '480101', '600101', '700101', '900101', '990101']) {
			expect(parseIdNumber(makeIdNumber(code, '1940-05-17', 1), { today })).toEqual({ ok: false, problem: 'region' })
		}
		// Numbers issued anywhere in China are accepted: a Jingmen elder's may come from another province.
		for (const code of ['110105', '320102', '420101', '422801', '650102', '810000', '830000']) {
			expect(parseIdNumber(makeIdNumber(code, '1940-05-17', 1), { today })).toMatchObject({ ok: true, regionCode: code })
		}
		expect(parseIdNumber(makeIdNumber('420802', '1940-02-30', 1), { today })).toEqual({ ok: false, problem: 'birthDate' })
		expect(parseIdNumber(makeIdNumber('420802', '2027-01-01', 1), { today })).toEqual({ ok: false, problem: 'futureBirthDate' })
		const last = good[17] === '0' ? '1' : '0'
		expect(parseIdNumber(good.slice(0, 17) + last, { today })).toEqual({ ok: false, problem: 'checksum' })
		expect(parseIdNumber(good, { today, regionCodes: ['420804'] })).toEqual({ ok: false, problem: 'region' })
	})

	it('masks all but the province and city and the last two characters: the birth date and county are hidden', () => {
		fc.assert(
			fc.property(validNumber, (id) => {
				const masked = maskIdNumber(id)
				expect(masked).toHaveLength(18)
				expect(masked.slice(0, 4)).toBe(id.slice(0, 4))
				expect(masked.slice(4, 16)).toBe('************')
				expect(masked.slice(16)).toBe(id.slice(16))
			}),
		)
	})
})
