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
import { listNotifications, markAllRead } from '~/modules/messaging/notify.server.ts'
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

/** Where a notification's "open" link leads: the page the reader acts on. */
function linkOf(kind: string, params: Record<string, string | number>, bookingId: string | null): string | null {
	const id = (key: string) => (typeof params[key] === 'string' && params[key] ? (params[key] as string) : null)
	if (bookingId) return `/bookings/${bookingId}`
	if (kind === 'registry.claim_requested') return '/elders/claims'
	if (kind === 'rights.requested' || kind === 'rights.due_soon' || kind === 'rights.overdue') return '/registry/requests'
	if (kind.startsWith('rights.')) return '/account/requests'
	if (kind === 'subsidy.review_due') return '/subsidies/due-process'
	if (id('claimId')) return `/subsidies/claims/${id('claimId')}`
	if (id('statementId')) return `/operating-subsidy/${id('statementId')}`
	// A family's application, its notice and appeals: the family's subsidy page lists them.
	if (kind.startsWith('subsidy.') && id('applicationId')) return '/subsidies'
	if (kind.startsWith('appeal.')) return '/subsidies/appeals'
	if (id('elderId')) return `/elders/${id('elderId')}`
	return null
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
					const link = linkOf(n.kind, params, n.bookingId)
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
								{link ? (
									<>
										{' · '}
										<Link to={link}>{t('notifications.open')}</Link>
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
