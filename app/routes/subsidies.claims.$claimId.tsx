import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DecisionForm, OrphanReplyErrors, replyValue, useReplyForm } from '~/components/forms.tsx'
import { FormMessage } from '~/components/subsidy-ui.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { BUREAU_ROLES, isCityWide, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { claimDecisionSchema } from '~/modules/subsidies/schemas.ts'
import { approveClaim, getClaim, rejectClaim } from '~/modules/subsidies/settlement.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff', ...BUREAU_ROLES])
	const claim = notFoundUnless(await getClaim(user, requireId(params, 'claimId')))
	const canApprove = (user.role === 'bureau_district' && user.districtId === claim.districtId) || isCityWide(user)
	return { claim, canApprove }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const claimId = requireId(params, 'claimId')
	const parsed = parseForm(await readProtectedForm(request), claimDecisionSchema, { form: 'claim' })
	if (!parsed.ok) return parsed.response
	const { intent, note } = parsed.value
	const outcome = intent === 'reject' ? await rejectClaim(user, claimId, note, clientIp(request)) : await approveClaim(user, claimId, note, clientIp(request))
	return replyOutcome(parsed, outcome.ok ? ok(intent) : outcome)
}

export default function ClaimPage() {
	const { claim, canApprove } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('subsidies')
	const [form, fields] = useReplyForm<'note' | 'intent'>('claim', reply)
	const done = replyValue<string>(reply, 'claim')
	return (
		<section className="card">
			<h1>{t('claims.detailTitle', { provider: claim.provider?.name ?? '', month: claim.month })}</h1>
			<p>
				{t('fields.status')}：<strong data-testid="claim-status">{t(`claimStatus.${claim.status}`)}</strong> · {t('claims.lines')}：{claim.lineCount} · {t('claims.total')}：
				<strong data-testid="claim-total">
					<Money fen={claim.totalFen} />
				</strong>
			</p>
			{claim.status === 'rejected' && claim.reviewNote ? (
				<p data-testid="claim-reject-reason">
					{t('claims.rejectReason')}：{claim.reviewNote}
				</p>
			) : null}
			<FormMessage ok={done === 'reject' ? t('claims.rejectedDone') : done ? t('claims.approved') : null} />
			{claim.status !== 'submitted' || !canApprove ? <OrphanReplyErrors reply={reply} formIds={[]} /> : null}
			<DataTable
				columns={[
					{ header: t('claims.serviceDate'), cell: (l) => l.serviceDate, rowHeader: true },
					{
						header: t('fields.elder'),
						cell: (l) => (
							<>
								{l.elderName} <span className="mono">{l.elderIdMasked}</span>
							</>
						),
					},
					{ header: t('fields.category'), cell: (l) => t(`serviceCategories.${l.category}`, { defaultValue: l.category }) },
					{ header: t('claims.amount'), cell: (l) => <Money fen={l.amountFen} /> },
				]}
				rows={claim.lines}
				rowKey={(l) => l.id}
				rowProps={() => ({ 'data-testid': 'claim-line' })}
			/>
			{claim.status === 'approved' ? (
				<p className="actions">
					<a href={`/subsidies/claims/${claim.id}/export?format=xlsx`} className="button big" download>
						{t('claims.exportXlsx')}
					</a>
					<a href={`/subsidies/claims/${claim.id}/export`} className="button big secondary" download>
						{t('claims.exportCsv')}
					</a>
				</p>
			) : null}
			{canApprove && claim.status === 'submitted' ? (
				<DecisionForm
					form={form}
					fields={fields}
					reason={{ name: 'note', label: t('claims.noteOrReason') }}
					decision="intent"
					choices={[
						{ value: 'approve', label: t('claims.approve') },
						{ value: 'reject', label: t('claims.reject'), tone: 'secondary' },
					]}
					disabled={navigation.state === 'submitting'}
				/>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
