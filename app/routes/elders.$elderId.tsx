import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyValue, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PostButton } from '~/components/post-form.tsx'
import { ReplyDecisionForm } from '~/components/reply-decision-form.tsx'
import { Facts } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp, invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { isRegistrar, mayRevealIdNumber, requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { getElder, revealIdNumber } from '~/modules/elders/elders.server.ts'
import { linkFamily, unlinkFamily, verifyResidence } from '~/modules/elders/registry.server.ts'
import { recordHomeLocation } from '~/modules/elders/home.server.ts'
import { HomeLocationForm } from '~/components/home-location.tsx'
import { homeLocationSchema, linkFamilySchema, RELATIONSHIPS, unlinkFamilySchema, verifyResidenceSchema } from '~/modules/elders/schemas.ts'
import { formatDay, shanghaiDate } from '~/lib/time.ts'
import { decideReportedDeath, lifeEventsOf, recordLifeEvent } from '~/modules/life-events/life-events.server.ts'
import { confirmDeathSchema, LIFE_EVENT_KINDS, recordLifeEventSchema } from '~/modules/life-events/schemas.ts'
// one timeline: registration, statuses, assessments, life events, allowance, subsidies, services (issue 10 item 9)
import { ElderTimeline } from '~/components/elder-timeline.tsx'
import { elderTimeline } from '~/modules/elders/timeline.server.ts'
import { statusesOf } from '~/modules/statuses/records.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const elder = notFoundUnless(await getElder(user, requireId(params, 'elderId')))
	const officer = isRegistrar(user)
	const limit = Number(new URL(request.url).searchParams.get('timeline')) || undefined
	const [timeline, events, statuses] = await Promise.all([elderTimeline(user, elder.id, { limit }), officer ? lifeEventsOf(elder.id) : [], statusesOf(user, elder.id)])
	const pendingDeaths = events.filter((e) => e.status === 'pending').map((e) => ({ eventId: e.id, on: e.occurredOn }))
	return { elder, isFamily: user.role === 'family', canReveal: mayRevealIdNumber(user), officer, timeline, pendingDeaths, today: shanghaiDate(), statusesInForce: statuses.filter((x) => x.inForce).map((x) => x.kind) }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const elderId = requireId(params, 'elderId')
	const formData = await readProtectedForm(request)
	const intent = formData.get('intent')
	const ip = clientIp(request)
	if (intent === 'reveal') {
		if (mayRevealIdNumber(user)) await requireRecentAuth(request, user)
		const result = await revealIdNumber(user, elderId, ip)
		if (!result.ok) throw new Response(result.status === 403 ? 'Forbidden' : result.status === 410 ? 'Erased' : 'Not found', { status: result.status })
		return data({ idNumber: result.idNumber, birthDate: result.birthDate }, { headers: { 'Cache-Control': 'no-store' } })
	}
	// The family's phone at the elder's home (issue 11 item 4): the location later check-ins are measured against.
	if (intent === 'home-location' && user.role === 'family') {
		return answerForm(formData, homeLocationSchema, (value) => recordHomeLocation(user, elderId, value), { form: 'home-location' })
	}
	// The registry's decisions on this elder: officers in scope only (a family or an officer elsewhere gets 404 from the module).
	invariantResponse(isRegistrar(user), 'Forbidden', { status: 403 })
	if (intent === 'verify-residence') {
		return answerForm(formData, verifyResidenceSchema, (value) => verifyResidence(user, elderId, value, ip))
	}
	if (intent === 'link-family') {
		return answerForm(formData, linkFamilySchema, (value) => linkFamily(user, elderId, value, ip))
	}
	if (intent === 'unlink-family') {
		return answerForm(formData, unlinkFamilySchema, (value) => unlinkFamily(user, elderId, value.userId, ip), { form: `unlink-${formData.get('userId')}` })
	}
	// Life events (issue 10 item 7): a death with its source, a move; a reported death confirmed or rejected.
	if (intent === 'life-event') {
		return answerForm(formData, recordLifeEventSchema(shanghaiDate()), (value) => recordLifeEvent(user, elderId, value, ip))
	}
	if (intent === 'decide-death') {
		return answerForm(formData, confirmDeathSchema, (value) => decideReportedDeath(user, elderId, value, ip))
	}
	throw new Response('Unknown action', { status: 400 })
}

type Reply = { idNumber?: string; birthDate?: string } | undefined

