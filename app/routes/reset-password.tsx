import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyFor } from '~/components/forms.tsx'
import { codeSentTo, SendCodeForm } from '~/components/send-code-form.tsx'
import { parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { requestResetCode, resetPasswordWithCode } from '~/modules/accounts/password-reset.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { getSessionUser } from '~/modules/auth/session.server.ts'
import { resetPasswordSchema, sendCodeSchema } from '~/modules/messaging/phone-code-schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getSessionUser(request)) throw redirect('/')
	return { done: new URL(request.url).searchParams.get('done') === '1' }
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await readProtectedForm(request)
	if (formData.get('intent') === 'sendCode') {
		const parsed = parseForm(formData, sendCodeSchema, { form: 'reset-sms' })
		if (!parsed.ok) return parsed.response
		const sent = await requestResetCode({ phone: parsed.value.phone, ip: clientIp(request) })
		return replyOutcome(parsed, sent.ok ? ok({ phone: parsed.value.phone }) : sent, { resetForm: false })
	}
	const parsed = parseForm(formData, resetPasswordSchema, { form: 'reset', hideFields: ['password', 'confirmPassword'] })
	if (!parsed.ok) return parsed.response
	const outcome = await resetPasswordWithCode({ ...parsed.value, ip: clientIp(request) })
	if (!outcome.ok) return replyFailure(parsed, outcome)
	return redirect('/reset-password?done=1')
}

export default function ResetPassword() {
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const sentTo = codeSentTo(reply, 'reset-sms')
	const [form, fields] = useForm({
		id: 'reset',
		lastResult: replyFor(reply, 'reset'),
		defaultValue: sentTo ? { phone: sentTo } : undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema }),
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting'
	return (
		<section className="card narrow">
			<h1>{t('auth.resetTitle')}</h1>
			<ResetDone />
			<p>{t('auth.resetLead')}</p>
			<SendCodeForm id="reset-sms" reply={reply} sentNotice={t('auth.phoneCode.sentIfRegistered')} busy={busy} />
			<h2>{t('auth.resetStep2')}</h2>
			<ActionForm form={form}>
				<Fragment key={sentTo ?? ''}>
					<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'username', inputMode: 'numeric', defaultValue: sentTo ?? fields.phone.initialValue }} />
				</Fragment>
				<Field label={t('fields.code')} hint={t('hints.code')} errors={fields.code.errors} inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: 'numeric', maxLength: 6 }} />
				<Field label={t('fields.newPassword')} hint={t('hints.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }} />
				<Field label={t('fields.confirmPassword')} errors={fields.confirmPassword.errors} inputProps={{ ...getInputProps(fields.confirmPassword, { type: 'password' }), autoComplete: 'new-password' }} />
				<FormSubmit form={form} label={t('auth.resetSubmit')} disabled={busy} />
			</ActionForm>
			<p>
				<Link to="/login">{t('auth.signIn')}</Link>
			</p>
		</section>
	)
}

function ResetDone() {
	const { t } = useTranslation()
	const data = useLoaderData<typeof loader>()
	if (!data.done) return null
	return (
		<p role="status" className="notice">
			{t('auth.resetDone')}
		</p>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
