import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { DecisionForm, OrphanReplyErrors, replyValue, useReplyForm } from '~/components/forms.tsx'
import { DataTable, Facts, Money } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { statementDecisionSchema } from '~/modules/operating-subsidy/schemas.ts'
import { approveStatement, getStatement, reviewStatement } from '~/modules/operating-subsidy/statements.server.ts'

// One institution's operating subsidy statement for a month, line by line (resident masked, days,
// level, rate): the institution reads its own; the district officer reviews, a city officer approves.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff', ...BUREAU_ROLES])
	const statement = notFoundUnless(await getStatement(user, requireId(params, 'statementId')))
	const decision = user.role === 'bureau_district' && statement.status === 'computed' ? 'review' : user.role === 'bureau_city' && statement.status === 'reviewed' ? 'approve' : null
	return { statement, decision }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const statementId = requireId(params, 'statementId')
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, statementDecisionSchema, { form: 'operating-decision' })
	if (!parsed.ok) return parsed.response
	const { intent, note } = parsed.value
	// Approving money moves: a recent password or code, as for an allowance run.
	if (intent === 'approve') await requireRecentAuth(request, user, `/operating-subsidy/${statementId}`)
	const outcome = intent === 'approve' ? await approveStatement(user, statementId, note, clientIp(request)) : await reviewStatement(user, statementId, note, clientIp(request))
	return replyOutcome(parsed, outcome.ok ? ok(intent) : outcome)
}

export default function OperatingStatementPage() {
	const { statement, decision } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'note' | 'intent'>('operating-decision', reply)
	const done = replyValue<string>(reply, 'operating-decision')
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
			{done ? <p className="notice">{t(done === 'approve' ? 'operating.approvedDone' : 'operating.reviewedDone')}</p> : null}
			{!decision ? <OrphanReplyErrors reply={reply} formIds={[]} /> : null}
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
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
