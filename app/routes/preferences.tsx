import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { isLocale } from '~/lib/i18n.ts'
import { getPreferences, serializePreferences } from '~/lib/preferences.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { safeRedirect } from '~/modules/auth/schemas.ts'

export async function loader() {
	return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await readProtectedForm(request)
	const prefs = await getPreferences(request)
	const locale = formData.get('locale')
	const textSize = formData.get('textSize')
	if (locale !== null && !isLocale(locale)) throw new Response('Unknown language', { status: 400 })
	if (textSize !== null && textSize !== 'normal' && textSize !== 'large') throw new Response('Unknown text size', { status: 400 })
	const next = { locale: locale ?? prefs.locale, textSize: textSize ?? prefs.textSize }
	return redirect(safeRedirect(formData.get('redirectTo')), { headers: { 'Set-Cookie': await serializePreferences(next) } })
}
