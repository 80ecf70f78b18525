import { describe, expect, it } from 'vitest'
import { cancellationFee, checkInFlags, checkOutFlags, distanceMetres, holdExpiry } from '~/modules/marketplace/rules.ts'
import { isoWeekday, nextFreeSlots, scheduledSlot, slotsOnDate, timeToMinute } from '~/modules/marketplace/schedule.ts'
import { yuanToFen } from '~/modules/marketplace/schemas.ts'

const weekdays = (capacity = 2) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 8 * 60, endMinute: 12 * 60, capacity }))

describe('weekly schedule in Asia/Shanghai', () => {
	it('gives the slot starts of a date in Shanghai time', () => {
		expect(isoWeekday('2026-12-07')).toBe(1) // a Monday
		expect(isoWeekday('2026-12-13')).toBe(7)
		const slots = slotsOnDate('2026-12-07', weekdays(), 90, new Set())
		expect(slots.map((s) => s.startsAt.toISOString())).toEqual(['2026-12-07T00:00:00.000Z', '2026-12-07T01:30:00.000Z'])
		expect(slots[0]!.endsAt.toISOString()).toBe('2026-12-07T01:30:00.000Z')
		expect(slotsOnDate('2026-12-12', weekdays(), 60, new Set())).toEqual([])
		expect(slotsOnDate('2026-12-07', weekdays(), 60, new Set(['2026-12-07']))).toEqual([])
	})

	it('accepts only instants on the slot grid', () => {
		expect(scheduledSlot(new Date('2026-12-07T09:00:00+08:00'), weekdays(3), 60, new Set())?.capacity).toBe(3)
		expect(scheduledSlot(new Date('2026-12-07T09:30:00+08:00'), weekdays(), 60, new Set())).toBeNull()
		expect(scheduledSlot(new Date('2026-12-07T12:00:00+08:00'), weekdays(), 60, new Set())).toBeNull()
	})

	it('skips full slots and the past when listing the next free ones', () => {
		const full = new Set([new Date('2026-12-07T09:00:00+08:00').toISOString()])
		const next = nextFreeSlots({ from: new Date('2026-12-07T08:30:00+08:00'), days: 7, count: 3, rules: weekdays(), durationMinutes: 60, closedDates: new Set(), full })
		expect(next.map((s) => s.startsAt.toISOString())).toEqual([
			new Date('2026-12-07T10:00:00+08:00').toISOString(),
			new Date('2026-12-07T11:00:00+08:00').toISOString(),
			new Date('2026-12-08T08:00:00+08:00').toISOString(),
		])
	})

	it('parses times and yuan without floating point', () => {
		expect(timeToMinute('08:15')).toBe(495)
		expect(timeToMinute('24:00')).toBe(1440)
		expect(timeToMinute('25:00')).toBeNull()
		expect(yuanToFen.parse('35')).toBe(3500)
		expect(yuanToFen.parse('0.29')).toBe(29)
		expect(yuanToFen.parse('19.9')).toBe(1990)
		expect(yuanToFen.safeParse('1.234').success).toBe(false)
		expect(yuanToFen.safeParse('0').success).toBe(false)
	})
})

describe('cancellation and holds', () => {
	const terms = { freeCancelHours: 24, lateCancelFeePercent: 30 }
	const startsAt = new Date('2026-12-10T10:00:00+08:00')
	it('is free until the configured time before the start, then charges the configured share (rounded down)', () => {
		expect(cancellationFee({ copayFen: 8_899, startsAt, now: new Date('2026-12-09T09:59:59+08:00'), terms })).toBe(0)
		expect(cancellationFee({ copayFen: 8_899, startsAt, now: new Date('2026-12-09T10:00:00+08:00'), terms })).toBe(2_669)
		expect(cancellationFee({ copayFen: 8_899, startsAt, now: new Date('2026-12-09T10:00:00+08:00'), terms, byProvider: true })).toBe(0)
	})
	it('never holds a requested booking past its start', () => {
		expect(holdExpiry(new Date('2026-12-10T09:00:00+08:00'), 720, startsAt).toISOString()).toBe(startsAt.toISOString())
		expect(holdExpiry(new Date('2026-12-09T09:00:00+08:00'), 60, startsAt).toISOString()).toBe(new Date('2026-12-09T10:00:00+08:00').toISOString())
	})
})

describe('visit flags', () => {
	const startsAt = new Date('2026-12-10T10:00:00+08:00')
	it('flags late, wrong place and overlap at check-in; too short and admitted at check-out', () => {
		expect(checkInFlags({ at: new Date(startsAt.getTime() + 15 * 60_000), startsAt, placeOk: true, overlaps: false })).toEqual([])
		expect(checkInFlags({ at: new Date(startsAt.getTime() + 16 * 60_000), startsAt, placeOk: false, overlaps: true })).toEqual(['late', 'wrong_place', 'overlap'])
		const checkInAt = startsAt
		expect(checkOutFlags({ checkInAt, checkOutAt: new Date(startsAt.getTime() + 30 * 60_000), durationMinutes: 60, placeOk: true, admitted: false })).toEqual([])
		expect(checkOutFlags({ checkInAt, checkOutAt: new Date(startsAt.getTime() + 29 * 60_000), durationMinutes: 60, placeOk: true, admitted: true })).toEqual(['too_short', 'admitted'])
	})
	it('measures distance on the earth', () => {
		expect(Math.round(distanceMetres({ lat: 31.0335, lng: 112.2042 }, { lat: 31.0335 + 0.0027, lng: 112.2042 }))).toBe(300)
	})
})

describe('search parameters', () => {
	it('reads empty form fields as "any", never as 0', async () => {
		const { searchSchema } = await import('~/modules/marketplace/schemas.ts')
		const p = searchSchema.parse({ q: ' 助浴 ', district: 'dongbao', community: '', category: '', date: '', minPrice: '', maxPrice: '', minGrade: '', minRating: '', sort: 'bogus', page: 'x' })
		expect(p).toEqual({ q: '助浴', district: 'dongbao', community: '', category: undefined, date: undefined, minPrice: undefined, maxPrice: undefined, minGrade: undefined, minRating: undefined, sort: 'relevance', page: 1 })
		expect(searchSchema.parse({ maxPrice: '80', minGrade: '4', category: 'bathing' })).toMatchObject({ maxPrice: 80, minGrade: 4, category: 'bathing' })
	})
})
