import { getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, ErrorList, Field, OrphanReplyErrors, replyFor, replyValue, SelectField } from '~/components/forms.tsx'
import { InvitationLink, StaffAccountActions, staffFormIds, StaffStatus } from '~/components/staff-accounts.tsx'
import { Pager } from '~/components/pager.tsx'
import { DataTable } from '~/components/ui.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { createStaffAccount, deactivateStaff, listStaff, reinviteStaff, staffFormOptions } from '~/modules/accounts/accounts.server.ts'
import { createStaffSchema, deactivateStaffSchema, reinviteStaffSchema } from '~/modules/accounts/schemas.ts'
import { requireRole, STAFF_CREATOR_ROLES } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { ok } from '~/lib/outcome.ts'
import { zodMessageKey } from '~/lib/zod-messages.ts'
import { pageParam, textParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, STAFF_CREATOR_ROLES)
	const url = new URL(request.url)
	const q = textParam(url.searchParams, 'q', 40)
	const page = pageParam(url.searchParams)
	const [{ staff, hasMore }, options] = await Promise.all([listStaff(user, { q, page }), staffFormOptions(user, textParam(url.searchParams, 'district', 40))])
	return { staff, hasMore, q, page, ...options, viewerId: user.id }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, STAFF_CREATOR_ROLES)
	const formData = await readProtectedForm(request)
	// Creating, resetting and deactivating accounts are sensitive acts: the password (or a TOTP code) again after five minutes.
	await requireRecentAuth(request, user, '/bureau/staff')
	if (formData.get('intent') === 'reinvite') {
		// One form per row (`reinvite-<id>`): the reply finds its row.
		const parsed = parseForm(formData, reinviteStaffSchema, { form: formIdOf(formData) })
		if (!parsed.ok) return parsed.response
		const outcome = await reinviteStaff(user, parsed.value, clientIp(request))
		return replyOutcome(parsed, outcome.ok ? ok({ ...outcome.value, inviteUrl: new URL(outcome.value.invitePath, request.url).toString() }) : outcome)
	}
	if (formData.get('intent') === 'deactivate') {
		const parsed = parseForm(formData, deactivateStaffSchema, { form: formIdOf(formData) })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await deactivateStaff(user, parsed.value, clientIp(request)))
	}
	const parsed = parseForm(formData, createStaffSchema, { form: 'create-staff' })
	if (!parsed.ok) return parsed.response
	const outcome = await createStaffAccount(user, parsed.value, clientIp(request))
	// The link is shown once, to hand to the person; only its hash is kept.
	return replyOutcome(parsed, outcome.ok ? ok({ ...outcome.value, inviteUrl: new URL(outcome.value.invitePath, request.url).toString() }) : outcome)
}

