import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { Money } from '~/components/allowance.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field } from '~/components/forms.tsx'
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
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: startRunSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	const outcome = await startRunByOfficer(user, submission.value.month, clientIp(request))
	if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: { month: [outcome.error] } }) }, { status: outcome.status })
	return redirect(`/bureau/allowance/runs/${outcome.value.runId}`)
}

export default function AllowanceRuns() {
	const { runs, canStart, isAdmin, currentMonth } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const [form, fields] = useForm({
		id: 'start-run',
		lastResult: actionData?.result,
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
					<Form method="post" {...getFormProps(form)} className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<Field label={t('runs.month')} hint={t('runs.monthHint')} errors={fields.month.errors} inputProps={{ ...getInputProps(fields.month, { type: 'text' }), inputMode: 'numeric', autoComplete: 'off' }} />
						<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
							{t('runs.start')}
						</button>
					</Form>
				) : null}
			</section>
			<section className="card">
				<div className="table-wrap">
					{runs.length === 0 ? (
						<p className="empty">{t('runs.none')}</p>
					) : (
						<table>
							<thead>
								<tr>
									<th scope="col">{t('runs.month')}</th>
									<th scope="col">{t('run.state')}</th>
									<th scope="col">{t('runs.payments')}</th>
									<th scope="col">{t('runs.total')}</th>
								</tr>
							</thead>
							<tbody>
								{runs.map((r) => (
									<tr key={r.id} data-run-status={r.status}>
										<td>
											<Link to={`/bureau/allowance/runs/${r.id}`} aria-label={t('runs.view', { month: r.month })}>
												{r.month}
											</Link>
										</td>
										<td>
											{t(`status.${r.status}`)}
											{r.status === 'computing' ? ` · ${t('runs.progress', { done: r.chunksDone, total: r.chunkCount })}` : ''}
										</td>
										<td>{r.paymentCount ?? '—'}</td>
										<td>
											<Money fen={r.totalFen} />
										</td>
									</tr>
								))}
							</tbody>
						</table>
					)}
				</div>
			</section>
			<section className="card">
				<h2>{t('runs.links')}</h2>
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
			</section>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
