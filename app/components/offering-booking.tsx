import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { When } from './marketplace.tsx'

/** An offering's next free slots, or that there are none (search results and the provider's page). */
export function NextSlots({ slots }: { slots: readonly string[] }) {
	const { t } = useTranslation('marketplace')
	return (
		<p>
			{t('search.nextSlots')}:{' '}
			{slots.length === 0
				? t('search.noSlots')
				: slots.map((s, i) => (
						<span key={s}>
							{i > 0 ? '、' : ''}
							<When at={s} />
						</span>
					))}
		</p>
	)
}

/** The way to book an offering: its booking form when signed in, through the sign-in page otherwise. */
export function BookLink({ offeringId, signedIn }: { offeringId: string; signedIn: boolean }) {
	const { t } = useTranslation('marketplace')
	const to = `/services/book/${offeringId}`
	return (
		<Link to={signedIn ? to : `/login?redirectTo=${encodeURIComponent(to)}`} className="button big">
			{signedIn ? t('search.book') : t('search.signInToBook')}
		</Link>
	)
}
