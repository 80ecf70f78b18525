import { getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, ErrorList, Field, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { fail } from '~/lib/outcome.ts'
import { authenticate } from '~/modules/accounts/accounts.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { issueDeviceCookie, readDeviceCookies } from '~/modules/auth/device-cookie.server.ts'
import { loginSchema, safeRedirect } from '~/modules/auth/schemas.server.ts'
import { createUserSession, getSessionUser } from '~/modules/auth/session.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	if (await getSessionUser(request)) throw redirect('/')
	return null
}

export async function action({ request }: ActionFunctionArgs) {
	const parsed = parseForm(await readProtectedForm(request), loginSchema, { form: 'login', hideFields: ['password'] })
	if (!parsed.ok) return parsed.response
	const outcome = await authenticate({ ...parsed.value, ip: clientIp(request), devices: await readDeviceCookies(request) })
	if (outcome.ok) {
		const to = safeRedirect(parsed.value.redirectTo)
		// Officers give a second factor next: until then the session is not a signed-in one, and the
		// browser gets its device cookie only after it (a password alone does not make a known browser).
		if (outcome.secondFactor) return createUserSession(outcome.userId, request, `/login/two-factor?redirectTo=${encodeURIComponent(to)}`, { secondFactorPending: true })
		return createUserSession(outcome.userId, request, to, { deviceCookie: await issueDeviceCookie(outcome.userId, request) })
	}
	if (outcome.reason === 'locked') return replyFailure(parsed, fail('errors.login.locked', 429), { retryAfterMinutes: Math.ceil(outcome.retryAfterSeconds / 60) })
	return replyFailure(parsed, fail('errors.login.invalid', 401))
}

export default function Login() {
	const reply = useActionData<typeof action>()
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const { t } = useTranslation()
	// Validated by the server alone: the sign-in page is the first many people load, so it ships no zod.
	const [form, fields] = useReplyForm<'phone' | 'password'>('login', reply)
	const minutes = reply && 'retryAfterMinutes' in reply ? reply.retryAfterMinutes : null
	return (
		<section className="card narrow">
			<h1>{t('auth.signIn')}</h1>
			{searchParams.get('invited') ? <Notice>{t('invitation.done')}</Notice> : null}
			{searchParams.get('closed') ? <Notice>{t('privacy.closed')}</Notice> : null}
			<ActionForm form={form}>
				<input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
				<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'username', inputMode: 'numeric' }} />
				<Field label={t('fields.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password' }} />
				<div role="alert" className="form-errors">
					{form.errors?.length ? <ErrorList id={form.errorId} errors={form.errors.map((e) => (e === 'errors.login.locked' && minutes ? t(e, { minutes }) : e))} /> : null}
				</div>
				<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
					{t('auth.signIn')}
				</button>
			</ActionForm>
			<p>
				{t('auth.noAccount')} <Link to="/register">{t('auth.register')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
