import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { ReplyDecisionForm } from '~/components/reply-decision-form.tsx'
import { ReviewQueue } from '~/components/review-queue.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listDisputes, resolveDispute } from '~/modules/marketplace/disputes.server.ts'
import { resolveDisputeSchema } from '~/modules/marketplace/schemas.ts'
import { pageParam } from '~/lib/query.ts'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const page = pageParam(new URL(request.url).searchParams)
	return { ...(await listDisputes(user, { page })), page }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, resolveDisputeSchema, { form: `dispute-${formData.get('bookingId')}` })
	if (!parsed.ok) return parsed.response
	const { bookingId, outcome, reason } = parsed.value
	const result = await resolveDispute(user, bookingId, outcome, reason, clientIp(request))
	return replyOutcome(parsed, result.ok ? ok(outcome) : result)
}

export default function Disputes() {
	const { bookings, hasMore, page } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('marketplace')
	const done = reply && 'value' in reply ? reply.value : undefined
	return (
		<ReviewQueue
			title={t('bureau.disputesTitle')}
			lead={t('bureau.disputesLead')}
			rows={bookings}
			formId={(b) => `dispute-${b.id}`}
			empty={t('bureau.noDisputes')}
			notice={done ? <Notice>{t(`bureau.disputeDone.${done}`)}</Notice> : null}
			page={page}
			hasMore={hasMore}
		>
			{(b) => (
				<>
					<h2>
						<Link to={`/bookings/${b.id}`}>{b.offering.title}</Link> · {b.provider.name}
					</h2>
					<p>
						{b.elder.name} · <When at={b.startsAt} />
					</p>
					<p>
						{t('bureau.disputeClaim')}: {b.statusReason ?? '—'}
					</p>
					<ReplyDecisionForm id={`dispute-${b.id}`} reply={reply} hidden={{ bookingId: b.id }} reason={{ name: 'reason', label: t('bureau.disputeReason'), required: true }} decision="outcome" choices={[{ value: 'family', label: t('bureau.upholdFamily') }, { value: 'provider', label: t('bureau.upholdProvider'), tone: 'secondary' }]} />
				</>
			)}
		</ReviewQueue>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
