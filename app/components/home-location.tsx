import { Form, useSubmit } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { submitWithPosition } from './geo-submit.ts'
import { ErrorList, replyValue, useReplyForm } from './forms.tsx'
import { Notice } from './notice.tsx'

/**
 * The family, standing at the elder's home, records its location with the phone (issue 11 item 4).
 * It needs the phone's location, so it needs JavaScript; without it the page says so, and the first
 * visit the family's code verifies records the place instead.
 */
export function HomeLocationForm({ locatedAt, source, reply }: { locatedAt: string | Date | null; source: string | null; reply: unknown }) {
	const { t } = useTranslation()
	const submit = useSubmit()
	const [geoError, setGeoError] = useState<string | null>(null)
	const [, fields] = useReplyForm<'lat' | 'lng'>('home-location', reply)
	const done = replyValue<string>(reply, 'home-location')
	return (
		<section className="card" aria-labelledby="home-location">
			<h2 id="home-location">{t('elders.home.title')}</h2>
			<p data-testid="home-location-status">{locatedAt ? t(`elders.home.known.${source === 'verified_visit' ? 'verified_visit' : 'family_phone'}`) : t('elders.home.unknown')}</p>
			{done ? <Notice>{t('elders.home.recorded')}</Notice> : null}
			<Form
				method="post"
				onSubmit={(event) => {
					const form = event.currentTarget
					event.preventDefault()
					submitWithPosition(form, submit, (why) => setGeoError(`elders.home.${why}`))
				}}
			>
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="formId" value="home-location" />
				<input type="hidden" name="intent" value="home-location" />
				<input type="hidden" name="lat" defaultValue="" />
				<input type="hidden" name="lng" defaultValue="" />
				<p>{t('elders.home.lead')}</p>
				<noscript>
					<p>{t('elders.home.noScript')}</p>
				</noscript>
				<button type="submit" className="button secondary">
					{locatedAt ? t('elders.home.again') : t('elders.home.record')}
				</button>
			</Form>
			{geoError ? (
				<p role="alert" className="form-error">
					{t(geoError)}
				</p>
			) : null}
			<ErrorList errors={[...(fields.lat.errors ?? []), ...(fields.lng.errors ?? [])]} />
		</section>
	)
}
