import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormError, When } from '~/components/marketplace.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { gradeProvider, listProvidersForReview, reviewProvider, setProviderSuspension } from '~/modules/marketplace/providers.server.ts'
import { gradeProviderSchema, reviewProviderSchema, suspensionSchema } from '~/modules/marketplace/schemas.ts'
import { Pager } from '~/components/pager.tsx'

const ROLES = ['bureau_district', 'bureau_city', 'admin'] as const
const STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const url = new URL(request.url)
	const status = STATUSES.find((s) => s === url.searchParams.get('status')) ?? 'pending'
	const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
	return { ...(await listProvidersForReview(user, { status, page })), status, page, today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const ip = clientIp(request)
	if (formData.get('intent') === 'grade') {
		const s = parseWithZod(formData, { schema: gradeProviderSchema })
		if (s.status !== 'success') return data({ error: 'marketplace:errors.grade.range', done: null }, { status: 400 })
		const r = await gradeProvider(user, s.value, ip)
		if (!r.ok) return data({ error: r.formError ?? Object.values(r.fieldErrors)[0]?.[0] ?? 'marketplace:errors.form.invalid', done: null }, { status: r.status ?? 400 })
		return { error: null, done: 'graded' }
	}
	const intent = formData.get('intent')
	if (intent === 'suspend' || intent === 'reinstate') {
		const parsed = suspensionSchema.safeParse(Object.fromEntries(formData))
		if (!parsed.success) return data({ error: parsed.error.issues[0]?.message ?? 'marketplace:errors.form.invalid', done: null }, { status: 400 })
		const r = await setProviderSuspension(user, parsed.data, ip)
		if (!r.ok) return data({ error: r.formError ?? 'marketplace:errors.form.invalid', done: null }, { status: r.status ?? 400 })
		return { error: null, done: intent === 'suspend' ? 'suspended' : 'reinstated' }
	}
	const s = parseWithZod(formData, { schema: reviewProviderSchema })
	if (s.status !== 'success') return data({ error: 'marketplace:errors.reject.reason', done: null }, { status: 400 })
	const r = await reviewProvider(user, s.value, ip)
	if (!r.ok) return data({ error: r.formError ?? 'marketplace:errors.form.invalid', done: null }, { status: r.status ?? 400 })
	return { error: null, done: s.value.decision === 'approve' ? 'approved' : 'rejected' }
}

export default function BureauProviders() {
	const { providers, hasMore, status, page, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
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
			{actionData?.done ? (
				<p className="notice" role="status">
					{t(`bureau.done.${actionData.done}`)}
				</p>
			) : null}
			<FormError error={actionData?.error} />
			{providers.length === 0 ? <p className="empty">{t('bureau.none')}</p> : null}
			<ul className="cards">
				{providers.map((p) => (
					<li key={p.id} className="card" data-testid="provider-card">
						<h2>
							<Link to={`/services/providers/${p.id}`}>{p.name}</Link>
						</h2>
						<dl className="facts">
							<dt>{t('fields.kind')}</dt>
							<dd>{t(`kind.${p.kind}`)}</dd>
							<dt>{t('fields.licenceNo')}</dt>
							<dd className="mono">{p.licenceNo}</dd>
							<dt>{t('fields.homeDistrict')}</dt>
							<dd>{zh ? p.district.nameZh : p.district.nameEn}</dd>
							<dt>{t('fields.districtsServed')}</dt>
							<dd>{p.districtsServed.map((d) => d.districtId).join(', ')}</dd>
							<dt>{t('fields.applied')}</dt>
							<dd>
								<When at={p.createdAt} />
							</dd>
							{p.statusReason ? (
								<>
									<dt>{t('booking.reason')}</dt>
									<dd>{p.statusReason}</dd>
								</>
							) : null}
							<dt>{t('fields.grade')}</dt>
							<dd>{p.grade ? t('grade.stars', { count: p.grade }) : t('grade.none')}</dd>
						</dl>
						{p.status === 'pending' ? (
							<div className="actions">
								<ProviderForm providerId={p.id} fields={{ decision: 'approve' }} className="intent-form" submit={t('bureau.approve')} />
								<ProviderForm providerId={p.id} fields={{ decision: 'reject' }} className="intent-form" submit={t('bureau.reject')} secondary>
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
							<ProviderForm providerId={p.id} fields={{ intent: 'reinstate' }} className="grid-form suspend-form" submit={t('bureau.reinstate')}>
								<div className="field">
									<label htmlFor={`reinstate-${p.id}`}>{t('bureau.reinstateNote')}</label>
									<input id={`reinstate-${p.id}`} name="reason" type="text" maxLength={500} />
								</div>
							</ProviderForm>
						) : null}
						{p.status === 'approved' ? (
							<ProviderForm providerId={p.id} fields={{ intent: 'grade' }} className="grid-form" submit={t('bureau.grade')}>
								<div className="field">
									<label htmlFor={`grade-${p.id}`}>{t('fields.grade')}</label>
									<select id={`grade-${p.id}`} name="grade" defaultValue={p.grade ?? 3}>
										{[1, 2, 3, 4, 5].map((g) => (
											<option key={g} value={g}>
												{t('grade.stars', { count: g })}
											</option>
										))}
									</select>
								</div>
								<div className="field">
									<label htmlFor={`assessed-${p.id}`}>{t('fields.assessedOn')}</label>
									<input id={`assessed-${p.id}`} name="assessedOn" type="date" defaultValue={today} max={today} />
								</div>
							</ProviderForm>
						) : null}
						{p.status === 'approved' ? (
							<ProviderForm providerId={p.id} fields={{ intent: 'suspend' }} className="grid-form suspend-form" submit={t('bureau.suspend')} secondary>
								<div className="field">
									<label htmlFor={`suspend-${p.id}`}>{t('bureau.suspendReason')}</label>
									<p id={`suspend-hint-${p.id}`} className="hint">
										{t('bureau.suspendHint')}
									</p>
									<input id={`suspend-${p.id}`} name="reason" type="text" required maxLength={500} aria-describedby={`suspend-hint-${p.id}`} />
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

/** One decision on one provider: its CSRF token, the provider, the decision's hidden fields, then the visible ones. */
function ProviderForm({ providerId, fields, className, submit, secondary, children }: { providerId: string; fields: Record<string, string>; className: string; submit: string; secondary?: boolean; children?: ReactNode }) {
	return (
		<Form method="post" className={className}>
			<AuthenticityTokenInput name="csrf" />
			<input type="hidden" name="providerId" value={providerId} />
			{Object.entries(fields).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
			{children}
			<button type="submit" className={`button big${secondary ? ' secondary' : ''}`}>
				{submit}
			</button>
		</Form>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
