import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { ChangeDecision } from '~/components/change-decision.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { CheckboxGroup, FormMessage } from '~/components/subsidy-ui.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { formatFen } from '~/lib/money.ts'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, isCityWide, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { ALL_CATEGORIES } from '~/modules/marketplace/categories.ts'
import { DISABILITY_LEVELS, ELDER_CATEGORIES } from '~/modules/subsidies/categories.ts'
import { addPolicyVersion, canManagePolicies, createPolicy, decidePolicyChange, listDistrictLimits, listPolicies, mayManagePolicy, ownPolicyDistrict, pendingPolicyChanges, setBudget, setDistrictLimit } from '~/modules/subsidies/policies.server.ts'
import { decideChangeSchema } from '~/modules/auth/schemas.ts'
import { clientIp } from '~/lib/http.server.ts'
import { policyFormSchema } from '~/modules/subsidies/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const [policies, districts, limits, pending] = await Promise.all([listPolicies(), listDistrictsWithCommunities(), listDistrictLimits(), pendingPolicyChanges(user)])
	const ownDistrict = ownPolicyDistrict(user)
	return {
		policies: policies.map((p) => ({ ...p, mine: mayManagePolicy(user, p.ownerDistrictId) })),
		pending,
		districts: districts.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })),
		// City officers manage city policies and set districts' limits; a district officer manages their district's own.
		canManage: canManagePolicies(user),
		ownDistrict,
		limits: isCityWide(user) ? limits : limits.filter((l) => l.districtId === user.districtId),
		today: shanghaiDate(),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	// New policies and versions wait for a second city officer's approval (decide-change).
	if (formIdOf(formData) === 'decide-change') {
		// Approving a change of amounts or rules is a sensitive act: the password or TOTP again after five minutes.
		await requireRecentAuth(request, user, '/subsidies/policies')
		const decision = parseForm(formData, decideChangeSchema, { form: 'decide-change' })
		if (!decision.ok) return decision.response
		return replyOutcome(decision, await decidePolicyChange(user, decision.value, ip))
	}
	const parsed = parseForm(formData, policyFormSchema, { invalidMessage: 'subsidies:errors.checkForm' })
	if (!parsed.ok) return parsed.response
	const v = parsed.value
	const outcome =
		v.intent === 'create' ? await createPolicy(user, v, ip) : v.intent === 'version' ? await addPolicyVersion(user, v, ip) : v.intent === 'limit' ? await setDistrictLimit(user, v, ip) : await setBudget(user, v)
	return replyOutcome(parsed, outcome.ok || outcome.formError ? outcome : { ...outcome, formError: 'subsidies:errors.checkForm' })
}

type FieldErrors = Record<string, { errors?: string[] } | undefined>

function RuleFields({ prefix, fields, today }: { prefix: string; fields: FieldErrors; today: string }) {
	const { t } = useTranslation('subsidies')
	const errors = (name: string) => fields[name]?.errors
	return (
		<>
			<Field label={t('fields.effectiveFrom')} errors={errors('effectiveFrom')} inputProps={{ type: 'date', name: 'effectiveFrom', id: `${prefix}-from`, defaultValue: today, min: today, required: true }} />
			<Field label={t('fields.validUntil')} errors={errors('validUntil')} inputProps={{ type: 'date', name: 'validUntil', id: `${prefix}-until` }} />
			<CheckboxGroup legend={t('fields.eligibleCategories')} name="categories" options={ELDER_CATEGORIES.map((c) => ({ value: c, label: t(`elderCategories.${c}`) }))} errors={errors('categories')} />
			<SelectField label={t('fields.minDisability')} errors={errors('minDisability')} selectProps={{ name: 'minDisability', id: `${prefix}-dis`, defaultValue: 'none' }} options={DISABILITY_LEVELS.map((d) => ({ value: d, label: t(`disability.${d}`) }))} />
			<Field label={t('fields.minAge')} errors={errors('minAge')} inputProps={{ type: 'number', name: 'minAge', id: `${prefix}-age`, min: 60, max: 120, defaultValue: 60 }} />
			<Field label={t('fields.monthlyCreditYuan')} errors={errors('monthlyCredit')} inputProps={{ type: 'text', inputMode: 'decimal', name: 'monthlyCredit', id: `${prefix}-credit`, required: true }} />
			<Field label={t('fields.copayPercent')} errors={errors('copayPercent')} inputProps={{ type: 'text', inputMode: 'decimal', name: 'copayPercent', id: `${prefix}-copay`, required: true }} />
			<CheckboxGroup legend={t('fields.coveredCategories')} name="coveredCategories" options={ALL_CATEGORIES.map((c) => ({ value: c, label: t(`serviceCategories.${c}`) }))} errors={errors('coveredCategories')} />
			<label className="checkbox">
				<input type="checkbox" name="expiresAtMonthEnd" id={`${prefix}-expires`} defaultChecked />
				{t('fields.expiresAtMonthEnd')}
			</label>
		</>
	)
}

