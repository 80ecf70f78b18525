import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { ImportReport, Money } from '~/components/allowance.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ErrorList } from '~/components/forms.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { approveRun, getRun, importReturnedPayments, rejectAndRecompute } from '~/modules/allowance/runs.server.ts'
import { rejectRunSchema } from '~/modules/allowance/schemas.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const run = await getRun(params.runId ?? '', user)
	if (!run) throw new Response('Not found', { status: 404 })
	return data({ run, isCity: user.role === 'bureau_city' }, { headers: { 'Cache-Control': 'no-store' } })
}

type ActionResult = { intent: string; error?: string; fieldErrors?: Record<string, string[]>; report?: { lines: import('~/modules/allowance/csv.server.ts').LineReport[]; marked: number } }

export async function action({ request, params }: ActionFunctionArgs) {
	// District officers reach the action so they get the clear "city-level only" answer, not a bare 403 page.
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const runId = params.runId ?? ''
	const intent = String(formData.get('intent') ?? '')
	const ip = clientIp(request)
	if (intent === 'approve') {
		const outcome = await approveRun(user, runId, ip)
		if (!outcome.ok) return data<ActionResult>({ intent, error: outcome.error }, { status: outcome.status })
		return data<ActionResult>({ intent })
	}
	if (intent === 'reject') {
		const submission = parseWithZod(formData, { schema: rejectRunSchema })
		if (submission.status !== 'success') return data<ActionResult>({ intent, fieldErrors: submission.reply().error as Record<string, string[]> }, { status: 400 })
		const outcome = await rejectAndRecompute(user, runId, submission.value.reason, ip)
		if (!outcome.ok) return data<ActionResult>({ intent, error: outcome.error }, { status: outcome.status })
		return redirect(`/bureau/allowance/runs/${outcome.value.newRunId}`)
	}
	if (intent === 'returns') {
		const file = formData.get('file')
		const outcome = await importReturnedPayments(user, runId, file instanceof File ? file : null, ip)
		if (!outcome.ok) return data<ActionResult>({ intent, error: outcome.error }, { status: outcome.status })
		return data<ActionResult>({ intent, report: outcome.value })
	}
	throw new Response('Unknown action', { status: 400 })
}

