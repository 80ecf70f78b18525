import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field } from '~/components/forms.tsx'
import { FormMessage, Money } from '~/components/subsidy-ui.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, isCityWide, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { claimDecisionSchema } from '~/modules/subsidies/schemas.ts'
import { approveClaim, getClaim, rejectClaim } from '~/modules/subsidies/settlement.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff', ...BUREAU_ROLES])
	const claim = await getClaim(user, params.claimId ?? '')
	if (!claim) throw new Response('Not found', { status: 404 })
	const canApprove = (user.role === 'bureau_district' && user.districtId === claim.districtId) || isCityWide(user)
	return { claim, canApprove }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const submission = claimDecisionSchema.safeParse(Object.fromEntries(formData))
	if (!submission.success) return data({ formError: submission.error.issues[0]?.message ?? 'subsidies:errors.checkForm', done: null }, { status: 400 })
	const { intent, note } = submission.data
	const outcome = intent === 'reject' ? await rejectClaim(user, params.claimId ?? '', note, clientIp(request)) : await approveClaim(user, params.claimId ?? '', note, clientIp(request))
	if (!outcome.ok) return data({ formError: outcome.formError ?? null, done: null }, { status: outcome.status ?? 400 })
	return data({ formError: null, done: intent })
}

export default function ClaimPage() {
	const { claim, canApprove } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('subsidies')
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
			<FormMessage error={actionData?.formError} ok={actionData?.done === 'reject' ? t('claims.rejectedDone') : actionData?.done ? t('claims.approved') : null} />
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('claims.serviceDate')}</th>
							<th scope="col">{t('fields.elder')}</th>
							<th scope="col">{t('fields.category')}</th>
							<th scope="col">{t('claims.amount')}</th>
						</tr>
					</thead>
					<tbody>
						{claim.lines.map((l) => (
							<tr key={l.id} data-testid="claim-line">
								<th scope="row">{l.serviceDate}</th>
								<td>
									{l.elderName} <span className="mono">{l.elderIdMasked}</span>
								</td>
								<td>{t(`serviceCategories.${l.category}`, { defaultValue: l.category })}</td>
								<td><Money fen={l.amountFen} /></td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
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
				<Form method="post" className="grid-form">
					<AuthenticityTokenInput name="csrf" />
					<Field label={t('claims.noteOrReason')} inputProps={{ type: 'text', name: 'note', id: 'claim-note', maxLength: 500 }} />
					<button type="submit" name="intent" value="approve" className="button big" disabled={navigation.state === 'submitting'}>
						{t('claims.approve')}
					</button>
					<button type="submit" name="intent" value="reject" className="button big secondary" disabled={navigation.state === 'submitting'}>
						{t('claims.reject')}
					</button>
				</Form>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
