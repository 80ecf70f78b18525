// The city bureau corrects the capability-assessment scoring table: a new version (JSON, checked
// before it is stored), effective from a day; assessments keep the version they were scored with.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyValue, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { isRealDate, shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { publishScale, scaleOn } from '~/modules/assessment/assessments.server.ts'

const ROLES = ['bureau_city', 'admin'] as const
const schema = z.object({
	effectiveFrom: z.string({ error: 'statuses:errors.date.invalid' }).trim().refine(isRealDate, 'statuses:errors.date.invalid'),
	table: z
		.string({ error: 'statuses:errors.scale.invalid' })
		.max(100_000, 'statuses:errors.tooLong')
		.transform((v, ctx) => {
			try {
				return JSON.parse(v) as unknown
			} catch {
				ctx.addIssue({ code: 'custom', message: 'statuses:errors.scale.invalid' })
				return z.NEVER
			}
		}),
	note: z
		.string()
		.trim()
		.max(200, 'statuses:errors.tooLong')
		.optional()
		.transform((v) => v || null),
})

export async function loader({ request }: LoaderFunctionArgs) {
	await requireRole(request, ROLES)
	const scale = await scaleOn(shanghaiDate())
	return { version: scale.version, table: JSON.stringify(scale.table, null, 1), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const parsed = parseForm(await readProtectedForm(request), schema, { form: 'scale' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await publishScale(user, parsed.value, clientIp(request)))
}

export default function AssessmentScale() {
	const { version, table, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<'effectiveFrom' | 'table' | 'note'>('scale', reply)
	const published = replyValue<{ version: number }>(reply, 'scale')
	return (
		<section className="card">
			<h1>{t('scale.title', { version })}</h1>
			<p>{t('scale.intro')}</p>
			{published ? <Notice>{t('scale.published', { version: published.version })}</Notice> : null}
			<ActionForm form={form} intent="scale" className="grid-form">
				<Field label={t('scale.effectiveFrom')} errors={fields.effectiveFrom.errors} inputProps={{ id: 'scale-from', name: 'effectiveFrom', type: 'date', required: true, defaultValue: today }} />
				<TextareaField label={t('scale.table')} errors={fields.table.errors} textareaProps={{ id: 'scale-table', name: 'table', required: true, rows: 20, defaultValue: table, className: 'mono' }} />
				<Field label={t('fields.note')} errors={fields.note.errors} inputProps={{ id: 'scale-note', name: 'note', maxLength: 200 }} />
				<FormSubmit form={form} label={t('scale.publish')} className="button" />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
