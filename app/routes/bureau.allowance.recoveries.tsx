import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, OrphanReplyErrors, replyDone, SelectField, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PendingChanges } from '~/components/pending-changes.tsx'
import { CursorPager } from '~/components/pager.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { uuidParam } from '~/lib/query.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { recoveriesPage } from '~/modules/allowance/recoveries-read.server.ts'
import { decideWaiver, proposeWaiver, recordRecovery } from '~/modules/allowance/recoveries.server.ts'
import { fenToYuanString, RECOVERY_METHODS } from '~/modules/allowance/rules.ts'
import { recoverySchema, waiverSchema } from '~/modules/allowance/schemas.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { decideChangeSchema } from '~/modules/auth/schemas.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// Allowance paid for months after the elder's death (追回): each payment listed, a page at a time,
// until nothing of it remains to get back. An officer of the district (or the city) records each sum
// that came back (the bank's reversal of what was left on the card, the family's repayments), with its
// reference, or proposes to waive what remains with a reason; a second city officer approves a waiver.
const ROLES = ['bureau_district', 'bureau_city'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const params = new URL(request.url).searchParams
	const query = { after: uuidParam(params, 'after'), settledAfter: uuidParam(params, 'settledAfter'), payment: uuidParam(params, 'payment') }
	return { ...(await recoveriesPage(user, query)), query, today: shanghaiDate() }
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
	const { amount, ...input } = parsed.value
	return replyOutcome(parsed, await recordRecovery(user, { ...input, amountFen: amount }, ip))
}

type Query = { after: string | null; settledAfter: string | null; payment: string | null }

/** This page's link with some of its parameters changed (the lists' cursors, the payment to settle). */
function linkTo(query: Query, change: Partial<Query>, hash = '') {
	const next = new URLSearchParams()
	for (const [k, v] of Object.entries({ ...query, ...change })) if (v) next.set(k, v)
	const text = next.toString()
	return `${text ? `?${text}` : '?'}${hash}`
}

export default function Recoveries() {
	const { rows, next, settled, settledNext, waivers, totals, mayRecord, mayApprove, settle, query } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('allowance')
	return (
		<>
			<section className="card">
				<h1>{t('recoveries.title')}</h1>
				<p className="lead">{t('recoveries.lead')}</p>
				{replyDone(reply, 'recover') ? <Notice>{t('recoveries.recorded')}</Notice> : null}
				{replyDone(reply, 'waive') ? <Notice>{t('recoveries.waiverProposed')}</Notice> : null}
				<OrphanReplyErrors reply={reply} formIds={settle ? ['recover', 'waive'] : []} />
				<Facts
					items={[
						[t('recoveries.outstandingTotal'), <Money key="o" fen={totals.outstandingFen} />, { 'data-testid': 'recoveries-total' }],
						[t('recoveries.recoveredTotal'), <Money key="r" fen={totals.recoveredFen} />, { 'data-testid': 'recovered-total' }],
						[t('recoveries.waivedTotal'), <Money key="w" fen={totals.waivedFen} />, { 'data-testid': 'waived-total' }],
						[t('recoveries.paidAfterDeathTotal'), <Money key="p" fen={totals.paidAfterDeathFen} />, { 'data-testid': 'paid-after-death-total' }],
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
						{ header: t('recoveries.recoveredSoFar'), cell: (r) => <Money fen={r.recoveredFen} />, numeric: true },
						{ header: t('recoveries.remaining'), cell: (r) => <Money fen={r.remainingFen} />, numeric: true },
						{
							header: t('recoveries.state'),
							cell: (r) =>
								r.inTransit ? (
									t('recoveries.inTransit')
								) : r.waiverPending ? (
									t('recoveries.waiverPendingState')
								) : mayRecord ? (
									<Link to={linkTo(query, { payment: r.paymentId }, '#settle')}>{t('recoveries.settle')}</Link>
								) : (
									t('recoveries.open')
								),
						},
					]}
					rows={rows}
					rowKey={(r) => r.paymentId}
				/>
				<CursorPager atStart={!query.after} next={next} href={(after) => linkTo(query, { after, payment: null })} label={t('recoveries.outstandingPages')} />
			</section>
			{settle && mayRecord ? <Settle key={`${settle.payment.paymentId}-${settle.payment.remainingFen}`} /> : null}
			{waivers.length || mayApprove ? (
				<PendingChanges
					rows={waivers}
					testId="pending-waivers"
					columns={[
						{ header: t('recoveries.name'), cell: (w) => w.name },
						{ header: t('recoveries.month'), cell: (w) => w.month },
						{ header: t('recoveries.waiveAmount'), cell: (w) => <Money fen={w.amountFen} />, numeric: true },
						{ header: t('recoveries.reason'), cell: (w) => w.reason },
					]}
					canDecide={mayApprove}
					reply={reply}
				/>
			) : null}
			<CardSection title={t('recoveries.settledTitle')}>
				<EntriesTable testId="recoveries-settled" caption={t('recoveries.settledTitle')} rows={settled} withName />
				<CursorPager atStart={!query.settledAfter} next={settledNext} href={(settledAfter) => linkTo(query, { settledAfter, payment: null })} label={t('recoveries.settledPages')} />
			</CardSection>
		</>
	)
}

