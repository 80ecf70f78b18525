import { getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AllowanceStatus } from '~/components/allowance-status.tsx'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyDone, replyFor, replyValue, SelectField } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PostButton } from '~/components/post-form.tsx'
import { DataTable, Day, Facts, Money, Month } from '~/components/ui.tsx'
import { PaymentRecoveryState } from '~/components/allowance.tsx'
import { useCheckedForm } from '~/components/use-checked-form.ts'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp, invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { CARD_ROLES, elderAllowance, LIVENESS_ROLES, recordCard, recordLiveness, revealCard } from '~/modules/allowance/people.server.ts'
import { cardRefSchema, LIVENESS_METHODS, livenessSchema } from '~/modules/allowance/schemas.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family', 'community_officer', 'bureau_district', 'bureau_city', 'admin'])
	const allowance = notFoundUnless(await elderAllowance(user, requireId(params, 'elderId')))
	return { allowance, today: shanghaiDate() }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, [...new Set([...LIVENESS_ROLES, ...CARD_ROLES])])
	const elderId = requireId(params, 'elderId')
	const formData = await readProtectedForm(request)
	if (formData.get('intent') === 'revealCard') {
		// The full card number, like the full identity number: a recent password check, and audited.
		await requireRecentAuth(request, user, `/allowance/elders/${elderId}`)
		const outcome = await revealCard(user, elderId, clientIp(request))
		invariantResponse(outcome.ok || outcome.status !== 404, 'Not found', { status: 404 })
		invariantResponse(outcome.ok || outcome.status !== 403, 'Forbidden', { status: 403 })
		invariantResponse(outcome.ok, 'No full card number is recorded', { status: 409 })
		return { form: 'revealCard', ok: true as const, revealedCard: outcome.value.cardNumber }
	}
	if (formData.get('intent') === 'card') {
		const parsed = parseForm(formData, cardRefSchema, { form: 'card' })
		if (!parsed.ok) return parsed.response
		const outcome = await recordCard(user, elderId, parsed.value, clientIp(request))
		invariantResponse(outcome.ok || outcome.status !== 404, 'Not found', { status: 404 })
		invariantResponse(outcome.ok || outcome.status !== 403, 'Forbidden', { status: 403 })
		return replyOutcome(parsed, outcome)
	}
	invariantResponse((LIVENESS_ROLES as readonly string[]).includes(user.role), 'You do not have access to this page.', { status: 403 })
	const parsed = parseForm(formData, livenessSchema(shanghaiDate()), { form: 'liveness' })
	if (!parsed.ok) return parsed.response
	const outcome = await recordLiveness(user, elderId, parsed.value, clientIp(request))
	if (!outcome.ok && (outcome.status === 404 || outcome.status === 403)) throw new Response(outcome.status === 404 ? 'Not found' : 'Forbidden', { status: outcome.status })
	return replyOutcome(parsed, outcome)
}

