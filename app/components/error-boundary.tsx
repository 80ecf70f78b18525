import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

type StatusHandler = (info: { error: { status: number; data: unknown } }) => ReactNode

/** The one error boundary every route exports, with a readable message per status. */
export function GeneralErrorBoundary({ statusHandlers }: { statusHandlers?: Record<number, StatusHandler> }) {
	const error = useRouteError()
	const { t } = useTranslation()
	if (typeof document !== 'undefined' && !isRouteErrorResponse(error)) console.error(error)
	let title = t('errorPage.unexpected')
	let detail: ReactNode = null
	if (isRouteErrorResponse(error)) {
		const custom = statusHandlers?.[error.status]
		if (custom) return <section className="card error-card">{custom({ error })}</section>
		title =
			error.status === 404
				? t('errorPage.notFound')
				: error.status === 403
					? t('errorPage.forbidden')
					: error.status === 429
						? t('errorPage.tooMany')
						: error.status === 503
							? t('errorPage.unavailable')
							: t('errorPage.status', { status: error.status })
		if (typeof error.data === 'string' && error.data) detail = error.data
	}
	return (
		<section className="card error-card" role="alert">
			<h1>{title}</h1>
			{detail ? <p>{detail}</p> : null}
			<p>
				<Link to="/" className="button secondary">
					{t('errorPage.home')}
				</Link>
			</p>
		</section>
	)
}