export default function StaffPage() {
	const { staff, hasMore, q, page, districts, district, providers, places, roles, viewerId } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const submit = useSubmit()
	const chosenDistrict = districts.find((d) => d.id === district)
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const invited = replyValue<{ inviteUrl: string; expiresAt: string }>(reply, 'create-staff')
	const reinviteForm = (reply as { form?: string } | undefined)?.form
	const reinvited = reinviteForm?.startsWith('reinvite-') ? replyValue<{ name: string; inviteUrl: string; expiresAt: string }>(reply, reinviteForm) : undefined
	const deactivated = reinviteForm?.startsWith('deactivate-') ? replyValue<{ name: string }>(reply, reinviteForm) : undefined
	const [form, fields] = useForm({ id: 'create-staff', lastResult: replyFor(reply, 'create-staff'), onValidate: ({ formData }) => parseWithZod(formData, { schema: createStaffSchema, error: zodMessageKey }), shouldRevalidate: 'onInput' })
	return (
		<>
			<section className="card">
				<h1>{t('staff.title')}</h1>
				{invited ? <InvitationLink text={t('staff.invited', { expiresAt: formatShanghai(new Date(invited.expiresAt), i18n.language) })} url={invited.inviteUrl} /> : null}
				{reinvited ? <InvitationLink testId="reinvitation" text={t('staff.reinvited', { name: reinvited.name, expiresAt: formatShanghai(new Date(reinvited.expiresAt), i18n.language) })} url={reinvited.inviteUrl} /> : null}
				{deactivated ? (
					<p className="notice" role="status" data-testid="deactivation">
						{t('staff.deactivatedDone', { name: deactivated.name })}
					</p>
				) : null}
				<p className="hint">{t('staff.inviteHint')}</p>
				{districts.length > 1 ? (
					// A city-wide officer picks the district first: its townships, communities and providers fill the form below.
					<Form method="get" className="grid-form" onChange={(e) => submit(e.currentTarget)} data-testid="staff-district">
						{q ? <input type="hidden" name="q" value={q} /> : null}
						<SelectField
							label={t('staff.district')}
							hint={t('staff.districtHint')}
							selectProps={{ id: 'staff-district', name: 'district', defaultValue: district ?? '' }}
							placeholder={t('common.choose')}
							options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))}
						/>
						<button type="submit" className="button big secondary">
							{t('staff.showDistrict')}
						</button>
					</Form>
				) : null}
				<ActionForm form={form} className="grid-form">
					<Field label={t('fields.name')} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: 'text' })} />
					<Field label={t('fields.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), inputMode: 'numeric' }} />
					<SelectField label={t('fields.role')} errors={fields.role.errors} selectProps={getSelectProps(fields.role)} placeholder={t('common.choose')} options={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
					<input type="hidden" name={fields.districtId.name} value={district ?? ''} />
					<div className="field">
						<p>
							{t('fields.district')}：<strong data-testid="staff-chosen-district">{chosenDistrict ? (zh ? chosenDistrict.nameZh : chosenDistrict.nameEn) : t('staff.noDistrict')}</strong>
						</p>
						<ErrorList id={fields.districtId.errorId} errors={fields.districtId.errors} />
					</div>
					<GroupedSelect
						id={fields.communityId.id}
						name={fields.communityId.name}
						label={t('fields.community')}
						hint={t('hints.communityId')}
						errors={fields.communityId.errors}
						groups={places.flatMap((d) => d.townships.map((tw) => ({ key: `${d.id}-${tw.id}`, label: tw.id ? (zh ? tw.nameZh : (tw.nameEn ?? tw.nameZh)) : t('registry.noTownship'), options: tw.communities.map((c) => ({ value: c.id, label: zh ? c.nameZh : (c.nameEn ?? c.nameZh) })) })))}
					/>
					<GroupedSelect
						id={fields.townshipId.id}
						name={fields.townshipId.name}
						label={t('fields.township')}
						hint={t('hints.townshipId')}
						errors={fields.townshipId.errors}
						groups={places.map((d) => ({ key: d.id, label: zh ? d.nameZh : d.nameEn, options: d.townships.filter((tw) => tw.id).map((tw) => ({ value: tw.id, label: zh ? tw.nameZh : (tw.nameEn ?? tw.nameZh) })) }))}
					/>
					<SelectField label={t('fields.provider')} errors={fields.providerId.errors} selectProps={getSelectProps(fields.providerId)} placeholder={t('common.none')} options={providers.map((p) => ({ value: p.id, label: p.name }))} />
					<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
						{t('staff.create')}
					</button>
				</ActionForm>
			</section>
			<CardSection title={t('staff.listTitle')}>
				<Form method="get" className="grid-form" role="search">
					<Field label={t('staff.search')} hint={t('staff.searchHint')} inputProps={{ id: 'staff-q', name: 'q', type: 'search', defaultValue: q ?? '', maxLength: 40 }} />
					<button type="submit" className="button big">
						{t('staff.searchSubmit')}
					</button>
				</Form>
				<DataTable
					columns={[
						{ header: t('fields.name'), cell: (s) => s.name },
						{ header: t('fields.phone'), cell: (s) => s.phone },
						{ header: t('fields.role'), cell: (s) => t(`roles.${s.role}`) },
						{ header: t('fields.scope'), cell: (s) => [s.district ? (zh ? s.district.nameZh : s.district.nameEn) : null, s.township?.nameZh, s.community?.nameZh, s.provider?.name].filter(Boolean).join(' · ') || t('staff.cityWide') },
						{
							header: t('staff.status'),
							cell: (s) => <StaffStatus staff={s} />,
						},
						{
							header: t('staff.resetAccess'),
							cell: (s) =>
								s.id === viewerId || !(roles as readonly string[]).includes(s.role) ? null : <StaffAccountActions staff={s} reply={reply} />,
						},
					]}
					rows={staff}
					rowKey={(s) => s.id}
					empty={t('staff.none')}
				/>
				<Pager page={page} hasMore={hasMore} href={(p) => `?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`} />
				<OrphanReplyErrors reply={reply} formIds={['create-staff', ...staffFormIds(staff)]} />
			</CardSection>
		</>
	)
}

/** A select whose options are grouped (district · township), with its label, hint and errors. */
function GroupedSelect({ id, name, label, hint, errors, groups }: { id: string; name: string; label: string; hint: string; errors?: string[]; groups: { key: string; label: string; options: { value: string; label: string }[] }[] }) {
	const { t } = useTranslation()
	const errorId = errors?.length ? `${id}-error` : undefined
	return (
		<div className="field">
			<label htmlFor={id}>{label}</label>
			<p className="hint" id={`${id}-hint`}>
				{hint}
			</p>
			<select id={id} name={name} defaultValue="" aria-invalid={errorId ? true : undefined} aria-describedby={[`${id}-hint`, errorId].filter(Boolean).join(' ')}>
				<option value="">{t('common.none')}</option>
				{groups
					.filter((g) => g.options.length)
					.map((g) => (
						<optgroup key={g.key} label={g.label}>
							{g.options.map((o) => (
								<option key={o.value} value={o.value}>
									{o.label}
								</option>
							))}
						</optgroup>
					))}
			</select>
			<ErrorList id={errorId} errors={errors} />
		</div>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
