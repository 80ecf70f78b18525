import { getInputProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, useReplyForm } from '~/components/forms.tsx'
import { PostForm } from '~/components/post-form.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { decideRates, listRates, proposeRates } from '~/modules/operating-subsidy/rates.server.ts'
import { RATE_BPS_FIELDS, RATE_FEN_FIELDS, rateDecisionSchema, rateProposalSchema, type RateValues } from '~/modules/operating-subsidy/schemas.ts'

// The operating subsidy's rates by month: every version, and for city officers a proposal of a new
// version from a future month, which another city officer approves or rejects.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { ...(await listRates(user)), isCity: user.role === 'bureau_city', nextMonth: addMonths(shanghaiMonth(), 1) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	if (formData.get('formId') === 'rate-decision') {
		const parsed = parseForm(formData, rateDecisionSchema, { form: 'rate-decision' })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await decideRates(user, parsed.value, clientIp(request)))
	}
	const parsed = parseForm(formData, rateProposalSchema, { form: 'rate-propose' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await proposeRates(user, parsed.value, clientIp(request)))
}

const bps = (v: number) => (v / 10_000).toFixed(2)

export default function OperatingRatesPage() {
	const { versions, pending, isCity, nextMonth } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'effectiveMonth' | keyof RateValues>('rate-propose', reply)
	const columns = (row: (r: RateValues) => RateValues) => [
		...RATE_FEN_FIELDS.map((f) => ({ header: t(`operating.rateFields.${f}`), cell: (r: RateValues) => <Money fen={row(r)[f]} /> })),
		...RATE_BPS_FIELDS.map((f) => ({ header: t(`operating.rateFields.${f}`), cell: (r: RateValues) => bps(row(r)[f]) })),
	]
	return (
		<section className="card">
			<h1>{t('operating.ratesTitle')}</h1>
			<p>{t('operating.ratesIntro')}</p>
			<OrphanReplyErrors reply={reply} formIds={['rate-propose']} />
			{replyDone(reply, 'rate-decision') ? <p className="notice" role="status">{t('operating.rateDecided')}</p> : null}
			<DataTable
				caption={t('operating.ratesCaption')}
				columns={[{ header: t('operating.effectiveMonth'), cell: (r: (typeof versions)[number]) => r.effectiveMonth, rowHeader: true }, ...columns((r) => r)]}
				rows={versions}
				rowKey={(r) => r.effectiveMonth}
			/>
			<h2>{t('operating.ratesPending')}</h2>
			{pending.length === 0 ? <p>{t('operating.ratesNonePending')}</p> : null}
			{pending.map((p) => (
				<div key={p.id} className="card" data-testid="rate-proposal">
					<p>
						{t('operating.effectiveMonth')}：<strong>{p.effectiveMonth}</strong> · {t('operating.proposedBy', { name: p.proposedBy })}
					</p>
					<DataTable caption={t('operating.ratesProposed')} captionHidden columns={columns((r) => r)} rows={[p.rates]} rowKey={() => p.id} />
					{isCity && !p.viewerIsProposer ? (
						<PostForm hidden={{ formId: 'rate-decision', proposalId: p.id }} className="grid-form">
							<label htmlFor={`rate-note-${p.id}`}>{t('operating.note')}</label>
							<textarea id={`rate-note-${p.id}`} name="note" maxLength={500} rows={2} />
							<div className="button-row">
								<button type="submit" name="decision" value="approve" className="button">
									{t('operating.approve')}
								</button>
								<button type="submit" name="decision" value="reject" className="button secondary">
									{t('operating.reject')}
								</button>
							</div>
						</PostForm>
					) : null}
				</div>
			))}
			{isCity ? (
				<ActionForm form={form} className="grid-form">
					<h2>{t('operating.ratesPropose')}</h2>
					<p className="hint">{t('operating.ratesProposeHint')}</p>
					<Field label={t('operating.effectiveMonth')} errors={fields.effectiveMonth.errors} inputProps={{ ...getInputProps(fields.effectiveMonth, { type: 'month' }), defaultValue: nextMonth, required: true }} />
					{RATE_FEN_FIELDS.map((f) => (
						<Field key={f} label={`${t(`operating.rateFields.${f}`)}（${t('operating.yuanPerDay')}）`} errors={fields[f].errors} inputProps={{ ...getInputProps(fields[f], { type: 'text' }), inputMode: 'decimal', required: true, defaultValue: versions[0] ? (versions[0][f] / 100).toFixed(2) : '' }} />
					))}
					{RATE_BPS_FIELDS.map((f) => (
						<Field key={f} label={t(`operating.rateFields.${f}`)} errors={fields[f].errors} inputProps={{ ...getInputProps(fields[f], { type: 'text' }), inputMode: 'decimal', required: true, defaultValue: versions[0] ? bps(versions[0][f]) : '' }} />
					))}
					<FormErrors form={form} />
					{replyDone(reply, 'rate-propose') ? <p className="notice">{t('operating.rateProposed')}</p> : null}
					<button type="submit" className="button">
						{t('operating.ratesSubmit')}
					</button>
				</ActionForm>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
