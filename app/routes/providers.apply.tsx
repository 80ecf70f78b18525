import { getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, ErrorList, Field, SelectField } from '~/components/forms.tsx'
import { useCheckedForm } from '~/components/use-checked-form.ts'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { createUserSession, getSessionUser } from '~/modules/auth/session.server.ts'
import { PROVIDER_KINDS } from '~/modules/marketplace/categories.ts'
import { applyAsProvider, listDistricts } from '~/modules/marketplace/providers.server.ts'
import { applyProviderSchema } from '~/modules/marketplace/schemas.ts'

// Public: a provider's first staff member applies, creating the account and the pending provider.
export async function loader({ request }: LoaderFunctionArgs) {
	if (await getSessionUser(request)) throw redirect('/provider')
	return { districts: await listDistricts() }
}

export async function action({ request }: ActionFunctionArgs) {
	const parsed = parseForm(await readProtectedForm(request), applyProviderSchema, { form: 'apply-provider', hideFields: ['password'] })
	if (!parsed.ok) return parsed.response
	const outcome = await applyAsProvider(parsed.value, clientIp(request))
	return outcome.ok ? createUserSession(outcome.value.userId, request, '/provider') : replyFailure(parsed, outcome)
}

export default function ApplyProvider() {
	const { districts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useCheckedForm('apply-provider', reply, applyProviderSchema)
	return (
		<section className="card narrow">
			<h1>{t('apply.title')}</h1>
			<p>{t('apply.lead')}</p>
			<ActionForm form={form}>
				<h2>{t('apply.account')}</h2>
				<Field label={t('common:fields.yourName')} errors={fields.applicantName.errors} inputProps={{ ...getInputProps(fields.applicantName, { type: 'text' }), autoComplete: 'name' }} />
				<Field label={t('common:fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'tel', inputMode: 'numeric' }} />
				<Field label={t('common:fields.password')} hint={t('common:hints.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }} />
				<h2>{t('apply.organisation')}</h2>
				<Field label={t('fields.providerName')} errors={fields.providerName.errors} inputProps={getInputProps(fields.providerName, { type: 'text' })} />
				<SelectField
					label={t('fields.kind')}
					errors={fields.kind.errors}
					selectProps={getSelectProps(fields.kind)}
					placeholder={t('choose')}
					options={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
				/>
				<Field label={t('fields.licenceNo')} hint={t('hints.licenceNo')} errors={fields.licenceNo.errors} inputProps={{ ...getInputProps(fields.licenceNo, { type: 'text' }), className: 'mono' }} />
				<SelectField
					label={t('fields.homeDistrict')}
					errors={fields.districtId.errors}
					selectProps={getSelectProps(fields.districtId)}
					placeholder={t('choose')}
					options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))}
				/>
				<fieldset className="checks">
					<legend>{t('fields.districtsServed')}</legend>
					{districts.map((d) => (
						<label key={d.id}>
							<input type="checkbox" name="districtIds" value={d.id} /> {zh ? d.nameZh : d.nameEn}
						</label>
					))}
				</fieldset>
				<ErrorList errors={fields.districtIds.errors} />
				<Field label={t('fields.address')} errors={fields.address.errors} inputProps={getInputProps(fields.address, { type: 'text' })} />
				<Field label={t('fields.providerPhone')} errors={fields.providerPhone.errors} inputProps={getInputProps(fields.providerPhone, { type: 'tel' })} />
				<div className="field">
					<label htmlFor={fields.description.id}>{t('fields.description')}</label>
					<textarea {...getTextareaProps(fields.description)} rows={4} />
					<ErrorList errors={fields.description.errors} />
				</div>
				<FormSubmit form={form} label={t('apply.submit')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
