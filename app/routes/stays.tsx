import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ErrorList, Field, SelectField } from '~/components/forms.tsx'
import { formatFen } from '~/lib/money.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { parseForm, replyTo } from '~/modules/beds/form.server.ts'
import { BED_TYPES, stayRequestSchema, type BedTypeName } from '~/modules/beds/schemas.ts'
import { approvedInstitutions, cancelStayRequest, familyElders, familyRequests, listVacancies, requestStay } from '~/modules/beds/stays.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const url = new URL(request.url)
	const filter = { districtId: url.searchParams.get('district') || undefined, providerId: url.searchParams.get('institution') || undefined, bedType: (url.searchParams.get('type') || undefined) as BedTypeName | undefined }
	const [vacancies, institutions, districts, elders, requests] = await Promise.all([listVacancies(filter), approvedInstitutions(), listDistrictsWithCommunities(), familyElders(user), familyRequests(user)])
	return { vacancies, institutions, districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })), elders, requests, filter, today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const formData = await readProtectedForm(request)
	if (formData.get('intent') === 'cancel') return replyTo('cancel', await cancelStayRequest(user, String(formData.get('requestId'))))
	const parsed = parseForm(formData, stayRequestSchema(shanghaiDate()), 'request')
	if (!parsed.ok) return parsed.response
	return replyTo('request', await requestStay(user, parsed.value))
}

export default function StaysPage() {
	const { vacancies, institutions, districts, elders, requests, filter, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const errs = (f: string) => (reply?.intent === 'request' ? reply.fieldErrors[f] : undefined)
	return (
		<>
			<section className="card">
				<h1>{t('stays.title')}</h1>
				<Form method="get" className="grid-form">
					<SelectField label={t('fields.district')} selectProps={{ name: 'district', defaultValue: filter.districtId ?? '' }} placeholder={t('stays.any')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
					<SelectField label={t('fields.institution')} selectProps={{ name: 'institution', defaultValue: filter.providerId ?? '' }} placeholder={t('stays.any')} options={institutions.map((p) => ({ value: p.id, label: p.name }))} />
					<SelectField label={t('fields.bedType')} selectProps={{ name: 'type', defaultValue: filter.bedType ?? '' }} placeholder={t('stays.any')} options={BED_TYPES.map((b) => ({ value: b, label: t(`types.${b}`) }))} />
					<button type="submit" className="button big">{t('stays.search')}</button>
				</Form>
				{vacancies.length === 0 ? <p className="empty">{t('stays.none')}</p> : null}
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('fields.institution')}</th>
								<th scope="col">{t('fields.district')}</th>
								<th scope="col">{t('fields.grade')}</th>
								<th scope="col">{t('fields.bedType')}</th>
								<th scope="col">{t('stays.vacant')}</th>
								<th scope="col">{t('fields.price')}</th>
							</tr>
						</thead>
						<tbody>
							{vacancies.map((v) => (
								<tr key={`${v.providerId}-${v.type}`} data-vacancy={v.name}>
									<th scope="row">
										{v.name}
										<br />
										<span className="hint">{[v.address, v.phone].filter(Boolean).join(' · ')}</span>
									</th>
									<td>{zh ? v.districtZh : v.districtEn}</td>
									<td>{v.grade ? t('stays.stars', { count: v.grade }) : '—'}</td>
									<td>{t(`types.${v.type}`)}</td>
									<td>{v.vacant}</td>
									<td>
										{formatFen(v.minPriceFen, i18n.language)}
										{v.maxPriceFen !== v.minPriceFen ? ` – ${formatFen(v.maxPriceFen, i18n.language)}` : ''}
										{t('stays.perMonth')}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</section>
			<section className="card">
				<h2>{t('stays.requestTitle')}</h2>
				{reply?.intent === 'request' && reply.ok ? (
					<p className="notice" role="status">
						{t('stays.requested')}
					</p>
				) : null}
				{elders.length === 0 ? (
					<p className="empty">{t('stays.noElders')}</p>
				) : (
					<Form method="post" className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<SelectField label={t('fields.elder')} errors={errs('elderId')} selectProps={{ name: 'elderId', required: true }} placeholder={t('common.choose')} options={elders.map((e) => ({ value: e.id, label: e.name }))} />
						<SelectField label={t('fields.institution')} errors={errs('providerId')} selectProps={{ name: 'providerId', required: true, defaultValue: filter.providerId ?? '' }} placeholder={t('common.choose')} options={institutions.map((p) => ({ value: p.id, label: p.name }))} />
						<SelectField label={t('fields.bedType')} errors={errs('bedType')} selectProps={{ name: 'bedType', required: true, defaultValue: filter.bedType ?? '' }} placeholder={t('common.choose')} options={BED_TYPES.map((b) => ({ value: b, label: t(`types.${b}`) }))} />
						<Field label={t('fields.desiredStartOn')} errors={errs('desiredStartOn')} inputProps={{ name: 'desiredStartOn', type: 'date', min: today, defaultValue: today, required: true }} />
						<Field label={t('fields.note')} errors={errs('note')} inputProps={{ name: 'note', type: 'text', maxLength: 200 }} />
						<button type="submit" className="button big">{t('stays.send')}</button>
					</Form>
				)}
			</section>
			<section className="card">
				<h2>{t('stays.myRequests')}</h2>
				<ErrorList errors={reply?.intent === 'cancel' ? Object.values(reply.fieldErrors).flat() : undefined} />
				{requests.length === 0 ? <p className="empty">{t('stays.noRequests')}</p> : null}
				<ul className="cards">
					{requests.map((r) => (
						<li key={r.id} className="card" data-my-request={r.elderName}>
							<h3>
								{r.elderName} · {r.providerName}
							</h3>
							<p data-testid="my-request-status">
								{t(`types.${r.bedType}`)} · {r.desiredStartOn} · {t(`requestStatuses.${r.status}`)}
								{r.reason ? ` · ${r.reason}` : ''}
								{r.bedLabel ? ` · ${t('stays.bedHeld', { bed: r.bedLabel })}` : ''}
							</p>
							{r.status === 'requested' || r.status === 'accepted' ? (
								<Form method="post">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="intent" value="cancel" />
									<input type="hidden" name="requestId" value={r.id} />
									<button type="submit" className="button secondary">{t('stays.cancel')}</button>
								</Form>
							) : null}
						</li>
					))}
				</ul>
			</section>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
