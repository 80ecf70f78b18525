import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useNavigation } from '@remix-run/react'
import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'
import { ConsentField } from '~/components/consent-field.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyFor } from '~/components/forms.tsx'
import { codeSentTo, SendCodeForm } from '~/components/send-code-form.tsx'
import { parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { registerFamily } from '~/modules/accounts/accounts.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { createUserSession, getSessionUser } from '~/modules/auth/session.server.ts'
import { registerWithCodeSchema, sendCodeSchema } from '~/modules/messaging/phone-code-schemas.ts'
import { requestPhoneCode, verifyPhoneCode } from '~/modules/messaging/phone-codes.server.ts'
import { zodMessageKey } from '~/lib/zod-messages.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getSessionUser(request)) throw redirect('/')
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await readProtectedForm(request)
	// Step 1: a 6-digit code by SMS to the number being registered.
	if (formData.get('intent') === 'sendCode') {
		const parsed = parseForm(formData, sendCodeSchema, { form: 'register-sms' })
		if (!parsed.ok) return parsed.response
		const sent = await requestPhoneCode({ phone: parsed.value.phone, purpose: 'register', ip: clientIp(request) })
		return replyOutcome(parsed, sent.ok ? ok({ phone: parsed.value.phone }) : sent, { resetForm: false })
	}
	// Step 2: the code confirms the phone, then the account is created.
	const parsed = parseForm(formData, registerWithCodeSchema, { form: 'register', hideFields: ['password', 'confirmPassword'] })
	if (!parsed.ok) return parsed.response
	const confirmed = await verifyPhoneCode({ phone: parsed.value.phone, purpose: 'register', code: parsed.value.code })
	if (!confirmed.ok) return replyFailure(parsed, confirmed)
	const outcome = await registerFamily({ ...parsed.value, ip: clientIp(request) })
	if (!outcome.ok) return replyFailure(parsed, outcome)
	return createUserSession(outcome.value.id, request, '/elders')
}

export default function Register() {
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const sentTo = codeSentTo(reply, 'register-sms')
	const [form, fields] = useForm({
		id: 'register',
		lastResult: replyFor(reply, 'register'),
		defaultValue: sentTo ? { phone: sentTo } : undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: registerWithCodeSchema, error: zodMessageKey }),
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting'
	return (
		<section className="card narrow">
			<h1>{t('auth.registerTitle')}</h1>
			<p>{t('auth.registerLead')}</p>
			<h2>{t('auth.phoneCode.step1')}</h2>
			<SendCodeForm id="register-sms" reply={reply} sentNotice={t('auth.phoneCode.sent', { phone: sentTo })} busy={busy} errorMap={zodMessageKey} />
			<h2>{t('auth.phoneCode.step2')}</h2>
			<ActionForm form={form}>
				<Field label={t('fields.yourName')} errors={fields.name.errors} inputProps={{ ...getInputProps(fields.name, { type: 'text' }), autoComplete: 'name' }} />
				<Fragment key={sentTo ?? ''}>
					<Field label={t('fields.phone')} hint={t('hints.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'tel', inputMode: 'numeric', defaultValue: sentTo ?? fields.phone.initialValue }} />
				</Fragment>
				<Field label={t('fields.code')} hint={t('hints.code')} errors={fields.code.errors} inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: 'numeric', maxLength: 6 }} />
				<Field label={t('fields.password')} hint={t('hints.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }} />
				<Field label={t('fields.confirmPassword')} errors={fields.confirmPassword.errors} inputProps={{ ...getInputProps(fields.confirmPassword, { type: 'password' }), autoComplete: 'new-password' }} />
				<ConsentField label={t('privacy.agree')} field={fields.agreePrivacy} />
				<FormSubmit form={form} label={t('auth.register')} disabled={busy} />
			</ActionForm>
			<p>
				{t('auth.haveAccount')} <Link to="/login">{t('auth.signIn')}</Link> · <Link to="/reset-password">{t('auth.forgotPassword')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
