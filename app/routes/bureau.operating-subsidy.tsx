import { getInputProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyDone, useReplyForm } from '~/components/forms.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { monthQuerySchema, requestMonthSchema } from '~/modules/operating-subsidy/schemas.ts'
import { listStatements, requestMonth } from '~/modules/operating-subsidy/statements.server.ts'

// The month's operating subsidy statements (运营补贴) in the officer's scope: district officers review
// their district's, city officers approve and may ask for an ended month to be computed now.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const asked = monthQuerySchema.safeParse(new URL(request.url).searchParams.get('month'))
	const month = asked.success ? asked.data : addMonths(shanghaiMonth(), -1)
	const statements = await listStatements(user, month)
	return { month, statements, isCity: user.role === 'bureau_city', total: statements.reduce((a, s) => a + s.totalFen, 0), approved: statements.filter((s) => s.status === 'approved').length }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const parsed = parseForm(await readProtectedForm(request), requestMonthSchema, { form: 'operating-month' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await requestMonth(user, parsed.value.month, clientIp(request)))
}

export default function BureauOperatingSubsidyPage() {
	const { month, statements, isCity, total, approved } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'month'>('operating-month', reply)
	return (
		<section className="card">
			<h1>{t('operating.title')}</h1>
			<p>{t('operating.intro')}</p>
			<p>
				<Link to="/bureau/operating-subsidy/rates">{t('operating.ratesLink')}</Link>
			</p>
			<Form method="get" className="inline-form">
				<label htmlFor="operating-month-view">{t('operating.month')}</label>
				<input id="operating-month-view" name="month" type="month" defaultValue={month} />
				<button type="submit" className="button secondary">
					{t('operating.show')}
				</button>
			</Form>
			<p>
				{t('operating.summary', { count: statements.length, approved })} · {t('operating.total')}：
				<strong data-testid="operating-total">
					<Money fen={total} />
				</strong>
			</p>
			<DataTable
				caption={t('operating.listCaption', { month })}
				empty={t('operating.empty')}
				columns={[
					{ header: t('operating.institution'), cell: (s) => <Link to={`/operating-subsidy/${s.id}`}>{s.providerName}</Link>, rowHeader: true },
					{ header: t('operating.grade'), cell: (s) => (s.grade ? t('operating.stars', { count: s.grade }) : t('operating.ungraded')) },
					{ header: t('operating.bedDays'), cell: (s) => s.bedDays, numeric: true },
					{ header: t('operating.amount'), cell: (s) => <Money fen={s.totalFen} />, numeric: true },
					{ header: t('operating.status'), cell: (s) => t(`operating.statuses.${s.status}`) },
				]}
				rows={statements}
				rowKey={(s) => s.id}
				rowProps={() => ({ 'data-testid': 'operating-statement' })}
			/>
			{approved > 0 ? (
				<p className="actions">
					<a href={`/bureau/operating-subsidy/export?month=${month}&format=xlsx`} className="button" download>
						{t('operating.exportXlsx')}
					</a>
					<a href={`/bureau/operating-subsidy/export?month=${month}&format=csv`} className="button secondary" download>
						{t('operating.exportCsv')}
					</a>
				</p>
			) : null}
			{isCity ? (
				<ActionForm form={form} className="grid-form">
					<h2>{t('operating.computeTitle')}</h2>
					<p className="hint">{t('operating.computeHint')}</p>
					<Field label={t('operating.month')} errors={fields.month.errors} inputProps={{ ...getInputProps(fields.month, { type: 'month' }), required: true }} />
					<FormErrors form={form} />
					{replyDone(reply, 'operating-month') ? <p className="notice">{t('operating.queued')}</p> : null}
					<button type="submit" className="button">
						{t('operating.compute')}
					</button>
				</ActionForm>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
