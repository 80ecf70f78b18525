import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, DecisionForm, Field, OrphanReplyErrors, replyValue, useReplyForm } from '~/components/forms.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { outcomeAs } from '~/lib/outcome.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { adjustmentDecisionSchema, adjustmentProposalSchema, statementDecisionSchema } from '~/modules/operating-subsidy/schemas.ts'
import { decideAdjustment, listAdjustments, proposeAdjustment } from '~/modules/operating-subsidy/adjustments.server.ts'
import { approveStatement, getStatement, reviewStatement } from '~/modules/operating-subsidy/statements.server.ts'

// One institution's operating subsidy statement for a month, line by line (resident masked, days,
// level, rate): the institution reads its own; the district officer reviews, a city officer approves.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff', ...BUREAU_ROLES])
	const statement = notFoundUnless(await getStatement(user, requireId(params, 'statementId')))
	const decision = user.role === 'bureau_district' && statement.status === 'computed' ? 'review' : user.role === 'bureau_city' && statement.status === 'reviewed' ? 'approve' : null
	const adjustments = statement.status === 'approved' ? await listAdjustments(statement.id) : []
	const open = adjustments.find((a) => a.status === 'proposed') ?? null
	const paidFen = statement.totalFen + adjustments.filter((a) => a.status === 'approved').reduce((sum, a) => sum + a.amountFen, 0)
	return {
		statement,
		decision,
		adjustments,
		paidFen,
		canPropose: user.role === 'bureau_district' && statement.status === 'approved' && !open,
		toDecide: user.role === 'bureau_city' && open ? open.id : null,
	}
}

// Each form: its schema and its id (the reply finds its way back to it).
const FORMS = {
	review: { schema: statementDecisionSchema, form: 'operating-decision' },
	approve: { schema: statementDecisionSchema, form: 'operating-decision' },
	adjust: { schema: adjustmentProposalSchema, form: 'operating-adjust' },
	'decide-adjustment': { schema: adjustmentDecisionSchema, form: 'operating-adjustment-decision' },
} as const

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const statementId = requireId(params, 'statementId')
	const formData = await readProtectedForm(request)
	const intent = String(formData.get('intent') ?? '')
	// The decision form sends its choice as `intent` (review/approve) or `decision`.
	const entry = FORMS[(intent in FORMS ? intent : 'review') as keyof typeof FORMS]
	const ip = clientIp(request)
	if (entry.form === 'operating-adjust') {
		const parsed = parseForm(formData, adjustmentProposalSchema, { form: entry.form })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, outcomeAs(await proposeAdjustment(user, statementId, { amountFen: parsed.value.amount, reason: parsed.value.reason }, ip), 'proposedDone'))
	}
	if (entry.form === 'operating-adjustment-decision') {
		const parsed = parseForm(formData, adjustmentDecisionSchema, { form: entry.form })
		if (!parsed.ok) return parsed.response
		// Approving money moves: a recent password or code.
		if (parsed.value.decision === 'approve') await requireRecentAuth(request, user, `/operating-subsidy/${statementId}`)
		return replyOutcome(parsed, outcomeAs(await decideAdjustment(user, statementId, parsed.value, ip), parsed.value.decision === 'approve' ? 'adjustmentApproved' : 'adjustmentRejected'))
	}
	const parsed = parseForm(formData, statementDecisionSchema, { form: entry.form })
	if (!parsed.ok) return parsed.response
	const { intent: step, note } = parsed.value
	// Approving money moves: a recent password or code, as for an allowance run.
	if (step === 'approve') await requireRecentAuth(request, user, `/operating-subsidy/${statementId}`)
	const outcome = step === 'approve' ? await approveStatement(user, statementId, note, ip) : await reviewStatement(user, statementId, note, ip)
	return replyOutcome(parsed, outcomeAs(outcome, step))
}

