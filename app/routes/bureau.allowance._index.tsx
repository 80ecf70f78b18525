import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyFor } from '~/components/forms.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import { listRuns, startRunByOfficer } from '~/modules/allowance/runs.server.ts'
import { startRunSchema } from '~/modules/allowance/schemas.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { runs: await listRuns(), canStart: user.role === 'bureau_city', isAdmin: user.role === 'admin', currentMonth: shanghaiMonth() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	const parsed = parseForm(await readProtectedForm(request), startRunSchema, { form: 'start-run' })
	if (!parsed.ok) return parsed.response
	const outcome = await startRunByOfficer(user, parsed.value.month, clientIp(request))
	return outcome.ok ? redirect(`/bureau/allowance/runs/${outcome.value.runId}`) : replyFailure(parsed, outcome, undefined, 'month')
}

export default function AllowanceRuns() {
	const { runs, canStart, isAdmin, currentMonth } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const [form, fields] = useForm({
		id: 'start-run',
		lastResult: replyFor(reply, 'start-run'),
		defaultValue: { month: currentMonth },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: startRunSchema }),
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			<section className="card">
				<h1>{t('runs.title')}</h1>
				<p className="lead">{t('runs.lead')}</p>
				{canStart ? (
					<ActionForm form={form} className="grid-form">
						<Field label={t('runs.month')} hint={t('runs.monthHint')} errors={fields.month.errors} inputProps={{ ...getInputProps(fields.month, { type: 'text' }), inputMode: 'numeric', autoComplete: 'off' }} />
						<FormSubmit form={form} label={t('runs.start')} disabled={navigation.state === 'submitting'} />
					</ActionForm>
				) : null}
			</section>
			<section className="card">
				<DataTable
					empty={t('runs.none')}
					columns={[
						{
							header: t('runs.month'),
							cell: (r) => (
								<Link to={`/bureau/allowance/runs/${r.id}`} aria-label={t('runs.view', { month: r.month })}>
									{r.month}
								</Link>
							),
						},
						{ header: t('run.state'), cell: (r) => `${t(`status.${r.status}`)}${r.status === 'computing' ? ` · ${t('runs.progress', { done: r.chunksDone, total: r.chunkCount })}` : ''}` },
						{ header: t('runs.payments'), cell: (r) => r.paymentCount ?? '—' },
						{ header: t('runs.total'), cell: (r) => <Money fen={r.totalFen} /> },
					]}
					rows={runs}
					rowKey={(r) => r.id}
					rowProps={(r) => ({ 'data-run-status': r.status })}
				/>
			</section>
			<CardSection title={t('runs.links')}>
				<ul className="link-list">
					<li>
						<Link to="/bureau/allowance/settings">{t('runs.settings')}</Link>
					</li>
					<li>
						<Link to="/bureau/allowance/cremation">{t('runs.cremation')}</Link>
					</li>
					<li>
						<Link to="/bureau/allowance/recoveries">{t('runs.recoveries')}</Link>
					</li>
					{isAdmin ? (
						<li>
							<a href="/admin/queues">{t('runs.queueDashboard')}</a>
						</li>
					) : null}
				</ul>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
