import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { IntentForm, When } from '~/components/marketplace.tsx'
import { Pager } from '~/components/pager.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { ok } from '~/lib/outcome.ts'
import { formatDay } from '~/lib/time.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listNotifications, markAllRead } from '~/modules/marketplace/notify.server.ts'
import { pageParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const page = pageParam(new URL(request.url).searchParams)
	return { ...(await listNotifications(user, { page })), page }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const parsed = parseForm(await readProtectedForm(request), z.object({}), { form: 'read' })
	if (!parsed.ok) return parsed.response
	await markAllRead(user)
	return replyOutcome(parsed, ok())
}

export default function Notifications() {
	const { items, hasMore, page } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('marketplace')
	return (
		<section>
			<div className="title-row">
				<h1>{t('notifications.title')}</h1>
				{items.some((i) => !i.readAt) ? <IntentForm reply={reply} intent="read" label={t('notifications.markRead')} secondary /> : null}
			</div>
			<Cards items={items} empty={t('notifications.none')} itemKey={(n) => n.id} itemProps={(n) => ({ 'data-unread': n.readAt ? undefined : 'true' })}>
				{(n) => {
					const params = (n.params ?? {}) as Record<string, string | number>
					return (
						<>
							<p>
								{n.readAt ? null : <strong>{t('notifications.new')} · </strong>}
								{n.kind.startsWith('subsidy.')
									? t(`subsidies:notices.${n.kind.slice('subsidy.'.length)}`, { ...params, reason: params.reason ?? params.note ?? '' })
									: t(`notify.${n.kind}`, { ...params, day: typeof params.day === 'string' ? formatDay(params.day, i18n.language) : '', amount: typeof params.amountFen === 'number' ? (params.amountFen / 100).toFixed(2) : '' })}
							</p>
							<p>
								<When at={n.createdAt} />
								{n.bookingId ? (
									<>
										{' · '}
										<Link to={`/bookings/${n.bookingId}`}>{t('notifications.open')}</Link>
									</>
								) : n.kind.startsWith('rights.') ? (
									<>
										{' · '}
										<Link to={n.kind === 'rights.requested' ? '/registry/requests' : '/account/requests'}>{t('notifications.open')}</Link>
									</>
								) : n.kind === 'registry.claim_requested' ? (
									<>
										{' · '}
										<Link to="/elders/claims">{t('notifications.open')}</Link>
									</>
								) : typeof params.statementId === 'string' ? (
									<>
										{' · '}
										<Link to={`/operating-subsidy/${params.statementId}`}>{t('notifications.open')}</Link>
									</>
								) : typeof params.elderId === 'string' ? (
									<>
										{' · '}
										<Link to={`/elders/${params.elderId}`}>{t('notifications.open')}</Link>
									</>
								) : null}
							</p>
						</>
					)
				}}
			</Cards>
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