export default function Policies() {
	const { policies, pending, districts, canManage, ownDistrict, limits, today } = useLoaderData<typeof loader>()
	const mayPropose = canManage || ownDistrict !== null
	const mine = policies.filter((p) => p.mine)
	const ownLimit = ownDistrict ? limits.find((l) => l.districtId === ownDistrict) : undefined
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	const [createForm, create] = useReplyForm<'code' | 'nameZh' | 'nameEn' | 'districtIds' | 'excludes'>('create', reply)
	const [versionForm, version] = useReplyForm<'policyId' | 'districtIds'>('version', reply)
	const [budgetForm, budget] = useReplyForm<'policyId' | 'districtId' | 'year' | 'amount'>('budget', reply)
	const [limitForm, limit] = useReplyForm<'districtId' | 'maxMonthlyCredit' | 'maxYearBudget'>('limit', reply)
	const district = (id: string) => districts.find((d) => d.id === id)
	const [decideForm] = useReplyForm('decide-change', reply)
	const { t: tc } = useTranslation()
	const policyName = (id: string) => {
		const p = policies.find((x) => x.id === id)
		return p ? (zh ? p.nameZh : p.nameEn) : id
	}
	return (
		<>
			<section className="card">
				<h1>{t('policies.title')}</h1>
				{replyDone(reply) ? <FormMessage ok={replyDone(reply, 'create') || replyDone(reply, 'version') ? tc('changes.proposed') : replyDone(reply, 'decide-change') ? tc('changes.decided') : t('policies.saved')} /> : null}
				<OrphanReplyErrors reply={reply} formIds={mayPropose ? ['create', 'decide-change', ...(mine.length ? ['version', 'budget'] : []), ...(canManage ? ['limit'] : [])] : []} />
				<DataTable
					empty={t('policies.none')}
					columns={[
						{
							header: t('fields.policy'),
							rowHeader: true,
							cell: (p) => (
								<>
									{zh ? p.nameZh : p.nameEn} <span className="mono">{p.code}</span>
								</>
							),
						},
						{
							header: t('fields.version'),
							cell: (p) => (
								<>
									{p.current ? `v${p.current.version} · ${p.current.effectiveFrom}${p.current.validUntil ? ` – ${p.current.validUntil}` : ''}` : '—'}
									{p.upcoming.map((u) => (
										<div key={u.id}>{t('policies.upcoming', { version: u.version, from: u.effectiveFrom })}</div>
									))}
								</>
							),
						},
						{
							header: t('fields.eligibility'),
							cell: (p) =>
								p.current
									? [
											p.current.categories.length ? p.current.categories.map((c) => t(`elderCategories.${c}`)).join(' / ') : null,
											p.current.minDisability !== 'none' ? t(`disability.${p.current.minDisability}`) : null,
											t('policies.minAge', { age: p.current.minAge }),
											p.current.districtIds.length ? p.current.districtIds.map((d) => (zh ? district(d)?.nameZh : district(d)?.nameEn) ?? d).join('、') : t('policies.allDistricts'),
										]
											.filter(Boolean)
											.join('；')
									: '—',
						},
						{ header: t('fields.monthlyCredit'), cell: (p) => (p.current ? <Money fen={p.current.monthlyCreditFen} /> : '—') },
						{ header: t('fields.copay'), cell: (p) => (p.current ? `${p.current.copayBps / 100}%` : '—') },
						{ header: t('fields.coveredCategories'), cell: (p) => (p.current ? p.current.coveredCategories.map((c) => t(`serviceCategories.${c}`)).join('、') : '—') },
						{
							header: t('districtPolicy.owner'),
							cell: (p) => (
								<>
									{p.ownerDistrictId ? t('districtPolicy.ownedBy', { district: (zh ? district(p.ownerDistrictId)?.nameZh : district(p.ownerDistrictId)?.nameEn) ?? p.ownerDistrictId }) : t('districtPolicy.city')}
									{p.topUpOfPolicyId ? <div>{t('districtPolicy.topUpOf', { policy: policyName(p.topUpOfPolicyId) })}</div> : null}
								</>
							),
						},
					]}
					rows={policies}
					rowKey={(p) => p.id}
					rowProps={() => ({ 'data-testid': 'policy-row' })}
				/>
			</section>
			<section className="card" data-testid="pending-policy-changes">
				<h2>{tc('changes.pendingTitle')}</h2>
				<p className="hint">{tc('changes.pendingHint')}</p>
				<DataTable
					empty={tc('changes.none')}
					columns={[
						{
							header: t('fields.policy'),
							cell: (c) => {
								const p = c.payload as { code?: string; nameZh?: string; nameEn?: string; policyId?: string }
								return c.kind === 'subsidy_policy_create' ? `${tc('changes.newPolicy')}: ${zh ? p.nameZh : p.nameEn} (${p.code})` : `${tc('changes.newVersion')}: ${policyName(p.policyId ?? '')}`
							},
						},
						{ header: t('fields.effectiveFrom'), cell: (c) => (c.payload as { effectiveFrom: string }).effectiveFrom },
						{ header: t('fields.monthlyCredit'), cell: (c) => <Money fen={(c.payload as { monthlyCredit: number }).monthlyCredit} /> },
						{ header: t('fields.copay'), cell: (c) => `${(c.payload as { copayPercent: number }).copayPercent / 100}%` },
						{ header: tc('changes.proposedBy'), cell: (c) => c.proposedBy },
						pending.some((c) => c.viewerMayDecide)
							? {
									header: tc('changes.decision'),
									cell: (c) =>
										!c.viewerMayDecide ? null : c.viewerIsProposer ? (
											tc('changes.waitingForSecond')
										) : (
											<ChangeDecision form={decideForm} changeId={c.id} disabled={navigation.state !== 'idle'} />
										),
								}
							: null,
					]}
					rows={pending}
					rowKey={(c) => c.id}
				/>
				<FormErrors form={decideForm} />
			</section>
			{canManage ? (
				<section className="card" data-testid="district-limits">
					<h2>{t('districtPolicy.limitsTitle')}</h2>
					<p>{t('districtPolicy.limitsLead')}</p>
					<DataTable
						empty={t('districtPolicy.noLimits')}
						columns={[
							{ header: t('fields.district'), cell: (l) => (zh ? district(l.districtId)?.nameZh : district(l.districtId)?.nameEn) ?? l.districtId, rowHeader: true },
							{ header: t('districtPolicy.maxMonthlyCredit'), cell: (l) => <Money fen={l.maxMonthlyCreditFen} /> },
							{ header: t('districtPolicy.maxYearBudget'), cell: (l) => <Money fen={l.maxYearBudgetFen} /> },
						]}
						rows={limits}
						rowKey={(l) => l.districtId}
					/>
					<ActionForm form={limitForm} intent="limit" className="grid-form">
						<SelectField label={t('fields.district')} errors={limit.districtId.errors} selectProps={{ name: 'districtId', id: 'limit-district', required: true }} placeholder={t('common.choose')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
						<Field label={t('districtPolicy.maxMonthlyCreditYuan')} errors={limit.maxMonthlyCredit.errors} inputProps={{ type: 'text', inputMode: 'decimal', name: 'maxMonthlyCredit', id: 'limit-credit', required: true }} />
						<Field label={t('districtPolicy.maxYearBudgetYuan')} errors={limit.maxYearBudget.errors} inputProps={{ type: 'text', inputMode: 'decimal', name: 'maxYearBudget', id: 'limit-budget', required: true }} />
						<FormSubmit form={limitForm} label={t('districtPolicy.saveLimit')} disabled={navigation.state === 'submitting'} />
					</ActionForm>
				</section>
			) : null}
			{ownDistrict ? (
				<section className="card" data-testid="own-district-limit">
					<h2>{t('districtPolicy.ownTitle')}</h2>
					<p>
						{ownLimit
							? t('districtPolicy.ownLimit', { credit: formatFen(ownLimit.maxMonthlyCreditFen, i18n.language), budget: formatFen(ownLimit.maxYearBudgetFen, i18n.language) })
							: t('districtPolicy.ownNoLimit')}
					</p>
				</section>
			) : null}
			{mayPropose ? (
				<>
					<CardSection title={ownDistrict ? t('districtPolicy.createTitle') : t('policies.createTitle')}>
						<ActionForm form={createForm} intent="create" className="grid-form">
							<Field label={t('fields.code')} hint={t('hints.code')} errors={create.code.errors} inputProps={{ type: 'text', name: 'code', id: 'create-code', required: true }} />
							<Field label={t('fields.nameZh')} errors={create.nameZh.errors} inputProps={{ type: 'text', name: 'nameZh', id: 'create-name-zh', required: true }} />
							<Field label={t('fields.nameEn')} errors={create.nameEn.errors} inputProps={{ type: 'text', name: 'nameEn', id: 'create-name-en', required: true }} />
							<RuleFields prefix="create" fields={create as FieldErrors} today={today} />
							{ownDistrict ? (
								<SelectField
									label={t('districtPolicy.topUpField')}
									selectProps={{ name: 'topUpOfPolicyId', id: 'create-top-up' }}
									placeholder={t('districtPolicy.notTopUp')}
									options={policies.filter((p) => !p.ownerDistrictId).map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))}
								/>
							) : (
								<CheckboxGroup legend={t('fields.districts')} name="districtIds" options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} errors={create.districtIds.errors} />
							)}
							<CheckboxGroup legend={t('fields.excludes')} name="excludes" options={policies.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} errors={create.excludes.errors} />
							<FormSubmit form={createForm} label={t('policies.create')} disabled={navigation.state === 'submitting'} />
						</ActionForm>
					</CardSection>
					{mine.length ? (
						<CardSection title={t('policies.versionTitle')}>
							<p>{t('policies.versionLead')}</p>
								<ActionForm form={versionForm} intent="version" className="grid-form">
								<SelectField label={t('fields.policy')} errors={version.policyId.errors} selectProps={{ name: 'policyId', id: 'version-policy', required: true }} placeholder={t('common.choose')} options={mine.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} />
								<RuleFields prefix="version" fields={version as FieldErrors} today={today} />
								{ownDistrict ? null : <CheckboxGroup legend={t('fields.districts')} name="districtIds" options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} errors={version.districtIds.errors} />}
								<FormSubmit form={versionForm} label={t('policies.addVersion')} disabled={navigation.state === 'submitting'} />
							</ActionForm>
						</CardSection>
					) : null}
					{mine.length ? (
						<CardSection title={t('policies.budgetTitle')}>
								<ActionForm form={budgetForm} intent="budget" className="grid-form">
								<SelectField label={t('fields.policy')} errors={budget.policyId.errors} selectProps={{ name: 'policyId', id: 'budget-policy', required: true }} placeholder={t('common.choose')} options={mine.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} />
								<SelectField
									label={t('fields.district')}
									errors={budget.districtId.errors}
									selectProps={{ name: 'districtId', id: 'budget-district', required: true }}
									placeholder={t('common.choose')}
									options={districts.filter((d) => !ownDistrict || d.id === ownDistrict).map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))}
								/>
								<Field label={t('fields.year')} errors={budget.year.errors} inputProps={{ type: 'number', name: 'year', id: 'budget-year', defaultValue: today.slice(0, 4), required: true }} />
								<Field label={t('fields.budgetYuan')} errors={budget.amount.errors} inputProps={{ type: 'text', inputMode: 'decimal', name: 'amount', id: 'budget-amount', required: true }} />
								<FormSubmit form={budgetForm} label={t('policies.saveBudget')} disabled={navigation.state === 'submitting'} />
							</ActionForm>
						</CardSection>
					) : null}
				</>
			) : null}
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
