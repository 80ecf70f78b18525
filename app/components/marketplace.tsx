import { Link, isRouteErrorResponse, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { TIME_ZONE } from '~/lib/time.ts'
import { FormSubmit } from './form-submit.tsx'
import { ActionForm, replyFieldErrors, useReplyForm } from './forms.tsx'

// Intl formatters are costly to build and a results page formats dozens of dates: one per locale.
const moments = new Map<string, Intl.DateTimeFormat>()

/** The one Money of the UI kit (app/components/ui.tsx). */
export { Money } from './ui.tsx'

export function When({ at }: { at: string | Date }) {
	const { i18n } = useTranslation()
	const date = typeof at === 'string' ? new Date(at) : at
	let f = moments.get(i18n.language)
	if (!f) moments.set(i18n.language, (f = new Intl.DateTimeFormat(i18n.language, { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' })))
	return <time dateTime={date.toISOString()}>{f.format(date)}</time>
}

export function StatusBadge({ status }: { status: string }) {
	const { t } = useTranslation('marketplace')
	return <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>
}

export function Stars({ value }: { value: number | null }) {
	const { t } = useTranslation('marketplace')
	if (value === null) return <span>{t('rating.none')}</span>
	return <span aria-label={t('rating.value', { value })}>{'★'.repeat(Math.round(value))}{'☆'.repeat(5 - Math.round(value))} {value}</span>
}

/** A one-button form for a state change, with its CSRF token and intent. */
export function IntentForm({ intent, label, reply, children, secondary }: { intent: string; label: string; reply: unknown; children?: ReactNode; secondary?: boolean }) {
	const [form] = useReplyForm(intent, reply)
	return (
		<ActionForm form={form} intent={intent} className="intent-form">
			{children}
			<FormSubmit form={form} errors={replyFieldErrors(reply, intent)} label={label} className={`button big${secondary ? ' secondary' : ''}`} />
		</ActionForm>
	)
}

/** Form-level error (an i18n key) shown as an alert. */
export function FormError({ error }: { error?: string | null }) {
	const { t } = useTranslation()
	if (!error) return null
	return (
		<p role="alert" className="form-error">
			{t(error)}
		</p>
	)
}

/** An offering limited to some communities says which ("仅限：龙泉社区、泉口社区"); nothing when it covers whole districts. */
export function CommunityLimit({ communities }: { communities: { nameZh: string; nameEn: string | null }[] }) {
	const { t, i18n } = useTranslation('marketplace')
	if (communities.length === 0) return null
	const zh = i18n.language === 'zh-CN'
	const names = communities.map((c) => (zh ? c.nameZh : (c.nameEn ?? c.nameZh))).join(zh ? '、' : ', ')
	return (
		<p className="community-limit" data-testid="community-limit">
			{t('area.onlyCommunities', { names })}
		</p>
	)
}

/** What a family sees instead of a suspended provider's page or booking form. */
export function ProviderSuspendedNotice() {
	const { t } = useTranslation('marketplace')
	return (
		<section className="card error-card" role="alert" data-testid="provider-suspended">
			<h1>{t('suspended.title')}</h1>
			<p>{t('suspended.body')}</p>
			<p>
				<Link to="/services" className="button secondary">
					{t('suspended.findOther')}
				</Link>
			</p>
		</section>
	)
}

/** The body of the 404 a suspended provider's page or offering answers with (see ProviderSuspendedNotice). */
export const PROVIDER_SUSPENDED = 'provider-suspended'

/** True inside an error boundary showing that 404. */
export function useProviderSuspendedError() {
	const error = useRouteError()
	return isRouteErrorResponse(error) && error.status === 404 && error.data === PROVIDER_SUSPENDED
}
