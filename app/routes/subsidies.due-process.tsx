import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, DecisionForm, FormErrors, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { ReplyDecisionForm } from '~/components/reply-decision-form.tsx'
import { TitledTable } from '~/components/titled-table.tsx'
import { Facts, Money } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { appealQueue, decideAppeal } from '~/modules/due-process/appeals.server.ts'
import { noticesInScope, pendingObjections, recordFinding } from '~/modules/due-process/notice.server.ts'
import { grantsDueForReview, renewGrant } from '~/modules/due-process/review.server.ts'
import { appealDecisionSchema, findingSchema, renewSchema } from '~/modules/due-process/schemas.ts'
import { OFFICER_ROLES } from '~/modules/due-process/scope.server.ts'

// Officers' due-process desk: objections to record a finding on, lists on notice, appeals for this
// officer's level, and grants due for re-review (renew while still eligible).

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, OFFICER_ROLES)
	const today = shanghaiDate()
	const [objections, listed, appeals, reviews] = await Promise.all([pendingObjections(user), noticesInScope(user, today), appealQueue(user), grantsDueForReview(user, today)])
	return { objections, listed, appeals, reviews }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, OFFICER_ROLES)
	const formData = await readProtectedForm(request)
	const today = shanghaiDate()
	const ip = clientIp(request)
	const intent = formData.get('intent')
	if (intent === 'finding') {
		return answerForm(formData, findingSchema, (value) => recordFinding(user, value, ip, today), { form: `objection-${formData.get('objectionId')}` })
	}
	if (intent === 'appeal') {
		return answerForm(formData, appealDecisionSchema, (value) => decideAppeal(user, value, ip, today), { form: `appeal-${formData.get('appealId')}` })
	}
	return answerForm(formData, renewSchema, (value) => renewGrant(user, value, ip, today), { form: `renew-${formData.get('grantId')}` })
}

export default function DueProcess() {
	const { objections, listed, appeals, reviews } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('subsidies')
	const formIds = [...objections.map((o) => `objection-${o.id}`), ...appeals.map((a) => `appeal-${a.id}`), ...reviews.map((r) => `renew-${r.id}`)]
	const doneForm = reply && typeof reply === 'object' && 'ok' in reply && reply.ok ? String((reply as { form?: string }).form ?? '') : ''
	return (
		<section>
			<h1>{t('dueProcess.officerTitle')}</h1>
			<OrphanReplyErrors reply={reply} formIds={formIds} />
			{doneForm ? <Notice>{t(doneForm.startsWith('objection') ? 'dueProcess.findingDone' : doneForm.startsWith('appeal') ? 'dueProcess.appealDone' : 'dueProcess.renewed')}</Notice> : null}

			<h2>{t('dueProcess.objections')}</h2>
			<Cards items={objections} empty={t('dueProcess.noObjections')} itemKey={(o) => o.id} itemProps={() => ({ 'data-testid': 'objection-item' })}>
				{(o) => (
					<>
						<h3>{o.displayName}</h3>
						<p>
							{o.name} · {o.phone} · {o.lodgedOn}
						</p>
						<p>{o.reason}</p>
						<FindingForm id={o.id} reply={reply} />
					</>
				)}
			</Cards>

			<TitledTable
				title={t('dueProcess.listed')}
				empty={t('dueProcess.noListed')}
				rows={listed}
				rowKey={(e) => e.id}
				columns={[
					{ header: t('dueProcess.name'), cell: (e) => <Link to={`/notice/${e.place}`}>{e.displayName}</Link>, rowHeader: true },
					{ header: t('dueProcess.amount'), cell: (e) => <Money fen={e.monthlyCreditFen} />, numeric: true },
					{ header: t('dueProcess.endsOn'), cell: (e) => `${e.opensOn} – ${e.endsOn}` },
					{ header: t('dueProcess.finding'), cell: (e) => t(`dueProcess.state.${e.state}`) },
				]}
			/>

			<h2>{t('dueProcess.appeals')}</h2>
			<Cards items={appeals} empty={t('dueProcess.noAppeals')} itemKey={(a) => a.id} itemProps={() => ({ 'data-testid': 'appeal-item' })}>
				{(a) => (
					<>
						<h3>
							{t(`dueProcess.kinds.${a.kind}`)} · {a.elder || a.facts.provider} {a.policy ? `· ${a.policy}` : ''}
						</h3>
						<p>
							{t(`dueProcess.decided.${a.decided}`)} · {a.refusedOn} · {t(`dueProcess.level.${a.level}`)}
						</p>
						<Facts
							items={[
								!!a.facts.month && [t('dueProcess.facts.month'), a.facts.month],
								!!a.facts.assessedOn && [t('dueProcess.facts.assessedOn'), `${a.facts.assessedOn} – ${a.facts.validUntil ?? ''}`],
								!!a.facts.refusalReason && [t('dueProcess.facts.refusalReason'), a.facts.refusalReason],
								[t('dueProcess.deadline'), a.deadline],
								[t('dueProcess.appealReasons'), a.reasons],
							]}
						/>
						{a.attachments.length ? (
							<ul aria-label={t('dueProcess.attachments')}>
								{a.attachments.map((f) => (
									<li key={f.id}>
										<a href={`/subsidies/appeal-attachments/${f.id}`} download>
											{f.fileName}
										</a>{' '}
										({Math.ceil(f.size / 1024)} KB)
									</li>
								))}
							</ul>
						) : null}
						<AppealForm id={a.id} kind={a.kind} decided={a.decided} reply={reply} />
					</>
				)}
			</Cards>

			<TitledTable
				title={t('dueProcess.reviews')}
				empty={t('dueProcess.noReviews')}
				rows={reviews}
				rowKey={(r) => r.id}
				columns={[
					{ header: t('dueProcess.name'), cell: (r) => r.elder, rowHeader: true },
					{ header: t('dueProcess.community'), cell: (r) => r.community },
					{ header: t('dueProcess.benefit'), cell: (r) => r.policy },
					{ header: t('dueProcess.endsOn'), cell: (r) => r.endsOn },
					{ header: t('dueProcess.stopping'), cell: (r) => (r.stopReason ? t(`errors.ineligible.${r.stopReason}`) : <RenewForm id={r.id} reply={reply} />) },
				]}
			/>
		</section>
	)
}

