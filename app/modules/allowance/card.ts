// The 惠民惠农一卡通 subsidy card number: pure rules shared by the form, the server, the seed and the tests.
//
// Which numbers are checked with Luhn (the documented rule, see docs/allowance.md): a number whose
// first digit is 3, 4, 5 or 6 is a payment card under ISO/IEC 7812 (UnionPay debit cards start with
// 62, the 一卡通 of 邮储 621799/622188, 农行 622848, 湖北农信 621xxx), and every such card carries a
// Luhn check digit, so it must pass. Numbers starting with another digit are passbook account numbers
// (存折账号, e.g. of rural credit co-operatives) whose check scheme is each bank's own: they are
// accepted on their length (16-19 digits) alone, and the bank's returns file catches a wrong one.

export type CardProblem = 'required' | 'digitsOnly' | 'length' | 'checkDigit'

export type CardResult = { ok: true; value: string } | { ok: false; problem: CardProblem }

/** Strips the spaces people type between groups of digits. */
export function normalizeCardNumber(input: string): string {
	return input.replace(/\s+/g, '')
}

/** ISO/IEC 7812 major industry identifiers of payment cards, which always carry a Luhn digit. */
export function usesLuhn(digits: string): boolean {
	return /^[3-6]/.test(digits)
}

export function luhnValid(digits: string): boolean {
	let sum = 0
	for (let i = 0; i < digits.length; i++) {
		let d = digits.charCodeAt(digits.length - 1 - i) - 48
		if (i % 2 === 1) {
			d *= 2
			if (d > 9) d -= 9
		}
		sum += d
	}
	return sum % 10 === 0
}

/** The Luhn check digit that completes `body`. */
export function luhnDigit(body: string): string {
	for (let d = 0; d < 10; d++) if (luhnValid(`${body}${d}`)) return String(d)
	throw new Error('unreachable')
}

export function parseCardNumber(input: string): CardResult {
	const value = normalizeCardNumber(input)
	if (!value) return { ok: false, problem: 'required' }
	if (!/^\d+$/.test(value)) return { ok: false, problem: 'digitsOnly' }
	if (value.length < 16 || value.length > 19) return { ok: false, problem: 'length' }
	if (usesLuhn(value) && !luhnValid(value)) return { ok: false, problem: 'checkDigit' }
	return { ok: true, value }
}

/** The display form: first four and last four digits (6217****1234); never more, on any page or file but the bank's. */
export function maskCard(digits: string): string {
	return `${digits.slice(0, 4)}****${digits.slice(-4)}`
}

/** A valid card number for the seed and the tests (never a real card): `bin` + random body + Luhn digit. */
export function makeCardNumber(bin: string, length: number, randomDigits: (n: number) => string): string {
	const body = `${bin}${randomDigits(length - bin.length - 1)}`
	return body + luhnDigit(body)
}
