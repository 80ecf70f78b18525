import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { OrphanReplyErrors } from '~/components/forms.tsx'
import { When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { Pager } from '~/components/pager.tsx'
import { PostForm } from '~/components/post-form.tsx'
import { ReplyDecisionForm } from '~/components/reply-decision-form.tsx'
import { DataTable, Day, Facts } from '~/components/ui.tsx'
import { answerForm, formIdOf } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { pageParam } from '~/lib/query.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { countOpenRightsRequests, decideRightsRequest, listDecidedRightsRequests, listOpenRightsRequests, RIGHTS_DECIDER_ROLES, withdrawInPersonRightsRequest } from '~/modules/rights/requests.server.ts'
import { RIGHTS_TEXT_MAX } from '~/modules/rights/rules.ts'
import { decideRightsRequestSchema, withdrawRightsRequestSchema } from '~/modules/rights/schemas.server.ts'

// Families' requests about elders of the officer's area that need an officer (PIPL arts. 44–50):
// open ones oldest first with their due date (30 days from filing), overdue ones marked; each decided
// once. Below, the requests already decided. A correction is made on the elder's edit page (audited).
// Requests made in person at the office (recorded from the elder's page) are here too, with the
// paper to print for the requester: the receipt, then the written answer.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, RIGHTS_DECIDER_ROLES)
	const page = pageParam(new URL(request.url).searchParams)
	const today = shanghaiDate()
	const [open, openCount, decided] = await Promise.all([listOpenRightsRequests(user, today), countOpenRightsRequests(user), listDecidedRightsRequests(user, page)])
	return data({ open, openCount, decided: decided.requests, hasMore: decided.hasMore, page }, { headers: { 'Cache-Control': 'no-store' } })
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, RIGHTS_DECIDER_ROLES)
	const formData = await readProtectedForm(request)
	// Someone who asked in person takes it back at the office (`withdraw-<id>`): the officer records it.
	if (formData.get('intent') === 'withdraw') return answerForm(formData, withdrawRightsRequestSchema, (value) => withdrawInPersonRightsRequest(user, value, clientIp(request)), { form: formIdOf(formData) })
	return answerForm(formData, decideRightsRequestSchema, (value) => decideRightsRequest(user, value, clientIp(request)), { form: `request-${formData.get('requestId')}` })
}

