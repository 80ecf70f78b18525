import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { z } from 'zod'
import { ImportReport } from '~/components/allowance.tsx'
import { CardSection } from '~/components/card-section.tsx'
import { CsvUploadForm } from '~/components/csv-upload.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { LabelledSelect } from '~/components/labelled-select.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, FormErrors, OrphanReplyErrors, replyDone, replyValue, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { readCsvForm, type LineReport } from '~/modules/allowance/csv.server.ts'
import { importBankResults } from '~/modules/allowance/bank-results.server.ts'
import { approveRun, getRun, rejectAndRecompute } from '~/modules/allowance/runs.server.ts'
import { rejectRunSchema } from '~/modules/allowance/schemas.ts'
import { runSubmission, submitSchedulerRun } from '~/modules/allowance/run-submission.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const run = notFoundUnless(await getRun(requireId(params, 'runId'), user))
	// Two-person control for scheduler runs (trust): who submitted it, if anyone.
	const submission = await runSubmission(run.id, user)
	return data({ run, submission, isCity: user.role === 'bureau_city' }, { headers: { 'Cache-Control': 'no-store' } })
}

const noFields = z.object({})

export async function action({ request, params }: ActionFunctionArgs) {
	// District officers reach the action so they get the clear "city-level only" answer, not a bare 403 page.
	const user = await requireRole(request, BUREAU_ROLES)
	// Bank result files are parsed as they stream in, never read whole (csv.server.ts); other forms as usual.
	const { fields: formData, csv } = await readCsvForm(request)
	const runId = requireId(params, 'runId')
	const intent = String(formData.get('intent') ?? '')
	const ip = clientIp(request)
	if (intent === 'reject') {
		const parsed = parseForm(formData, rejectRunSchema)
		if (!parsed.ok) return parsed.response
		const outcome = await rejectAndRecompute(user, runId, parsed.value.reason, ip)
		return outcome.ok ? redirect(`/bureau/allowance/runs/${outcome.value.newRunId}`) : replyFailure(parsed, outcome)
	}
	invariantResponse(intent === 'approve' || intent === 'returns' || intent === 'confirmations' || intent === 'submit', 'Unknown action')
	const parsed = parseForm(formData, noFields)
	if (!parsed.ok) return parsed.response
	if (intent === 'submit') return replyOutcome(parsed, await submitSchedulerRun(user, runId, ip))
	if (intent === 'approve') {
		await requireRecentAuth(request, user)
		return replyOutcome(parsed, await approveRun(user, runId, ip))
	}
	const outcome = await importBankResults(user, runId, intent, csv, ip)
	// A refused file comes back with each line's verdict: which lines to fix before importing it again.
	if (!outcome.ok) return replyFailure(parsed, outcome, { refusedLines: 'lines' in outcome ? outcome.lines : null })
	return replyOutcome(parsed, outcome)
}

