import { createCookie } from '@remix-run/node'
import { CSRF, CSRFError } from 'remix-utils/csrf/server'
import { getEnv, isSecureCookies } from '~/lib/env.server.ts'
import { i18nFor } from '~/lib/i18n.ts'
import { randomText } from '~/lib/random.server.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { singleton } from '~/lib/singleton.server.ts'

// Double-submit token: a signed cookie plus the same token in every state-changing form. The cookie's
// own signature (Remix's, HMAC-SHA256 through Web Crypto) is what makes the token unforgeable; the
// library's second signature of the token inside it (pure-JavaScript HMAC, a twentieth of a bare
// page's CPU) added nothing, so it is not asked for.
export const CSRF_FIELD = 'csrf'

/**
 * The library's token, drawn from Node's CSPRNG in one call: remix-utils draws it through crypto-js,
 * one getRandomValues call per 4 bytes plus a JavaScript base64url encoder (a fortieth of a bare
 * page's CPU for every visitor without the cookie yet). Same form: 32 random bytes in base64url
 * (from the pooled CSPRNG of ~/lib/random.server.ts).
 */
class NodeRandomCSRF extends CSRF {
	override generate(bytes = 32): string {
		return randomText(bytes, 'base64url')
	}
}

export const csrf = singleton('csrf', () => {
	const env = getEnv()
	return new NodeRandomCSRF({
		cookie: createCookie('yy_csrf', { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureCookies(env), secrets: [env.SESSION_SECRET] }),
		formDataKey: CSRF_FIELD,
	})
})

/** Throws 403 unless the form carries the token of this browser's cookie. */
export async function validateCsrf(formData: FormData, request: Request) {
	try {
		await csrf.validate(formData, request.headers)
	} catch (error) {
		if (error instanceof CSRFError) {
			const { locale } = await getPreferences(request)
			throw new Response(i18nFor(locale).t('errorPage.formExpired'), { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
		}
		throw error
	}
}

/** Reads a form body and checks its CSRF token; every state-changing action starts here. */
export async function readProtectedForm(request: Request): Promise<FormData> {
	let formData: FormData
	try {
		formData = await request.formData()
	} catch {
		throw new Response('The form could not be read.', { status: 400 })
	}
	await validateCsrf(formData, request)
	return formData
}
