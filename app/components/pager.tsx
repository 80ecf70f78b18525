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