export default function RunPage() {
	const { run, submission, isCity } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const [submitForm] = useReplyForm('submit', reply)
	const [approveForm] = useReplyForm('approve', reply)
	const [rejectForm, rejectFields] = useReplyForm<'reason'>('reject', reply)
	const navigation = useNavigation()
	const revalidator = useRevalidator()
	const { t, i18n } = useTranslation('allowance')
	const zh = i18n.language === 'zh-CN'
	const computing = run.status === 'computing'
	// Progress by polling: the loader is cheap (one row) while the run computes.
	useEffect(() => {
		if (!computing) return
		const timer = setInterval(() => {
			if (revalidator.state === 'idle') revalidator.revalidate()
		}, 1000)
		return () => clearInterval(timer)
	}, [computing, revalidator])
	const busy = navigation.state !== 'idle'
	const s = run.summary
	const reconRows = s ? [...s.reconciliation.districts, { districtId: '', nameZh: '', nameEn: '', ...s.reconciliation.total }] : []
	return (
		<>
			<section className="card">
				<h1>{t('run.title', { month: run.month })}</h1>
				<Facts
					items={[
						[t('run.state'), t(`status.${run.status}`), { 'data-testid': 'run-status', 'data-status': run.status }],
						[
							t('run.progressLabel'),
							<>
								<progress max={Math.max(run.chunkCount, 1)} value={run.chunkCount ? run.chunksDone : computing ? 0 : 1} aria-label={t('run.progressLabel')} />{' '}
								<span data-testid="run-progress">{t('runs.progress', { done: run.chunksDone, total: run.chunkCount })}</span>
							</>,
						],
						[t('run.snapshot'), t('run.snapshotCount', { count: run.snapshotCount })],
						[t('run.startedBy'), `${run.startedByScheduler ? t('run.scheduler') : run.startedBy} · ${formatShanghai(new Date(run.startedAt), i18n.language)}`],
						run.approvedBy ? [t('run.approvedBy'), `${run.approvedBy} · ${formatShanghai(new Date(run.approvedAt!), i18n.language)}`, { 'data-testid': 'approved-by' }] : null,
						run.rejectedBy ? [t('run.rejectedBy'), `${run.rejectedBy} · ${run.rejectReason}`] : null,
						run.disbursedBy ? [t('run.disbursedBy'), `${run.disbursedBy} · ${formatShanghai(new Date(run.disbursedAt!), i18n.language)}`] : null,
						[t('run.paymentCount'), run.paymentCount ?? '—', { 'data-testid': 'payment-count' }],
						[t('run.total'), <Money key="total" fen={run.totalFen} />, { 'data-testid': 'run-total' }],
					]}
				/>
				{computing ? <Notice>{t('run.computingNote')}</Notice> : null}
				<OrphanReplyErrors reply={reply} formIds={[...(run.status === 'awaiting_approval' ? ['approve', 'submit'] : []), ...(run.status === 'awaiting_approval' && isCity ? ['reject'] : []), ...(run.status === 'disbursed' && isCity ? ['returns', 'confirmations'] : [])]} />
				{replyDone(reply, 'approve') ? <Notice>{t('run.approved')}</Notice> : null}
			</section>

			{s ? (
				<CardSection title={t('run.byTier')}>
					<DataTable
						data-testid="by-tier"
						columns={[
							{ header: t('run.tier'), cell: (r) => t(`tiers.${r.tier}`) },
							{ header: t('run.kindCol'), cell: (r) => t(`kind.${r.kind}`) },
							{ header: t('run.count'), cell: (r) => r.n },
							{ header: t('run.amount'), cell: (r) => <Money fen={r.total} /> },
						]}
						rows={s.byTier}
						rowKey={(r) => `${r.tier}-${r.kind}`}
					/>
					<h2>{t('run.byDistrict')}</h2>
					<DataTable
						data-testid="by-district"
						columns={[
							{ header: t('run.district'), cell: (r) => (zh ? r.nameZh : r.nameEn) },
							{ header: t('run.count'), cell: (r) => r.n },
							{ header: t('run.amount'), cell: (r) => <Money fen={r.total} /> },
						]}
						rows={s.byDistrict}
						rowKey={(r) => r.districtId}
					/>
					<h2>{t('run.diffs')}</h2>
					<dl className="facts" data-testid="diffs">
						{(['new', 'stopped', 'tier_changed', 'resumed'] as const).map((k) => (
							<div key={k} className="fact-pair" data-diff={k}>
								<dt>{t(`diff.${k}`)}</dt>
								<dd>
									{s.diffs[k]}
									{(s.diffs[k] ?? 0) > 0 ? (
										<>
											{' '}
											<Link to={`/bureau/allowance/runs/${run.id}/people?kind=${k}`}>{t('people.viewList')}</Link>
										</>
									) : null}
								</dd>
							</div>
						))}
					</dl>
					<h2>{t('run.stops')}</h2>
					<dl className="facts" data-testid="stops">
						{s.stops.map((r) => (
							<div key={r.reason} className="fact-pair">
								<dt>{t(`stop.${r.reason}`)}</dt>
								<dd>
									{r.n}{' '}
									<Link to={`/bureau/allowance/runs/${run.id}/people?kind=stop&reason=${r.reason}`}>{t('people.viewList')}</Link>
								</dd>
							</div>
						))}
					</dl>
					<h2>{t('run.paymentStatuses')}</h2>
					<dl className="facts">
						{Object.entries(s.statuses).map(([k, n]) => (
							<div key={k} className="fact-pair">
								<dt>{t(`paymentStatus.${k}`)}</dt>
								<dd>{n}</dd>
							</div>
						))}
					</dl>
				</CardSection>
			) : null}

			{s && s.heldCount > 0 ? (
				<section className="card" aria-labelledby="held-title">
					<h2 id="held-title">{t('held.title')}</h2>
					<p className="notice" role="status" data-testid="held-count" data-count={s.heldCount}>
						{t('held.count', { count: s.heldCount })} <Link to={`/bureau/allowance/runs/${run.id}/people?kind=held`}>{t('people.viewList')}</Link>
					</p>
					<p className="hint">{t('held.hint')}</p>
					<DataTable
						data-testid="held"
						columns={[
							{ header: t('held.name'), cell: (h) => <Link to={`/allowance/elders/${h.elderId}`}>{h.name}</Link> },
							{ header: t('recoveries.idNumber'), cell: (h) => h.idNumberMasked, className: 'mono' },
							{ header: t('run.district'), cell: (h) => h.district },
							{ header: t('family.month'), cell: (h) => h.month },
							{ header: t('run.amount'), cell: (h) => <Money fen={h.amountFen} /> },
						]}
						rows={s.held}
						rowKey={(h) => h.paymentId}
						rowProps={(h) => ({ 'data-payment': h.paymentId })}
					/>
				</section>
			) : null}

			{run.status === 'awaiting_approval' && submission ? (
				<section className="card" data-testid="run-submission">
					<h2>{t('run.submitTitle')}</h2>
					<p className="hint">{t('run.submitHint')}</p>
					{submission.submittedBy ? (
						<p data-testid="submitted-by">
							{t('run.submittedBy')}: {submission.submittedBy} · {formatShanghai(new Date(submission.submittedAt!), i18n.language)}
						</p>
					) : isCity ? (
						<ActionForm form={submitForm} intent="submit" className="actions">
							<FormSubmit form={submitForm} label={t('run.submit')} disabled={busy} />
						</ActionForm>
					) : null}
				</section>
			) : null}
			{run.status === 'awaiting_approval' ? (
				<CardSection title={t('run.approveTitle')}>
					<p className="hint" id="approve-hint">
						{run.viewerIsMaker ? t('run.makerHint') : t('run.approveHint')}
					</p>
					<ActionForm form={approveForm} intent="approve" className="actions">
						<FormErrors form={approveForm} />
						{/* The maker sees why they cannot approve; the server refuses it anyway (403). */}
						<button type="submit" className="button big" disabled={busy || run.viewerIsMaker || Boolean(submission?.viewerIsSubmitter)} aria-describedby="approve-hint">
							{t('run.approve')}
						</button>
					</ActionForm>
					{isCity ? (
						<ActionForm form={rejectForm} intent="reject" className="grid-form">
							<TextareaField label={t('run.reasonLabel')} errors={rejectFields.reason.errors} textareaProps={{ id: 'reject-reason', name: 'reason', rows: 2 }} />
							<FormSubmit form={rejectForm} label={t('run.reject')} className="button secondary" disabled={busy} />
						</ActionForm>
					) : null}
				</CardSection>
			) : null}

			{s ? (
				<section className="card" aria-labelledby="recon-title">
					<h2 id="recon-title">{t('recon.title')}</h2>
					<p className="hint">{t('recon.note')}</p>
					<DataTable
						data-testid="reconciliation"
						columns={[
							{ header: t('recon.district'), cell: (r) => (r.districtId === '' ? t('recon.total') : zh ? r.nameZh : r.nameEn) },
							...(['owed', 'paid', 'sent', 'reissued', 'returned', 'held'] as const).map((k) => ({
								header: t(`recon.${k}`),
								cell: (r: (typeof reconRows)[number]) => (
									<span data-bucket={k} data-count={r[k].n}>
										{r[k].n} · <Money fen={r[k].fen} />
									</span>
								),
							})),
						]}
						rows={reconRows}
						rowKey={(r) => r.districtId || 'total'}
					/>
					<p className="actions">
						<a className="button secondary" href={`/bureau/allowance/runs/${run.id}/reconciliation?format=csv`} download>
							{t('recon.downloadCsv')}
						</a>{' '}
						<a className="button secondary" href={`/bureau/allowance/runs/${run.id}/reconciliation?format=xlsx`} download>
							{t('recon.downloadXlsx')}
						</a>
					</p>
				</section>
			) : null}

			{(run.status === 'approved' || run.status === 'disbursed') && isCity && s ? (
				<section className="card" aria-labelledby="files-title">
					<h2 id="files-title">{run.status === 'approved' ? t('run.exportTitle') : t('files.title')}</h2>
					<p className="hint">{t('run.exportHint')}</p>
					<p className="hint">{t('files.stepUp')}</p>
					{s.releasable > 0 && run.status === 'disbursed' ? <Notice data-testid="releasable">{t('files.releasable', { count: s.releasable })}</Notice> : null}
					{run.status === 'approved' || s.releasable > 0 ? (
						<Form method="post" action={`/bureau/allowance/runs/${run.id}/bank-file`} reloadDocument className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<LabelledSelect id="export-district" name="districtId" label={t('files.districtLabel')} value="all" options={[{ value: 'all', label: t('files.scopeCity') }, ...s.byDistrict.map((d) => ({ value: d.districtId, label: zh ? d.nameZh : d.nameEn }))]} />
							<LabelledSelect id="export-format" name="format" label={t('files.formatLabel')} value="csv" options={(['csv', 'xlsx'] as const).map((f) => ({ value: f, label: t(`files.${f}`) }))} />
							<button type="submit" className="button big">
								{run.status === 'approved' ? t('run.export') : t('files.followUp')}
							</button>
						</Form>
					) : null}
					{s.files.length ? <p className="hint">{t('files.redownloadHint')}</p> : null}
					<ul className="plain-list" data-testid="bank-files">
						{s.files.map((f) => (
							<li key={f.fileNo} data-file-no={f.fileNo}>
								<p>
									<strong className="mono">{t('files.lineFull', { fileNumber: f.fileNumber, scope: f.districtId ? (zh ? f.districtZh : f.districtEn) : t('files.scopeCity'), count: f.n })}</strong> · <Money fen={f.total} />
									{f.at ? ` · ${formatShanghai(new Date(f.at), i18n.language)}` : ''}
								</p>
								<p className="mono" data-testid="file-sha256" style={{ overflowWrap: "anywhere" }}>
									{t('files.sha256')} (CSV): {f.csvSha256 ?? t('files.notDownloaded')}
								</p>
								{f.xlsxSha256 ? (
									<p className="mono" data-testid="file-sha256-xlsx" style={{ overflowWrap: "anywhere" }}>
										{t('files.sha256')} (XLSX): {f.xlsxSha256}
									</p>
								) : null}
								{(['csv', 'xlsx'] as const).map((format) => (
									<Form key={format} method="post" action={`/bureau/allowance/runs/${run.id}/bank-file`} reloadDocument className="actions">
										<AuthenticityTokenInput name="csrf" />
										<input type="hidden" name="fileNo" value={f.fileNo} />
										<input type="hidden" name="format" value={format} />
										<button type="submit" className="button secondary">
											{t('files.redownload', { no: f.fileNo })} ({t(`files.${format}`)})
										</button>
									</Form>
								))}
							</li>
						))}
					</ul>
				</section>
			) : null}

			{run.status === 'disbursed' && isCity ? (
				<>
					<BankResultsImport intent="returns" keyPrefix="returns" />
					<BankResultsImport intent="confirmations" keyPrefix="confirm" />
				</>
			) : null}
			<p>
				<Link to="/bureau/allowance">{t('runs.title')}</Link>
			</p>
		</>
	)
}

