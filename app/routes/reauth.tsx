import { getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, useReplyForm } from '~/components/forms.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { reauthSchema, safeRedirect } from '~/modules/auth/schemas.ts'
import { hasSecondFactor, reauthenticate } from '~/modules/auth/step-up.server.ts'

// Step-up: sensitive acts send the user here (requireRecentAuth) and come back after the password.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	return { hasCode: await hasSecondFactor(user.id) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const parsed = parseForm(await readProtectedForm(request), reauthSchema, { form: 'reauth', hideFields: ['password', 'code'] })
	if (!parsed.ok) return parsed.response
	// The password, or instead a code from the authenticator app (accounts with a second factor).
	const proof = parsed.value.password ? parsed.value.password : { code: parsed.value.code!.replace(/\s+/g, '') }
	const outcome = await reauthenticate(request, user, proof, clientIp(request))
	if (!outcome.ok) return replyFailure(parsed, outcome)
	return redirect(safeRedirect(parsed.value.redirectTo))
}

export default function Reauth() {
	const { hasCode } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'password' | 'code'>('reauth', reply)
	return (
		<section className="card narrow">
			<h1>{t('auth.reauthTitle')}</h1>
			<p>{t('auth.reauthLead')}</p>
			<ActionForm form={form}>
				<input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
				<Field label={t('fields.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password', autoFocus: true }} />
				{hasCode ? (
					<Field
						label={t('twoFactor.orCode')}
						hint={t('twoFactor.orCodeHint')}
						errors={fields.code.errors}
						inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: 'numeric' }}
					/>
				) : null}
				<FormSubmit form={form} label={t('auth.reauthSubmit')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
