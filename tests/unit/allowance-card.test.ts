// The subsidy card number's rules (app/modules/allowance/card.ts): the documented Luhn rule,
// property-tested: every generated card passes, and any single wrong digit after the first is caught
// (a wrong first digit may turn a card into a passbook number, which is checked on its length only).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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