function FindingForm({ id, reply }: { id: string; reply: unknown }) {
	const { t } = useTranslation('subsidies')
	return (
		<ReplyDecisionForm
			id={`objection-${id}`}
			reply={reply}
			hidden={{ intent: 'finding', objectionId: id }}
			reason={{ name: 'reasons', label: t('dueProcess.finding'), required: true }}
			decision="finding"
			choices={[
				{ value: 'not_upheld', label: t('dueProcess.notUpheld') },
				{ value: 'upheld', label: t('dueProcess.upheld'), tone: 'danger' },
			]}
		/>
	)
}

const CHANGE_CHOICES: Record<string, readonly string[]> = {
	assessment: ['intact', 'mild', 'moderate', 'severe', 'complete'],
	complaint: ['upheld', 'partly_upheld', 'not_upheld'],
}

function AppealForm({ id, kind, decided, reply }: { id: string; kind: string; decided: string; reply: unknown }) {
	const { t } = useTranslation('subsidies')
	const navigation = useNavigation()
	const [form, fields] = useReplyForm<'reason' | 'changedTo'>(`appeal-${id}`, reply)
	const choices = CHANGE_CHOICES[kind]
	return (
		<DecisionForm
			form={form}
			fields={fields}
			reason={{ name: 'reason', label: t('dueProcess.outcome'), required: true }}
			decision="outcome"
			choices={[
				{ value: 'changed', label: t(`dueProcess.changeTo.${kind}`) },
				{ value: 'upheld', label: t('dueProcess.uphold'), tone: 'secondary' },
			]}
			disabled={navigation.state === 'submitting'}
		>
			<input type="hidden" name="intent" value="appeal" />
			<input type="hidden" name="appealId" value={id} />
			{choices ? (
				<SelectField
					label={t('dueProcess.changedTo')}
					errors={fields.changedTo.errors}
					selectProps={{ id: `appeal-${id}-changedTo`, name: 'changedTo' }}
					placeholder={t('dueProcess.changedToNone')}
					options={choices.filter((c) => c !== decided).map((c) => ({ value: c, label: t(`dueProcess.decided.${c}`) }))}
				/>
			) : null}
		</DecisionForm>
	)
}

function RenewForm({ id, reply }: { id: string; reply: unknown }) {
	const { t } = useTranslation('subsidies')
	const [form] = useReplyForm(`renew-${id}`, reply)
	return (
		<ActionForm form={form} intent="renew">
			<FormErrors form={form} />
			<input type="hidden" name="grantId" value={id} />
			<button type="submit" className="secondary">
				{replyDone(reply, `renew-${id}`) ? t('dueProcess.renewed') : t('dueProcess.renew')}
			</button>
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
