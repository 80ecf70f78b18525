import { getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, replyFor, replyValue, SelectField } from '~/components/forms.tsx'
import { DataTable } from '~/components/ui.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { createStaffAccount, listStaff, staffFormOptions } from '~/modules/accounts/accounts.server.ts'
import { createStaffSchema } from '~/modules/accounts/schemas.ts'
import { requireRole, STAFF_CREATOR_ROLES } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { ok } from '~/lib/outcome.ts'
import { zodMessageKey } from '~/lib/zod-messages.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, STAFF_CREATOR_ROLES)
	const [staff, options] = await Promise.all([listStaff(user), staffFormOptions(user)])
	return { staff, ...options }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, STAFF_CREATOR_ROLES)
	const formData = await readProtectedForm(request)
	// Creating accounts is a sensitive act: the password (or a TOTP code) again after five minutes.
	await requireRecentAuth(request, user, '/bureau/staff')
	const parsed = parseForm(formData, createStaffSchema, { form: 'create-staff' })
	if (!parsed.ok) return parsed.response
	const outcome = await createStaffAccount(user, parsed.value, clientIp(request))
	// The link is shown once, to hand to the person; only its hash is kept.
	return replyOutcome(parsed, outcome.ok ? ok({ ...outcome.value, inviteUrl: new URL(outcome.value.invitePath, request.url).toString() }) : outcome)
}

export default function StaffPage() {
	const { staff, districts, providers, roles } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const invited = replyValue<{ inviteUrl: string; expiresAt: string }>(reply, 'create-staff')
	const [form, fields] = useForm({ id: 'create-staff', lastResult: replyFor(reply, 'create-staff'), onValidate: ({ formData }) => parseWithZod(formData, { schema: createStaffSchema, error: zodMessageKey }), shouldRevalidate: 'onInput' })
	return (
		<>
			<section className="card">
				<h1>{t('staff.title')}</h1>
				{invited ? (
					<div className="notice" role="status" data-testid="invitation">
						<p>{t('staff.invited', { expiresAt: formatShanghai(new Date(invited.expiresAt), i18n.language) })}</p>
						<p>
							<code>{invited.inviteUrl}</code>
						</p>
					</div>
				) : null}
				<p className="hint">{t('staff.inviteHint')}</p>
				<ActionForm form={form} className="grid-form">
					<Field label={t('fields.name')} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: 'text' })} />
					<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), inputMode: 'numeric' }} />
					<SelectField label={t('fields.role')} errors={fields.role.errors} selectProps={getSelectProps(fields.role)} placeholder={t('common.choose')} options={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
					<SelectField label={t('fields.district')} errors={fields.districtId.errors} selectProps={getSelectProps(fields.districtId)} placeholder={t('common.none')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
					<Field label={t('fields.communityId')} hint={t('hints.communityId')} errors={fields.communityId.errors} inputProps={getInputProps(fields.communityId, { type: 'text' })} />
					<SelectField label={t('fields.provider')} errors={fields.providerId.errors} selectProps={getSelectProps(fields.providerId)} placeholder={t('common.none')} options={providers.map((p) => ({ value: p.id, label: p.name }))} />
					<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
						{t('staff.create')}
					</button>
				</ActionForm>
			</section>
			<CardSection title={t('staff.listTitle')}>
				<DataTable
					columns={[
						{ header: t('fields.name'), cell: (s) => s.name },
						{ header: t('fields.phone'), cell: (s) => s.phone },
						{ header: t('fields.role'), cell: (s) => t(`roles.${s.role}`) },
						{ header: t('fields.scope'), cell: (s) => [s.district ? (zh ? s.district.nameZh : s.district.nameEn) : null, s.community?.nameZh, s.provider?.name].filter(Boolean).join(' · ') || t('staff.cityWide') },
						{ header: t('staff.status'), cell: (s) => (s.invitations.length ? t('staff.invitationPending') : t('staff.active')) },
					]}
					rows={staff}
					rowKey={(s) => s.id}
				/>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