export default function ElderPage() {
	const { elder, isFamily, canReveal, officer, timeline, pendingDeaths, today, statusesInForce } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const revealed = reply && 'idNumber' in reply ? (reply as Reply) : undefined
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const name = (p: { nameZh: string; nameEn: string | null } | null | undefined) => (p ? (zh ? p.nameZh : (p.nameEn ?? p.nameZh)) : '—')
	const unverified = elder.residenceStatus === 'unverified'
	return (
		<section className="card">
			<div className="title-row">
				<h1>{elder.name}</h1>
				{officer ? (
					<Link to={`/elders/${elder.id}/edit`} className="button secondary">
						{t('registry.edit')}
					</Link>
				) : null}
			</div>
			{unverified ? (
				<div className="notice" role="status" data-testid="residence-pending">
					<p>
						<strong>{t('registry.pending.title')}</strong> {t('registry.pending.why')}
					</p>
					{elder.residenceNote ? <p>{t('registry.pending.note', { note: elder.residenceNote })}</p> : <p>{t('registry.pending.waiting')}</p>}
				</div>
			) : null}
			<Facts
				items={[
					[
						t('fields.idNumber'),
						<>
							<span className="mono" data-testid={revealed ? 'full-id' : 'masked-id'}>
								{revealed?.idNumber ?? elder.idNumberMasked}
							</span>
							{elder.idNumberErasedAt ? (
								<span className="hint" data-testid="id-erased">
									{' '}
									{t('registry.idErased', { date: formatDay(elder.idNumberErasedAt, i18n.language) })}
								</span>
							) : null}
							{canReveal && !revealed && !elder.idNumberErasedAt ? (
								<PostButton className="inline-form" hidden={{ intent: 'reveal' }} label={t('elders.reveal')} />
							) : null}
						</>,
					],
					[t('fields.gender'), t(`gender.${elder.gender}`)],
					revealed?.birthDate ? [t('fields.birthDate'), revealed.birthDate] : null,
					[t('fields.age'), t('elders.ageYears', { count: elder.age })],
					[t('registry.fields.residence'), `${name(elder.district)} · ${name(elder.community?.township)} · ${name(elder.community)}`],
					[t('registry.fields.residenceStatus'), t(`registry.residenceStatus.${elder.residenceStatus}`), { 'data-testid': 'residence-status' }],
					[t('registry.fields.phone'), elder.phone ?? t('common.none')],
					[t('registry.fields.emergencyContact'), elder.emergencyContactName ? `${elder.emergencyContactName} ${elder.emergencyContactPhone ?? ''}` : t('common.none')],
					[t('fields.categories'), statusesInForce.length ? statusesInForce.map((k) => t(`statuses:kinds.${k}`)).join('、') : t('common.none'), { 'data-testid': 'statuses-in-force' }],
					[t('fields.lastLiveness'), elder.lastLivenessAt ? formatDay(elder.lastLivenessAt, i18n.language) : t('common.none')],
					[t('fields.family'), elder.families.length ? elder.families.map((f) => `${f.user.name}（${t(`relationships.${f.relationship}`)}）`).join('、') : t('registry.noFamily')],
				]}
			/>
			{revealed ? <p className="notice">{t('elders.revealAudited')}</p> : null}
			{isFamily ? (
				<p>
					<Link to={`/account/requests?elder=${elder.id}`}>{t('rights.fromElder')}</Link>
				</p>
			) : null}
			{officer ? (
				<p>
					<Link to={`/registry/requests/new?elder=${elder.id}`}>{t('rights.inPerson.fromElder')}</Link>
				</p>
			) : null}
			{isFamily ? <HomeLocationForm locatedAt={elder.homeLocatedAt} source={elder.homeLocationSource} reply={reply} /> : null}
			{officer && unverified ? <VerifyForm reply={reply} /> : null}
			{officer ? <FamilyLinks families={elder.families} reply={reply} /> : null}
			{officer ? <PendingDeaths pending={pendingDeaths} reply={reply} /> : null}
			{officer ? <LifeEventForm reply={reply} today={today} /> : null}
			<ElderTimeline elderId={elder.id} timeline={timeline} officer={officer} />
		</section>
	)
}

