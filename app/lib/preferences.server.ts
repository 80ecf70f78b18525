import { createCookie } from '@remix-run/node'
import { DEFAULT_LOCALE, isLocale, type Locale } from './i18n.ts'

export type TextSize = 'normal' | 'large'
export type Preferences = { locale: Locale; textSize: TextSize }

// Not secret and not signed: language and type size are the visitor's own choice.
const prefsCookie = createCookie('yy_prefs', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 60 * 60 * 24 * 365 })

export async function getPreferences(request: Request): Promise<Preferences> {
	const raw = (await prefsCookie.parse(request.headers.get('Cookie'))) as Partial<Preferences> | null
	return {
		locale: isLocale(raw?.locale) ? raw.locale : DEFAULT_LOCALE,
		textSize: raw?.textSize === 'large' ? 'large' : 'normal',
	}
}

export async function serializePreferences(prefs: Preferences) {
	return prefsCookie.serialize(prefs)
}
