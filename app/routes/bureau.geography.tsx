import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { InlineActionForm } from '~/components/inline-action.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { changeGeography, listGeography } from '~/modules/geography/geography.server.ts'
import { geographySchema, SETTLEMENT_KINDS, TOWNSHIP_KINDS } from '~/modules/geography/schemas.ts'

// Townships / streets (乡镇 / 街道) and communities / villages of a district, with their 12-digit
// statistical division codes: district officers create, rename, merge and retire them (audited).
const ROLES = ['bureau_district', 'bureau_city'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const url = new URL(request.url)
	return listGeography(user, { districtId: url.searchParams.get('district'), townshipId: url.searchParams.get('township') })
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, geographySchema)
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await changeGeography(user, parsed.value, clientIp(request)))
}

export default function Geography() {
	const { districts, district, townships, township, unassigned } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	if (!district) return <p className="empty">{t('geography.none')}</p>
	const here = (townshipId?: string) => `?district=${district.id}${townshipId ? `&township=${townshipId}` : ''}`
	const formIds = ['create-township', 'create-community', ...(township ? ['rename-township', 'merge-township', 'retire-township', ...township.communities.flatMap((c) => [`rename-${c.id}`, `merge-${c.id}`, `move-${c.id}`, `retire-${c.id}`, `delete-${c.id}`])] : [])]
	return (
		<section>
			<h1>{t('geography.title')}</h1>
			<p>{t('geography.lead')}</p>
			{districts.length > 1 ? (
				<Form method="get" className="inline-form">
					<SelectField label={t('fields.district')} selectProps={{ id: 'geo-district', name: 'district', defaultValue: district.id }} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
					<button type="submit" className="button secondary">
						{t('geography.show')}
					</button>
				</Form>
			) : null}
			{replyDone(reply) ? <Notice>{t('geography.saved')}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={formIds} />
			{unassigned ? (
				<p className="notice">
					<Link to={here('none')}>{t('geography.unassigned', { count: unassigned })}</Link>
				</p>
			) : null}
			<DataTable
				caption={t('geography.townshipsOf', { district: zh ? district.nameZh : district.nameEn, code: district.divisionCode ?? '—' })}
				rows={townships}
				rowKey={(tw) => tw.id}
				empty={t('geography.noTownships')}
				columns={[
					{ header: t('geography.fields.nameZh'), cell: (tw) => <Link to={here(tw.id)}>{tw.nameZh}</Link> },
					{ header: t('geography.fields.code'), cell: (tw) => <span className="mono">{tw.code}</span> },
					{ header: t('geography.fields.kind'), cell: (tw) => t(`geography.kinds.${tw.kind}`) },
					{ header: t('geography.fields.communities'), cell: (tw) => tw.communities },
					{ header: t('geography.fields.status'), cell: (tw) => (tw.retiredAt ? t('geography.retired') : t('geography.active')) },
				]}
			/>
			<CreateTownship districtId={district.id} reply={reply} />
			{township ? <TownshipPanel township={township} townships={townships.filter((x) => !x.retiredAt && x.id !== township.id)} reply={reply} /> : null}
		</section>
	)
}

type Reply = unknown

function CreateTownship({ districtId, reply }: { districtId: string; reply: Reply }) {
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'nameZh' | 'kind' | 'code' | 'districtId'>('create-township', reply)
	return (
		<CardSection title={t('geography.createTownship')}>
			<ActionForm form={form} intent="create-township" className="grid-form">
				<input type="hidden" name="districtId" value={districtId} />
				<Field label={t('geography.fields.nameZh')} errors={fields.nameZh.errors} inputProps={{ id: 'tw-name', name: 'nameZh', required: true, maxLength: 40 }} />
				<SelectField label={t('geography.fields.kind')} errors={fields.kind.errors} selectProps={{ id: 'tw-kind', name: 'kind', required: true }} placeholder={t('common.choose')} options={TOWNSHIP_KINDS.map((k) => ({ value: k, label: t(`geography.kinds.${k}`) }))} />
				<Field label={t('geography.fields.code')} hint={t('geography.hints.townshipCode')} errors={fields.code.errors} inputProps={{ id: 'tw-code', name: 'code', required: true, inputMode: 'numeric', maxLength: 12, className: 'mono' }} />
				<FormSubmit form={form} errors={fields.districtId.errors} label={t('geography.create')} className="button" />
			</ActionForm>
		</CardSection>
	)
}

type TownshipView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['township']>

function TownshipPanel({ township, townships, reply }: { township: TownshipView; townships: { id: string; nameZh: string }[]; reply: Reply }) {
	const { t } = useTranslation()
	const [create, createFields] = useReplyForm<'nameZh' | 'kind' | 'code' | 'townshipId'>('create-community', reply)
	const fixed = township.retired || township.unassigned
	return (
		<section className="card" data-testid="township-panel">
			<h2>
				{township.unassigned ? t('registry.noTownship') : township.nameZh} <span className="mono">{township.code}</span> {township.retired ? `（${t('geography.retired')}）` : null}
			</h2>
			{fixed ? null : (
				<>
					<InlineActionForm id="rename-township" intent="rename-township" hidden={{ townshipId: township.id }} reply={reply} submit={t('geography.rename')}>
						{(f) => <Field label={t('geography.rename')} errors={f.nameZh?.errors} inputProps={{ id: 'tw-rename', name: 'nameZh', defaultValue: township.nameZh, required: true, maxLength: 40 }} />}
					</InlineActionForm>
					<InlineActionForm id="merge-township" intent="merge-township" hidden={{ townshipId: township.id }} reply={reply} submit={t('geography.merge')}>
						{(f) => <SelectField label={t('geography.mergeInto')} errors={f.intoId?.errors} selectProps={{ id: 'tw-merge', name: 'intoId', required: true }} placeholder={t('common.choose')} options={townships.map((x) => ({ value: x.id, label: x.nameZh }))} />}
					</InlineActionForm>
					<InlineActionForm id="retire-township" intent="retire-township" hidden={{ townshipId: township.id }} reply={reply} submit={t('geography.retire')} tone="danger" />
				</>
			)}
			<h3>{t('geography.communities')}</h3>
			{township.communities.length === 0 ? <p className="empty">{t('geography.noCommunities')}</p> : null}
			<ul className="cards">
				{township.communities.map((c) => (
					<CommunityRow key={c.id} community={c} targets={township.mergeTargets.filter((x) => x.id !== c.id)} townships={townships} reply={reply} />
				))}
			</ul>
			{fixed ? null : (
				<ActionForm form={create} intent="create-community" className="grid-form">
					<h3>{t('geography.createCommunity')}</h3>
					<input type="hidden" name="townshipId" value={township.id} />
					<Field label={t('geography.fields.nameZh')} errors={createFields.nameZh.errors} inputProps={{ id: 'c-name', name: 'nameZh', required: true, maxLength: 40 }} />
					<SelectField label={t('geography.fields.kind')} errors={createFields.kind.errors} selectProps={{ id: 'c-kind', name: 'kind', required: true }} placeholder={t('common.choose')} options={SETTLEMENT_KINDS.map((k) => ({ value: k, label: t(`settlement.${k}`) }))} />
					<Field label={t('geography.fields.code')} hint={t('geography.hints.communityCode', { prefix: township.code.slice(0, 9) })} errors={createFields.code.errors} inputProps={{ id: 'c-code', name: 'code', required: true, inputMode: 'numeric', maxLength: 12, className: 'mono' }} />
					<FormSubmit form={create} errors={createFields.townshipId.errors} label={t('geography.create')} className="button" />
				</ActionForm>
			)}
		</section>
	)
}

type CommunityView = TownshipView['communities'][number]

function CommunityRow({ community: c, targets, townships, reply }: { community: CommunityView; targets: { id: string; nameZh: string; code: string | null }[]; townships: { id: string; nameZh: string }[]; reply: Reply }) {
	const { t } = useTranslation()
	const inUse = c.elders + c.providers > 0
	return (
		<li className="card" data-testid="community-row">
			<p>
				<strong>{c.nameZh}</strong> <span className="mono">{c.code ?? '—'}</span> · {t(`settlement.${c.kind}`)} · {t('geography.counts', { elders: c.elders, providers: c.providers })}
				{c.retiredAt ? ` · ${t('geography.retired')}` : ''}
			</p>
			{c.retiredAt ? null : (
				<>
					<InlineActionForm id={`rename-${c.id}`} intent="rename-community" hidden={{ communityId: c.id }} reply={reply} submit={t('geography.rename')}>
						{(f) => <Field label={t('geography.rename')} errors={f.nameZh?.errors} inputProps={{ id: `rename-${c.id}-name`, name: 'nameZh', defaultValue: c.nameZh, required: true, maxLength: 40 }} />}
					</InlineActionForm>
					<InlineActionForm id={`merge-${c.id}`} intent="merge-community" hidden={{ communityId: c.id }} reply={reply} submit={t('geography.merge')}>
						{(f) => <SelectField label={t('geography.mergeInto')} errors={f.intoId?.errors} selectProps={{ id: `merge-${c.id}-into`, name: 'intoId', required: true }} placeholder={t('common.choose')} options={targets.map((x) => ({ value: x.id, label: `${x.nameZh} ${x.code ?? ''}` }))} />}
					</InlineActionForm>
					<InlineActionForm id={`move-${c.id}`} intent="move-community" hidden={{ communityId: c.id }} reply={reply} submit={t('geography.move')}>
						{(f) => <SelectField label={t('geography.moveTo')} errors={f.townshipId?.errors} selectProps={{ id: `move-${c.id}-township`, name: 'townshipId', required: true }} placeholder={t('common.choose')} options={townships.map((x) => ({ value: x.id, label: x.nameZh }))} />}
					</InlineActionForm>
					<InlineActionForm id={`retire-${c.id}`} intent="retire-community" hidden={{ communityId: c.id }} reply={reply} submit={t('geography.retire')} tone="danger" />
					{inUse ? null : <InlineActionForm id={`delete-${c.id}`} intent="delete-community" hidden={{ communityId: c.id }} reply={reply} submit={t('geography.delete')} tone="danger" />}
				</>
			)}
		</li>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
