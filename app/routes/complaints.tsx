import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { OrphanReplyErrors, replyDone, SelectOptions } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PostForm } from '~/components/post-form.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { answerComplaint, answerSchema, closeComplaint, closeSchema, fileComplaint, fileSchema, listComplaints, providersUsed } from '~/modules/complaints/complaints.server.ts'
import { COMPLAINT_CATEGORIES, COMPLAINT_FINDINGS } from '~/modules/complaints/rules.ts'

const ROLES = ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'] as const

// Complaints (issue 14 item 8): a family files one about a provider it used, the provider answers,
// the district officer closes it with a finding; overdue ones are listed first for the district.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, [...ROLES])
	const officer = user.role !== 'family' && user.role !== 'provider_staff'
	const [complaints, overdue, providers] = await Promise.all([listComplaints(user), officer ? listComplaints(user, { overdueOnly: true }) : Promise.resolve([]), providersUsed(user)])
	return { role: user.role, complaints, overdue, providers }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, [...ROLES])
	const form = await readProtectedForm(request)
	const ip = clientIp(request)
	const intent = form.get('intent')
	if (intent === 'answer') {
		return answerForm(form, answerSchema, (value) => answerComplaint(user, value, new Date(), ip), { form: 'complaint' })
	}
	if (intent === 'close') {
		return answerForm(form, closeSchema, (value) => closeComplaint(user, value, new Date(), ip), { form: 'complaint' })
	}
	return answerForm(form, fileSchema, (value) => fileComplaint(user, value, new Date(), ip), { form: 'complaint' })
}

export default function Complaints() {
	const { role, complaints, overdue, providers } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('marketplace')
	const officer = role !== 'family' && role !== 'provider_staff'
	const list = (rows: typeof complaints, testid: string) => (
		<ul className="cards" data-testid={testid}>
			{rows.map((c) => (
				<li key={c.id} className="card" data-testid={`complaint-${c.id}`}>
					<p>
						<strong>{c.provider.name}</strong> · {t(`complaints.subjects.${c.subject}`)} · {t(`complaints.categories.${c.category}`)} · {t(`complaints.statuses.${c.status}`)}
						{c.overdue ? <span className="form-error"> · {t(`complaints.overdue.${c.overdue}`)}</span> : null}
					</p>
					<p>{c.text}</p>
					<p className="hint">{t('complaints.due', { ack: c.ackDueOn, resolve: c.resolveDueOn })}</p>
					{c.answer ? (
						<p>
							{t('complaints.answerLabel')}: {c.answer}
						</p>
					) : null}
					{c.finding ? (
						<p>
							{t('complaints.findingLabel')}: {t(`complaints.findings.${c.finding}`)} · {c.findingNote}
						</p>
					) : null}
					{role === 'provider_staff' && c.status === 'submitted' ? (
						<PostForm hidden={{ intent: 'answer', complaintId: c.id }}>
							<label htmlFor={`answer-${c.id}`}>{t('complaints.answerLabel')}</label>
							<textarea id={`answer-${c.id}`} name="answer" required minLength={2} maxLength={2000} />
							<button type="submit" className="button">
								{t('complaints.answer')}
							</button>
						</PostForm>
					) : null}
					{officer && c.status !== 'closed' ? (
						<PostForm hidden={{ intent: 'close', complaintId: c.id }}>
							<label htmlFor={`finding-${c.id}`}>{t('complaints.findingLabel')}</label>
							<select id={`finding-${c.id}`} name="finding">
								<SelectOptions options={COMPLAINT_FINDINGS.map((f) => ({ value: f, label: t(`complaints.findings.${f}`) }))} />
							</select>
							<label htmlFor={`note-${c.id}`}>{t('complaints.findingNote')}</label>
							<textarea id={`note-${c.id}`} name="findingNote" required minLength={2} maxLength={2000} />
							<button type="submit" className="button">
								{t('complaints.close')}
							</button>
						</PostForm>
					) : null}
				</li>
			))}
		</ul>
	)
	return (
		<section>
			<h1>{t('complaints.title')}</h1>
			{replyDone(reply, 'complaint') ? <Notice>{t('complaints.saved')}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={[]} />
			{role === 'family' ? (
				<PostForm className="card grid-form" hidden={{ intent: 'file' }}>
					<h2>{t('complaints.new')}</h2>
					{providers.length === 0 ? <p>{t('complaints.noProviders')}</p> : null}
					<label htmlFor="providerId">{t('complaints.provider')}</label>
					<select id="providerId" name="providerId">
						<SelectOptions options={providers.map((p) => ({ value: p.id, label: p.name }))} />
					</select>
					<label htmlFor="subject">{t('complaints.subject')}</label>
					<select id="subject" name="subject" defaultValue="general">
						<SelectOptions options={(['general', 'booking', 'stay'] as const).map((s) => ({ value: s, label: t(`complaints.subjects.${s}`) }))} />
					</select>
					<label htmlFor="bookingId">{t('complaints.bookingId')}</label>
					<input id="bookingId" name="bookingId" type="text" />
					<label htmlFor="category">{t('complaints.category')}</label>
					<select id="category" name="category">
						<SelectOptions options={COMPLAINT_CATEGORIES.map((c) => ({ value: c, label: t(`complaints.categories.${c}`) }))} />
					</select>
					<label htmlFor="text">{t('complaints.text')}</label>
					<textarea id="text" name="text" required minLength={5} maxLength={2000} />
					<button type="submit" className="button big">
						{t('complaints.submit')}
					</button>
				</PostForm>
			) : null}
			{officer ? (
				<>
					<h2>{t('complaints.overdueTitle')}</h2>
					{overdue.length ? list(overdue, 'complaints-overdue') : <p>{t('complaints.noneOverdue')}</p>}
				</>
			) : null}
			<h2>{t('complaints.all')}</h2>
			{complaints.length ? list(complaints, 'complaints-all') : <p>{t('complaints.none')}</p>}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
