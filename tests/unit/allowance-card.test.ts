// The subsidy card number's rules (app/modules/allowance/card.ts): the documented Luhn rule,
// property-tested: every generated card passes, and any single wrong digit after the first is caught
// (a wrong first digit may turn a card into a passbook number, which is checked on its length only).
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { shanghaiDate } from '~/lib/time.ts'
import { makeElderRow, Rng } from '../../prisma/generators.ts'
import { luhnValid, makeCardNumber, maskCard, parseCardNumber, usesLuhn } from '~/modules/allowance/card.ts'

const body = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }).map((d) => d.join(''))

describe('subsidy card numbers', () => {
	it('knows the published Luhn examples', () => {
		expect(luhnValid('79927398713')).toBe(true)
		expect(luhnValid('79927398710')).toBe(false)
		expect(luhnValid('6228480402564890018')).toBe(true)
	})

	it('accepts every generated card and refuses any single changed digit (property)', () => {
		fc.assert(
			fc.property(body, fc.integer({ min: 1, max: 18 }), fc.integer({ min: 1, max: 9 }), (digits, at, delta) => {
				const card = makeCardNumber('621799', 19, (n) => digits.slice(0, n))
				expect(parseCardNumber(card)).toEqual({ ok: true, value: card })
				const wrong = card.slice(0, at) + String((Number(card[at]) + delta) % 10) + card.slice(at + 1)
				expect(parseCardNumber(wrong)).toEqual({ ok: false, problem: 'checkDigit' })
			}),
		)
	})

	it('checks payment cards (first digit 3-6) only; passbook accounts are taken on their length', () => {
		expect(usesLuhn('6217000011112222333')).toBe(true)
		expect(usesLuhn('8201001234567890')).toBe(false)
		expect(parseCardNumber('8201001234567890')).toEqual({ ok: true, value: '8201001234567890' })
		expect(parseCardNumber(' ')).toEqual({ ok: false, problem: 'required' })
		expect(parseCardNumber('12345678901234567890')).toEqual({ ok: false, problem: 'length' })
		expect(maskCard('6217000011112222337')).toBe('6217****2337')
	})
})

describe('a generated elder’s card', () => {
	afterEach(() => vi.useRealTimers())

	// At 16:30 UTC it is already tomorrow in Shanghai. A card dated at UTC midnight of the Shanghai
	// date was then "recorded" in the future, and a line the bank returned later that evening read as
	// corrected since (a CI run at 00:23 Shanghai time re-issued it).
	it('is recorded no later than now, at every hour of the Shanghai day', () => {
		for (const at of ['2026-11-30T15:59:59Z', '2026-11-30T16:00:00Z', '2026-11-30T16:30:00Z', '2026-11-30T23:59:59Z', '2026-12-01T03:00:00Z']) {
			vi.useFakeTimers({ now: new Date(at), toFake: ['Date'] })
			const row = makeElderRow(new Rng(at), { districtId: 'dongbao', regionCode: '420802', communityId: null, settlement: 'urban_community', birthDate: '1940-03-01', seq: 101, bankCardNumber: makeCardNumber('621799', 19, () => '0'.repeat(12)) })
			expect(row.bankCardRecordedAt!.getTime()).toBeLessThanOrEqual(Date.now())
			expect(shanghaiDate(row.bankCardRecordedAt!)).toBe(shanghaiDate())
		}
	})
})
