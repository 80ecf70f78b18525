import { data, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { When } from '~/components/marketplace.tsx'
import { DataTable, Day, Facts } from '~/components/ui.tsx'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { inPersonRequestPaper } from '~/modules/rights/copy.server.ts'
import { RIGHTS_DECIDER_ROLES } from '~/modules/rights/requests.server.ts'

// What the office hands to whoever asked in person (an elder without a family account, a guardian,
// an agent), printed on A4: the receipt while the request is open (with the date it must be answered
// by), the written answer once decided and, for a fulfilled copy request, the copy of the elder's
// record (masked identity number; each printing audited).
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, RIGHTS_DECIDER_ROLES)
	const paper = notFoundUnless(await inPersonRequestPaper(user, requireId(params, 'requestId'), clientIp(request)))
	return data(paper, { headers: { 'Cache-Control': 'no-store' } })
}

export default function InPersonPaper() {
	const { request: r, elder, record } = useLoaderData<typeof loader>()
	const { t } = useTranslation()
	const open = r.status === 'open'
	return (
		<section className="card paper">
			<p className="no-print">
				<Link to="/registry/requests">{t('rights.queueTitle')}</Link>
			</p>
			<h1>{open ? t('rights.paper.receiptTitle') : t('rights.paper.answerTitle')}</h1>
			<p className="no-print hint">{t('rights.paper.printHint')}</p>
			<Facts
				items={[
					[t('rights.paper.requester'), t('rights.inPerson.requesterLine', { name: r.requesterName ?? '', relation: t(`rights.inPerson.relations.${r.requesterRelation}`) })],
					[t('rights.elder'), elder.name],
					[t('fields.idNumber'), elder.idNumberMasked, { className: 'mono' }],
					[t('fields.community'), [elder.district, elder.community].filter(Boolean).join(' · ')],
					[t('rights.kind'), t(`rights.kinds.${r.kind}`)],
					r.wrongInfo ? [t('rights.wrongInfo'), r.wrongInfo] : null,
					r.correctInfo ? [t('rights.correctInfo'), r.correctInfo] : null,
					r.reason ? [t('rights.deletionReason'), r.reason] : null,
					[t('rights.filedAt'), <When key="at" at={r.createdAt} />],
					[t('rights.paper.recordedBy'), r.filedBy?.name ?? '—'],
					[t('rights.dueOn'), <Day key="due" on={r.dueOn} />, { 'data-testid': 'due-on' }],
					[t('rights.state'), t(`rights.statuses.${r.status}`), { 'data-testid': 'paper-status' }],
					r.decidedAt ? [t('rights.decidedAt'), <When key="decided" at={r.decidedAt} />] : null,
					r.decidedBy ? [t('rights.decidedBy'), r.decidedBy.name] : null,
					r.answer ? [r.status === 'refused' ? t('rights.refusalReason') : t('rights.answer'), r.answer, { 'data-testid': 'paper-answer' }] : null,
				]}
			/>
			<p>{open ? t('rights.paper.receiptNote') : r.status === 'refused' ? t('rights.paper.refusedNote') : t('rights.paper.answerNote')}</p>
			{record ? <RecordCopy record={record} /> : null}
			{/* On paper only: the office that received it, its stamp and the officer's signature. */}
			<div className="print-only">
				<p>{t('rights.paper.office', { office: elder.community ?? elder.district })}</p>
				<p>{t('rights.paper.signature')}</p>
			</div>
		</section>
	)
}

type Record = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['record']>

/** The copy of the elder's record: what a family's download holds, in tables to read on paper. */
function RecordCopy({ record }: { record: Record }) {
	const { t } = useTranslation()
	const e = record.elder
	return (
		<section data-testid="record-copy">
			<h2>{t('rights.paper.copyTitle')}</h2>
			<Facts
				items={[
					[t('fields.name'), e.name],
					[t('fields.idNumber'), e.idNumber, { className: 'mono' }],
					[t('fields.gender'), t(`gender.${e.gender}`)],
					[t('fields.age'), t('elders.ageYears', { count: e.age })],
					[t('registry.fields.residence'), [e.district, e.township, e.community].filter(Boolean).join(' · ')],
					[t('registry.fields.phone'), e.phone ?? t('common.none')],
					[t('registry.fields.emergencyContact'), e.emergencyContact ? `${e.emergencyContact.name} ${e.emergencyContact.phone ?? ''}` : t('common.none')],
					e.deathDate ? [t('rights.paper.deathDate'), <Day key="death" on={e.deathDate} />] : null,
					[t('fields.lastLiveness'), e.lastLiveness ? <Day key="liveness" on={e.lastLiveness} /> : t('common.none')],
				]}
			/>
			<h3>{t('rights.paper.statuses')}</h3>
			<DataTable
				caption={t('rights.paper.statuses')}
				captionHidden
				empty={t('common.none')}
				columns={[
					{ header: t('rights.paper.status'), rowHeader: true, cell: (s) => t(`statuses:kinds.${s.kind}`) },
					{ header: t('rights.paper.validFrom'), cell: (s) => <Day on={s.validFrom} /> },
					{ header: t('rights.paper.validUntil'), cell: (s) => (s.validUntil ? <Day on={s.validUntil} /> : '—') },
					{ header: t('rights.paper.inForce'), cell: (s) => (s.inForce ? t('rights.paper.yes') : t('rights.paper.no')) },
				]}
				rows={record.statuses}
				rowKey={(s) => `${s.kind}-${s.validFrom}`}
			/>
			<h3>{t('rights.paper.assessments')}</h3>
			<DataTable
				caption={t('rights.paper.assessments')}
				captionHidden
				empty={t('common.none')}
				columns={[
					{ header: t('rights.paper.assessedOn'), rowHeader: true, cell: (a) => <Day on={a.assessedOn} /> },
					{ header: t('rights.paper.level'), cell: (a) => String(a.level) },
					{ header: t('rights.paper.validUntil'), cell: (a) => <Day on={a.validUntil} /> },
					{ header: t('rights.paper.inForce'), cell: (a) => (a.inForce ? t('rights.paper.yes') : t('rights.paper.no')) },
				]}
				rows={record.assessments}
				rowKey={(a) => a.assessedOn}
			/>
			<h3>{t('rights.paper.grants')}</h3>
			<DataTable
				caption={t('rights.paper.grants')}
				captionHidden
				empty={t('common.none')}
				columns={[
					{ header: t('rights.paper.policy'), rowHeader: true, cell: (g) => g.policy },
					{ header: t('rights.paper.startMonth'), cell: (g) => g.startMonth },
					{ header: t('rights.paper.ended'), cell: (g) => (g.endedAt ? <When at={g.endedAt} /> : '—') },
				]}
				rows={record.grants}
				rowKey={(g) => `${g.policy}-${g.since}`}
			/>
			<h3>{t('rights.paper.payments')}</h3>
			<DataTable
				caption={t('rights.paper.payments')}
				captionHidden
				empty={t('common.none')}
				columns={[
					{ header: t('rights.paper.month'), rowHeader: true, cell: (p) => p.month },
					{ header: t('rights.paper.amount'), cell: (p) => p.amountYuan },
					{ header: t('rights.state'), cell: (p) => t(`allowance:paymentStatus.${p.status}`) },
				]}
				rows={record.allowancePayments}
				rowKey={(p) => `${p.month}-${p.kind}`}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
