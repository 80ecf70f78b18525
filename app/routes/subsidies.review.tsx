import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DecisionButtons, Field, SelectField } from '~/components/forms.tsx'
import { FormMessage, Money } from '~/components/subsidy-ui.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { communityQueue, communityReview } from '~/modules/subsidies/applications.server.ts'
import { communityReviewSchema } from '~/modules/subsidies/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['community_officer'])
	return { applications: await communityQueue(user), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['community_officer'])
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: communityReviewSchema })
	const applicationId = String(formData.get('applicationId') ?? '')
	if (submission.status !== 'success') return data({ applicationId, fieldErrors: submission.reply().error ?? {}, formError: 'subsidies:errors.checkForm', done: false }, { status: 400 })
	const outcome = await communityReview(user, submission.value, clientIp(request))
	if (!outcome.ok) return data({ applicationId, fieldErrors: outcome.fieldErrors, formError: outcome.formError ?? null, done: false }, { status: outcome.status ?? 400 })
	return data({ applicationId, fieldErrors: {}, formError: null, done: true })
}

export default function CommunityReview() {
	const { applications, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card">
			<h1>{t('review.title')}</h1>
			<p>{t('review.lead')}</p>
			{actionData?.done ? <FormMessage ok={t('review.done')} /> : null}
			{applications.length === 0 ? <p className="empty">{t('review.none')}</p> : null}
			{applications.map((a) => {
				const mine = actionData?.applicationId === a.id ? actionData : null
				const errors = (mine?.fieldErrors ?? {}) as Record<string, string[] | undefined>
				return (
					<article key={a.id} className="card" data-testid="review-item">
						<h2>
							{a.elder.name}（{a.elder.idNumberMasked}）· {zh ? a.policy.nameZh : a.policy.nameEn}
						</h2>
						<p>
							{t('fields.categories')}：{a.elder.categories.length ? a.elder.categories.map((c) => t(`elderCategories.${c}`)).join('、') : t('common.none')} · {t('fields.disability')}：{t(`disability.${a.elder.disabilityLevel}`)}
						</p>
						<p>
							{t('fields.householdSize')}：{a.householdSize} · {t('fields.householdIncome')}：<Money fen={a.householdIncomeFen} />
						</p>
						{a.statement ? <p>{a.statement}</p> : null}
						<FormMessage error={mine?.formError} />
						<Form method="post" className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="applicationId" value={a.id} />
							<SelectField
								label={t('fields.economicCheck')}
								errors={errors.economicCheckResult}
								selectProps={{ name: 'economicCheckResult', id: `check-${a.id}`, required: true }}
								placeholder={t('common.choose')}
								options={[
									{ value: 'pass', label: t('economicCheck.pass') },
									{ value: 'fail', label: t('economicCheck.fail') },
								]}
							/>
							<Field label={t('fields.economicCheckDate')} errors={errors.economicCheckDate} inputProps={{ type: 'date', name: 'economicCheckDate', id: `date-${a.id}`, max: today, defaultValue: today, required: true }} />
							<Field label={t('fields.communityNote')} errors={errors.note} inputProps={{ type: 'text', name: 'note', id: `note-${a.id}` }} />
							<div className="button-row">
								<DecisionButtons
									name="decision"
									choices={[{ value: 'approve', label: t('review.approve') }, { value: 'reject', label: t('review.reject'), tone: 'danger' }]}
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
