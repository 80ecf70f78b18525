import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, FormErrors, OrphanReplyErrors, replyFieldErrors, useReplyForm } from '~/components/forms.tsx'
import { When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { Pager } from '~/components/pager.tsx'
import { Facts } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listProvidersForReview, reviewProvider, setProviderSuspension } from '~/modules/marketplace/providers.server.ts'
import { gradeProviderSchema, reviewProviderSchema, suspensionSchema } from '~/modules/marketplace/schemas.ts'
import { fail } from '~/lib/outcome.ts'
import { pageParam } from '~/lib/query.ts'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const
const STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const url = new URL(request.url)
	const status = STATUSES.find((s) => s === url.searchParams.get('status')) ?? 'pending'
	const page = pageParam(url.searchParams)
	return { ...(await listProvidersForReview(user, { status, page })), status, page, today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	const intent = formData.get('intent')
	// One form per provider and decision: the reply goes back to the form that was sent.
	const form = `${intent ?? formData.get('decision')}-${formData.get('providerId')}`
	if (intent === 'grade') {
		const parsed = parseForm(formData, gradeProviderSchema, { form, invalidMessage: 'marketplace:errors.grade.range' })
		// A grade comes only from the checklist (/bureau/grading, issue 14 item 6): a bare grade is refused.
		return parsed.ok ? replyOutcome(parsed, fail('beds:grading.errors.checklist', 400)) : parsed.response
	}
	if (intent === 'suspend' || intent === 'reinstate') {
		const parsed = parseForm(formData, suspensionSchema, { form })
		return parsed.ok ? replyOutcome(parsed, done(await setProviderSuspension(user, parsed.value, ip), intent === 'suspend' ? 'suspended' : 'reinstated')) : parsed.response
	}
	const parsed = parseForm(formData, reviewProviderSchema, { form, invalidMessage: 'marketplace:errors.reject.reason' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, done(await reviewProvider(user, parsed.value, ip), parsed.value.decision === 'approve' ? 'approved' : 'rejected'))
}

/** The notice a decision leaves ("approved", "graded", …), or the module's refusal. */
function done<R extends { ok: boolean }>(outcome: R, notice: string) {
	return outcome.ok ? ok(notice) : (outcome as Exclude<R, { ok: true }>)
}

export default function BureauProviders() {
	const { providers, hasMore, status, page } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const notice = reply && 'value' in reply ? reply.value : null
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	return (
		<section>
			<h1>{t('bureau.providersTitle')}</h1>
			<nav aria-label={t('bureau.statusFilter')} className="actions">
				{STATUSES.map((s) => (
					<Link key={s} to={`?status=${s}`} className={`button${s === status ? '' : ' secondary'}`} aria-current={s === status ? 'page' : undefined}>
						{t(`providerStatus.${s}`)}
					</Link>
				))}
			</nav>
			{notice ? <Notice>{t(`bureau.done.${notice}`)}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={providers.flatMap((p) => ['approve', 'reject', 'reinstate', 'grade', 'suspend'].map((k) => `${k}-${p.id}`))} />
			{providers.length === 0 ? <p className="empty">{t('bureau.none')}</p> : null}
			<ul className="cards">
				{providers.map((p) => (
					<li key={p.id} className="card" data-testid="provider-card">
						<h2>
							<Link to={`/services/providers/${p.id}`}>{p.name}</Link>
						</h2>
						<Facts
							items={[
								[t('fields.kind'), t(`kind.${p.kind}`)],
								[t('fields.licenceNo'), p.licenceNo, { className: 'mono' }],
								[t('fields.homeDistrict'), zh ? p.district.nameZh : p.district.nameEn],
								[t('fields.districtsServed'), p.districtsServed.map((d) => (zh ? d.district.nameZh : d.district.nameEn)).join('、')],
								[t('fields.applied'), <When key="applied" at={p.createdAt} />],
								p.statusReason ? [t('booking.reason'), p.statusReason] : null,
								[t('fields.grade'), p.grade ? t('grade.stars', { count: p.grade }) : t('grade.none')],
							]}
						/>
						{p.status === 'pending' ? (
							<div className="actions">
								<ProviderForm reply={reply} kind="approve" providerId={p.id} fields={{ decision: 'approve' }} className="intent-form" submit={t('bureau.approve')} />
								<ProviderForm reply={reply} kind="reject" providerId={p.id} fields={{ decision: 'reject' }} className="intent-form" submit={t('bureau.reject')} secondary>
									<div className="field">
										<label htmlFor={`reason-${p.id}`}>{t('bureau.rejectReason')}</label>
										<input id={`reason-${p.id}`} name="reason" type="text" maxLength={500} />
									</div>
								</ProviderForm>
							</div>
						) : null}
						{p.status === 'approved' || p.status === 'suspended' ? (
							<p className="hint" data-testid="open-bookings">
								{t('bureau.openBookings', { count: p.openBookings })}
							</p>
						) : null}
						{p.status === 'suspended' ? (
							<ProviderForm reply={reply} kind="reinstate" providerId={p.id} fields={{ intent: 'reinstate' }} className="grid-form suspend-form" submit={t('bureau.reinstate')}>
								<div className="field">
									<label htmlFor={`reinstate-reason-${p.id}`}>{t('bureau.reinstateNote')}</label>
									<input id={`reinstate-reason-${p.id}`} name="reason" type="text" maxLength={500} />
								</div>
							</ProviderForm>
						) : null}
						{p.status === 'approved' ? (
							<p>
								<Link to={`/bureau/grading?provider=${p.id}#checklist`} className="button secondary">
									{t('bureau.gradeByChecklist')}
								</Link>
							</p>
						) : null}
						{p.status === 'approved' ? (
							<ProviderForm reply={reply} kind="suspend" providerId={p.id} fields={{ intent: 'suspend' }} className="grid-form suspend-form" submit={t('bureau.suspend')} secondary>
								<div className="field">
									<label htmlFor={`suspend-reason-${p.id}`}>{t('bureau.suspendReason')}</label>
									<p id={`suspend-hint-${p.id}`} className="hint">
										{t('bureau.suspendHint')}
									</p>
									<input id={`suspend-reason-${p.id}`} name="reason" type="text" required maxLength={500} aria-describedby={`suspend-hint-${p.id}`} />
								</div>
							</ProviderForm>
						) : null}
					</li>
				))}
			</ul>
			<Pager page={page} hasMore={hasMore} href={(p) => `?status=${status}&page=${p}`} />
		</section>
	)
}

/** One decision on one provider: the provider, the decision's hidden fields, the visible ones, its errors. */
function ProviderForm({ reply, kind, providerId, fields, className, submit, secondary, children }: { reply: unknown; kind: string; providerId: string; fields: Record<string, string>; className: string; submit: string; secondary?: boolean; children?: ReactNode }) {
	const [form] = useReplyForm(`${kind}-${providerId}`, reply)
	return (
		<ActionForm form={form} className={className}>
			<input type="hidden" name="providerId" value={providerId} />
			{Object.entries(fields).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
			{children}
			<FormErrors form={form} errors={replyFieldErrors(reply, `${kind}-${providerId}`)} />
			<button type="submit" className={`button big${secondary ? ' secondary' : ''}`}>
				{submit}
			</button>
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
