import i18next, { type i18n, type TFunction } from 'i18next'
import enAllowance from '~/locales/en/allowance.json'
import enCommon from '~/locales/en/common.json'
import zhAllowance from '~/locales/zh-CN/allowance.json'
import enBeds from '~/locales/en/beds.json'
import zhBeds from '~/locales/zh-CN/beds.json'
import zhCommon from '~/locales/zh-CN/common.json'
import enMarketplace from '~/locales/en/marketplace.json'
import zhMarketplace from '~/locales/zh-CN/marketplace.json'
import enSubsidies from '~/locales/en/subsidies.json'
import zhSubsidies from '~/locales/zh-CN/subsidies.json'
import enStatuses from '~/locales/en/statuses.json'
import zhStatuses from '~/locales/zh-CN/statuses.json'

// Catalogues are bundled: they are small, and the first paint must already be in the user's language.
// Each capability adds its own namespace file beside common.json.
export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof SUPPORTED_LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

export const resources = {
	'zh-CN': { common: zhCommon, allowance: zhAllowance, beds: zhBeds, marketplace: zhMarketplace, subsidies: zhSubsidies, statuses: zhStatuses },
	en: { common: enCommon, allowance: enAllowance, beds: enBeds, marketplace: enMarketplace, subsidies: enSubsidies, statuses: enStatuses },
} as const

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

export function createI18n(locale: Locale): i18n {
	const instance = i18next.createInstance()
	void instance.init({
		resources,
		lng: locale,
		fallbackLng: DEFAULT_LOCALE,
		defaultNS: 'common',
		ns: Object.keys(resources[DEFAULT_LOCALE]),
		interpolation: { escapeValue: false },
		initImmediate: false,
		returnNull: false,
	})
	return instance
}

const perLocale = new Map<Locale, i18n>()
/**
 * One initialised instance per locale and process: the catalogues are fixed at build time and an
 * instance never changes language, so every render can share it instead of building its own.
 */
export function i18nFor(locale: Locale): i18n {
	let instance = perLocale.get(locale)
	if (!instance) {
		instance = memoizeT(createI18n(locale))
		perLocale.set(locale, instance)
	}
	return instance
}

const MEMO_LIMIT = 20_000

/**
 * Remembers the strings the fixed t() functions of an instance return (useTranslation takes its t
 * from getFixedT). i18next works each call out afresh (options copied, language hierarchy through
 * Intl.getCanonicalLocales, namespaces, plural rules, interpolation): 5–20 µs a call, and a search
 * page of 20 results makes about 250 calls, a tenth of the server's CPU under the search benchmark.
 * With fixed catalogues and a fixed language the answer depends only on the key and the options,
 * so calls whose options are all plain values (what the pages pass: counts, numbers, short
 * strings) are answered from a map; anything else (objects, functions, a default value as second
 * argument) goes straight to i18next. The map is emptied when it passes MEMO_LIMIT entries, so
 * unbounded values (names, amounts) cannot grow it without limit. Only the shared per-locale
 * instances are memoized: their language never changes.
 */
function memoizeT(instance: i18n): i18n {
	type FixedT = ((...args: unknown[]) => unknown) & { lng?: unknown; lngs?: unknown; ns?: unknown; keyPrefix?: unknown }
	const getFixedT = instance.getFixedT.bind(instance) as unknown as (lng: unknown, ns: unknown, keyPrefix: unknown) => FixedT
	const memo = new Map<string, string>()
	instance.getFixedT = ((lng: unknown, ns: unknown, keyPrefix: unknown) => {
		const fixed = getFixedT(lng, ns, keyPrefix)
		const scope = memoKeyOf('', { lng, ns, keyPrefix })
		if (scope === null) return fixed
		const t = (key: unknown, options?: unknown, ...rest: unknown[]) => {
			const callKey = rest.length === 0 ? memoKeyOf(key, options) : null
			if (callKey === null) return fixed(key, options, ...rest)
			const memoKey = `${scope}\u0003${callKey}`
			const known = memo.get(memoKey)
			if (known !== undefined) return known
			const value = fixed(key, options)
			if (typeof value === 'string') {
				if (memo.size >= MEMO_LIMIT) memo.clear()
				memo.set(memoKey, value)
			}
			return value
		}
		return Object.assign(t, { lng: fixed.lng, lngs: fixed.lngs, ns: fixed.ns, keyPrefix: fixed.keyPrefix })
	}) as unknown as i18n['getFixedT']
	return instance
}

/** A map key for a t() call, or null when its options are not all plain values. */
export function memoKeyOf(key: unknown, options: unknown): string | null {
	if (typeof key !== 'string') return null
	if (options === undefined) return key
	if (typeof options !== 'object' || options === null) return null
	let out = key
	for (const [name, value] of Object.entries(options)) {
		switch (typeof value) {
			case 'undefined':
				continue
			case 'string':
				// Length first: no value can pass for another value followed by more options.
				out += `\u0000${name}\u0001s${value.length}:${value}`
				continue
			case 'number':
				out += `\u0000${name}\u0001n${value}`
				continue
			case 'boolean':
				out += `\u0000${name}\u0001b${value}`
				continue
			case 'object':
				if (value === null) {
					out += `\u0000${name}\u0001null`
					continue
				}
				// i18next's own lngs/ns lists, set by getFixedT.
				if ((name === 'lngs' || name === 'ns') && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
					out += `\u0000${name}\u0001a${value.join('\u0002')}`
					continue
				}
				return null
			default:
				return null
		}
	}
	return out
}

/** Server-side translation, for messages built in actions and workers. */
export function getT(locale: Locale): TFunction {
	return i18nFor(locale).t
}
