import { getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyFor, SelectField, TextareaField } from '~/components/forms.tsx'
import { Money } from '~/components/ui.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listElders } from '~/modules/elders/elders.server.ts'
import { applyForSubsidy } from '~/modules/subsidies/applications.server.ts'
import { listPolicies } from '~/modules/subsidies/policies.server.ts'
import { applySchema } from '~/modules/subsidies/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const [{ elders }, policies] = await Promise.all([listElders(user, { pageSize: 100 }), listPolicies()])
	return { elders: elders.map((e) => ({ id: e.id, name: e.name })), policies: policies.filter((p) => p.current) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const parsed = parseForm(await readProtectedForm(request), applySchema, { form: 'apply' })
	if (!parsed.ok) return parsed.response
	const outcome = await applyForSubsidy(user, parsed.value)
	return outcome.ok ? redirect('/subsidies') : replyFailure(parsed, outcome)
}

export default function Apply() {
	const { elders, policies } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useForm({ id: 'apply', lastResult: replyFor(reply, 'apply'), onValidate: ({ formData }) => parseWithZod(formData, { schema: applySchema }), shouldRevalidate: 'onInput' })
	return (
		<section className="card narrow">
			<h1>{t('apply.title')}</h1>
			<p>{t('apply.lead')}</p>
			<ActionForm form={form}>
				<SelectField label={t('fields.elder')} errors={fields.elderId.errors} selectProps={getSelectProps(fields.elderId)} placeholder={t('common.choose')} options={elders.map((e) => ({ value: e.id, label: e.name }))} />
				<SelectField
					label={t('fields.policy')}
					errors={fields.policyId.errors}
					selectProps={getSelectProps(fields.policyId)}
					placeholder={t('common.choose')}
					options={policies.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))}
				/>
				<ul>
					{policies.map((p) => (
						<li key={p.id}>
							{zh ? p.nameZh : p.nameEn}：{t('apply.policySummary', { copay: (p.current!.copayBps / 100).toString() })} <Money fen={p.current!.monthlyCreditFen} />
						</li>
					))}
				</ul>
				<Field label={t('fields.householdSize')} errors={fields.householdSize.errors} inputProps={{ ...getInputProps(fields.householdSize, { type: 'number' }), min: 1, max: 30 }} />
				<Field label={t('fields.householdIncome')} hint={t('hints.householdIncome')} errors={fields.householdIncome.errors} inputProps={{ ...getInputProps(fields.householdIncome, { type: 'text' }), inputMode: 'decimal' }} />
				<TextareaField label={t('fields.statement')} errors={fields.statement.errors} textareaProps={{ ...getTextareaProps(fields.statement), rows: 3 }} />
				<FormSubmit form={form} label={t('apply.submit')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
