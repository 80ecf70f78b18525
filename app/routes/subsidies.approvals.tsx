import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DecisionButtons, Field } from '~/components/forms.tsx'
import { FormMessage, Money } from '~/components/subsidy-ui.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, isCityWide, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { bureauDecide, bureauQueue } from '~/modules/subsidies/applications.server.ts'
import { bureauDecisionSchema } from '~/modules/subsidies/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { applications: await bureauQueue(user), canOverride: isCityWide(user) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: bureauDecisionSchema })
	const applicationId = String(formData.get('applicationId') ?? '')
	if (submission.status !== 'success') return data({ applicationId, fieldErrors: submission.reply().error ?? {}, formError: 'subsidies:errors.checkForm', done: null }, { status: 400 })
	const outcome = await bureauDecide(user, submission.value, clientIp(request))
	if (!outcome.ok) return data({ applicationId, fieldErrors: outcome.fieldErrors, formError: outcome.formError ?? null, done: null }, { status: outcome.status ?? 400 })
	return data({ applicationId, fieldErrors: {}, formError: null, done: submission.value.decision })
}

export default function BureauApprovals() {
	const { applications, canOverride } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card">
			<h1>{t('approvals.title')}</h1>
			<p>{t('approvals.lead')}</p>
			{actionData?.done ? <FormMessage ok={t(`approvals.done.${actionData.done}`)} /> : null}
			{applications.length === 0 ? <p className="empty">{t('approvals.none')}</p> : null}
			{applications.map((a) => {
				const mine = actionData?.applicationId === a.id ? actionData : null
				const errors = (mine?.fieldErrors ?? {}) as Record<string, string[] | undefined>
				return (
					<article key={a.id} className="card" data-testid="approval-item">
						<h2>
							{a.elder.name}（{a.elder.idNumberMasked}）· {zh ? a.policy.nameZh : a.policy.nameEn}
						</h2>
						<p>
							{t('fields.economicCheck')}：{a.economicCheckResult ? t(`economicCheck.${a.economicCheckResult}`) : '—'}（{a.economicCheckDate}）
							{a.communityNote ? ` · ${a.communityNote}` : ''}
						</p>
						<p>
							{t('fields.monthlyCredit')}：<Money fen={a.policyVersion.monthlyCreditFen} /> · {t('fields.copay')}：{a.policyVersion.copayBps / 100}%
						</p>
						<FormMessage error={mine?.formError} />
						<Form method="post" className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="applicationId" value={a.id} />
							<Field label={t('fields.reason')} hint={t('hints.reason')} errors={errors.reason} inputProps={{ type: 'text', name: 'reason', id: `reason-${a.id}` }} />
							{canOverride ? (
								<>
									<label className="checkbox">
										<input type="checkbox" name="override" id={`override-${a.id}`} />
										{t('fields.override')}
									</label>
									<Field label={t('fields.overrideReason')} errors={errors.overrideReason} inputProps={{ type: 'text', name: 'overrideReason', id: `override-reason-${a.id}` }} />
								</>
							) : null}
							<div className="button-row">
								<DecisionButtons
									name="decision"
									choices={[{ value: 'approve', label: t('approvals.approve') }, { value: 'reject', label: t('approvals.reject'), tone: 'danger' }]}
									disabled={navigation.state === 'submitting'}
								/>
							</div>
						</Form>
					</article>
				)
			})}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
