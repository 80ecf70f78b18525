import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, OrphanReplyErrors, replyDone, replyValue, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { ItemDecisionForm } from '~/components/item-decision.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable, Facts } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { isRealDate, shanghaiDate } from '~/lib/time.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { criteriaOn, decideGrading, gradingOverview, submitGrading } from '~/modules/institutions/grading.server.ts'
import { GRADING_SECTIONS, maxScore } from '~/modules/institutions/rules.ts'
import { gradingDecisionSchema, gradingSchema } from '~/modules/institutions/schemas.ts'
import { uuidParam } from '~/lib/query.ts'

// Grading (等级评定, issue 14 item 6): a district or city officer fills the checklist of an
// institution, the score gives the grade; another city officer approves it, and the grade (with its
// validity) becomes the institution's current grade.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const today = shanghaiDate()
	const overview = await gradingOverview(user)
	const providerId = uuidParam(new URL(request.url).searchParams, 'provider')
	const selected = overview.providers.find((p) => p.id === providerId) ?? null
	return { role: user.role, userId: user.id, today, criteria: await criteriaOn(today), selected, ...overview }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_district', 'bureau_city'])
	const formData = await readProtectedForm(request)
	const form = formIdOf(formData)
	const ip = clientIp(request)
	if (form === 'grade') {
		const today = shanghaiDate()
		// The checklist is the version in force on the assessment date (today's if the date is not a date).
		const on = String(formData.get('assessedOn') ?? '')
		const criteria = (isRealDate(on) && on <= today ? await criteriaOn(on) : null) ?? (await criteriaOn(today))
		const parsed = parseForm(formData, gradingSchema(criteria?.items ?? [], today), { form, invalidMessage: 'beds:grading.errors.checklist' })
		if (!parsed.ok) return parsed.response
		const { providerId, assessedOn, note, ...rest } = parsed.value as { providerId: string; assessedOn: string; note?: string } & Record<string, number>
		const scores = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k.replace(/^score_/, ''), v]))
		return replyOutcome(parsed, await submitGrading(user, { providerId, assessedOn, note, scores }, ip))
	}
	// Approving a grade moves the operating subsidy: the password or a code again after five minutes.
	await requireRecentAuth(request, user, '/bureau/grading')
	const parsed = parseForm(formData, gradingDecisionSchema, { form: form.startsWith('decide-') ? form : 'decide' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await decideGrading(user, parsed.value, ip))
}

type Grading = Awaited<ReturnType<typeof loader>>['pending'][number]

export default function BureauGrading() {
	const { role, userId, providers, pending, recent, selected } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const stars = (g: number | null) => (g ? t('grading.stars', { count: g }) : t('grading.noGrade'))
	return (
		<>
			<section className="card">
				<h1>{t('grading.title')}</h1>
				<p className="lead">{t('grading.lead')}</p>
				<p className="title-row">
					<Link className="button secondary" to="/bureau/institution-settings">
						{t('settings.link')}
					</Link>
				</p>
				<OrphanReplyErrors reply={reply} formIds={['grade', ...pending.map((g) => `decide-${g.id}`)]} />
				{replyDone(reply) && !replyValue(reply, 'grade') ? <Notice>{t('grading.decided')}</Notice> : null}
			</section>
			{selected && role !== 'admin' ? <ChecklistForm /> : null}
			<CardSection title={t('grading.pendingTitle')}>
				{pending.length === 0 ? <p className="empty">{t('grading.nonePending')}</p> : null}
				<ul className="cards">
					{pending.map((g) => (
						<li key={g.id} className="card" data-testid="pending-grading">
							<GradingFacts g={g} />
							{role === 'bureau_city' && g.assessorId !== userId ? <ItemDecisionForm id={`decide-${g.id}`} hidden={{ gradingId: g.id }} reason={{ name: 'note', label: t('grading.decisionNote'), hint: t('construction.reasonHint') }} choices={[{ value: 'approve', label: t('grading.approve') }, { value: 'reject', label: t('grading.reject'), tone: 'secondary' }]} /> : <p className="hint">{t('grading.secondOfficer')}</p>}
						</li>
					))}
				</ul>
			</CardSection>
			<CardSection title={t('grading.institutionsTitle')}>
				<DataTable
					empty={t('grading.noInstitutions')}
					columns={[
						{ header: t('grading.institution'), cell: (p) => p.name, rowHeader: true },
						{ header: t('grading.grade'), cell: (p) => stars(p.grade) },
						{ header: t('grading.validUntil'), cell: (p) => p.validUntil ?? '—' },
						role !== 'admin' ? { header: t('grading.assess'), cell: (p) => <Link to={`?provider=${p.id}#checklist`}>{t('grading.assess')}</Link> } : null,
					]}
					rows={providers}
					rowKey={(p) => p.id}
				/>
			</CardSection>
			<CardSection title={t('grading.recentTitle')}>
				{recent.length === 0 ? <p className="empty">{t('grading.noneRecent')}</p> : null}
				<ul className="cards">
					{recent.map((g) => (
						<li key={g.id} className="card">
							<GradingFacts g={g} />
						</li>
					))}
				</ul>
			</CardSection>
		</>
	)
}

