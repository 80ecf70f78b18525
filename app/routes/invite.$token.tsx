import { getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, useReplyForm } from '~/components/forms.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless } from '~/lib/http.server.ts'
import { acceptInvitation, openInvitation } from '~/modules/accounts/invitations.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { invitationSchema } from '~/modules/auth/schemas.ts'

// The invited person sets their own password here (the creator never knows it); officers then
// enrol a second factor at their first sign-in.
export async function loader({ params }: LoaderFunctionArgs) {
	const invitation = notFoundUnless(await openInvitation(notFoundUnless(params.token)), 'This invitation link is unknown, used or expired.')
	return { invitation }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const parsed = parseForm(await readProtectedForm(request), invitationSchema, { form: 'invitation', hideFields: ['password', 'confirmPassword'] })
	if (!parsed.ok) return parsed.response
	const outcome = await acceptInvitation(notFoundUnless(params.token), parsed.value.password, clientIp(request))
	if (!outcome.ok) return replyFailure(parsed, outcome)
	return redirect('/login?invited=1')
}

export default function Invitation() {
	const { invitation } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'password' | 'confirmPassword'>('invitation', reply)
	return (
		<section className="card narrow">
			<h1>{t('invitation.title')}</h1>
			<p>{t('invitation.lead', { name: invitation.name, role: t(`roles.${invitation.role}`), phone: invitation.phone })}</p>
			<ActionForm form={form}>
				<Field label={t('fields.password')} hint={t('hints.password')} errors={fields.password.errors} inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }} />
				<Field label={t('fields.confirmPassword')} errors={fields.confirmPassword.errors} inputProps={{ ...getInputProps(fields.confirmPassword, { type: 'password' }), autoComplete: 'new-password' }} />
				<FormSubmit form={form} label={t('invitation.submit')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
