import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, OrphanReplyErrors, SelectField, useReplyForm } from '~/components/forms.tsx'
import { RightsRequestFields } from '~/components/rights-request-fields.tsx'
import { When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { Pager } from '~/components/pager.tsx'
import { Day, Facts } from '~/components/ui.tsx'
import { answerForm, formIdOf } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { pageParam, uuidParam } from '~/lib/query.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { fileRightsRequest, linkedElders, listMyRightsRequests, withdrawRightsRequest } from '~/modules/rights/requests.server.ts'
import { fileRightsRequestSchema, withdrawRightsRequestSchema } from '~/modules/rights/schemas.server.ts'

// A family member's requests about a linked elder that need an officer (PIPL arts. 44–50): a copy of
// the elder's record, a correction, a deletion. The elder's officers answer (/registry/requests).
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const url = new URL(request.url)
	const page = pageParam(url.searchParams)
	const [elders, mine] = await Promise.all([linkedElders(user), listMyRightsRequests(user, page)])
	// Arriving from an elder's page, that elder is chosen in the form.
	const chosen = uuidParam(url.searchParams, 'elder')
	return data({ elders, ...mine, page, chosen: elders.some((e) => e.id === chosen) ? chosen : null }, { headers: { 'Cache-Control': 'no-store' } })
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const formData = await readProtectedForm(request)
	// One withdrawal form per open request (`withdraw-<id>`): the reply finds its card.
	if (formData.get('intent') === 'withdraw') return answerForm(formData, withdrawRightsRequestSchema, (value) => withdrawRightsRequest(user, value, clientIp(request)), { form: formIdOf(formData) })
	return answerForm(formData, fileRightsRequestSchema, (value) => fileRightsRequest(user, value, clientIp(request)), { form: 'file-request' })
}

function FileForm({ elders, chosen }: { elders: { id: string; name: string }[]; chosen: string | null }) {
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'elderId' | 'kind' | 'wrongInfo' | 'correctInfo' | 'reason'>('file-request', reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<ActionForm form={form} intent="file" className="grid-form">
			<SelectField
				label={t('rights.elder')}
				errors={fields.elderId.errors}
				selectProps={{ id: 'request-elder', name: 'elderId', required: true, defaultValue: chosen ?? (elders.length === 1 ? elders[0]!.id : '') }}
				placeholder={t('common.choose')}
				options={elders.map((e) => ({ value: e.id, label: e.name }))}
			/>
			<RightsRequestFields idPrefix="request" fields={fields} />
			<FormSubmit form={form} label={t('rights.file')} className="button big" disabled={busy} />
		</ActionForm>
	)
}

function WithdrawForm({ requestId }: { requestId: string }) {
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const [form] = useReplyForm<'requestId'>(`withdraw-${requestId}`, reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<ActionForm form={form} intent="withdraw">
			<input type="hidden" name="requestId" value={requestId} />
			<FormSubmit form={form} label={t('rights.withdraw')} className="button secondary" disabled={busy} />
		</ActionForm>
	)
}

export default function MyRequests() {
	const { elders, requests, hasMore, page, chosen } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const done = reply && 'ok' in reply && reply.ok ? ((reply as { form?: string }).form ?? '') : null
	const filed = done === 'file-request'
	const withdrawn = done?.startsWith('withdraw-') ?? false
	return (
		<section>
			<h1>{t('rights.mineTitle')}</h1>
			<p>{t('rights.mineLead')}</p>
			<p>
				<Link to="/account/data">{t('privacy.myDataTitle')}</Link>
			</p>
			{filed ? <Notice>{t('rights.filed')}</Notice> : null}
			{withdrawn ? <Notice>{t('rights.withdrawnDone')}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={['file-request', ...requests.filter((r) => r.status === 'open').map((r) => `withdraw-${r.id}`)]} />
			<section className="card">
				<h2>{t('rights.fileTitle')}</h2>
				{elders.length ? <FileForm elders={elders} chosen={chosen} /> : <p className="empty">{t('rights.noElders')}</p>}
			</section>
			<h2>{t('rights.listTitle')}</h2>
			<Cards items={requests} empty={t('rights.noneMine')} itemKey={(r) => r.id} itemProps={(r) => ({ 'data-testid': 'my-request', 'data-status': r.status })}>
				{(r) => (
					<>
						<h3>
							{r.elder.name} · {t(`rights.kinds.${r.kind}`)}
						</h3>
						<Facts
							items={[
								[t('rights.filedAt'), <When key="at" at={r.createdAt} />],
								[t('rights.dueOn'), <Day key="due" on={r.dueOn} />],
								[t('rights.state'), t(`rights.statuses.${r.status}`), { 'data-testid': 'request-status' }],
								r.wrongInfo ? [t('rights.wrongInfo'), r.wrongInfo] : null,
								r.correctInfo ? [t('rights.correctInfo'), r.correctInfo] : null,
								r.reason ? [t('rights.deletionReason'), r.reason] : null,
								r.answer ? [r.status === 'refused' ? t('rights.refusalReason') : t('rights.answer'), r.answer] : null,
							]}
						/>
						{r.status === 'open' ? <p className="hint">{r.overdue ? t('rights.overdueMine') : t('rights.openHint')}</p> : null}
						{r.status === 'open' ? <WithdrawForm requestId={r.id} /> : null}
						{r.downloadable ? (
							<p>
								<a href={`/account/requests/${r.id}/copy.json`} className="button">
									{t('rights.downloadCopy')}
								</a>
							</p>
						) : null}
					</>
				)}
			</Cards>
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