export default function OperatingStatementPage() {
	const { statement, decision, adjustments, paidFen, canPropose, toDecide } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'note' | 'intent'>('operating-decision', reply)
	const done = replyValue<string>(reply, 'operating-decision') ?? replyValue<string>(reply, 'operating-adjust') ?? replyValue<string>(reply, 'operating-adjustment-decision')
	return (
		<section className="card">
			<h1>{t('operating.statementTitle', { name: statement.providerName, month: statement.month })}</h1>
			<Facts
				items={[
					[t('operating.status'), <strong key="s" data-testid="operating-status">{t(`operating.statuses.${statement.status}`)}</strong>],
					[t('operating.grade'), `${statement.grade ? t('operating.stars', { count: statement.grade }) : t('operating.ungraded')} × ${(statement.gradeFactorBps / 10000).toFixed(2)}`],
					[t('operating.bedDays'), statement.bedDays],
					[t('operating.tekunBedDays'), statement.tekunBedDays],
					[t('operating.levelPart'), <Money key="l" fen={statement.levelFen} />],
					[t('operating.supplement'), <Money key="p" fen={statement.supplementFen} />],
					[t('operating.total'), <strong key="t" data-testid="operating-statement-total"><Money fen={statement.totalFen} /></strong>],
				]}
			/>
			{done ? <p className="notice" role="status">{t(done === 'approve' ? 'operating.approvedDone' : done === 'review' ? 'operating.reviewedDone' : `operating.adjustments.${done}`)}</p> : null}
			<OrphanReplyErrors reply={reply} formIds={[...(decision ? ['operating-decision'] : []), ...(canPropose ? ['operating-adjust'] : []), ...(toDecide ? ['operating-adjustment-decision'] : [])]} />
			<DataTable
				caption={t('operating.linesCaption')}
				empty={t('operating.noLines')}
				columns={[
					{ header: t('operating.resident'), cell: (l) => <>{l.elderName} <span className="mono">{l.elderIdMasked}</span></>, rowHeader: true },
					{ header: t('operating.level'), cell: (l) => t(`operating.levels.${l.level}`) + (l.tekun ? ` · ${t('operating.tekun')}` : '') },
					{ header: t('operating.days'), cell: (l) => l.days, numeric: true },
					{ header: t('operating.rate'), cell: (l) => <>{<Money fen={l.levelRateFen} />}{l.tekun ? <> + <Money fen={l.tekunRateFen} /></> : null}</> },
					{ header: t('operating.amount'), cell: (l) => <Money fen={l.amountFen} />, numeric: true },
				]}
				rows={statement.lines}
				rowKey={(l) => `${l.elderIdMasked}-${l.level}-${l.tekun}`}
				rowProps={() => ({ 'data-testid': 'operating-line' })}
			/>
			<p className="hint">{t('operating.rateHint')}</p>
			{decision ? (
				<DecisionForm
					form={form}
					fields={fields}
					reason={{ name: 'note', label: t('operating.note') }}
					decision="intent"
					choices={[{ value: decision, label: t(decision === 'review' ? 'operating.review' : 'operating.approve') }]}
					disabled={navigation.state === 'submitting'}
				/>
			) : null}
			{statement.status === 'approved' ? <Adjustments adjustments={adjustments} paidFen={paidFen} canPropose={canPropose} toDecide={toDecide} /> : null}
		</section>
	)
}

/** Corrections of the approved statement (补发 / 扣减): the list, the district's proposal, the city's decision. */
function Adjustments({ adjustments, paidFen, canPropose, toDecide }: { adjustments: SerializeFrom<typeof loader>['adjustments']; paidFen: number; canPropose: boolean; toDecide: string | null }) {
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('beds')
	const [proposal, proposalFields] = useReplyForm<'amount' | 'reason' | 'intent'>('operating-adjust', reply)
	const [decisionForm, decisionFields] = useReplyForm<'note' | 'decision' | 'adjustmentId'>('operating-adjustment-decision', reply)
	const busy = navigation.state === 'submitting'
	return (
		<section aria-labelledby="adjustments-title">
			<h2 id="adjustments-title">{t('operating.adjustments.title')}</h2>
			<p className="hint">{t('operating.adjustments.intro')}</p>
			<DataTable
				caption={t('operating.adjustments.title')}
				captionHidden
				empty={t('operating.adjustments.none')}
				columns={[
					{ header: t('operating.adjustments.amount'), cell: (a) => <Money fen={a.amountFen} />, numeric: true },
					{ header: t('operating.adjustments.reason'), cell: (a) => a.reason },
					{ header: t('operating.adjustments.proposedBy'), cell: (a) => `${a.proposedByName} · ${formatShanghai(new Date(a.proposedAt), i18n.language)}` },
					{
						header: t('operating.status'),
						cell: (a) => (
							<>
								{t(`operating.adjustments.statuses.${a.status}`)}
								{a.decidedByName ? ` · ${a.decidedByName}` : ''}
								{a.decisionNote ? ` · ${a.decisionNote}` : ''}
							</>
						),
					},
				]}
				rows={adjustments}
				rowKey={(a) => a.id}
				rowProps={(a) => ({ 'data-testid': 'operating-adjustment', 'data-status': a.status })}
			/>
			<p>
				{t('operating.adjustments.paid')} <strong data-testid="operating-paid"><Money fen={paidFen} /></strong>
			</p>
			{canPropose ? (
				<ActionForm form={proposal} intent="adjust" className="grid-form">
					<Field label={t('operating.adjustments.amountYuan')} hint={t('operating.adjustments.amountHint')} errors={proposalFields.amount.errors} inputProps={{ id: 'adjust-amount', name: 'amount', required: true, inputMode: 'decimal', maxLength: 12 }} />
					<Field label={t('operating.adjustments.reason')} errors={proposalFields.reason.errors} inputProps={{ id: 'adjust-reason', name: 'reason', required: true, maxLength: 500 }} />
					<FormSubmit form={proposal} label={t('operating.adjustments.propose')} disabled={busy} />
				</ActionForm>
			) : null}
			{toDecide ? (
				<DecisionForm
					form={decisionForm}
					fields={decisionFields}
					reason={{ name: 'note', label: t('operating.note'), hint: t('operating.adjustments.noteHint') }}
					decision="decision"
					choices={[
						{ value: 'approve', label: t('operating.adjustments.approve') },
						{ value: 'reject', label: t('operating.adjustments.reject'), tone: 'secondary' },
					]}
					disabled={busy}
				>
					<input type="hidden" name="intent" value="decide-adjustment" />
					<input type="hidden" name="adjustmentId" value={toDecide} />
				</DecisionForm>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
