import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { createStaffAccount, createStaffSchema, listStaff, staffFormOptions } from '~/modules/accounts/accounts.server.ts'
import { requireRole, STAFF_CREATOR_ROLES } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, STAFF_CREATOR_ROLES)
	const [staff, options] = await Promise.all([listStaff(user), staffFormOptions(user)])
	return { staff, ...options }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, STAFF_CREATOR_ROLES)
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: createStaffSchema })
	if (submission.status !== 'success') return data({ result: submission.reply({ hideFields: ['password'] }), created: false }, { status: 400 })
	const outcome = await createStaffAccount(user, submission.value, clientIp(request))
	if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: outcome.fieldErrors, hideFields: ['password'] }), created: false }, { status: outcome.status ?? 400 })
	return data({ result: submission.reply({ resetForm: true }), created: true })
}

export default function StaffPage() {
	const { staff, districts, providers, roles } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useForm({
		id: 'create-staff',
		lastResult: actionData?.result,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: createStaffSchema }),
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			<section className="card">
				<h1>{t('staff.title')}</h1>
				{actionData?.created ? (
					<p className="notice" role="status">
						{t('staff.created')}
					</p>
				) : null}
				<Form method="post" {...getFormProps(form)} className="grid-form">
					<AuthenticityTokenInput name="csrf" />
					<Field label={t('fields.name')} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: 'text' })} />
					<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), inputMode: 'numeric' }} />
					<Field label={t('fields.initialPassword')} hint={t('hints.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }} />
					<SelectField label={t('fields.role')} errors={fields.role.errors} selectProps={getSelectProps(fields.role)} placeholder={t('common.choose')} options={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
					<SelectField label={t('fields.district')} errors={fields.districtId.errors} selectProps={getSelectProps(fields.districtId)} placeholder={t('common.none')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
					<Field label={t('fields.communityId')} hint={t('hints.communityId')} errors={fields.communityId.errors} inputProps={getInputProps(fields.communityId, { type: 'text' })} />
					<SelectField label={t('fields.provider')} errors={fields.providerId.errors} selectProps={getSelectProps(fields.providerId)} placeholder={t('common.none')} options={providers.map((p) => ({ value: p.id, label: p.name }))} />
					<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
						{t('staff.create')}
					</button>
				</Form>
			</section>
			<section className="card">
				<h2>{t('staff.listTitle')}</h2>
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('fields.name')}</th>
								<th scope="col">{t('fields.phone')}</th>
								<th scope="col">{t('fields.role')}</th>
								<th scope="col">{t('fields.scope')}</th>
							</tr>
						</thead>
						<tbody>
							{staff.map((s) => (
								<tr key={s.id}>
									<td>{s.name}</td>
									<td>{s.phone}</td>
									<td>{t(`roles.${s.role}`)}</td>
									<td>{[s.districtId, s.community?.nameZh, s.provider?.name].filter(Boolean).join(' · ') || t('staff.cityWide')}</td>
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
