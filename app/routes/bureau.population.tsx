import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { parseForm, replyTo } from '~/modules/beds/form.server.ts'
import { districtChoices, listPopulation, savePopulation } from '~/modules/beds/indicators.server.ts'
import { populationSchema } from '~/modules/beds/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const [rows, districts] = await Promise.all([listPopulation(user), districtChoices(user)])
	return { rows, districts }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, populationSchema, 'population')
	if (!parsed.ok) return parsed.response
	return replyTo('population', await savePopulation(user, parsed.value, clientIp(request)))
}

export default function PopulationPage() {
	const { rows, districts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const name = new Map(districts.map((d) => [d.id, zh ? d.nameZh : d.nameEn]))
	const errs = (f: string) => reply?.fieldErrors[f]
	return (
		<>
			<section className="card">
				<h1>{t('population.title')}</h1>
				<p className="hint">{t('population.hint')}</p>
				{reply?.ok ? (
					<p className="notice" role="status">
						{t('common.saved')}
					</p>
				) : null}
				<Form method="post" className="grid-form">
					<AuthenticityTokenInput name="csrf" />
					<SelectField label={t('fields.district')} errors={errs('districtId')} selectProps={{ name: 'districtId', required: true }} placeholder={t('common.choose')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
					<Field label={t('fields.year')} errors={errs('year')} inputProps={{ name: 'year', type: 'number', inputMode: 'numeric', required: true }} />
					<Field label={t('fields.aged60Plus')} errors={errs('aged60Plus')} inputProps={{ name: 'aged60Plus', type: 'number', inputMode: 'numeric', required: true }} />
					<Field label={t('fields.aged80Plus')} errors={errs('aged80Plus')} inputProps={{ name: 'aged80Plus', type: 'number', inputMode: 'numeric', required: true }} />
					<button type="submit" className="button big">{t('population.save')}</button>
				</Form>
			</section>
			<section className="card">
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('fields.year')}</th>
								<th scope="col">{t('fields.district')}</th>
								<th scope="col">{t('fields.aged60Plus')}</th>
								<th scope="col">{t('fields.aged80Plus')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={`${r.districtId}-${r.year}`}>
									<td>{r.year}</td>
									<td>{name.get(r.districtId) ?? r.districtId}</td>
									<td>{r.aged60Plus.toLocaleString()}</td>
									<td>{r.aged80Plus.toLocaleString()}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</section>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
