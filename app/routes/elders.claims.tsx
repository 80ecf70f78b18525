import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { OrphanReplyErrors } from '~/components/forms.tsx'
import { When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { ReplyDecisionForm } from '~/components/reply-decision-form.tsx'
import { Facts } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { CLAIM_DECIDER_ROLES, decideClaim, listPendingClaims } from '~/modules/elders/claims.server.ts'
import { decideClaimSchema } from '~/modules/elders/schemas.ts'

// Families asking to be linked to an elder already in the registry; an officer in scope decides.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, CLAIM_DECIDER_ROLES)
	return { claims: await listPendingClaims(user) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, CLAIM_DECIDER_ROLES)
	const formData = await readProtectedForm(request)
	return answerForm(formData, decideClaimSchema, (value) => decideClaim(user, value, clientIp(request)), { form: `claim-${formData.get('claimId')}` })
}

export default function Claims() {
	const { claims } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const done = reply && 'value' in reply ? reply.value : undefined
	return (
		<section>
			<h1>{t('claims.title')}</h1>
			<p>{t('claims.lead')}</p>
			<OrphanReplyErrors reply={reply} formIds={claims.map((c) => `claim-${c.id}`)} />
			{typeof done === 'string' ? <Notice>{t(`claims.done.${done}`)}</Notice> : null}
			<Cards items={claims} empty={t('claims.none')} itemKey={(c) => c.id} itemProps={() => ({ 'data-testid': 'claim' })}>
				{(c) => (
					<>
						<h2>
							<Link to={`/elders/${c.elder.id}`}>{c.elder.name}</Link>
						</h2>
						<Facts
							items={[
								[t('fields.idNumber'), c.elder.idNumberMasked, { className: 'mono' }],
								[t('claims.family'), `${c.user.name} · ${c.user.phone}`],
								[t('fields.relationship'), t(`relationships.${c.relationship}`)],
								[t('claims.typedName'), c.typedName],
								[t('claims.linkedFamilies'), String(c.elder._count.families)],
								[t('claims.requestedAt'), <When key="at" at={c.createdAt} />],
							]}
						/>
						<ClaimForm claimId={c.id} reply={reply} />
					</>
				)}
			</Cards>
		</section>
	)
}

function ClaimForm({ claimId, reply }: { claimId: string; reply: unknown }) {
	const { t } = useTranslation()
	return (
		<ReplyDecisionForm
			id={`claim-${claimId}`}
			reply={reply}
			hidden={{ claimId }}
			reason={{ name: 'reason', label: t('claims.reason'), hint: t('claims.reasonHint') }}
			decision="decision"
			choices={[
				{ value: 'confirm', label: t('claims.confirm') },
				{ value: 'refuse', label: t('claims.refuse'), tone: 'danger' },
			]}
		/>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
