// The assessor's page: find the elder in front of them by identity number, and the open
// re-assessment requests of their organisation's area (or, for a permitted community officer, their community).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, useReplyForm } from '~/components/forms.tsx'
import { TitledTable } from '~/components/titled-table.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { assessorWorklist, findElderToAssess } from '~/modules/assessment/assessments.server.ts'

const ROLES = ['assessor', 'community_officer'] as const
const findSchema = z.object({ idNumber: z.string({ error: 'errors.required' }).trim().min(1, 'errors.required').max(18, 'errors.idNumber.length') })

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	return assessorWorklist(user)
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const parsed = parseForm(await readProtectedForm(request), findSchema, { form: 'find' })
	if (!parsed.ok) return parsed.response
	const found = await findElderToAssess(user, parsed.value.idNumber)
	if (!found.ok) return replyFailure(parsed, found)
	return redirect(`/elders/${found.value.elderId}/assessment`)
}

export default function Assessments() {
	const { requests, mine } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<'idNumber'>('find', reply)
	return (
		<section className="card">
			<h1>{t('assessment.assess')}</h1>
			<ActionForm form={form} intent="find" className="grid-form">
				<Field label={t('common:fields.idNumber')} errors={fields.idNumber.errors} inputProps={{ id: 'find-id', name: 'idNumber', required: true, maxLength: 18, autoComplete: 'off' }} />
				<FormSubmit form={form} label={t('assessment.assess')} />
			</ActionForm>
			<TitledTable
				title={t('assessment.request')}
				empty={t('review.empty')}
				columns={[
					{ header: t('review.community'), cell: (r) => r.communityName ?? '—' },
					{ header: t('review.elder'), cell: (r) => <Link to={`/elders/${r.elderId}/assessment`}>{r.elderName}</Link> },
					{ header: t('fields.reason'), cell: (r) => r.reason },
				]}
				rows={requests}
				rowKey={(r) => r.id}
			/>
			<TitledTable
				title={t('assessment.history')}
				empty={t('assessment.empty')}
				columns={[
					{ header: t('review.elder'), cell: (a) => <Link to={`/elders/${a.elderId}/assessment`}>{a.elderName}</Link> },
					{ header: t('fields.assessedOn'), cell: (a) => a.assessedOn },
					{ header: t('assessment.level'), cell: (a) => t(`levels.${a.level}`) },
					{ header: t('assessment.total'), cell: (a) => a.total ?? '—' },
				]}
				rows={mine}
				rowKey={(a) => a.id}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
