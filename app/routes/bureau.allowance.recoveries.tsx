import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, OrphanReplyErrors, replyDone, SelectField, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PendingChanges } from '~/components/pending-changes.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { uuidParam } from '~/lib/query.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { decideWaiver, proposeWaiver, recordRecovery, recoveriesPage } from '~/modules/allowance/recoveries.server.ts'
import { RECOVERY_METHODS } from '~/modules/allowance/rules.ts'
import { recoverySchema, waiverSchema } from '~/modules/allowance/schemas.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { decideChangeSchema } from '~/modules/auth/schemas.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// Allowance paid for months after the elder's death (追回): each payment listed until it is settled,
// once. An officer of the district (or the city) records the money that came back, with its
// reference, or proposes to waive it with a reason; a second city officer approves a waiver.
const ROLES = ['bureau_district', 'bureau_city'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const page = await recoveriesPage(user)
	const chosen = uuidParam(new URL(request.url).searchParams, 'payment')
	return { ...page, chosen: page.rows.find((r) => r.paymentId === chosen && !r.inTransit) ?? null, today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const ip = clientIp(request)
	if (form === 'decide-change') {
		// Giving money up is a decision that moves money: the password (or code) again within 5 minutes.
		await requireRecentAuth(request, user, '/bureau/allowance/recoveries')
		const parsed = parseForm(formData, decideChangeSchema, { form })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await decideWaiver(user, parsed.value, ip))
	}
	if (formData.get('intent') === 'waive') {
		const parsed = parseForm(formData, waiverSchema, { form: 'waive' })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await proposeWaiver(user, parsed.value, ip))
	}
	const parsed = parseForm(formData, recoverySchema, { form: 'recover' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await recordRecovery(user, parsed.value, ip))
}

export default function Recoveries() {
	const { rows, waivers, settled, totals, mayRecord, mayApprove, chosen } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('allowance')
	return (
		<>
			<section className="card">
				<h1>{t('recoveries.title')}</h1>
				<p className="lead">{t('recoveries.lead')}</p>
				{replyDone(reply, 'recover') ? <Notice>{t('recoveries.recorded')}</Notice> : null}
				{replyDone(reply, 'waive') ? <Notice>{t('recoveries.waiverProposed')}</Notice> : null}
				<OrphanReplyErrors reply={reply} formIds={chosen ? ['recover', 'waive'] : []} />
				<Facts
					items={[
						[t('recoveries.outstandingTotal'), <Money key="o" fen={totals.outstandingFen} />, { 'data-testid': 'recoveries-total' }],
						[t('recoveries.recoveredTotal'), <Money key="r" fen={totals.recoveredFen} />, { 'data-testid': 'recovered-total' }],
						[t('recoveries.waivedTotal'), <Money key="w" fen={totals.waivedFen} />, { 'data-testid': 'waived-total' }],
					]}
				/>
				<p>
					<a href="/bureau/allowance/recoveries.csv" download>
						{t('recoveries.download')}
					</a>
				</p>
				<h2>{t('recoveries.outstandingTitle')}</h2>
				<DataTable
					data-testid="recoveries"
					caption={t('recoveries.outstandingTitle')}
					captionHidden
					empty={t('recoveries.none')}
					columns={[
						{ header: t('recoveries.name'), cell: (r) => r.name, rowHeader: true },
						{ header: t('recoveries.idNumber'), cell: (r) => r.idNumberMasked, className: 'mono' },
						{ header: t('recoveries.district'), cell: (r) => r.district },
						{ header: t('recoveries.deathDate'), cell: (r) => r.deathDate },
						{ header: t('recoveries.month'), cell: (r) => r.month },
						{ header: t('recoveries.amount'), cell: (r) => <Money fen={r.amountFen} />, numeric: true },
						{
							header: t('recoveries.state'),
							cell: (r) =>
								r.inTransit ? t('recoveries.inTransit') : r.waiverPending ? t('recoveries.waiverPendingState') : mayRecord ? <Link to={`?payment=${r.paymentId}#settle`}>{t('recoveries.settle')}</Link> : t('recoveries.open'),
						},
					]}
					rows={rows}
					rowKey={(r) => r.paymentId}
				/>
			</section>
			{chosen && mayRecord ? <Settle payment={chosen} /> : null}
			{waivers.length || mayApprove ? (
				<PendingChanges
					rows={waivers}
					testId="pending-waivers"
					columns={[
						{ header: t('recoveries.name'), cell: (w) => w.name },
						{ header: t('recoveries.month'), cell: (w) => w.month },
						{ header: t('recoveries.amount'), cell: (w) => <Money fen={w.amountFen} />, numeric: true },
						{ header: t('recoveries.reason'), cell: (w) => w.reason },
					]}
					canDecide={mayApprove}
					reply={reply}
				/>
			) : null}
			<CardSection title={t('recoveries.settledTitle')}>
				<DataTable
					data-testid="recoveries-settled"
					caption={t('recoveries.settledTitle')}
					captionHidden
					empty={t('recoveries.noneSettled')}
					columns={[
						{ header: t('recoveries.name'), cell: (s) => s.name, rowHeader: true },
						{ header: t('recoveries.month'), cell: (s) => s.month },
						{ header: t('recoveries.amount'), cell: (s) => <Money fen={s.amountFen} />, numeric: true },
						{ header: t('recoveries.outcome'), cell: (s) => (s.outcome === 'recovered' && s.method ? `${t('recoveries.outcomes.recovered')} · ${t(`recoveries.methods.${s.method}`)}` : t('recoveries.outcomes.waived')) },
						{ header: t('recoveries.referenceOrReason'), cell: (s) => s.reference ?? s.reason },
						{ header: t('recoveries.settledOn'), cell: (s) => s.settledOn },
						{ header: t('recoveries.by'), cell: (s) => (s.approvedBy ? `${s.recordedBy} / ${s.approvedBy}` : s.recordedBy) },
					]}
					rows={settled}
					rowKey={(s) => s.paymentId}
				/>
			</CardSection>
		</>
	)
}

