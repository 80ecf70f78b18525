import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { CheckboxGroup, FormMessage, Money } from '~/components/subsidy-ui.tsx'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { ALL_CATEGORIES } from '~/modules/marketplace/categories.ts'
import { DISABILITY_LEVELS, ELDER_CATEGORIES } from '~/modules/subsidies/categories.ts'
import { addPolicyVersion, canManagePolicies, createPolicy, listPolicies, setBudget } from '~/modules/subsidies/policies.server.ts'
import { policyFormSchema } from '~/modules/subsidies/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const [policies, districts] = await Promise.all([listPolicies(), listDistrictsWithCommunities()])
	return { policies, districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })), canManage: canManagePolicies(user), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const intent = String(formData.get('intent') ?? '')
	const submission = parseWithZod(formData, { schema: policyFormSchema })
	if (submission.status !== 'success') return data({ intent, fieldErrors: submission.reply().error ?? {}, formError: 'subsidies:errors.checkForm', done: false }, { status: 400 })
	const v = submission.value
	const outcome = v.intent === 'create' ? await createPolicy(user, v) : v.intent === 'version' ? await addPolicyVersion(user, v) : await setBudget(user, v)
	if (!outcome.ok) return data({ intent, fieldErrors: outcome.fieldErrors, formError: outcome.formError ?? 'subsidies:errors.checkForm', done: false }, { status: outcome.status ?? 400 })
	return data({ intent, fieldErrors: {}, formError: null, done: true })
}

function RuleFields({ prefix, errors, today }: { prefix: string; errors: Record<string, string[] | undefined>; today: string }) {
	const { t } = useTranslation('subsidies')
	return (
		<>
			<Field label={t('fields.effectiveFrom')} errors={errors.effectiveFrom} inputProps={{ type: 'date', name: 'effectiveFrom', id: `${prefix}-from`, defaultValue: today, min: today, required: true }} />
			<Field label={t('fields.validUntil')} errors={errors.validUntil} inputProps={{ type: 'date', name: 'validUntil', id: `${prefix}-until` }} />
			<CheckboxGroup legend={t('fields.eligibleCategories')} name="categories" options={ELDER_CATEGORIES.map((c) => ({ value: c, label: t(`elderCategories.${c}`) }))} errors={errors.categories} />
			<SelectField label={t('fields.minDisability')} errors={errors.minDisability} selectProps={{ name: 'minDisability', id: `${prefix}-dis`, defaultValue: 'none' }} options={DISABILITY_LEVELS.map((d) => ({ value: d, label: t(`disability.${d}`) }))} />
			<Field label={t('fields.minAge')} errors={errors.minAge} inputProps={{ type: 'number', name: 'minAge', id: `${prefix}-age`, min: 60, max: 120, defaultValue: 60 }} />
			<Field label={t('fields.monthlyCreditYuan')} errors={errors.monthlyCredit} inputProps={{ type: 'text', inputMode: 'decimal', name: 'monthlyCredit', id: `${prefix}-credit`, required: true }} />
			<Field label={t('fields.copayPercent')} errors={errors.copayPercent} inputProps={{ type: 'text', inputMode: 'decimal', name: 'copayPercent', id: `${prefix}-copay`, required: true }} />
			<CheckboxGroup legend={t('fields.coveredCategories')} name="coveredCategories" options={ALL_CATEGORIES.map((c) => ({ value: c, label: t(`serviceCategories.${c}`) }))} errors={errors.coveredCategories} />
			<label className="checkbox">
				<input type="checkbox" name="expiresAtMonthEnd" id={`${prefix}-expires`} defaultChecked />
				{t('fields.expiresAtMonthEnd')}
			</label>
		</>
	)
}