type Entry = { id: string; name: string; month: string; amountFen: number; outcome: 'recovered' | 'waived'; method: string | null; reference: string | null; reason: string | null; settledOn: string; recordedBy: string; approvedBy: string | null }

/** Receipts and waivers: each sum that came back (how, with its reference) or was written off (why), when and by whom. */
function EntriesTable({ rows, testId, caption, withName }: { rows: Entry[]; testId: string; caption: string; withName?: boolean }) {
	const { t } = useTranslation('allowance')
	return (
		<DataTable
			data-testid={testId}
			caption={caption}
			captionHidden
			empty={t('recoveries.noneSettled')}
			columns={[
				...(withName ? [{ header: t('recoveries.name'), cell: (s: Entry) => s.name, rowHeader: true }, { header: t('recoveries.month'), cell: (s: Entry) => s.month }] : []),
				{ header: t('recoveries.entryAmount'), cell: (s) => <Money fen={s.amountFen} />, numeric: true },
				{ header: t('recoveries.outcome'), cell: (s) => (s.outcome === 'recovered' && s.method ? `${t('recoveries.outcomes.recovered')} · ${t(`recoveries.methods.${s.method}`)}` : t('recoveries.outcomes.waived')) },
				{ header: t('recoveries.referenceOrReason'), cell: (s) => s.reference ?? s.reason },
				{ header: t('recoveries.settledOn'), cell: (s) => s.settledOn },
				{ header: t('recoveries.by'), cell: (s) => (s.approvedBy ? `${s.recordedBy} / ${s.approvedBy}` : s.recordedBy) },
			]}
			rows={rows}
			rowKey={(s) => s.id}
		/>
	)
}

/** The chosen payment: what came back so far; record the next sum (the remainder by default), or propose to waive the remainder. */
function Settle() {
	const { today, settle } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('allowance')
	const busy = useNavigation().state !== 'idle'
	const [recover, recoverFields] = useReplyForm<'amount' | 'method' | 'reference' | 'settledOn' | 'paymentId' | 'idempotencyKey'>('recover', reply)
	const [waive, waiveFields] = useReplyForm<'reason' | 'paymentId'>('waive', reply)
	if (!settle) return null
	const { payment, entries, idempotencyKey } = settle
	return (
		<section className="card" id="settle" aria-labelledby="settle-title" data-testid="settle">
			<h2 id="settle-title">{t('recoveries.settleTitle', { name: payment.name, month: payment.month })}</h2>
			<Facts
				items={[
					[t('recoveries.amount'), <Money key="a" fen={payment.amountFen} />],
					[t('recoveries.recoveredSoFar'), <Money key="r" fen={payment.recoveredFen} />],
					[t('recoveries.remaining'), <Money key="m" fen={payment.remainingFen} />, { 'data-testid': 'settle-remaining' }],
				]}
			/>
			{entries.length ? (
				<>
					<h3>{t('recoveries.receiptsTitle')}</h3>
					<EntriesTable testId="settle-receipts" caption={t('recoveries.receiptsTitle')} rows={entries} />
				</>
			) : null}
			<h3>{t('recoveries.recoverTitle')}</h3>
			<ActionForm form={recover} intent="recover" className="grid-form">
				<input type="hidden" name="paymentId" value={payment.paymentId} />
				<input type="hidden" name="idempotencyKey" value={idempotencyKey} />
				<Field
					label={t('recoveries.recordAmount')}
					hint={t('recoveries.amountHint')}
					errors={recoverFields.amount.errors}
					inputProps={{ id: 'recovery-amount', name: 'amount', required: true, inputMode: 'decimal', defaultValue: fenToYuanString(payment.remainingFen), autoComplete: 'off' }}
				/>
				<SelectField
					label={t('recoveries.method')}
					errors={recoverFields.method.errors}
					selectProps={{ id: 'recovery-method', name: 'method', required: true, defaultValue: 'bank_reversal' }}
					options={RECOVERY_METHODS.map((m) => ({ value: m, label: t(`recoveries.methods.${m}`) }))}
				/>
				<Field label={t('recoveries.reference')} hint={t('recoveries.referenceHint')} errors={recoverFields.reference.errors} inputProps={{ id: 'recovery-reference', name: 'reference', required: true, maxLength: 100 }} />
				<Field label={t('recoveries.settledOn')} errors={recoverFields.settledOn.errors} inputProps={{ id: 'recovery-settled-on', name: 'settledOn', type: 'date', required: true, max: today, defaultValue: today }} />
				<FormSubmit form={recover} errors={[...(recoverFields.paymentId.errors ?? []), ...(recoverFields.idempotencyKey.errors ?? [])]} label={t('recoveries.record')} disabled={busy} />
			</ActionForm>
			<h3>{t('recoveries.waiveTitle')}</h3>
			<p className="hint">{t('recoveries.waiveHint', { amount: fenToYuanString(payment.remainingFen) })}</p>
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
