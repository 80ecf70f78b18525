import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { Money } from '~/components/allowance.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { listSettings, saveSettingsVersion } from '~/modules/allowance/runs.server.ts'
import { settingsSchema } from '~/modules/allowance/schemas.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { ...(await listSettings()), canEdit: user.role === 'bureau_city', nextMonth: addMonths(shanghaiMonth(), 1) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: settingsSchema })
	if (submission.status !== 'success') return data({ result: submission.reply(), saved: false }, { status: 400 })
	const v = submission.value
	const outcome = await saveSettingsVersion(
		user,
		{ effectiveMonth: v.effectiveMonth, tier80Fen: v.tier80, tier90Fen: v.tier90, tier100Fen: v.tier100, livenessWindowMonths: v.livenessWindowMonths, backPayAllowed: v.backPayAllowed === 'yes' },
		clientIp(request),
	)
	if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: { effectiveMonth: [outcome.error] } }), saved: false }, { status: outcome.status })
	return data({ result: submission.reply({ resetForm: true }), saved: true })
}

export default function SettingsPage() {
	const { versions, current, canEdit, nextMonth } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const [form, fields] = useForm({
		id: 'allowance-settings',
		lastResult: actionData?.result,
		defaultValue: {
			effectiveMonth: nextMonth,
			tier80: String(current.tier80Fen / 100),
			tier90: String(current.tier90Fen / 100),
			tier100: String(current.tier100Fen / 100),
			livenessWindowMonths: String(current.livenessWindowMonths),
			backPayAllowed: current.backPayAllowed ? 'yes' : 'no',
		},
		onValidate: ({ formData }) => parseWithZod(formData, { schema: settingsSchema }),
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			<section className="card">
				<h1>{t('settings.title')}</h1>
				<p className="lead">{t('settings.lead')}</p>
				{actionData?.saved ? (
					<p className="notice" role="status">
						{t('settings.saved')}
					</p>
				) : null}
				{canEdit ? (
					<Form method="post" {...getFormProps(form)} className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<Field label={t('settings.effectiveMonth')} hint={t('runs.monthHint')} errors={fields.effectiveMonth.errors} inputProps={getInputProps(fields.effectiveMonth, { type: 'text' })} />
						<Field label={t('settings.tier80')} errors={fields.tier80.errors} inputProps={{ ...getInputProps(fields.tier80, { type: 'text' }), inputMode: 'decimal' }} />
						<Field label={t('settings.tier90')} errors={fields.tier90.errors} inputProps={{ ...getInputProps(fields.tier90, { type: 'text' }), inputMode: 'decimal' }} />
						<Field label={t('settings.tier100')} errors={fields.tier100.errors} inputProps={{ ...getInputProps(fields.tier100, { type: 'text' }), inputMode: 'decimal' }} />
						<Field label={t('settings.window')} errors={fields.livenessWindowMonths.errors} inputProps={{ ...getInputProps(fields.livenessWindowMonths, { type: 'text' }), inputMode: 'numeric' }} />
						<SelectField label={t('settings.backPay')} errors={fields.backPayAllowed.errors} selectProps={getSelectProps(fields.backPayAllowed)} options={[{ value: 'yes', label: t('settings.yes') }, { value: 'no', label: t('settings.no') }]} />
						<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
							{t('settings.save')}
						</button>
					</Form>
				) : null}
			</section>
			<section className="card">
				<h2>{t('settings.versions')}</h2>
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('settings.effectiveMonth')}</th>
								<th scope="col">{t('tiers.80')}</th>
								<th scope="col">{t('tiers.90')}</th>
								<th scope="col">{t('tiers.100')}</th>
								<th scope="col">{t('settings.window')}</th>
								<th scope="col">{t('settings.backPay')}</th>
							</tr>
						</thead>
						<tbody>
							{versions.map((v) => (
								<tr key={v.effectiveMonth}>
									<td>{v.effectiveMonth}</td>
									<td>
										<Money fen={v.tier80Fen} />
									</td>
									<td>
										<Money fen={v.tier90Fen} />
									</td>
									<td>
										<Money fen={v.tier100Fen} />
									</td>
									<td>{v.livenessWindowMonths}</td>
									<td>{v.backPayAllowed ? t('settings.yes') : t('settings.no')}</td>
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