/** The import of a file the bank returned (returned payments, or confirmations of payment), with each line's verdict. */
function BankResultsImport({ intent, keyPrefix }: { intent: 'returns' | 'confirmations'; keyPrefix: 'returns' | 'confirm' }) {
	const reply = useActionData<typeof action>()
	const busy = useNavigation().state !== 'idle'
	const { t } = useTranslation('allowance')
	const [form] = useReplyForm(intent, reply)
	const done = replyValue<{ lines: LineReport[]; marked: number }>(reply, intent)
	const r = reply as { form?: string; ok?: boolean; refusedLines?: LineReport[] | null } | undefined
	const refused = r && r.form === intent && !r.ok && r.refusedLines?.length ? r.refusedLines : null
	return (
		<CardSection title={t(`run.${keyPrefix}Title`)}>
			<CsvUploadForm form={form} intent={intent} id={keyPrefix} name="file" label={t(`run.${keyPrefix}File`)} hint={t(`run.${keyPrefix}Hint`)} submit={t(`run.${keyPrefix}Import`)} className="button" disabled={busy} />
			{done ? <ImportReport lines={done.lines} summary={t(`run.${keyPrefix}Done`, { count: done.marked })} /> : null}
			{refused ? <ImportReport lines={refused} summary={t('run.fileRefused')} /> : null}
		</CardSection>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
