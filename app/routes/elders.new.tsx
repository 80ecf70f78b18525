import { getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyFor, SelectField } from '~/components/forms.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { addElderForFamily, listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import { addElderSchema, RELATIONSHIPS } from '~/modules/elders/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	await requireRole(request, ['family'])
	return { districts: await listDistrictsWithCommunities(), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const parsed = parseForm(await readProtectedForm(request), addElderSchema(shanghaiDate()), { form: 'add-elder' })
	if (!parsed.ok) return parsed.response
	const outcome = await addElderForFamily(user, parsed.value)
	return outcome.ok ? redirect(`/elders/${outcome.value.id}`) : replyFailure(parsed, outcome)
}

export default function NewElder() {
	const { districts, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useForm({
		id: 'add-elder',
		lastResult: replyFor(reply, 'add-elder'),
		onValidate: ({ formData }) => parseWithZod(formData, { schema: addElderSchema(today) }),
		shouldRevalidate: 'onInput',
	})
	const [districtId, setDistrictId] = useState(fields.districtId.initialValue ?? '')
	const communities = districts.find((d) => d.id === districtId)?.communities ?? []
	return (
		<section className="card narrow">
			<h1>{t('elders.addTitle')}</h1>
			<ActionForm form={form}>
				<Field
					label={t('fields.idNumber')}
					hint={t('hints.idNumber')}
					errors={fields.idNumber.errors}
					inputProps={{ ...getInputProps(fields.idNumber, { type: 'text' }), autoComplete: 'off', maxLength: 18, className: 'mono' }}
				/>
				<Field label={t('fields.elderName')} errors={fields.name.errors} inputProps={{ ...getInputProps(fields.name, { type: 'text' }), autoComplete: 'off' }} />
				<SelectField
					label={t('fields.relationship')}
					errors={fields.relationship.errors}
					selectProps={getSelectProps(fields.relationship)}
					placeholder={t('common.choose')}
					options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`relationships.${r}`) }))}
				/>
				<SelectField
					label={t('fields.district')}
					errors={fields.districtId.errors}
					selectProps={{ ...getSelectProps(fields.districtId), onChange: (e) => setDistrictId(e.currentTarget.value) }}
					placeholder={t('common.choose')}
					options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))}
				/>
				<SelectField
					label={t('fields.community')}
					errors={fields.communityId.errors}
					selectProps={{ ...getSelectProps(fields.communityId), disabled: !districtId }}
					placeholder={districtId ? t('common.choose') : t('elders.chooseDistrictFirst')}
					options={communities.map((c) => ({ value: c.id, label: `${zh ? c.nameZh : c.nameEn ?? c.nameZh} (${t(`settlement.${c.kind}`)})` }))}
				/>
				<FormErrors form={form} />
				<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
					{t('elders.save')}
				</button>
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
