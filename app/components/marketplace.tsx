import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { formatFen } from '~/lib/money.ts'
import { formatShanghai } from '~/lib/time.ts'

export function Money({ fen }: { fen: number }) {
	const { i18n } = useTranslation()
	return <span className="money">{formatFen(fen, i18n.language)}</span>
}

export function When({ at }: { at: string | Date }) {
	const { i18n } = useTranslation()
	const date = typeof at === 'string' ? new Date(at) : at
	return <time dateTime={date.toISOString()}>{formatShanghai(date, i18n.language)}</time>
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
export function IntentForm({ intent, label, children, secondary }: { intent: string; label: string; children?: ReactNode; secondary?: boolean }) {
	return (
		<Form method="post" className="intent-form">
			<AuthenticityTokenInput name="csrf" />
			<input type="hidden" name="intent" value={intent} />
			{children}
			<button type="submit" className={`button big${secondary ? ' secondary' : ''}`}>
				{label}
			</button>
		</Form>
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
