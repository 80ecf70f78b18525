import { useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { NOTICE_DAYS } from '~/modules/due-process/mask.ts'
import type { communityQueue } from '~/modules/subsidies/applications.server.ts'
import { DecisionForm, Field, OrphanReplyErrors, replyValue, SelectField, useReplyForm } from './forms.tsx'
import { FormMessage } from './subsidy-ui.tsx'
import { Money } from './ui.tsx'

// The two stages of a subsidy application's review, one page: the community's first review (the
// household's economic check) and the bureau's approval (with a city-wide officer's override).

type Application = Awaited<ReturnType<typeof communityQueue>>[number]

export type DecisionStage = { stage: 'community'; today: string } | { stage: 'township' } | { stage: 'bureau'; canOverride: boolean }

const formId = (applicationId: string) => `decide-${applicationId}`

/** The form id of a decision on an application, as the action names its reply. */
export function applicationFormId(formData: FormData) {
	return formId(String(formData.get('applicationId')))
}

export function ApplicationDecisions({ applications, reply, ...stage }: DecisionStage & { applications: Application[]; reply: unknown }) {
	const { t } = useTranslation('subsidies')
	const key = stage.stage === 'community' ? 'review' : stage.stage === 'township' ? 'townshipReview' : 'approvals'
	const done = replyValue<string>(reply, String((reply as { form?: string } | undefined)?.form))
	return (
		<section className="card">
			<h1>{t(`${key}.title`)}</h1>
			<p>{t(`${key}.lead`, { days: NOTICE_DAYS })}</p>
			{done ? <FormMessage ok={stage.stage === 'community' ? t('review.done') : t(`${key}.done.${done}`)} /> : null}
			<OrphanReplyErrors reply={reply} formIds={applications.map((a) => formId(a.id))} />
			{applications.length === 0 ? <p className="empty">{t(`${key}.none`)}</p> : null}
			{applications.map((a) => (
				<ApplicationCard key={a.id} application={a} reply={reply} {...stage} />
			))}
		</section>
	)
}

function ApplicationCard({ application: a, reply, ...stage }: DecisionStage & { application: Application; reply: unknown }) {
	const navigation = useNavigation()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useReplyForm<'applicationId' | 'decision' | 'economicCheckResult' | 'economicCheckDate' | 'note' | 'reason' | 'overrideReason'>(formId(a.id), reply)
	const community = stage.stage === 'community'
	const township = stage.stage === 'township'
	const key = community ? 'review' : township ? 'townshipReview' : 'approvals'
	return (
		<article className="card" data-testid={community || township ? 'review-item' : 'approval-item'}>
			<h2>
				{a.elder.name}（{a.elder.idNumberMasked}）· {zh ? a.policy.nameZh : a.policy.nameEn}
			</h2>
			{community ? (
				<>
					<p>
						{t('fields.categories')}：{a.elder.categories.length ? a.elder.categories.map((c) => t(`elderCategories.${c}`)).join('、') : t('common.none')} · {t('fields.disability')}：{t(`disability.${a.elder.disabilityLevel}`)}
					</p>
					<p>
						{t('fields.householdSize')}：{a.householdSize} · {t('fields.householdIncome')}：<Money fen={a.householdIncomeFen} />
					</p>
					{a.statement ? <p>{a.statement}</p> : null}
				</>
			) : (
				<>
					<p>
						{t('fields.economicCheck')}：{a.economicCheckResult ? t(`economicCheck.${a.economicCheckResult}`) : '—'}（{a.economicCheckDate}）
						{a.communityNote ? ` · ${a.communityNote}` : ''}
					</p>
					{a.townshipNote ? (
						<p>
							{t('fields.townshipNote')}：{a.townshipNote}
						</p>
					) : null}
					<p>
						{t('fields.monthlyCredit')}：<Money fen={a.policyVersion.monthlyCreditFen} /> · {t('fields.copay')}：{a.policyVersion.copayBps / 100}%
					</p>
					{'budget' in a && a.budget ? <BudgetLine budget={a.budget as BudgetFacts} /> : null}
				</>
			)}
			<DecisionForm
				form={form}
				fields={fields}
				reason={community ? { name: 'note', label: t('fields.communityNote') } : township ? { name: 'note', label: t('fields.townshipNote') } : { name: 'reason', label: t('fields.reason'), hint: t('hints.reason') }}
				decision="decision"
				choices={[
					{ value: 'approve', label: t(`${key}.approve`) },
					{ value: 'reject', label: t(`${key}.reject`), tone: 'danger' },
				]}
				disabled={navigation.state === 'submitting'}
			>
				<input type="hidden" name="applicationId" value={a.id} />
				{stage.stage === 'community' ? (
					<>
						<SelectField
							label={t('fields.economicCheck')}
							errors={fields.economicCheckResult.errors}
							selectProps={{ name: 'economicCheckResult', id: `check-${a.id}`, required: true }}
							placeholder={t('common.choose')}
							options={[
								{ value: 'pass', label: t('economicCheck.pass') },
								{ value: 'fail', label: t('economicCheck.fail') },
							]}
						/>
						<Field label={t('fields.economicCheckDate')} errors={fields.economicCheckDate.errors} inputProps={{ type: 'date', name: 'economicCheckDate', id: `date-${a.id}`, max: stage.today, defaultValue: stage.today, required: true }} />
					</>
				) : stage.stage === 'bureau' && stage.canOverride ? (
					<>
						<label className="checkbox">
							<input type="checkbox" name="override" id={`override-${a.id}`} />
							{t('fields.override')}
						</label>
						<Field label={t('fields.overrideReason')} errors={fields.overrideReason.errors} inputProps={{ type: 'text', name: 'overrideReason', id: `override-reason-${a.id}` }} />
					</>
				) : null}
			</DecisionForm>
		</article>
	)
}

type BudgetFacts = { year: number; amountFen: number; leftFen: number; commitmentFen: number }

/** What is left of the district's budget for the policy this year, and what approving would commit. */
function BudgetLine({ budget }: { budget: BudgetFacts }) {
	const { t } = useTranslation('subsidies')
	const over = budget.commitmentFen > budget.leftFen
	return (
		<p className={over ? 'notice warning' : 'hint'} data-testid="budget-left">
			{t('approvals.budgetLeft', { year: budget.year })}
			<Money fen={budget.leftFen} />
			{t('approvals.budgetCommit')}
			<Money fen={budget.commitmentFen} />
			{over ? `（${t('approvals.overBudget')}）` : ''}
		</p>
	)
}
