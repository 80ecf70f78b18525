import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { PendingChanges } from '~/components/pending-changes.tsx'
import { DataTable, Facts } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { RETENTION_DAYS } from '~/modules/accounts/retention.server.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { decideChangeSchema } from '~/modules/auth/schemas.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { decideRetention, erasableCount, proposeRetention, retentionInForce, retentionOverview } from '~/modules/elders/identity-retention.server.ts'
import { RETENTION_YEAR_CHOICES } from '~/modules/elders/retention-rules.ts'
import { retentionSchema } from '~/modules/elders/schemas.ts'

// How long personal information is kept (PIPL arts. 19, 47): the fixed schedule of the daily sweep,
// and the one period the bureau sets itself: how many full years after an elder's death the readable
// identity number and bank card are erased (none set: kept). A city officer proposes, another
// approves; beside each period, how many numbers it would erase today.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const [overview, inForce] = await Promise.all([retentionOverview(user), retentionInForce()])
	const years = inForce?.deceasedYears ?? null
	const pending = await Promise.all(
		overview.pending.map(async (c) => {
			const proposed = (c.payload as { deceasedYears: number | null }).deceasedYears
			return { ...c, deceasedYears: proposed, erasable: proposed === null ? 0 : await erasableCount(proposed) }
		}),
	)
	return {
		years,
		erasableNow: years === null ? 0 : await erasableCount(years),
		heldDeceased: overview.heldDeceased,
		history: overview.history,
		pending,
		fixed: { expiredSessionDays: RETENTION_DAYS.expiredSession, readNotificationDays: RETENTION_DAYS.readNotification },
		canEdit: user.role === 'bureau_city',
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const ip = clientIp(request)
	if (form === 'decide-change') {
		await requireRecentAuth(request, user, '/bureau/retention')
		const parsed = parseForm(formData, decideChangeSchema, { form })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await decideRetention(user, parsed.value, ip))
	}
	const parsed = parseForm(formData, retentionSchema, { form: 'retention' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await proposeRetention(user, parsed.value, ip))
}

export default function Retention() {
	const { years, erasableNow, heldDeceased, history, pending, fixed, canEdit } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const period = (y: number | null) => (y === null ? t('retention.keep') : t('retention.years', { count: y }))
	return (
		<>
			<section className="card">
				<h1>{t('retention.title')}</h1>
				<p className="lead">{t('retention.lead')}</p>
				{replyDone(reply, 'retention') ? <Notice>{t('changes.proposed')}</Notice> : null}
				<Facts
					items={[
						[t('retention.periodInForce'), period(years), { 'data-testid': 'period-in-force' }],
						[t('retention.heldDeceased'), String(heldDeceased), { 'data-testid': 'held-deceased' }],
						years === null ? null : [t('retention.erasableNow'), String(erasableNow), { 'data-testid': 'erasable-now' }],
					]}
				/>
				<p className="hint">{t('retention.howErased')}</p>
			</section>
			<PendingChanges
				rows={pending}
				columns={[
					{ header: t('retention.proposedPeriod'), cell: (c) => period(c.deceasedYears) },
					{ header: t('retention.wouldErase'), cell: (c) => String(c.erasable), numeric: true },
				]}
				canDecide={canEdit}
				reply={reply}
			/>
			{canEdit ? <ProposalForm current={years} /> : null}
			<CardSection title={t('retention.historyTitle')}>
				<DataTable
					caption={t('retention.historyTitle')}
					captionHidden
					empty={t('retention.noneSet')}
					columns={[
						{ header: t('retention.setAt'), rowHeader: true, cell: (h) => <When at={h.createdAt} /> },
						{ header: t('retention.period'), cell: (h) => period(h.deceasedYears) },
						{ header: t('changes.proposedBy'), cell: (h) => h.proposedBy },
						{ header: t('retention.approvedBy'), cell: (h) => h.approvedBy },
					]}
					rows={history}
					rowKey={(h) => String(h.createdAt)}
				/>
			</CardSection>
			<CardSection title={t('retention.fixedTitle')}>
				<ul>
					<li>{t('retention.fixed.sessions', { days: fixed.expiredSessionDays })}</li>
					<li>{t('retention.fixed.notifications', { days: fixed.readNotificationDays })}</li>
					<li>{t('retention.fixed.kept')}</li>
				</ul>
			</CardSection>
		</>
	)
}

function ProposalForm({ current }: { current: number | null }) {
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'deceasedYears'>('retention', reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<CardSection title={t('retention.proposeTitle')} hint={t('retention.proposeHint')}>
			<ActionForm form={form} className="grid-form">
				<SelectField
					label={t('retention.period')}
					errors={fields.deceasedYears.errors}
					selectProps={{ id: 'retention-years', name: 'deceasedYears', required: true, defaultValue: current === null ? 'keep' : String(current) }}
					options={[{ value: 'keep', label: t('retention.keep') }, ...RETENTION_YEAR_CHOICES.map((y) => ({ value: y, label: t('retention.years', { count: Number(y) }) }))]}
				/>
				<FormSubmit form={form} label={t('retention.propose')} className="button big" disabled={busy} />
			</ActionForm>
		</CardSection>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
