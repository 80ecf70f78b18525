import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { When } from '~/components/marketplace.tsx'
import { ReplyDecisionForm } from '~/components/reply-decision-form.tsx'
import { ReviewQueue } from '~/components/review-queue.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { fail, ok } from '~/lib/outcome.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { visitReviewSchema } from '~/modules/marketplace/schemas.ts'
import { listFlaggedVisits, reviewVisit } from '~/modules/marketplace/visits.server.ts'
import { pageParam } from '~/lib/query.ts'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const page = pageParam(new URL(request.url).searchParams)
	return { ...(await listFlaggedVisits(user, { page })), page }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, visitReviewSchema, { form: `visit-${formData.get('visitId')}` })
	if (!parsed.ok) return parsed.response
	const { visitId, decision, note } = parsed.value
	const found = await reviewVisit(user, visitId, decision === 'accept', note, clientIp(request))
	return replyOutcome(parsed, found ? ok() : fail('marketplace:errors.visit.notFound', 404))
}

export default function FlaggedVisits() {
	const { visits, hasMore, page } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('marketplace')
	return (
		<ReviewQueue title={t('bureau.visitsTitle')} lead={t('bureau.visitsLead')} rows={visits} formId={(v) => `visit-${v.id}`} empty={t('bureau.noVisits')} page={page} hasMore={hasMore}>
			{(v) => (
				<>
					<h2>
						<Link to={`/bookings/${v.booking.id}`}>{v.booking.offering.title}</Link> · {v.booking.provider.name}
					</h2>
					<p>
						{v.booking.elder.name} · {v.caregiver.name} · <When at={v.checkInAt} /> – {v.checkOutAt ? <When at={v.checkOutAt} /> : '—'}
					</p>
					<p>
						{t('visit.flagged')}: {v.flags.map((f) => t(`visit.flag.${f}`)).join('、')}
					</p>
					<ReplyDecisionForm id={`visit-${v.id}`} reply={reply} hidden={{ visitId: v.id }} reason={{ name: 'note', label: t('bureau.visitNote') }} decision="decision" choices={[{ value: 'accept', label: t('bureau.acceptVisit') }, { value: 'reject', label: t('bureau.rejectVisit'), tone: 'secondary' }]} />
				</>
			)}
		</ReviewQueue>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
