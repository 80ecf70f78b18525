import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyFor } from '~/components/forms.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { registerFamily } from '~/modules/accounts/accounts.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { registerSchema } from '~/modules/auth/schemas.ts'
import { createUserSession, getSessionUser } from '~/modules/auth/session.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getSessionUser(request)) throw redirect('/')
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const parsed = parseForm(await readProtectedForm(request), registerSchema, { form: 'register', hideFields: ['password', 'confirmPassword'] })
	if (!parsed.ok) return parsed.response
	const outcome = await registerFamily(parsed.value)
	if (!outcome.ok) return replyFailure(parsed, outcome)
	return createUserSession(outcome.value.id, request, '/elders')
}

export default function Register() {
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form, fields] = useForm({
		id: 'register',
		lastResult: replyFor(reply, 'register'),
		onValidate: ({ formData }) => parseWithZod(formData, { schema: registerSchema }),
		shouldRevalidate: 'onInput',
	})
	return (
		<section className="card narrow">
			<h1>{t('auth.registerTitle')}</h1>
			<p>{t('auth.registerLead')}</p>
			<ActionForm form={form}>
				<Field label={t('fields.yourName')} errors={fields.name.errors} inputProps={{ ...getInputProps(fields.name, { type: 'text' }), autoComplete: 'name' }} />
				<Field label={t('fields.phone')} hint={t('hints.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'tel', inputMode: 'numeric' }} />
				<Field label={t('fields.password')} hint={t('hints.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }} />
				<Field label={t('fields.confirmPassword')} errors={fields.confirmPassword.errors} inputProps={{ ...getInputProps(fields.confirmPassword, { type: 'password' }), autoComplete: 'new-password' }} />
				<FormErrors form={form} />
				<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
					{t('auth.register')}
				</button>
			</ActionForm>
			<p>
				{t('auth.haveAccount')} <Link to="/login">{t('auth.signIn')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