export default function RightsQueue() {
	const { open, openCount, decided, hasMore, page } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const done = reply && 'value' in reply ? reply.value : undefined
	return (
		<section>
			<h1>{t('rights.queueTitle')}</h1>
			<p>{t('rights.queueLead')}</p>
			{openCount > open.length ? <p className="notice">{t('rights.oldestShown', { count: open.length, total: openCount })}</p> : null}
			<p className="hint">{t('rights.inPerson.howTo')}</p>
			<OrphanReplyErrors reply={reply} formIds={open.flatMap((r) => [`request-${r.id}`, `withdraw-${r.id}`])} />
			{typeof done === 'string' ? <Notice>{t(`rights.done.${done}`)}</Notice> : null}
			{reply && 'ok' in reply && reply.ok && reply.form.startsWith('withdraw-') ? <Notice>{t('rights.withdrawnDone')}</Notice> : null}
			<Cards items={open} empty={t('rights.noneOpen')} itemKey={(r) => r.id} itemProps={(r) => ({ 'data-testid': 'open-request', 'data-overdue': r.overdue ? 'true' : undefined })}>
				{(r) => (
					<>
						<h2>
							<Link to={`/elders/${r.elder.id}`}>{r.elder.name}</Link> · {t(`rights.kinds.${r.kind}`)}
						</h2>
						{r.overdue ? (
							<p>
								<span className="badge badge-cancelled" data-testid="overdue">
									{t('rights.overdue')}
								</span>
							</p>
						) : null}
						<Facts
							items={[
								[t('fields.idNumber'), r.elder.idNumberMasked, { className: 'mono' }],
								[t('fields.community'), r.elder.community ? (zh ? r.elder.community.nameZh : (r.elder.community.nameEn ?? r.elder.community.nameZh)) : '—'],
								[t('rights.family'), requesterOf(r, t)],
								r.identityDocument ? [t('rights.inPerson.checked'), t(`rights.inPerson.documents.${r.identityDocument}`)] : null,
								r.filedBy ? [t('rights.paper.recordedBy'), r.filedBy.name] : null,
								[t('rights.filedAt'), <When key="at" at={r.createdAt} />],
								[t('rights.dueOn'), <Day key="due" on={r.dueOn} />, { 'data-testid': 'due-on' }],
								r.wrongInfo ? [t('rights.wrongInfo'), r.wrongInfo] : null,
								r.correctInfo ? [t('rights.correctInfo'), r.correctInfo] : null,
								r.reason ? [t('rights.deletionReason'), r.reason] : null,
							]}
						/>
						<p className="hint">
							{t(`rights.howTo.${r.kind}`)}{' '}
							{r.kind === 'copy' ? null : <Link to={`/elders/${r.elder.id}/edit`}>{t('rights.editRecord')}</Link>}
						</p>
						{r.filedBy ? (
							<p className="actions">
								<Link to={`/registry/requests/${r.id}/paper`} className="button secondary">
									{t('rights.paper.printReceipt')}
								</Link>
							</p>
						) : null}
						<ReplyDecisionForm
							id={`request-${r.id}`}
							reply={reply}
							hidden={{ requestId: r.id }}
							reason={{ name: 'answer', label: t('rights.answerLabel'), hint: t('rights.answerHint'), maxLength: RIGHTS_TEXT_MAX }}
							decision="decision"
							choices={[
								{ value: 'fulfil', label: t('rights.fulfil') },
								{ value: 'refuse', label: t('rights.refuse'), tone: 'danger' },
							]}
						/>
						{r.filedBy ? (
							<PostForm hidden={{ intent: 'withdraw', formId: `withdraw-${r.id}`, requestId: r.id }}>
								<button type="submit" className="button secondary">
									{t('rights.inPerson.withdraw')}
								</button>
							</PostForm>
						) : null}
					</>
				)}
			</Cards>

			<h2>{t('rights.historyTitle')}</h2>
			<DataTable
				caption={t('rights.historyTitle')}
				captionHidden
				empty={t('rights.noneDecided')}
				columns={[
					{ header: t('rights.elder'), rowHeader: true, cell: (r) => <Link to={`/elders/${r.elder.id}`}>{r.elder.name}</Link> },
					{ header: t('rights.kind'), cell: (r) => t(`rights.kinds.${r.kind}`) },
					{ header: t('rights.family'), cell: (r) => (r.filedBy ? <Link to={`/registry/requests/${r.id}/paper`}>{requesterOf(r, t)}</Link> : requesterOf(r, t)) },
					{ header: t('rights.filedAt'), cell: (r) => <When at={r.createdAt} /> },
					{ header: t('rights.state'), cell: (r) => t(`rights.statuses.${r.status}`), testId: 'decided-status' },
					{ header: t('rights.decidedAt'), cell: (r) => (r.decidedAt ? <When at={r.decidedAt} /> : '—') },
					{ header: t('rights.decidedBy'), cell: (r) => r.decidedBy?.name ?? '—' },
					{ header: t('rights.answer'), cell: (r) => r.answer ?? '—' },
				]}
				rows={decided}
				rowKey={(r) => r.id}
			/>
			<Pager page={page} hasMore={hasMore} />
		</section>
	)
}

/** Who asked: the family member online (name and phone), or whoever came to the office (name and relation to the elder). */
function requesterOf(r: { user: { name: string; phone: string } | null; requesterName: string | null; requesterRelation: string | null }, t: (key: string, options?: Record<string, string>) => string) {
	if (r.user) return `${r.user.name} · ${r.user.phone}`
	return t('rights.inPerson.requesterLine', { name: r.requesterName ?? '', relation: t(`rights.inPerson.relations.${r.requesterRelation}`) })
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
