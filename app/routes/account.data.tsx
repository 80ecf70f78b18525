import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, CheckboxField, OrphanReplyErrors, replyDone, replyFieldErrors, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, invariantResponse } from '~/lib/http.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { closeAccountSchema, withdrawElderConsentSchema } from '~/modules/accounts/privacy.ts'
import { closeAccount, dataSummary, listConsents, withdrawElderConsent } from '~/modules/accounts/privacy.server.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { destroyUserSession } from '~/modules/auth/session.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// "My personal information": what is held, the consents given (an elder's can be withdrawn), a copy
// to download (account.data[.]json.ts) and, for families, closing the account. PIPL arts. 15, 44–47.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const [consents, summary] = await Promise.all([listConsents(user), dataSummary(user)])
	return data({ consents, summary, canClose: user.role === 'family' }, { headers: { 'Cache-Control': 'no-store' } })
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const formData = await readProtectedForm(request)
	const intent = formData.get('intent')
	invariantResponse(intent === 'withdraw' || intent === 'close', 'Unknown action')
	const ip = clientIp(request)
	if (intent === 'withdraw') {
		// Only narrows what the account may see, so no password again.
		const parsed = parseForm(formData, withdrawElderConsentSchema)
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await withdrawElderConsent(user, parsed.value, ip))
	}
	// Closing cannot be undone: the password again first.
	await requireRecentAuth(request, user)
	const parsed = parseForm(formData, closeAccountSchema, { form: 'close-account' })
	if (!parsed.ok) return parsed.response
	const closed = await closeAccount(user, ip)
	if (!closed.ok) return replyOutcome(parsed, closed)
	return destroyUserSession(request, '/login?closed=1')
}

function WithdrawForm({ elderId }: { elderId: string }) {
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const id = `withdraw-${elderId}`
	const [form] = useReplyForm(id, reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<ActionForm form={form} intent="withdraw">
			<input type="hidden" name="elderId" value={elderId} />
			<CheckboxField label={t('privacy.confirmWithdraw')} inputProps={{ name: 'confirm', id: `${id}-confirm` }} errors={replyFieldErrors(reply, id)} />
			<FormSubmit form={form} label={t('privacy.withdraw')} className="button secondary" disabled={busy} />
		</ActionForm>
	)
}

function CloseForm() {
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'confirm'>('close-account', reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<ActionForm form={form} intent="close">
			<CheckboxField label={t('privacy.confirmClose')} inputProps={{ name: fields.confirm.name, id: fields.confirm.id }} errors={fields.confirm.errors} />
			<FormSubmit form={form} label={t('privacy.close')} className="button danger" disabled={busy} />
		</ActionForm>
	)
}

export default function MyData() {
	const { consents, summary, canClose } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation()
	const withdrawIds = consents.filter((c) => c.elderId).map((c) => `withdraw-${c.elderId}`)
	const withdrawn = withdrawIds.some((id) => replyDone(reply, id))
	return (
		<section className="card">
			<h1>{t('privacy.myDataTitle')}</h1>
			<p>{t('privacy.myDataLead')}</p>
			<p>
				<Link to="/privacy">{t('privacy.readNotice')}</Link> · <Link to="/account/phone">{t('phoneChange.link')}</Link>
			</p>
			{withdrawn ? <Notice>{t('privacy.withdrawn')}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={['close-account', ...withdrawIds]} />

			<h2>{t('privacy.heldTitle')}</h2>
			<ul>
				{(['elders', 'bookings', 'reviews', 'complaints', 'sessions', 'notifications'] as const).map((k) => (
					<li key={k}>{t(`privacy.held.${k}`, { count: summary[k] })}</li>
				))}
			</ul>

			<h2>{t('privacy.consentsTitle')}</h2>
			<DataTable
				caption={t('privacy.consentsTitle')}
				captionHidden
				empty={t('privacy.noConsents')}
				columns={[
					{ header: t('privacy.consent'), cell: (c) => (c.kind === 'elder_sensitive' ? t('privacy.kinds.elder_sensitive', { name: c.elderName ?? '' }) : t('privacy.kinds.privacy_notice')) },
					{ header: t('privacy.version'), cell: (c) => c.noticeVersion },
					{ header: t('privacy.grantedAt'), cell: (c) => formatShanghai(new Date(c.grantedAt), i18n.language) },
					{
						header: t('privacy.state'),
						cell: (c) =>
							c.withdrawnAt ? (
								t('privacy.withdrawnAt', { at: formatShanghai(new Date(c.withdrawnAt), i18n.language) })
							) : c.kind === 'elder_sensitive' && c.elderId ? (
								<WithdrawForm elderId={c.elderId} />
							) : (
								t('privacy.inForce')
							),
					},
				]}
				rows={consents}
				rowKey={(c) => c.id}
			/>
			<p className="hint">{t('privacy.withdrawHint')}</p>

			<h2>{t('privacy.copyTitle')}</h2>
			<p>{t('privacy.copyLead')}</p>
			<p>
				<a href="/account/data.json" className="button">
					{t('privacy.download')}
				</a>
			</p>

			{canClose ? (
				<>
					<h2>{t('rights.elderRightsTitle')}</h2>
					<p>{t('rights.elderRightsLead')}</p>
					<p>
						<Link to="/account/requests">{t('rights.mineTitle')}</Link>
					</p>
				</>
			) : null}

			{canClose ? (
				<>
					<h2>{t('privacy.closeTitle')}</h2>
					<p>{t('privacy.closeLead')}</p>
					<ul>
						<li>{t('privacy.closeErases')}</li>
						<li>{t('privacy.closeKeeps')}</li>
						<li>{t('privacy.closeBlocked')}</li>
					</ul>
					<CloseForm />
				</>
			) : (
				<>
					<h2>{t('privacy.closeTitle')}</h2>
					<p>{t('privacy.closeStaff')}</p>
				</>
			)}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