/** The two ways to settle the chosen payment: the money came back, or a proposal to waive it. */
function Settle({ payment }: { payment: { paymentId: string; name: string; month: string; amountFen: number } }) {
	const { today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('allowance')
	const busy = useNavigation().state !== 'idle'
	const [recover, recoverFields] = useReplyForm<'method' | 'reference' | 'settledOn' | 'paymentId'>('recover', reply)
	const [waive, waiveFields] = useReplyForm<'reason' | 'paymentId'>('waive', reply)
	return (
		<section className="card" id="settle" aria-labelledby="settle-title" data-testid="settle">
			<h2 id="settle-title">{t('recoveries.settleTitle', { name: payment.name, month: payment.month })}</h2>
			<p>
				{t('recoveries.amount')}: <Money fen={payment.amountFen} />
			</p>
			<h3>{t('recoveries.recoverTitle')}</h3>
			<ActionForm form={recover} intent="recover" className="grid-form">
				<input type="hidden" name="paymentId" value={payment.paymentId} />
				<SelectField
					label={t('recoveries.method')}
					errors={recoverFields.method.errors}
					selectProps={{ id: 'recovery-method', name: 'method', required: true, defaultValue: 'bank_reversal' }}
					options={RECOVERY_METHODS.map((m) => ({ value: m, label: t(`recoveries.methods.${m}`) }))}
				/>
				<Field label={t('recoveries.reference')} hint={t('recoveries.referenceHint')} errors={recoverFields.reference.errors} inputProps={{ id: 'recovery-reference', name: 'reference', required: true, maxLength: 100 }} />
				<Field label={t('recoveries.settledOn')} errors={recoverFields.settledOn.errors} inputProps={{ id: 'recovery-settled-on', name: 'settledOn', type: 'date', required: true, max: today, defaultValue: today }} />
				<FormSubmit form={recover} errors={recoverFields.paymentId.errors} label={t('recoveries.record')} disabled={busy} />
			</ActionForm>
			<h3>{t('recoveries.waiveTitle')}</h3>
			<p className="hint">{t('recoveries.waiveHint')}</p>
			<ActionForm form={waive} intent="waive" className="grid-form">
				<input type="hidden" name="paymentId" value={payment.paymentId} />
				<TextareaField label={t('recoveries.reason')} errors={waiveFields.reason.errors} textareaProps={{ id: 'waiver-reason', name: 'reason', required: true, maxLength: 500, rows: 3 }} />
				<FormSubmit form={waive} errors={waiveFields.paymentId.errors} label={t('recoveries.proposeWaiver')} className="button secondary" disabled={busy} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
