import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { LabelledSelect } from '~/components/labelled-select.tsx'
import { Pager } from '~/components/pager.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { peopleFilterSchema, runPeople } from '~/modules/allowance/run-people.server.ts'
import { PEOPLE_KINDS, STOP_REASONS } from '~/modules/allowance/run-people.ts'
import { getRun } from '~/modules/allowance/runs.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { districtChoices } from '~/modules/beds/indicators.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const run = notFoundUnless(await getRun(requireId(params, 'runId'), user))
	const filter = peopleFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams))
	const [page, districts] = await Promise.all([runPeople(run, user, filter), districtChoices(user)])
	return { run: { id: run.id, month: run.month }, filter, districts, ...page }
}

export default function RunPeople() {
	const { run, filter, districts, people, hasMore } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('allowance')
	const zh = i18n.language === 'zh-CN'
	const query = (over: Record<string, string | number | undefined>) =>
		new URLSearchParams(Object.entries({ kind: filter.kind, reason: filter.reason, district: filter.district, q: filter.q, ...over }).filter(([, v]) => v !== undefined && v !== '') as [string, string][]).toString()
	const label = filter.kind === 'stop' ? (filter.reason ? t(`stop.${filter.reason}`) : t('people.allStops')) : t(`people.kinds.${filter.kind}`)
	return (
		<section className="card">
			<p>
				<Link to={`/bureau/allowance/runs/${run.id}`}>{t('people.back', { month: run.month })}</Link>
			</p>
			<h1>{t('people.title', { month: run.month, what: label })}</h1>
			<Form method="get" className="grid-form" aria-label={t('people.filter')}>
				<LabelledSelect name="kind" label={t('people.kind')} value={filter.kind} options={PEOPLE_KINDS.map((k) => ({ value: k, label: k === 'stop' ? t('people.allStops') : t(`people.kinds.${k}`) }))} />
				<LabelledSelect name="reason" label={t('people.reason')} value={filter.reason ?? ''} anyLabel={t('people.anyReason')} options={STOP_REASONS.map((r) => ({ value: r, label: t(`stop.${r}`) }))} />
				{districts.length > 1 ? <LabelledSelect name="district" label={t('run.district')} value={filter.district ?? ''} anyLabel={t('people.allDistricts')} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} /> : null}
				<label>
					{t('people.name')}
					<input type="search" name="q" defaultValue={filter.q ?? ''} maxLength={20} />
				</label>
				<div className="actions">
					<button type="submit" className="button">
						{t('people.apply')}
					</button>
					<a className="button secondary" href={`/bureau/allowance/runs/${run.id}/people.csv?${query({})}`} download>
						{t('people.export')}
					</a>
				</div>
			</Form>
			<DataTable
				data-testid="run-people"
				empty={t('people.none')}
				columns={[
					{ header: t('people.name'), cell: (p) => <Link to={`/allowance/elders/${p.elderId}`}>{p.name}</Link>, rowHeader: true },
					{ header: t('people.idNumber'), cell: (p) => <span className="mono">{p.idNumberMasked}</span> },
					{ header: t('run.district'), cell: (p) => (zh ? p.districtZh : p.districtEn) },
					{ header: t('people.previousTier'), cell: (p) => (p.previousTier ? t('people.tier', { tier: p.previousTier }) : '—') },
					{ header: t('people.thisTier'), cell: (p) => (p.tier ? t('people.tier', { tier: p.tier }) : '—') },
					{ header: t('run.amount'), cell: (p) => (p.amountFen === null ? '—' : <Money fen={p.amountFen} />) },
					{ header: t('people.state'), cell: (p) => (p.reason ? t(`stop.${p.reason}`) : p.status ? t(`paymentStatus.${p.status}`) : '—') },
				]}
				rows={people}
				rowKey={(p) => p.elderId}
			/>
			<Pager page={filter.page} hasMore={hasMore} href={(p) => `?${query({ page: p })}`} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
