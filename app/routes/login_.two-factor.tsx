import { getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunctionArgs } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyValue, useReplyForm } from '~/components/forms.tsx'
import { parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { fail, fieldFail, ok } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { issueDeviceCookie } from '~/modules/auth/device-cookie.server.ts'
import { attemptSucceeded, beginAttempt, waitAfterFailure } from '~/modules/auth/login-limit.server.ts'
import { safeRedirect, secondFactorSchema, totpEnrolSchema } from '~/modules/auth/schemas.ts'
import { completeSecondFactor, getSessionUser, pendingSecondFactor } from '~/modules/auth/session.server.ts'
import { completeEnrolment, enrolmentClosed, pendingEnrolment, verifySecondFactor } from '~/modules/auth/two-factor.server.ts'

// The second step of an officer's sign-in: a TOTP code (or a recovery code), or on the first sign-in
// the enrolment of an authenticator app (QR code and secret, then a first code, then the recovery
// codes shown once). Without a password-checked sign-in in progress, back to /login.
export async function loader({ request }: LoaderFunctionArgs) {
	const pending = await pendingSecondFactor(request)
	if (!pending) {
		// Just enrolled: the loaders run again after the action (with and without JavaScript), and the
		// recovery codes, shown once, must stay on screen until the officer goes on; a signed-in visit
		// without them is sent home.
		// (After an action Remix runs the loaders as a GET, so a signed-in officer gets the page, not a redirect.)
		if (await getSessionUser(request)) return { enrolled: true, enrolment: null, signedIn: true, closed: false }
		throw redirect('/login')
	}
	if (!pending.enrolled && (await enrolmentClosed(pending.user.id))) return { enrolled: false, enrolment: null, signedIn: false, closed: true }
	return { enrolled: pending.enrolled, enrolment: pending.enrolled ? null : await pendingEnrolment(pending.user.id), signedIn: false, closed: false }
}

/** After enrolment the page shows the recovery codes; reloading its data would take them away. */
export function shouldRevalidate({ actionResult, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
	if (actionResult && typeof actionResult === 'object' && 'ok' in actionResult && actionResult.ok) return false
	return defaultShouldRevalidate
}

export async function action({ request }: ActionFunctionArgs) {
	const formData = await readProtectedForm(request)
	const pending = await pendingSecondFactor(request)
	if (!pending) throw redirect('/login')
	const ip = clientIp(request)
	const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'))
	// Codes are throttled like passwords: progressive delay per account and address.
	const key = `2fa:${pending.user.id}`
	if (!pending.enrolled) {
		const parsed = parseForm(formData, totpEnrolSchema, { form: 'enrol' })
		if (!parsed.ok) return parsed.response
		if (await enrolmentClosed(pending.user.id)) return replyFailure(parsed, fail('errors.totp.enrolmentClosed', 403))
		const wait = await beginAttempt(key, ip)
		if (wait > 0) return replyFailure(parsed, fail('errors.totp.wait', 429))
		const codes = await completeEnrolment(pending.user.id, parsed.value.code)
		if (!codes) {
			await audit({ actor: pending.user, action: 'auth.totp_enrol_failed', entityType: 'user', entityId: pending.user.id, ip })
			return replyFailure(parsed, fieldFail('code', 'errors.totp.invalid', 401))
		}
		await attemptSucceeded(key, ip)
		await completeSecondFactor(pending.sessionId)
		await audit({ actor: pending.user, action: 'auth.totp_enrol', entityType: 'user', entityId: pending.user.id, ip })
		// The whole sign-in is done: this browser is now a known one (app/modules/auth/device-cookie.server.ts).
		return replyOutcome(parsed, ok({ recoveryCodes: codes, redirectTo }), { headers: { 'Set-Cookie': await issueDeviceCookie(pending.user.id, request) } })
	}
	const parsed = parseForm(formData, secondFactorSchema, { form: 'second-factor' })
	if (!parsed.ok) return parsed.response
	const wait = await beginAttempt(key, ip)
	if (wait > 0) return replyFailure(parsed, fail('errors.totp.wait', 429))
	const how = await verifySecondFactor(pending.user.id, parsed.value.code)
	if (!how) {
		await audit({ actor: pending.user, action: 'auth.second_factor_failed', entityType: 'user', entityId: pending.user.id, ip })
		await waitAfterFailure(key, ip)
		return replyFailure(parsed, fieldFail('code', 'errors.totp.invalid', 401))
	}
	await attemptSucceeded(key, ip)
	await completeSecondFactor(pending.sessionId)
	await audit({ actor: pending.user, action: how === 'recovery' ? 'auth.recovery_code_used' : 'auth.second_factor', entityType: 'user', entityId: pending.user.id, ip })
	return redirect(redirectTo, { headers: { 'Set-Cookie': await issueDeviceCookie(pending.user.id, request) } })
}

export default function TwoFactor() {
	const { enrolled, enrolment, signedIn, closed } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'code'>(enrolled ? 'second-factor' : 'enrol', reply)
	const done = replyValue<{ recoveryCodes: string[]; redirectTo: string }>(reply, 'enrol')
	if (done) {
		return (
			<section className="card narrow">
				<h1>{t('twoFactor.recoveryTitle')}</h1>
				<p>{t('twoFactor.recoveryLead')}</p>
				<ul className="recovery-codes" data-testid="recovery-codes">
					{done.recoveryCodes.map((c) => (
						<li key={c}>
							<code>{c}</code>
						</li>
					))}
				</ul>
				<Link className="button big" to={done.redirectTo}>
					{t('twoFactor.continue')}
				</Link>
			</section>
		)
	}
	if (closed) {
		return (
			<section className="card narrow">
				<h1>{t('twoFactor.enrolTitle')}</h1>
				<p role="alert">{t('errors.totp.enrolmentClosed')}</p>
			</section>
		)
	}
	if (signedIn) {
		return (
			<section className="card narrow">
				<h1>{t('twoFactor.title')}</h1>
				<p role="status">{t('twoFactor.alreadyDone')}</p>
				<Link className="button big" to="/">
					{t('twoFactor.goOn')}
				</Link>
			</section>
		)
	}
	return (
		<section className="card narrow">
			<h1>{enrolled ? t('twoFactor.title') : t('twoFactor.enrolTitle')}</h1>
			{enrolment ? (
				<>
					<p>{t('twoFactor.enrolLead')}</p>
					<img src={enrolment.qr} alt={t('twoFactor.qrAlt')} width={200} height={200} />
					<p>
						{t('twoFactor.secret')} <code data-testid="totp-secret">{enrolment.secret}</code>
					</p>
				</>
			) : (
				<p>{t('twoFactor.lead')}</p>
			)}
			<ActionForm form={form}>
				<Field
					label={enrolled ? t('twoFactor.codeOrRecovery') : t('twoFactor.code')}
					errors={fields.code.errors}
					inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: enrolled ? 'text' : 'numeric', autoFocus: true }}
				/>
				<FormSubmit form={form} label={t('twoFactor.verify')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
