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

// Catalogues are bundled: they are small, and the first paint must already be in the user's language.
// Each capability adds its own namespace file beside common.json.
export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof SUPPORTED_LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

export const resources = {
	'zh-CN': { common: zhCommon, allowance: zhAllowance, beds: zhBeds, marketplace: zhMarketplace, subsidies: zhSubsidies },
	en: { common: enCommon, allowance: enAllowance, beds: enBeds, marketplace: enMarketplace, subsidies: enSubsidies },
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
		instance = createI18n(locale)
		perLocale.set(locale, instance)
	}
	return instance
}

/** Server-side translation, for messages built in actions and workers. */
export function getT(locale: Locale): TFunction {
	return i18nFor(locale).t
}
