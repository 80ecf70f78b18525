import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyFor, replyValue } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { codeSentTo, SendCodeForm } from '~/components/send-code-form.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { maskPhone } from '~/lib/text.ts'
import { zodMessageKey } from '~/lib/zod-messages.ts'
import { changePhone, requestPhoneChangeCode } from '~/modules/accounts/phone-change.server.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { currentSessionId } from '~/modules/auth/session.server.ts'
import { changePhoneSchema, sendCodeSchema } from '~/modules/messaging/phone-code-schemas.ts'

// Moving one's account to a new mobile number: a code to the new number, then the code and the
// password. The old number is told by SMS; other sessions end.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	return { phone: maskPhone(user.phone) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	if (formData.get('intent') === 'sendCode') {
		const parsed = parseForm(formData, sendCodeSchema, { form: 'phone-sms' })
		if (!parsed.ok) return parsed.response
		const sent = await requestPhoneChangeCode(user, parsed.value, ip)
		return replyOutcome(parsed, sent.ok ? ok({ phone: parsed.value.phone }) : sent, { resetForm: false })
	}
	const parsed = parseForm(formData, changePhoneSchema, { form: 'change-phone', hideFields: ['password'] })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await changePhone(user, parsed.value, await currentSessionId(request), ip))
}

export default function ChangePhone() {
	const { phone } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const sentTo = codeSentTo(reply, 'phone-sms')
	const changed = replyValue<{ phone: string }>(reply, 'change-phone')
	const [form, fields] = useForm({
		id: 'change-phone',
		lastResult: replyFor(reply, 'change-phone'),
		defaultValue: sentTo ? { phone: sentTo } : undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: changePhoneSchema, error: zodMessageKey }),
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting'
	return (
		<section className="card narrow">
			<h1>{t('phoneChange.title')}</h1>
			{changed ? <Notice>{t('phoneChange.done', { phone: changed.phone })}</Notice> : <p>{t('phoneChange.lead', { phone })}</p>}
			<h2>{t('phoneChange.step1')}</h2>
			<SendCodeForm id="phone-sms" reply={reply} sentNotice={t('auth.phoneCode.sent', { phone: sentTo })} busy={busy} errorMap={zodMessageKey} />
			<h2>{t('phoneChange.step2')}</h2>
			<ActionForm form={form}>
				<Fragment key={sentTo ?? ''}>
					<Field label={t('phoneChange.newPhone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'tel', inputMode: 'numeric', defaultValue: sentTo ?? fields.phone.initialValue }} />
				</Fragment>
				<Field label={t('fields.code')} hint={t('hints.code')} errors={fields.code.errors} inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: 'numeric', maxLength: 6 }} />
				<Field label={t('phoneChange.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password' }} />
				<FormSubmit form={form} label={t('phoneChange.submit')} disabled={busy} />
			</ActionForm>
			<p>
				<Link to="/account/data">{t('privacy.myDataTitle')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
