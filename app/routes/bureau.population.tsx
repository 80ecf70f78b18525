import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { districtChoices, listPopulation, savePopulation } from '~/modules/beds/indicators.server.ts'
import { populationSchema } from '~/modules/beds/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const [rows, districts] = await Promise.all([listPopulation(user), districtChoices(user)])
	return { rows, districts }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const parsed = parseForm(await readProtectedForm(request), populationSchema, { form: 'population' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await savePopulation(user, parsed.value, clientIp(request)))
}

export default function PopulationPage() {
	const { rows, districts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const name = new Map(districts.map((d) => [d.id, zh ? d.nameZh : d.nameEn]))
	const [form, fields] = useReplyForm<'districtId' | 'year' | 'aged60Plus' | 'aged80Plus'>('population', reply)
	return (
		<>
			<section className="card">
				<h1>{t('population.title')}</h1>
				<p className="hint">{t('population.hint')}</p>
				{replyDone(reply) ? <Notice>{t('common.saved')}</Notice> : null}
				<ActionForm form={form} className="grid-form">
					<SelectField label={t('fields.district')} errors={fields.districtId.errors} selectProps={{ name: 'districtId', required: true }} placeholder={t('common.choose')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
					<Field label={t('fields.year')} errors={fields.year.errors} inputProps={{ name: 'year', type: 'number', inputMode: 'numeric', required: true }} />
					<Field label={t('fields.aged60Plus')} errors={fields.aged60Plus.errors} inputProps={{ name: 'aged60Plus', type: 'number', inputMode: 'numeric', required: true }} />
					<Field label={t('fields.aged80Plus')} errors={fields.aged80Plus.errors} inputProps={{ name: 'aged80Plus', type: 'number', inputMode: 'numeric', required: true }} />
					<FormErrors form={form} />
					<button type="submit" className="button big">{t('population.save')}</button>
				</ActionForm>
			</section>
			<section className="card">
				<DataTable
					columns={[
						{ header: t('fields.year'), cell: (r) => r.year },
						{ header: t('fields.district'), cell: (r) => name.get(r.districtId) ?? r.districtId },
						{ header: t('fields.aged60Plus'), cell: (r) => r.aged60Plus.toLocaleString() },
						{ header: t('fields.aged80Plus'), cell: (r) => r.aged80Plus.toLocaleString() },
					]}
					rows={rows}
					rowKey={(r) => `${r.districtId}-${r.year}`}
				/>
			</section>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
