import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { ImportReport } from '~/components/allowance.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { importCremationRecords } from '~/modules/allowance/people.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	await requireRole(request, ['bureau_city'])
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	const formData = await readProtectedForm(request)
	const file = formData.get('file')
	const outcome = await importCremationRecords(user, file instanceof File ? file : null, clientIp(request))
	if (!outcome.ok) return data({ error: outcome.error, report: null }, { status: outcome.status })
	return data({ error: null, report: outcome.value })
}

export default function CremationImport() {
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const report = actionData?.report
	return (
		<section className="card">
			<h1>{t('cremation.title')}</h1>
			<p className="lead" id="cremation-hint">
				{t('cremation.lead')}
			</p>
			<Form method="post" encType="multipart/form-data" className="grid-form">
				<AuthenticityTokenInput name="csrf" />
				<div className="field">
					<label htmlFor="cremation-file">{t('cremation.file')}</label>
					<input id="cremation-file" type="file" name="file" accept=".csv,text/csv" aria-describedby="cremation-hint" />
				</div>
				<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
					{t('cremation.import')}
				</button>
			</Form>
			{actionData?.error ? (
				<p className="form-error" role="alert">
					{t(actionData.error)}
				</p>
			) : null}
			{report ? (
				<>
					<h2>{t('cremation.report')}</h2>
					<ImportReport lines={report.lines} summary={t('import.summary', { matched: report.matched, unmatched: report.unmatched, rejected: report.rejected })} />
				</>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
