import { describe, expect, it } from 'vitest'
import { BoundedMap, deepFreeze } from '~/lib/bounded-map.server.ts'

describe('BoundedMap', () => {
	it('drops the least recently used past its number of entries', () => {
		const m = new BoundedMap<string, number>({ maxEntries: 3 })
		m.set('a', 1).set('b', 2).set('c', 3)
		expect(m.get('a')).toBe(1) // a is now the most recently used
		m.set('d', 4)
		expect(m.has('b')).toBe(false)
		expect([m.get('a'), m.get('c'), m.get('d')]).toEqual([1, 3, 4])
		expect(m.size).toBe(3)
		// Order now a, c, d. peek leaves it: a is still the oldest.
		expect(m.peek('a')).toBe(1)
		m.set('e', 5)
		expect(m.has('a')).toBe(false)
		// set of a kept key replaces it as the most recent, without growing (c, d, e -> d, e, c).
		m.set('c', 10)
		expect(m.size).toBe(3)
		m.set('f', 6)
		expect(m.has('d')).toBe(false)
		expect(m.get('c')).toBe(10)
		m.set('a', 1)
		expect(m.delete('a')).toBe(true)
		expect(m.delete('a')).toBe(false)
		expect(m.get('a')).toBeUndefined()
	})

	it('drops the least recently used past its total weight', () => {
		const m = new BoundedMap<string, string>({ maxEntries: Number.POSITIVE_INFINITY, maxWeight: 10, weigh: (v) => v.length })
		m.set('a', 'xxxx').set('b', 'yyyy')
		expect(m.weight).toBe(8)
		m.get('a')
		m.set('c', 'zzz') // 11 > 10: b (least recently used) goes
		expect(m.has('b')).toBe(false)
		expect(m.weight).toBe(7)
		m.set('a', 'x') // replaced: its old weight is given back
		expect(m.weight).toBe(4)
		m.delete('c')
		expect(m.weight).toBe(1)
	})
})

describe('deepFreeze', () => {
	it('freezes all the way down', () => {
		const v = deepFreeze({ a: { b: [1, { c: 2 }] } })
		expect(Object.isFrozen(v.a.b[1])).toBe(true)
		expect(() => {
			;(v.a as { b: unknown }).b = 1
		}).toThrow()
	})
})
