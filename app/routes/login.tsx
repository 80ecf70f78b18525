import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ErrorList, Field } from '~/components/forms.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { authenticate } from '~/modules/accounts/accounts.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { loginSchema, safeRedirect } from '~/modules/auth/schemas.ts'
import { createUserSession, getSessionUser } from '~/modules/auth/session.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getSessionUser(request)) throw redirect('/')
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: loginSchema })
	if (submission.status !== 'success') return data({ result: submission.reply({ hideFields: ['password'] }) }, { status: 400 })
	const outcome = await authenticate({ ...submission.value, ip: clientIp(request) })
	if (!outcome.ok) {
		const status = outcome.reason === 'locked' ? 429 : 401
		const formErrors = [outcome.reason === 'locked' ? 'errors.login.locked' : 'errors.login.invalid']
		return data({ result: submission.reply({ formErrors, hideFields: ['password'] }), retryAfterMinutes: outcome.reason === 'locked' ? Math.ceil(outcome.retryAfterSeconds / 60) : null }, { status })
	}
	return createUserSession(outcome.userId, request, safeRedirect(submission.value.redirectTo))
}

export default function Login() {
	const actionData = useActionData<typeof action>()
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form, fields] = useForm({
		id: 'login',
		lastResult: actionData?.result,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
		shouldRevalidate: 'onInput',
	})
	const minutes = actionData && 'retryAfterMinutes' in actionData ? actionData.retryAfterMinutes : null
	return (
		<section className="card narrow">
			<h1>{t('auth.signIn')}</h1>
			<Form method="post" {...getFormProps(form)}>
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
				<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'username', inputMode: 'numeric' }} />
				<Field label={t('fields.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password' }} />
				<div role="alert">
					{form.errors?.length ? <ErrorList errors={form.errors.map((e) => (e === 'errors.login.locked' && minutes ? t(e, { minutes }) : e))} /> : null}
				</div>
				<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
					{t('auth.signIn')}
				</button>
			</Form>
			<p>
				{t('auth.noAccount')} <Link to="/register">{t('auth.register')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
