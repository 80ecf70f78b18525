import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field } from '~/components/forms.tsx'
import { FormMessage, Money } from '~/components/subsidy-ui.tsx'
import { shanghaiMonth } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { flaggedWaiting, listClaims, monthSchema, prepareClaim } from '~/modules/subsidies/settlement.server.ts'

const ROLES = ['provider_staff', 'bureau_district', 'bureau_city', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const [claims, waiting] = await Promise.all([listClaims(user), flaggedWaiting(user)])
	return { claims, waiting, isProvider: user.role === 'provider_staff', month: shanghaiMonth() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const formData = await readProtectedForm(request)
	const month = monthSchema.safeParse(formData.get('month'))
	if (!month.success) return data({ formError: 'subsidies:errors.month', fieldErrors: { month: ['subsidies:errors.month'] } }, { status: 400 })
	const outcome = await prepareClaim(user, month.data)
	if (!outcome.ok) return data({ formError: outcome.formError ?? null, fieldErrors: outcome.fieldErrors }, { status: outcome.status ?? 400 })
	return redirect(`/subsidies/claims/${outcome.value.claimId}`)
}

export default function Claims() {
	const { claims, waiting, isProvider, month } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('subsidies')
	return (
		<section className="card">
			<h1>{t('claims.title')}</h1>
			<p>{t('claims.lead')}</p>
			{waiting ? (
				<p className="notice" data-testid="flagged-waiting">
					{t('claims.flaggedWaiting', { count: waiting })}
				</p>
			) : null}
			{isProvider ? (
				<>
					<FormMessage error={actionData?.formError} />
					<Form method="post" className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<Field label={t('fields.month')} errors={actionData?.fieldErrors?.month} inputProps={{ type: 'month', name: 'month', id: 'claim-month', defaultValue: month, required: true }} />
						<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
							{t('claims.prepare')}
						</button>
					</Form>
				</>
			) : null}
			{claims.length === 0 ? <p className="empty">{t('claims.none')}</p> : null}
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('fields.month')}</th>
							<th scope="col">{t('fields.provider')}</th>
							<th scope="col">{t('fields.status')}</th>
							<th scope="col">{t('claims.lines')}</th>
							<th scope="col">{t('claims.total')}</th>
						</tr>
					</thead>
					<tbody>
						{claims.map((c) => (
							<tr key={c.id} data-testid="claim-row">
								<th scope="row">
									<Link to={`/subsidies/claims/${c.id}`}>{c.month}</Link>
								</th>
								<td>{c.providerName}</td>
								<td>{t(`claimStatus.${c.status}`)}</td>
								<td>{c.lineCount}</td>
								<td><Money fen={c.totalFen} /></td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
