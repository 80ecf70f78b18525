import { describe, expect, it } from 'vitest'
import { dateParam, intParam, pageParam, textParam, uuidParam } from '~/lib/query.ts'

const q = (s: string) => new URLSearchParams(s)

describe('query-string values a loader reads (app/lib/query.ts)', () => {
	it('takes a whole number within its range, else nothing', () => {
		expect(intParam(q('year=2025'), 'year', 1900, 2200)).toBe(2025)
		expect(intParam(q('year=%2B2025'), 'year', 1900, 2200)).toBeNull()
		for (const bad of ['0.5', '1e3', 'NaN', 'Infinity', '', '2025x', '99999999999999999999', '1899', '%00']) expect(intParam(q(`year=${bad}`), 'year', 1900, 2200), bad).toBeNull()
		expect(intParam(q(''), 'year', 1900, 2200)).toBeNull()
	})

	it('reads a page as 1 unless it names a whole page within reach', () => {
		expect(pageParam(q('page=3'))).toBe(3)
		for (const bad of ['0', '-1', '1.5', 'on', '10001', '1e309']) expect(pageParam(q(`page=${bad}`)), bad).toBe(1)
		expect(pageParam(q('page=40'), 20)).toBe(1)
	})

	it('takes single-line text within its length, trimmed', () => {
		expect(textParam(q('district=%20dongbao%20'), 'district', 40)).toBe('dongbao')
		expect(textParam(q(`district=${'x'.repeat(41)}`), 'district', 40)).toBeNull()
		for (const bad of ['a%00b', 'a%0Ab', '%E2%80%AEevil', '%E2%80%8B']) expect(textParam(q(`d=${bad}`), 'd'), bad).toBeNull()
		expect(textParam(q('d=张三'), 'd')).toBe('张三')
	})

	it('takes a UUID or a day that exists, else nothing', () => {
		expect(uuidParam(q('id=6f1c7a2e-1b2c-4d3e-8f90-0123456789ab'), 'id')).toBe('6f1c7a2e-1b2c-4d3e-8f90-0123456789ab')
		expect(uuidParam(q(`id=${'-'.repeat(36)}`), 'id')).toBeNull()
		expect(dateParam(q('day=2028-02-29'), 'day')).toBe('2028-02-29')
		for (const bad of ['2026-02-29', '2026-02-30', '0000-00-00', '2026-13-01', '2026-1-1']) expect(dateParam(q(`day=${bad}`), 'day'), bad).toBeNull()
	})
})
