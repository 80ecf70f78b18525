import { Form, Link, NavLink, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import type { ProviderKind, Role } from '~/generated/prisma/enums.ts'
import type { Locale } from '~/lib/i18n.ts'
import { navItemsFor } from './nav-items.ts'

type HeaderUser = { id: string; name: string; role: Role; providerKind?: ProviderKind | null } | null

export function SiteHeader({ user, textSize, locale }: { user: HeaderUser; textSize: 'normal' | 'large'; locale: Locale }) {
	const { t } = useTranslation()
	const location = useLocation()
	const back = location.pathname + location.search
	const items = navItemsFor(user)
	const links = items.map((item) => (
		<li key={item.to}>
			<NavLink to={item.to}>{t(item.label)}</NavLink>
		</li>
	))
	return (
		<header className="site-header">
			<a href="#main" className="skip-link">
				{t('a11y.skipToContent')}
			</a>
			<div className="header-row">
				<Link to="/" className="brand">
					{t('app.name')}
				</Link>
				<div className="prefs">
					<Form method="post" action="/preferences" className="inline-form">
						<AuthenticityTokenInput name="csrf" />
						<input type="hidden" name="redirectTo" value={back} />
						<input type="hidden" name="locale" value={locale === 'zh-CN' ? 'en' : 'zh-CN'} />
						<button type="submit" className="button secondary" lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}>
							{locale === 'zh-CN' ? 'English' : '中文'}
						</button>
					</Form>
					<Form method="post" action="/preferences" className="inline-form">
						<AuthenticityTokenInput name="csrf" />
						<input type="hidden" name="redirectTo" value={back} />
						<input type="hidden" name="textSize" value={textSize === 'large' ? 'normal' : 'large'} />
						<button type="submit" className="button secondary" aria-pressed={textSize === 'large'}>
							{t('prefs.largeText')}
						</button>
					</Form>
					{user ? (
						<Link to="/account/sessions" className="button secondary">
							{t('sessions.navLink')}
						</Link>
					) : null}
					{user ? (
						<Form method="post" action="/logout" className="inline-form">
							<AuthenticityTokenInput name="csrf" />
							<button type="submit" className="button secondary">
								{t('auth.signOut')}
							</button>
						</Form>
					) : (
						<Link to="/login" className="button">
							{t('auth.signIn')}
						</Link>
					)}
				</div>
			</div>
			{user ? (
				<nav aria-label={t('nav.main')} className="main-nav">
					<span className="who">
						{user.name} · {t(`roles.${user.role}`)}
					</span>
					<ul className="nav-wide">{links}</ul>
					{/* On a phone the menu folds into a disclosure (works without scripts). */}
					<details className="nav-menu">
						<summary>{t('nav.menu', { count: items.length })}</summary>
						<ul>{links}</ul>
					</details>
				</nav>
			) : null}
		</header>
	)
}
