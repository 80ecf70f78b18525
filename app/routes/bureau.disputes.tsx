import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DecisionForm, OrphanReplyErrors, useReplyForm } from '~/components/forms.tsx'
import { When } from '~/components/marketplace.tsx'
import { Pager } from '~/components/pager.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listDisputes, resolveDispute } from '~/modules/marketplace/disputes.server.ts'
import { resolveDisputeSchema } from '~/modules/marketplace/schemas.ts'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const page = Math.max(1, Number(new URL(request.url).searchParams.get('page')) || 1)
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
		<section>
			<h1>{t('bureau.disputesTitle')}</h1>
			<p>{t('bureau.disputesLead')}</p>
			<OrphanReplyErrors reply={reply} formIds={bookings.map((b) => `dispute-${b.id}`)} />
			{done ? (
				<p role="status" className="notice">
					{t(`bureau.disputeDone.${done}`)}
				</p>
			) : null}
			{bookings.length === 0 ? <p className="empty">{t('bureau.noDisputes')}</p> : null}
			<ul className="cards">
				{bookings.map((b) => (
					<li key={b.id} className="card">
						<h2>
							<Link to={`/bookings/${b.id}`}>{b.offering.title}</Link> · {b.provider.name}
						</h2>
						<p>
							{b.elder.name} · <When at={b.startsAt} />
						</p>
						<p>
							{t('bureau.disputeClaim')}: {b.statusReason ?? '—'}
						</p>
						<DisputeForm bookingId={b.id} reply={reply} />
					</li>
				))}
			</ul>
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}

function DisputeForm({ bookingId, reply }: { bookingId: string; reply: unknown }) {
	const { t } = useTranslation('marketplace')
	const navigation = useNavigation()
	const [form, fields] = useReplyForm<'reason'>(`dispute-${bookingId}`, reply)
	return (
		<DecisionForm
			form={form}
			fields={fields}
			reason={{ name: 'reason', label: t('bureau.disputeReason'), required: true }}
			decision="outcome"
			choices={[
				{ value: 'family', label: t('bureau.upholdFamily') },
				{ value: 'provider', label: t('bureau.upholdProvider'), tone: 'secondary' },
			]}
			disabled={navigation.state === 'submitting'}
		>
			<input type="hidden" name="bookingId" value={bookingId} />
		</DecisionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