export default function Policies() {
	const { policies, districts, canManage, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	const errorsFor = (intent: string) => (actionData?.intent === intent ? (actionData.fieldErrors as Record<string, string[] | undefined>) : {})
	const district = (id: string) => districts.find((d) => d.id === id)
	return (
		<>
			<section className="card">
				<h1>{t('policies.title')}</h1>
				{actionData?.done ? <FormMessage ok={t('policies.saved')} /> : null}
				{policies.length === 0 ? <p className="empty">{t('policies.none')}</p> : null}
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('fields.policy')}</th>
								<th scope="col">{t('fields.version')}</th>
								<th scope="col">{t('fields.eligibility')}</th>
								<th scope="col">{t('fields.monthlyCredit')}</th>
								<th scope="col">{t('fields.copay')}</th>
								<th scope="col">{t('fields.coveredCategories')}</th>
							</tr>
						</thead>
						<tbody>
							{policies.map((p) => (
								<tr key={p.id} data-testid="policy-row">
									<th scope="row">
										{zh ? p.nameZh : p.nameEn} <span className="mono">{p.code}</span>
									</th>
									<td>
										{p.current ? `v${p.current.version} · ${p.current.effectiveFrom}${p.current.validUntil ? ` – ${p.current.validUntil}` : ''}` : '—'}
										{p.upcoming.map((u) => (
											<div key={u.id}>{t('policies.upcoming', { version: u.version, from: u.effectiveFrom })}</div>
										))}
									</td>
									<td>
										{p.current
											? [
													p.current.categories.length ? p.current.categories.map((c) => t(`elderCategories.${c}`)).join(' / ') : null,
													p.current.minDisability !== 'none' ? t(`disability.${p.current.minDisability}`) : null,
													t('policies.minAge', { age: p.current.minAge }),
													p.current.districtIds.length ? p.current.districtIds.map((d) => (zh ? district(d)?.nameZh : district(d)?.nameEn) ?? d).join('、') : t('policies.allDistricts'),
												]
													.filter(Boolean)
													.join('；')
											: '—'}
									</td>
									<td>{p.current ? <Money fen={p.current.monthlyCreditFen} /> : '—'}</td>
									<td>{p.current ? `${p.current.copayBps / 100}%` : '—'}</td>
									<td>{p.current ? p.current.coveredCategories.map((c) => t(`serviceCategories.${c}`)).join('、') : '—'}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</section>
			{canManage ? (
				<>
					<section className="card">
						<h2>{t('policies.createTitle')}</h2>
						{actionData?.intent === 'create' ? <FormMessage error={actionData.formError} /> : null}
						<Form method="post" className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="intent" value="create" />
							<Field label={t('fields.code')} hint={t('hints.code')} errors={errorsFor('create').code} inputProps={{ type: 'text', name: 'code', id: 'create-code', required: true }} />
							<Field label={t('fields.nameZh')} errors={errorsFor('create').nameZh} inputProps={{ type: 'text', name: 'nameZh', id: 'create-name-zh', required: true }} />
							<Field label={t('fields.nameEn')} errors={errorsFor('create').nameEn} inputProps={{ type: 'text', name: 'nameEn', id: 'create-name-en', required: true }} />
							<RuleFields prefix="create" errors={errorsFor('create')} today={today} />
							<CheckboxGroup legend={t('fields.districts')} name="districtIds" options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} errors={errorsFor('create').districtIds} />
							<CheckboxGroup legend={t('fields.excludes')} name="excludes" options={policies.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} errors={errorsFor('create').excludes} />
							<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
								{t('policies.create')}
							</button>
						</Form>
					</section>
					{policies.length ? (
						<section className="card">
							<h2>{t('policies.versionTitle')}</h2>
							<p>{t('policies.versionLead')}</p>
							{actionData?.intent === 'version' ? <FormMessage error={actionData.formError} /> : null}
							<Form method="post" className="grid-form">
								<AuthenticityTokenInput name="csrf" />
								<input type="hidden" name="intent" value="version" />
								<SelectField label={t('fields.policy')} errors={errorsFor('version').policyId} selectProps={{ name: 'policyId', id: 'version-policy', required: true }} placeholder={t('common.choose')} options={policies.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} />
								<RuleFields prefix="version" errors={errorsFor('version')} today={today} />
								<CheckboxGroup legend={t('fields.districts')} name="districtIds" options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} errors={errorsFor('version').districtIds} />
								<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
									{t('policies.addVersion')}
								</button>
							</Form>
						</section>
					) : null}
					{policies.length ? (
						<section className="card">
							<h2>{t('policies.budgetTitle')}</h2>
							{actionData?.intent === 'budget' ? <FormMessage error={actionData.formError} /> : null}
							<Form method="post" className="grid-form">
								<AuthenticityTokenInput name="csrf" />
								<input type="hidden" name="intent" value="budget" />
								<SelectField label={t('fields.policy')} errors={errorsFor('budget').policyId} selectProps={{ name: 'policyId', id: 'budget-policy', required: true }} placeholder={t('common.choose')} options={policies.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} />
								<SelectField label={t('fields.district')} errors={errorsFor('budget').districtId} selectProps={{ name: 'districtId', id: 'budget-district', required: true }} placeholder={t('common.choose')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
								<Field label={t('fields.year')} errors={errorsFor('budget').year} inputProps={{ type: 'number', name: 'year', id: 'budget-year', defaultValue: today.slice(0, 4), required: true }} />
								<Field label={t('fields.budgetYuan')} errors={errorsFor('budget').amount} inputProps={{ type: 'text', inputMode: 'decimal', name: 'amount', id: 'budget-amount', required: true }} />
								<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
									{t('policies.saveBudget')}
								</button>
							</Form>
						</section>
					) : null}
				</>
			) : null}
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
