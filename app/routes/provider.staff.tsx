import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, OrphanReplyErrors, replyFor, replyValue } from '~/components/forms.tsx'
import { InvitationLink, StaffAccountActions, staffFormIds, StaffStatus } from '~/components/staff-accounts.tsx'
import { DataTable } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, invariantResponse } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { formatShanghai } from '~/lib/time.ts'
import { zodMessageKey } from '~/lib/zod-messages.ts'
import { deactivateStaff, inviteProviderStaff, isProviderManager, listProviderStaff, reinviteStaff } from '~/modules/accounts/accounts.server.ts'
import { deactivateStaffSchema, inviteProviderStaffSchema, reinviteStaffSchema } from '~/modules/accounts/schemas.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// A provider's manager invites the provider's own staff (caregivers, centre and institution staff),
// resets their sign-in and deactivates those who left: the same invitations and guards as the
// bureau's staff page (accounts.server.ts), within the provider.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	invariantResponse(await isProviderManager(user), 'Forbidden', { status: 403 })
	return { staff: await listProviderStaff(user), viewerId: user.id }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const formData = await readProtectedForm(request)
	// Accounts are sensitive acts: the password (or a code) again after five minutes.
	await requireRecentAuth(request, user, '/provider/staff')
	const ip = clientIp(request)
	const intent = formData.get('intent')
	const linkOf = (outcome: Awaited<ReturnType<typeof reinviteStaff>>) => (outcome.ok ? ok({ ...outcome.value, inviteUrl: new URL(outcome.value.invitePath, request.url).toString() }) : outcome)
	if (intent === 'reinvite') {
		const parsed = parseForm(formData, reinviteStaffSchema, { form: formIdOf(formData) })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, linkOf(await reinviteStaff(user, parsed.value, ip)))
	}
	if (intent === 'deactivate') {
		const parsed = parseForm(formData, deactivateStaffSchema, { form: formIdOf(formData) })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await deactivateStaff(user, parsed.value, ip))
	}
	const parsed = parseForm(formData, inviteProviderStaffSchema, { form: 'invite-staff' })
	if (!parsed.ok) return parsed.response
	const invited = await inviteProviderStaff(user, parsed.value, ip)
	return replyOutcome(parsed, invited.ok ? ok({ ...invited.value, name: parsed.value.name, inviteUrl: new URL(invited.value.invitePath, request.url).toString() }) : invited)
}

export default function ProviderStaffPage() {
	const { staff, viewerId } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation()
	const replyForm = (reply as { form?: string } | undefined)?.form ?? ''
	const link = replyValue<{ name?: string; inviteUrl: string; expiresAt: string }>(reply, replyForm)
	const deactivated = replyForm.startsWith('deactivate-') ? replyValue<{ name: string }>(reply, replyForm) : undefined
	const [form, fields] = useForm({ id: 'invite-staff', lastResult: replyFor(reply, 'invite-staff'), onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteProviderStaffSchema, error: zodMessageKey }), shouldRevalidate: 'onInput' })
	return (
		<>
			<section className="card">
				<h1>{t('providerStaff.title')}</h1>
				<p className="hint">{t('providerStaff.lead')}</p>
				{link?.inviteUrl ? <InvitationLink text={t('providerStaff.invited', { expiresAt: formatShanghai(new Date(link.expiresAt), i18n.language) })} url={link.inviteUrl} /> : null}
				{deactivated ? (
					<p className="notice" role="status">
						{t('staff.deactivatedDone', { name: deactivated.name })}
					</p>
				) : null}
				<ActionForm form={form} className="grid-form">
					<Field label={t('fields.name')} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: 'text' })} />
					<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), inputMode: 'numeric' }} />
					<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
						{t('providerStaff.invite')}
					</button>
				</ActionForm>
			</section>
			<CardSection title={t('staff.listTitle')}>
				<DataTable
					columns={[
						{ header: t('fields.name'), cell: (s) => (s.providerManager ? `${s.name} · ${t('providerStaff.manager')}` : s.name) },
						{ header: t('fields.phone'), cell: (s) => s.phone },
						{ header: t('staff.status'), cell: (s) => <StaffStatus staff={s} /> },
						{
							header: t('staff.resetAccess'),
							cell: (s) => (s.id === viewerId || s.providerManager ? null : <StaffAccountActions staff={s} reply={reply} />),
						},
					]}
					rows={staff}
					rowKey={(s) => s.id}
					empty={t('staff.none')}
				/>
				<OrphanReplyErrors reply={reply} formIds={['invite-staff', ...staffFormIds(staff)]} />
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