export default function ElderAllowance() {
	const { allowance: a, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const card = replyValue<{ masked: string; released: number; reissuable: number }>(reply, 'card')
	const revealedCard = reply && 'revealedCard' in reply ? reply.revealedCard : null
	const [form, fields] = useForm({
		id: 'liveness',
		lastResult: replyFor(reply, 'liveness'),
		defaultValue: { certifiedOn: today },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: livenessSchema(today) }),
		shouldRevalidate: 'onInput',
	})
	const [cardForm, cardFields] = useCheckedForm('card', reply, cardRefSchema, 'onBlur')
	return (
		<>
			<section className="card">
				<h1>{t('family.details', { name: a.elder.name })}</h1>
				<AllowanceStatus decision={a.decision} month={a.month} firstEligibleMonth={a.firstEligibleMonth} office={a.elder.office} cardMissing={a.elder.cardMissing} />
				<Facts
					items={[
						[t('recoveries.idNumber'), a.elder.idNumberMasked, { className: 'mono' }],
						[t('family.lastLiveness'), a.elder.lastLivenessAt ? <Day key="day" on={a.elder.lastLivenessAt} /> : t('family.never'), { 'data-testid': 'last-liveness' }],
						[t('card.label'), revealedCard ?? a.elder.bankCardRef ?? t('card.none'), { className: 'mono', 'data-testid': revealedCard ? 'card-full' : 'card-ref' }],
						a.elder.bankName ? [t('card.bankLabel'), a.elder.bankName, { 'data-testid': 'card-bank' }] : null,
						a.elder.bankAccountHolder ? [t('card.holderLabel'), a.elder.bankAccountHolder, { 'data-testid': 'card-holder' }] : null,
					]}
				/>
				{a.elder.cardNeedsReentry ? <Notice data-testid="card-reentry">{t('card.needsReentry', { card: a.elder.bankCardRef })}</Notice> : null}
				{a.canRecordCard && a.elder.bankCardRef && !a.elder.cardNeedsReentry && !revealedCard ? (
					<PostButton className="actions" hidden={{ intent: 'revealCard' }} label={t('card.reveal')} />
				) : null}
				{revealedCard ? <p className="hint">{t('card.revealed')}</p> : null}
			</section>
			{a.canRecordCard ? (
				<CardSection title={t('card.formTitle')} hint={t('card.hint')}>
					{card ? (
						<p className="notice" role="status" data-testid="card-recorded">
							{t('card.recorded', { card: card.masked, count: card.released })}
							{card.reissuable ? ` ${t('card.reissued', { count: card.reissuable })}` : ''}
						</p>
					) : null}
					<ActionForm form={cardForm} intent="card" className="grid-form">
						<Field label={t('card.number')} errors={cardFields.cardNumber.errors} inputProps={{ ...getInputProps(cardFields.cardNumber, { type: 'text' }), inputMode: 'numeric', autoComplete: 'off' }} />
						<Field label={t('card.bank')} errors={cardFields.bankName.errors} inputProps={{ ...getInputProps(cardFields.bankName, { type: 'text' }), autoComplete: 'off' }} />
						<Field label={t('card.holder')} errors={cardFields.holderName.errors} inputProps={{ ...getInputProps(cardFields.holderName, { type: 'text' }), autoComplete: 'off' }} />
						<FormSubmit form={cardForm} label={t('card.record')} disabled={navigation.state === 'submitting'} />
					</ActionForm>
				</CardSection>
			) : null}
			{a.canCertify ? (
				<CardSection title={t('liveness.formTitle')}>
					{replyDone(reply, 'liveness') ? <Notice>{t('liveness.recorded')}</Notice> : null}
					<ActionForm form={form} className="grid-form">
						<Field label={t('liveness.date')} errors={fields.certifiedOn.errors} inputProps={{ ...getInputProps(fields.certifiedOn, { type: 'date' }), max: today }} />
						<SelectField label={t('liveness.method')} errors={fields.method.errors} selectProps={getSelectProps(fields.method)} placeholder={t('common:common.choose')} options={LIVENESS_METHODS.map((m) => ({ value: m, label: t(`liveness.methods.${m}`) }))} />
						<FormSubmit form={form} label={t('liveness.record')} disabled={navigation.state === 'submitting'} />
					</ActionForm>
				</CardSection>
			) : null}
			<CardSection title={t('family.history')}>
				{a.payments.length === 0 ? (
					<p>{t('family.noHistory')}</p>
				) : (
					<DataTable
						data-testid="payment-history"
						columns={[
							{ header: t('family.month'), cell: (p) => <Month month={p.month} /> },
							{ header: t('run.tier'), cell: (p) => t(`tiers.${p.tier}`) },
							{ header: t('run.kindCol'), cell: (p) => t(`kind.${p.kind}`) },
							{ header: t('run.amount'), cell: (p) => <Money fen={p.amountFen} /> },
							{
								header: t('run.state'),
								cell: (p) =>
									p.recovery ? (
										<>
											{t(`paymentStatus.${p.status}`)} · <PaymentRecoveryState recovery={p.recovery} remainingFen={p.remainingFen} />
										</>
									) : (
										t(`paymentStatus.${p.status}`)
									),
							},
						]}
						rows={a.payments}
						rowKey={(p) => p.month}
					/>
				)}
				{a.stops.length ? (
					<>
						<h2>{t('family.stopsTitle')}</h2>
						<ul>
							{a.stops.map((s) => (
								<li key={s.month}>
									<Month month={s.month} /> · {t(`stop.${s.reason}`)}
								</li>
							))}
						</ul>
					</>
				) : null}
				{a.certifications.length ? (
					<>
						<h2>{t('family.certifications')}</h2>
						<ul>
							{a.certifications.map((c, i) => (
								<li key={`${c.certifiedOn}-${i}`}>
									<Day on={c.certifiedOn} /> · {t(`liveness.methods.${c.method}`)}
								</li>
							))}
						</ul>
					</>
				) : null}
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