export default function RunPage() {
	const { run, isCity } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>() as ActionResult | undefined
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
	return (
		<>
			<section className="card">
				<h1>{t('run.title', { month: run.month })}</h1>
				<dl className="facts">
					<dt>{t('run.state')}</dt>
					<dd data-testid="run-status" data-status={run.status}>
						{t(`status.${run.status}`)}
					</dd>
					<dt>{t('run.progressLabel')}</dt>
					<dd>
						<progress max={Math.max(run.chunkCount, 1)} value={run.chunkCount ? run.chunksDone : computing ? 0 : 1} aria-label={t('run.progressLabel')} />{' '}
						<span data-testid="run-progress">{t('runs.progress', { done: run.chunksDone, total: run.chunkCount })}</span>
					</dd>
					<dt>{t('run.snapshot')}</dt>
					<dd>{t('run.snapshotCount', { count: run.snapshotCount })}</dd>
					<dt>{t('run.startedBy')}</dt>
					<dd>
						{run.startedByScheduler ? t('run.scheduler') : run.startedBy} · {formatShanghai(new Date(run.startedAt), i18n.language)}
					</dd>
					{run.approvedBy ? (
						<>
							<dt>{t('run.approvedBy')}</dt>
							<dd data-testid="approved-by">
								{run.approvedBy} · {formatShanghai(new Date(run.approvedAt!), i18n.language)}
							</dd>
						</>
					) : null}
					{run.rejectedBy ? (
						<>
							<dt>{t('run.rejectedBy')}</dt>
							<dd>
								{run.rejectedBy} · {run.rejectReason}
							</dd>
						</>
					) : null}
					{run.disbursedBy ? (
						<>
							<dt>{t('run.disbursedBy')}</dt>
							<dd>
								{run.disbursedBy} · {formatShanghai(new Date(run.disbursedAt!), i18n.language)}
							</dd>
						</>
					) : null}
					<dt>{t('run.paymentCount')}</dt>
					<dd data-testid="payment-count">{run.paymentCount ?? '—'}</dd>
					<dt>{t('run.total')}</dt>
					<dd data-testid="run-total">
						<Money fen={run.totalFen} />
					</dd>
				</dl>
				{computing ? (
					<p className="notice" role="status">
						{t('run.computingNote')}
					</p>
				) : null}
				{actionData?.error ? (
					<p className="form-error" role="alert">
						{t(actionData.error)}
					</p>
				) : null}
				{actionData?.intent === 'approve' && !actionData.error ? (
					<p className="notice" role="status">
						{t('run.approved')}
					</p>
				) : null}
			</section>

			{s ? (
				<section className="card">
					<h2>{t('run.byTier')}</h2>
					<div className="table-wrap">
						<table data-testid="by-tier">
							<thead>
								<tr>
									<th scope="col">{t('run.tier')}</th>
									<th scope="col">{t('run.kindCol')}</th>
									<th scope="col">{t('run.count')}</th>
									<th scope="col">{t('run.amount')}</th>
								</tr>
							</thead>
							<tbody>
								{s.byTier.map((r) => (
									<tr key={`${r.tier}-${r.kind}`}>
										<td>{t(`tiers.${r.tier}`)}</td>
										<td>{t(`kind.${r.kind}`)}</td>
										<td>{r.n}</td>
										<td>
											<Money fen={r.total} />
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
					<h2>{t('run.byDistrict')}</h2>
					<div className="table-wrap">
						<table data-testid="by-district">
							<thead>
								<tr>
									<th scope="col">{t('run.district')}</th>
									<th scope="col">{t('run.count')}</th>
									<th scope="col">{t('run.amount')}</th>
								</tr>
							</thead>
							<tbody>
								{s.byDistrict.map((r) => (
									<tr key={r.districtId}>
										<td>{zh ? r.nameZh : r.nameEn}</td>
										<td>{r.n}</td>
										<td>
											<Money fen={r.total} />
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
					<h2>{t('run.diffs')}</h2>
					<dl className="facts" data-testid="diffs">
						{(['new', 'stopped', 'tier_changed', 'resumed'] as const).map((k) => (
							<div key={k} className="fact-pair" data-diff={k}>
								<dt>{t(`diff.${k}`)}</dt>
								<dd>{s.diffs[k]}</dd>
							</div>
						))}
					</dl>
					<h2>{t('run.stops')}</h2>
					<dl className="facts" data-testid="stops">
						{s.stops.map((r) => (
							<div key={r.reason} className="fact-pair">
								<dt>{t(`stop.${r.reason}`)}</dt>
								<dd>{r.n}</dd>
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
				</section>
			) : null}

			{s && s.heldCount > 0 ? (
				<section className="card" aria-labelledby="held-title">
					<h2 id="held-title">{t('held.title')}</h2>
					<p className="notice" role="status" data-testid="held-count" data-count={s.heldCount}>
						{t('held.count', { count: s.heldCount })}
					</p>
					<p className="hint">{t('held.hint')}</p>
					<div className="table-wrap">
						<table data-testid="held">
							<thead>
								<tr>
									<th scope="col">{t('held.name')}</th>
									<th scope="col">{t('recoveries.idNumber')}</th>
									<th scope="col">{t('run.district')}</th>
									<th scope="col">{t('family.month')}</th>
									<th scope="col">{t('run.amount')}</th>
								</tr>
							</thead>
							<tbody>
								{s.held.map((h) => (
									<tr key={h.paymentId} data-payment={h.paymentId}>
										<td>
											<Link to={`/allowance/elders/${h.elderId}`}>{h.name}</Link>
										</td>
										<td className="mono">{h.idNumberMasked}</td>
										<td>{h.district}</td>
										<td>{h.month}</td>
										<td>
											<Money fen={h.amountFen} />
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</section>
			) : null}

			{run.status === 'awaiting_approval' ? (
				<section className="card">
					<h2>{t('run.approveTitle')}</h2>
					<p className="hint" id="approve-hint">
						{run.viewerIsMaker ? t('run.makerHint') : t('run.approveHint')}
					</p>
					<Form method="post" className="actions">
						<AuthenticityTokenInput name="csrf" />
						<input type="hidden" name="intent" value="approve" />
						{/* The maker sees why they cannot approve; the server refuses it anyway (403). */}
						<button type="submit" className="button big" disabled={busy || run.viewerIsMaker} aria-describedby="approve-hint">
							{t('run.approve')}
						</button>
					</Form>
					{isCity ? (
						<Form method="post" className="grid-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="intent" value="reject" />
							<div className="field">
								<label htmlFor="reject-reason">{t('run.reasonLabel')}</label>
								<textarea id="reject-reason" name="reason" rows={2} aria-invalid={actionData?.fieldErrors?.reason ? true : undefined} aria-describedby={actionData?.fieldErrors?.reason ? 'reject-reason-error' : undefined} />
								<ErrorList id="reject-reason-error" errors={actionData?.fieldErrors?.reason} />
							</div>
							<button type="submit" className="button secondary" disabled={busy}>
								{t('run.reject')}
							</button>
						</Form>
					) : null}
				</section>
			) : null}

			{run.status === 'approved' && isCity ? (
				<section className="card">
					<h2>{t('run.exportTitle')}</h2>
					<p className="hint">{t('run.exportHint')}</p>
					<Form method="post" action={`/bureau/allowance/runs/${run.id}/bank-file`} reloadDocument>
						<AuthenticityTokenInput name="csrf" />
						<button type="submit" className="button big">
							{t('run.export')}
						</button>
					</Form>
				</section>
			) : null}

			{run.status === 'disbursed' && isCity && s ? (
				<section className="card">
					<h2>{t('files.title')}</h2>
					{s.releasable > 0 ? (
						<>
							<p className="notice" role="status" data-testid="releasable">
								{t('files.releasable', { count: s.releasable })}
							</p>
							<Form method="post" action={`/bureau/allowance/runs/${run.id}/bank-file`} reloadDocument>
								<AuthenticityTokenInput name="csrf" />
								<button type="submit" className="button big">
									{t('files.followUp')}
								</button>
							</Form>
						</>
					) : null}
					<p className="hint">{t('files.redownloadHint')}</p>
					<ul className="plain-list" data-testid="bank-files">
						{s.files.map((f) => (
							<li key={f.fileNo}>
								<Form method="post" action={`/bureau/allowance/runs/${run.id}/bank-file`} reloadDocument className="actions">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="fileNo" value={f.fileNo} />
									<span>
										{t('files.line', { no: f.fileNo, count: f.n })} · <Money fen={f.total} />
										{f.at ? ` · ${formatShanghai(new Date(f.at), i18n.language)}` : ''}
									</span>
									<button type="submit" className="button secondary">
										{t('files.redownload', { no: f.fileNo })}
									</button>
								</Form>
							</li>
						))}
					</ul>
				</section>
			) : null}

			{run.status === 'disbursed' && isCity ? (
				<section className="card">
					<h2>{t('run.returnsTitle')}</h2>
					<Form method="post" encType="multipart/form-data" className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<input type="hidden" name="intent" value="returns" />
						<div className="field">
							<label htmlFor="returns-file">{t('run.returnsFile')}</label>
							<p id="returns-hint" className="hint">
								{t('run.returnsHint')}
							</p>
							<input id="returns-file" type="file" name="file" accept=".csv,text/csv" aria-describedby="returns-hint" />
						</div>
						<button type="submit" className="button" disabled={busy}>
							{t('run.returnsImport')}
						</button>
					</Form>
					{actionData?.report ? <ImportReport lines={actionData.report.lines} summary={t('run.returnsDone', { count: actionData.report.marked })} /> : null}
				</section>
			) : null}
			<p>
				<Link to="/bureau/allowance">{t('runs.title')}</Link>
			</p>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
