import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/** The head of a page about one elder's records (assessment, statuses): its title and the way back to the elder. */
export function ElderPageHead({ title, elderId }: { title: string; elderId: string }) {
	const { t } = useTranslation('statuses')
	return (
		<>
			<h1>{title}</h1>
			<p>
				<Link to={`/elders/${elderId}`}>{t('statuses.back')}</Link>
			</p>
		</>
	)
}
