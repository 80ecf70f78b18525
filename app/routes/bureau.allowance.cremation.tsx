import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ImportReport } from '~/components/allowance.tsx'
import { CsvUploadForm } from '~/components/csv-upload.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { replyValue, useReplyForm } from '~/components/forms.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { readCsvForm, type LineReport } from '~/modules/allowance/csv.server.ts'
import { importCremationRecords } from '~/modules/allowance/people.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	await requireRole(request, ['bureau_city'])
	return null
}

const noFields = z.object({})

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	// The file is parsed as it streams in, never read whole (csv.server.ts).
	const { fields, csv } = await readCsvForm(request)
	const parsed = parseForm(fields, noFields, { form: 'cremation' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await importCremationRecords(user, csv, clientIp(request)))
}

export default function CremationImport() {
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const [form] = useReplyForm('cremation', reply)
	const report = replyValue<{ lines: LineReport[]; matched: number; unmatched: number; rejected: number }>(reply, 'cremation')
	return (
		<section className="card">
			<h1>{t('cremation.title')}</h1>
			<p className="lead" id="cremation-hint">
				{t('cremation.lead')}
			</p>
			<CsvUploadForm form={form} id="cremation" name="file" label={t('cremation.file')} submit={t('cremation.import')} disabled={navigation.state === 'submitting'} />
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
