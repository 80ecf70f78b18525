import { data, type LoaderFunctionArgs, type LinksFunction, type MetaFunction } from '@remix-run/node'
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { I18nextProvider } from 'react-i18next'
import { AuthenticityTokenProvider } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { useNonce } from '~/components/nonce.tsx'
import { SiteFooter } from '~/components/site-footer.tsx'
import { SiteHeader } from '~/components/site-header.tsx'
import { DEFAULT_LOCALE, i18nFor } from '~/lib/i18n.ts'
import { throwIfRefused } from '~/lib/http.server.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { csrf } from '~/modules/auth/csrf.server.ts'
import { getSessionUser } from '~/modules/auth/session.server.ts'
import styles from '~/styles/app.css'

export const links: LinksFunction = () => [
	{ rel: 'stylesheet', href: styles },
	{ rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [{ title: '颐养 Yiyang' }]

export async function loader({ request }: LoaderFunctionArgs) {
	await throwIfRefused(request)
	const [user, prefs, [csrfToken, csrfCookie]] = await Promise.all([getSessionUser(request), getPreferences(request), csrf.commitToken(request)])
	return data(
		{ user: user && { id: user.id, name: user.name, role: user.role, providerKind: user.providerKind }, locale: prefs.locale, textSize: prefs.textSize, csrfToken },
		csrfCookie ? { headers: { 'Set-Cookie': csrfCookie } } : undefined,
	)
}

export type RootLoader = typeof loader

export function Layout({ children }: { children: ReactNode }) {
	const root = useRouteLoaderData<RootLoader>('root')
	const nonce = useNonce()
	const locale = root?.locale ?? DEFAULT_LOCALE
	const i18n = i18nFor(locale)
	return (
		<html lang={locale} data-text-size={root?.textSize ?? 'normal'}>
			<head>
				<meta charSet="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<Meta />
				<Links />
			</head>
			<body>
				<I18nextProvider i18n={i18n}>
					{root ? (
						<AuthenticityTokenProvider token={root.csrfToken}>
							<SiteHeader user={root.user} textSize={root.textSize} locale={locale} />
							<main id="main" className="page">
								{children}
							</main>
							<SiteFooter signedIn={Boolean(root.user)} />
						</AuthenticityTokenProvider>
					) : (
						// The root loader itself failed: no session or form token to offer, only the message.
						<main id="main" className="page">
							{children}
						</main>
					)}
				</I18nextProvider>
				<ScrollRestoration nonce={nonce} />
				<Scripts nonce={nonce} />
			</body>
		</html>
	)
}

export default function App() {
	return <Outlet />
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
