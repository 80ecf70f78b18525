// The shared per-locale i18n instances remember what t() returned; they must answer exactly as
// i18next does, for every key of every catalogue, with and without options.
import { describe, expect, it } from 'vitest'
import { createI18n, i18nFor, memoKeyOf, resources, SUPPORTED_LOCALES } from '~/lib/i18n.ts'

/** Every key of a catalogue (plural forms folded into their key), and whether options can change its text. */
function keysOf(tree: object, prefix = ''): Array<{ key: string; varies: boolean }> {
	return Object.entries(tree).flatMap(([k, v]) => {
		if (typeof v === 'object' && v !== null) return keysOf(v, `${prefix}${k}.`)
		const key = `${prefix}${k}`.replace(/_(zero|one|two|few|many|other)$/, '')
		return [{ key, varies: key !== `${prefix}${k}` || String(v).includes('{{') || String(v).includes('$t(') }]
	})
}

const OPTIONS = [undefined, { count: 0 }, { count: 1 }, { count: 2 }, { count: 7 }, { value: 4.5 }, { minutes: 60 }, { year: 2015, month: '2026-11' }, { name: '张三', count: 3 }]

describe('memoized t()', () => {
	for (const locale of SUPPORTED_LOCALES) {
		it(`answers as i18next does for every ${locale} key`, () => {
			const plain = createI18n(locale)
			const shared = i18nFor(locale)
			// Differences are collected and compared once: an expect() per call made this exhaustive
			// check CPU-bound enough to pass the test timeout on a busy machine.
			const differences: string[] = []
			for (const ns of Object.keys(resources[locale])) {
				const expected = plain.getFixedT(null, ns)
				const memoized = shared.getFixedT(null, ns)
				const keys = new Map<string, boolean>()
				for (const { key, varies } of keysOf(resources[locale][ns as keyof (typeof resources)[typeof locale]])) keys.set(key, varies || !!keys.get(key))
				for (const [key, varies] of keys) {
					// A text without interpolation or plural forms reads the same under any options.
					for (const options of varies ? OPTIONS : OPTIONS.slice(0, 2)) {
						const want = expected(key, options as never)
						// Twice: the second answer comes from the map.
						const first = memoized(key, options as never)
						const second = memoized(key, options as never)
						if (first !== want || second !== want) differences.push(`${ns}:${key} ${JSON.stringify(options)}: ${want} / ${first} / ${second}`)
					}
				}
			}
			expect(differences).toEqual([])
			// Thousands of plain i18next calls: CPU work, not waiting, so a busy machine only slows it.
		}, 30_000)
	}

	it('keeps namespaces, prefixes and missing keys apart', () => {
		const shared = i18nFor('zh-CN')
		const plain = createI18n('zh-CN')
		expect(shared.getFixedT(null, 'marketplace')('search.title')).toBe(plain.getFixedT(null, 'marketplace')('search.title'))
		expect(shared.getFixedT(null, 'common')('search.title')).toBe(plain.getFixedT(null, 'common')('search.title'))
		expect(shared.getFixedT(null, 'marketplace', 'search')('title')).toBe(plain.getFixedT(null, 'marketplace')('search.title'))
		expect(shared.getFixedT(null, 'marketplace')('no.such.key')).toBe('no.such.key')
	})

	it('passes calls with non-plain options straight to i18next and keeps only strings', () => {
		const t = i18nFor('en').getFixedT(null, 'marketplace')
		const plain = createI18n('en').getFixedT(null, 'marketplace')
		expect(t('search.count', { count: 3, extra: [1] } as never)).toBe(plain('search.count', { count: 3, extra: [1] } as never))
		const first = t('search', { returnObjects: true } as never) as unknown
		expect(typeof first).toBe('object')
		expect(t('search', { returnObjects: true } as never)).toEqual(first)
	})

	it('gives different calls different map keys', () => {
		expect(memoKeyOf('k', { a: 'x\u0000b\u0001s1:y' })).not.toBe(memoKeyOf('k', { a: 'x', b: 'y' }))
		expect(memoKeyOf('k', { count: 1 })).not.toBe(memoKeyOf('k', { count: '1' }))
		expect(memoKeyOf('k', { count: 1 })).not.toBe(memoKeyOf('k', undefined))
		expect(memoKeyOf('k', { v: { nested: 1 } })).toBeNull()
		expect(memoKeyOf('k', 'a default value')).toBeNull()
	})
})
