import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/** Previous/next links of a paged list; `href` builds the link of a page (keeping the page's filters). */
export function Pager({ page, hasMore, href = (p) => `?page=${p}` }: { page: number; hasMore: boolean; href?: (page: number) => string }) {
	const { t } = useTranslation('common')
	return (
		<nav className="pager" aria-label={t('a11y.pagination')}>
			{page > 1 ? <Link to={href(page - 1)}>{t('pager.previous')}</Link> : null}
			{hasMore ? <Link to={href(page + 1)}>{t('pager.next')}</Link> : null}
		</nav>
	)
}

/**
 * The links of a list paged by keyset (a cursor, not a page number): back to its first page when not
 * on it, and on to the next when there is one. `href(cursor)` builds the link (keeping the page's
 * other parameters); a null cursor is the first page.
 */
export function CursorPager({ atStart, next, href, label }: { atStart: boolean; next: string | null; href: (cursor: string | null) => string; label?: string }) {
	const { t } = useTranslation('common')
	if (atStart && !next) return null
	return (
		<nav className="pager" aria-label={label ?? t('a11y.pagination')}>
			{atStart ? null : <Link to={href(null)}>{t('pager.first')}</Link>}
			{next ? <Link to={href(next)}>{t('pager.next')}</Link> : null}
		</nav>
	)
}
