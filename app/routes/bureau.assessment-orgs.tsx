// The bureau's assessment organisations: register one with the districts it covers, invite its
// assessors, and allow a community's officers to assess (app/modules/assessment/orgs.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, FormErrors, replyDone, replyValue, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { TitledTable } from '~/components/titled-table.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { assessmentOrgsPage, inviteAssessor, inviteAssessorSchema, permitSchema, registerOrg, registerOrgSchema, setCommunityPermit } from '~/modules/assessment/orgs.server.ts'

const ROLES = ['bureau_district', 'bureau_city'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	return assessmentOrgsPage(await requireRole(request, ROLES))
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	const intent = formData.get('intent')
	if (intent === 'invite') {
		const parsed = parseForm(formData, inviteAssessorSchema, { form: 'invite' })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await inviteAssessor(user, parsed.value, ip))
	}
	if (intent === 'permit') {
		const parsed = parseForm(formData, permitSchema, { form: `permit-${String(formData.get('communityId') ?? '')}` })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await setCommunityPermit(user, parsed.value, ip))
	}
	const parsed = parseForm(formData, registerOrgSchema, { form: 'register' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await registerOrg(user, parsed.value, ip))
}

export default function AssessmentOrgs() {
	const { orgs, districts, districtNames, communities } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('statuses')
	const [form, fields] = useReplyForm<'name' | 'licenceNo' | 'districtIds'>('register', reply)
	const [inviteForm, inviteFields] = useReplyForm<'orgId' | 'name' | 'phone'>('invite', reply)
	const invited = replyValue<{ invitePath: string }>(reply, 'invite')
	const districtName = (id: string) => districtNames[id] ?? id
	return (
		<section className="card">
			<h1>{t('orgs.title')}</h1>
			<p>{t('orgs.intro')}</p>
			<DataTable
				caption={t('orgs.title')}
				captionHidden
				columns={[
					{ header: t('orgs.name'), cell: (o) => o.name },
					{ header: t('orgs.licenceNo'), cell: (o) => o.licenceNo },
					{ header: t('orgs.districts'), cell: (o) => o.districtIds.map(districtName).join('、') },
					{ header: t('orgs.assessors'), cell: (o) => o.users.map((u) => u.name).join('、') || '—' },
					{ header: t('orgs.active'), cell: (o) => (o.active ? '✓' : '—') },
				]}
				rows={orgs}
				rowKey={(o) => o.id}
			/>
			<h2>{t('orgs.register')}</h2>
			{replyDone(reply, 'register') ? <Notice>{t('orgs.registered')}</Notice> : null}
			<ActionForm form={form} intent="register" className="grid-form">
				<Field label={t('orgs.name')} errors={fields.name.errors} inputProps={{ id: 'org-name', name: 'name', required: true, maxLength: 80 }} />
				<Field label={t('orgs.licenceNo')} errors={fields.licenceNo.errors} inputProps={{ id: 'org-licence', name: 'licenceNo', required: true, maxLength: 40 }} />
				<fieldset>
					<legend>{t('orgs.districts')}</legend>
					{districts.map((d) => (
						<label key={d.id}>
							<input type="checkbox" name="districtIds" value={d.id} /> {d.nameZh}
						</label>
					))}
				</fieldset>
				<FormSubmit form={form} errors={fields.districtIds.errors} label={t('orgs.register')} className="button" />
			</ActionForm>
			<h2>{t('orgs.invite')}</h2>
			{invited ? <Notice data-testid="invitation">{t('orgs.invited', { path: invited.invitePath })}</Notice> : null}
			<ActionForm form={inviteForm} intent="invite" className="grid-form">
				<SelectField label={t('orgs.org')} errors={inviteFields.orgId.errors} selectProps={{ id: 'invite-org', name: 'orgId', required: true }} placeholder={t('common:common.choose')} options={orgs.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
				<Field label={t('common:fields.name')} errors={inviteFields.name.errors} inputProps={{ id: 'invite-name', name: 'name', required: true, maxLength: 40 }} />
				<Field label={t('common:fields.phone')} errors={inviteFields.phone.errors} inputProps={{ id: 'invite-phone', name: 'phone', type: 'tel', required: true }} />
				<FormSubmit form={inviteForm} label={t('orgs.invite')} className="button" />
			</ActionForm>
			<TitledTable
				title={t('orgs.permits')}
				columns={[
					{ header: t('review.community'), cell: (c) => `${districtName(c.districtId)} · ${c.nameZh}` },
					{ header: t('orgs.allowed'), cell: (c) => <PermitForm communityId={c.id} allowed={c.allowed} reply={reply} /> },
				]}
				rows={communities}
				rowKey={(c) => c.id}
			/>
		</section>
	)
}

function PermitForm({ communityId, allowed, reply }: { communityId: string; allowed: boolean; reply: unknown }) {
	const { t } = useTranslation('statuses')
	const [form] = useReplyForm<'communityId' | 'allow'>(`permit-${communityId}`, reply)
	return (
		<ActionForm form={form} intent="permit">
			<input type="hidden" name="communityId" value={communityId} />
			<input type="hidden" name="allow" value={allowed ? 'no' : 'yes'} />
			{allowed ? `${t('orgs.allowed')} ` : null}
			<button type="submit" className={allowed ? 'button secondary' : 'button'}>
				{allowed ? t('orgs.withdraw') : t('orgs.allow')}
			</button>
			<FormErrors form={form} />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
