import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { CardSection } from '~/components/card-section.tsx'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PostForm } from '~/components/post-form.tsx'
import { DataTable, Day, Money } from '~/components/ui.tsx'
import { answerForm, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { BED_TYPES, stayRequestSchema, type BedTypeName } from '~/modules/beds/schemas.ts'
import { approvedInstitutions, cancelStayRequest, familyElders, familyRequests, listVacancies, requestStay } from '~/modules/beds/stays.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { textParam, uuidParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const url = new URL(request.url)
	const filter = { districtId: textParam(url.searchParams, 'district', 40) ?? undefined, providerId: uuidParam(url.searchParams, 'institution') ?? undefined, bedType: (url.searchParams.get('type') || undefined) as BedTypeName | undefined }
	const [vacancies, institutions, districts, elders, requests] = await Promise.all([listVacancies(filter), approvedInstitutions(), listDistrictsWithCommunities(), familyElders(user), familyRequests(user)])
	return { vacancies, institutions, districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })), elders, requests, filter, today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const formData = await readProtectedForm(request)
	if (formData.get('intent') === 'cancel') {
		const parsed = parseForm(formData, cancelSchema, { form: 'cancel' })
		return parsed.ok ? replyOutcome(parsed, await cancelStayRequest(user, parsed.value.requestId)) : parsed.response
	}
	return answerForm(formData, stayRequestSchema(shanghaiDate()), (value) => requestStay(user, value), { form: 'request' })
}

// Withdrawing is asked twice: a ticked box, so it works without JavaScript.
const cancelSchema = z.object({ requestId: z.uuid({ error: 'beds:errors.request.notOpen' }), confirm: z.literal('on', { error: 'beds:errors.confirmWithdraw' }) })

export default function StaysPage() {
	const { vacancies, institutions, districts, elders, requests, filter, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useReplyForm<'elderId' | 'providerId' | 'bedType' | 'desiredStartOn' | 'note' | 'requestId'>('request', reply)
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
				<DataTable
					empty={t('stays.none')}
					columns={[
						{
							header: t('fields.institution'),
							rowHeader: true,
							cell: (v) => (
								<>
									{v.name}
									<br />
									<span className="hint">{[v.address, v.phone].filter(Boolean).join(' · ')}</span>
								</>
							),
						},
						{ header: t('fields.district'), cell: (v) => (zh ? v.districtZh : v.districtEn) },
						{ header: t('fields.grade'), cell: (v) => (v.grade ? t('stays.stars', { count: v.grade }) : '—') },
						{ header: t('fields.bedType'), cell: (v) => t(`types.${v.type}`) },
						{ header: t('stays.vacant'), cell: (v) => v.vacant },
						{
							header: t('fields.price'),
							cell: (v) => (
								<>
									<Money fen={v.minPriceFen} />
									{v.maxPriceFen !== v.minPriceFen ? (
										<>
											{' – '}
											<Money fen={v.maxPriceFen} />
										</>
									) : null}
									{t('stays.perMonth')}
								</>
							),
						},
					]}
					rows={vacancies}
					rowKey={(v) => `${v.providerId}-${v.type}`}
					rowProps={(v) => ({ 'data-vacancy': v.name })}
				/>
			</section>
			<CardSection title={t('stays.requestTitle')}>
				{replyDone(reply, 'request') ? <Notice>{t('stays.requested')}</Notice> : null}
				{elders.length === 0 ? (
					<p className="empty">{t('stays.noElders')}</p>
				) : (
					<ActionForm form={form} className="grid-form">
						<SelectField label={t('fields.elder')} errors={fields.elderId.errors} selectProps={{ name: 'elderId', required: true }} placeholder={t('common.choose')} options={elders.map((e) => ({ value: e.id, label: e.name }))} />
						<SelectField label={t('fields.institution')} errors={fields.providerId.errors} selectProps={{ name: 'providerId', required: true, defaultValue: filter.providerId ?? '' }} placeholder={t('common.choose')} options={institutions.map((p) => ({ value: p.id, label: p.name }))} />
						<SelectField label={t('fields.bedType')} errors={fields.bedType.errors} selectProps={{ name: 'bedType', required: true, defaultValue: filter.bedType ?? '' }} placeholder={t('common.choose')} options={BED_TYPES.map((b) => ({ value: b, label: t(`types.${b}`) }))} />
						<Field label={t('fields.desiredStartOn')} errors={fields.desiredStartOn.errors} inputProps={{ name: 'desiredStartOn', type: 'date', min: today, defaultValue: today, required: true }} />
						<Field label={t('fields.note')} errors={fields.note.errors} inputProps={{ name: 'note', type: 'text', maxLength: 200 }} />
						<FormErrors form={form} />
						<button type="submit" className="button big">{t('stays.send')}</button>
					</ActionForm>
				)}
			</CardSection>
			<CardSection title={t('stays.myRequests')}>
				<OrphanReplyErrors reply={reply} formIds={['request']} />
				<Cards items={requests} empty={t('stays.noRequests')} itemKey={(r) => r.id} itemProps={(r) => ({ 'data-my-request': r.elderName })}>
					{(r) => (
						<>
							<h3>
								{r.elderName} · {r.providerName}
							</h3>
							<p data-testid="my-request-status">
								{t(`types.${r.bedType}`)} · <Day on={r.desiredStartOn} /> · {t(`requestStatuses.${r.status}`)}
								{r.reason ? ` · ${r.reason}` : ''}
								{r.bedLabel ? ` · ${t('stays.bedHeld', { bed: r.bedLabel })}` : ''}
							</p>
							<p data-testid="my-request-next">{t(`stays.next.${r.status}`, { institution: r.providerName })}</p>
							{r.status === 'requested' || r.status === 'accepted' ? (
								<PostForm hidden={{ intent: 'cancel', requestId: r.id }}>
									<label className="checkbox">
										<input type="checkbox" name="confirm" required /> {t('stays.confirmWithdraw')}
									</label>
									<button type="submit" className="button secondary">{t('stays.cancel')}</button>
								</PostForm>
							) : null}
						</>
					)}
				</Cards>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