function GradingFacts({ g }: { g: Grading }) {
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	return (
		<>
			<h3>{g.providerName}</h3>
			<Facts
				items={[
					[t('grading.score'), `${g.score} / ${maxScore(g.items)}`, { 'data-testid': 'grading-score' }],
					[t('grading.grade'), g.grade ? t('grading.stars', { count: g.grade }) : t('grading.noGrade'), { 'data-testid': 'grading-grade' }],
					[t('grading.assessedOn'), g.assessedOn],
					[t('grading.validUntil'), g.validUntil],
					[t('grading.assessor'), g.assessor ?? ''],
					[t('grading.status'), t(`grading.statuses.${g.status}`)],
					g.decidedBy ? [t('grading.decidedBy'), `${g.decidedBy}${g.decisionNote ? ` · ${g.decisionNote}` : ''}`] : null,
					g.note ? [t('grading.note'), g.note] : null,
				]}
			/>
			<details>
				<summary>{t('grading.checklist')}</summary>
				<ul>
					{g.items.map((item) => (
						<li key={item.key}>
							{zh ? item.zh : item.en}: {g.scores[item.key] ?? '—'} / {item.max}
						</li>
					))}
				</ul>
			</details>
		</>
	)
}

function ChecklistForm() {
	const { selected, criteria, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const busy = useNavigation().state !== 'idle'
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	const [form, fields] = useReplyForm<string>('grade', reply)
	const result = replyValue<{ score: number; grade: number | null; validUntil: string }>(reply, 'grade')
	// After a refusal the page comes back with what was typed (with or without JavaScript).
	const initial = (name: string) => (result ? undefined : (fields[name]?.initialValue as string | undefined))
	if (!selected || !criteria) return null
	return (
		<section className="card" id="checklist">
			<h2>{t('grading.checklistFor', { name: selected.name })}</h2>
			<p className="hint">{t('grading.thresholds', { t1: criteria.thresholds[0], t2: criteria.thresholds[1], t3: criteria.thresholds[2], t4: criteria.thresholds[3], t5: criteria.thresholds[4], max: maxScore(criteria.items), months: criteria.validityMonths })}</p>
			{result ? <Notice data-testid="grading-result">{t('grading.submitted', { score: result.score, grade: result.grade ? t('grading.stars', { count: result.grade }) : t('grading.noGrade'), until: result.validUntil })}</Notice> : null}
			<ActionForm form={form} className="grid-form">
				<input type="hidden" name="providerId" value={selected.id} />
				<Field label={t('grading.assessedOn')} errors={fields.assessedOn?.errors} inputProps={{ id: 'grade-assessedOn', name: 'assessedOn', type: 'date', defaultValue: initial('assessedOn') ?? today, max: today, required: true }} />
				{GRADING_SECTIONS.map((section) => {
					const items = criteria.items.filter((i) => i.section === section)
					if (!items.length) return null
					return (
						<fieldset key={section}>
							<legend>{t(`grading.sections.${section}`)}</legend>
							{items.map((item) => (
								<Field
									key={item.key}
									label={`${zh ? item.zh : item.en} (0–${item.max})`}
									errors={fields[`score_${item.key}`]?.errors}
									inputProps={{ id: `grade-score_${item.key}`, name: `score_${item.key}`, type: 'number', inputMode: 'numeric', min: 0, max: item.max, step: 1, required: true, defaultValue: initial(`score_${item.key}`) }}
								/>
							))}
						</fieldset>
					)
				})}
				<TextareaField label={t('grading.note')} errors={fields.note?.errors} textareaProps={{ id: 'grade-note', name: 'note', maxLength: 500, defaultValue: initial('note') }} />
				<FormSubmit form={form} label={t('grading.submit')} disabled={busy} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