function LifeEventForm({ reply, today }: { reply: unknown; today: string }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useReplyForm<'kind' | 'occurredOn' | 'reference'>('life-event', reply)
	const done = replyValue<{ created: boolean }>(reply, 'life-event')
	return (
		<CardSection title={t('lifeEvents.record')}>
			<p>{t('lifeEvents.recordLead')}</p>
			{done ? <Notice>{t('lifeEvents.recorded')}</Notice> : null}
			<ActionForm form={form} intent="life-event" className="grid-form">
				<SelectField
					label={t('lifeEvents.kindLabel')}
					errors={fields.kind.errors}
					selectProps={{ id: 'event-kind', name: 'kind', required: true }}
					placeholder={t('common.choose')}
					options={LIFE_EVENT_KINDS.map((k) => ({ value: k, label: t(`lifeEvents.kind.${k}`) }))}
				/>
				<Field label={t('lifeEvents.occurredOn')} errors={fields.occurredOn.errors} inputProps={{ id: 'event-date', name: 'occurredOn', type: 'date', required: true, max: today }} />
				<Field label={t('lifeEvents.reference')} errors={fields.reference.errors} inputProps={{ id: 'event-reference', name: 'reference', maxLength: 100 }} />
				<FormSubmit form={form} label={t('lifeEvents.save')} className="button" disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</CardSection>
	)
}

function PendingDeaths({ pending, reply }: { pending: { eventId: string; on: string }[]; reply: unknown }) {
	return (
		<>
			{pending.map((e) => (
				<PendingDeath key={e.eventId} eventId={e.eventId} on={e.on} reply={reply} />
			))}
		</>
	)
}

function PendingDeath({ eventId, on, reply }: { eventId: string; on: string; reply: unknown }) {
	const { t, i18n } = useTranslation()
	return (
		<section className="card notice" data-testid="pending-death">
			<h2>{t('lifeEvents.pendingTitle')}</h2>
			<p>
				{t('lifeEvents.kind.death')} · {formatDay(on, i18n.language)}
			</p>
			<ReplyDecisionForm
				id="decide-death"
				reply={reply}
				hidden={{ intent: 'decide-death', eventId }}
				reason={{ name: 'note', label: t('lifeEvents.note'), maxLength: 200 }}
				decision="decision"
				choices={[
					{ value: 'confirm', label: t('lifeEvents.confirm') },
					{ value: 'reject', label: t('lifeEvents.reject'), tone: 'danger' },
				]}
			/>
		</section>
	)
}

function VerifyForm({ reply }: { reply: unknown }) {
	const { t } = useTranslation()
	return (
		<CardSection title={t('registry.verify.title')}>
			<p>{t('registry.verify.lead')}</p>
			<ReplyDecisionForm
				id="verify-residence"
				reply={reply}
				hidden={{ intent: 'verify-residence' }}
				reason={{ name: 'note', label: t('registry.verify.note'), hint: t('registry.verify.noteHint'), maxLength: 200 }}
				decision="decision"
				choices={[
					{ value: 'verify', label: t('registry.verify.verify') },
					{ value: 'reject', label: t('registry.verify.reject'), tone: 'danger' },
				]}
			/>
		</CardSection>
	)
}

function FamilyLinks({ families, reply }: { families: { relationship: string; user: { id: string; name: string } }[]; reply: unknown }) {
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'phone' | 'relationship'>('link-family', reply)
	const linked = replyValue<{ userId: string }>(reply, 'link-family')
	return (
		<CardSection title={t('registry.family.title')}>
			{families.length === 0 ? <p className="empty">{t('registry.noFamily')}</p> : null}
			<ul>
				{families.map((f) => (
					<li key={f.user.id}>
						{f.user.name}（{t(`relationships.${f.relationship}`)}）
						<UnlinkForm userId={f.user.id} reply={reply} />
					</li>
				))}
			</ul>
			{linked ? <Notice>{t('registry.family.linked')}</Notice> : null}
			<ActionForm form={form} intent="link-family" className="grid-form">
				<Field label={t('registry.family.phone')} hint={t('registry.family.phoneHint')} errors={fields.phone.errors} inputProps={{ id: 'link-phone', name: 'phone', type: 'tel', required: true, autoComplete: 'off' }} />
				<SelectField
					label={t('fields.relationship')}
					errors={fields.relationship.errors}
					selectProps={{ id: 'link-relationship', name: 'relationship', required: true }}
					placeholder={t('common.choose')}
					options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`relationships.${r}`) }))}
				/>
				<FormSubmit form={form} label={t('registry.family.link')} className="button" />
			</ActionForm>
		</CardSection>
	)
}

function UnlinkForm({ userId, reply }: { userId: string; reply: unknown }) {
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'userId'>(`unlink-${userId}`, reply)
	return (
		<ActionForm form={form} intent="unlink-family" className="inline-form">
			<input type="hidden" name="userId" value={userId} />
			<FormSubmit form={form} errors={fields.userId.errors} label={t('registry.family.unlink')} className="button secondary" />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
