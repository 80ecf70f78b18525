import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/** The privacy notice for everyone, and one's own data for the signed-in (PIPL arts. 17, 44–47). */
export function SiteFooter({ signedIn }: { signedIn: boolean }) {
	const { t } = useTranslation()
	return (
		<footer className="site-footer">
			<nav aria-label={t('privacy.footerNav')}>
				<ul>
					<li>
						<Link to="/privacy">{t('privacy.noticeTitle')}</Link>
					</li>
					{signedIn ? (
						<li>
							<Link to="/account/data">{t('privacy.myDataTitle')}</Link>
						</li>
					) : null}
				</ul>
			</nav>
		</footer>
	)
}
