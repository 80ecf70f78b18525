import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, useReplyForm } from '~/components/forms.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
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

const prepareSchema = z.object({ month: monthSchema })

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const parsed = parseForm(await readProtectedForm(request), prepareSchema, { form: 'prepare-claim' })
	if (!parsed.ok) return parsed.response
	const outcome = await prepareClaim(user, parsed.value.month)
	return outcome.ok ? redirect(`/subsidies/claims/${outcome.value.claimId}`) : replyFailure(parsed, outcome)
}

export default function Claims() {
	const { claims, waiting, isProvider, month } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('subsidies')
	const [form, fields] = useReplyForm<'month'>('prepare-claim', reply)
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
				<ActionForm form={form} className="grid-form">
					<Field label={t('fields.month')} errors={fields.month.errors} inputProps={{ type: 'month', name: 'month', id: 'claim-month', defaultValue: month, required: true }} />
					<FormSubmit form={form} label={t('claims.prepare')} disabled={navigation.state === 'submitting'} />
				</ActionForm>
			) : null}
			<DataTable
				empty={t('claims.none')}
				columns={[
					{ header: t('fields.month'), cell: (c) => <Link to={`/subsidies/claims/${c.id}`}>{c.month}</Link>, rowHeader: true },
					{ header: t('fields.provider'), cell: (c) => c.providerName },
					{ header: t('fields.status'), cell: (c) => t(`claimStatus.${c.status}`) },
					{ header: t('claims.lines'), cell: (c) => c.lineCount },
					{ header: t('claims.total'), cell: (c) => <Money fen={c.totalFen} /> },
				]}
				rows={claims}
				rowKey={(c) => c.id}
				rowProps={() => ({ 'data-testid': 'claim-row' })}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
