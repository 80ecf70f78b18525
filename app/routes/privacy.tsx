import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { PRIVACY_NOTICE_VERSION } from '~/modules/accounts/privacy.ts'

// The privacy notice (个人信息保护说明, PIPL arts. 7, 17, 30): public, so it can be read before
// registering. Its version is what each consent records; the text lives in the catalogues.
const SECTIONS = ['controller', 'collected', 'purposes', 'elder', 'sharing', 'retention', 'security', 'rights', 'contact'] as const

export default function PrivacyNotice() {
	const { t } = useTranslation()
	return (
		<article className="card">
			<h1>{t('privacy.noticeTitle')}</h1>
			<p className="hint">{t('privacy.noticeVersion', { version: PRIVACY_NOTICE_VERSION })}</p>
			<p>{t('privacy.noticeLead')}</p>
			{SECTIONS.map((s) => (
				<section key={s} id={s} aria-labelledby={`${s}-title`}>
					<h2 id={`${s}-title`}>{t(`privacy.notice.${s}.title`)}</h2>
					<p>{t(`privacy.notice.${s}.body`)}</p>
				</section>
			))}
			<p>
				<Link to="/account/data">{t('privacy.myDataTitle')}</Link>
			</p>
		</article>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
