// All money is integer fen (1/100 yuan). Never floating point.
export type Fen = number

export function assertFen(value: number): Fen {
	if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`)
	return value
}

/** Parses "12", "12.5", "12.50" yuan into fen without floating point. */
export function parseYuan(input: string): Fen | null {
	const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(input)
	if (!m) return null
	return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

export function formatFen(fen: Fen, locale = 'zh-CN'): string {
	return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' }).format(fen / 100)
}
