import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { Money } from '~/components/allowance.tsx'
import { AllowanceStatus } from '~/components/allowance-status.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { CARD_ROLES, elderAllowance, LIVENESS_ROLES, recordCardRef, recordLiveness } from '~/modules/allowance/people.server.ts'
import { cardRefSchema, LIVENESS_METHODS, livenessSchema } from '~/modules/allowance/schemas.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family', 'community_officer', 'bureau_district', 'bureau_city', 'admin'])
	const allowance = await elderAllowance(user, params.elderId ?? '')
	if (!allowance) throw new Response('Not found', { status: 404 })
	return { allowance, today: shanghaiDate() }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, [...new Set([...LIVENESS_ROLES, ...CARD_ROLES])])
	const formData = await readProtectedForm(request)
	if (formData.get('intent') === 'card') {
		const submission = parseWithZod(formData, { schema: cardRefSchema })
		if (submission.status !== 'success') return data({ result: submission.reply(), recorded: false, card: null }, { status: 400 })
		const outcome = await recordCardRef(user, params.elderId ?? '', submission.value, clientIp(request))
		if (!outcome.ok) {
			if (outcome.status === 404) throw new Response('Not found', { status: 404 })
			throw new Response('Forbidden', { status: 403 })
		}
		return data({ result: submission.reply({ resetForm: true }), recorded: false, card: outcome.value })
	}
	if (!(LIVENESS_ROLES as readonly string[]).includes(user.role)) throw new Response('You do not have access to this page.', { status: 403 })
	const schema = livenessSchema(shanghaiDate())
	const submission = parseWithZod(formData, { schema })
	if (submission.status !== 'success') return data({ result: submission.reply(), recorded: false, card: null }, { status: 400 })
	const outcome = await recordLiveness(user, params.elderId ?? '', submission.value, clientIp(request))
	if (!outcome.ok) {
		if (outcome.status === 404) throw new Response('Not found', { status: 404 })
		if (outcome.status === 403) throw new Response('Forbidden', { status: 403 })
		return data({ result: submission.reply({ fieldErrors: outcome.fieldErrors }), recorded: false, card: null }, { status: outcome.status })
	}
	return data({ result: submission.reply({ resetForm: true }), recorded: true, card: null })
}

export default function ElderAllowance() {
	const { allowance: a, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const isCard = actionData?.card !== undefined && (actionData.card !== null || actionData.result?.initialValue?.intent === 'card')
	const [form, fields] = useForm({
		id: 'liveness',
		lastResult: isCard ? undefined : actionData?.result,
		defaultValue: { certifiedOn: today },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: livenessSchema(today) }),
		shouldRevalidate: 'onInput',
	})
	const [cardForm, cardFields] = useForm({
		id: 'card',
		lastResult: isCard ? actionData?.result : undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: cardRefSchema }),
		shouldRevalidate: 'onBlur',
	})
	return (
		<>
			<section className="card">
				<h1>{t('family.details', { name: a.elder.name })}</h1>
				<AllowanceStatus decision={a.decision} month={a.month} firstEligibleMonth={a.firstEligibleMonth} />
				<dl className="facts">
					<dt>{t('recoveries.idNumber')}</dt>
					<dd className="mono">{a.elder.idNumberMasked}</dd>
					<dt>{t('family.lastLiveness')}</dt>
					<dd data-testid="last-liveness">{a.elder.lastLivenessAt ?? t('family.never')}</dd>
					<dt>{t('card.label')}</dt>
					<dd className="mono" data-testid="card-ref">
						{a.elder.bankCardRef ?? t('card.none')}
					</dd>
				</dl>
			</section>
			{a.canRecordCard ? (
				<section className="card">
					<h2>{t('card.formTitle')}</h2>
					<p className="hint">{t('card.hint')}</p>
					{actionData?.card ? (
						<p className="notice" role="status" data-testid="card-recorded">
							{t('card.recorded', { card: actionData.card.masked, count: actionData.card.released })}
						</p>
					) : null}
					<Form method="post" {...getFormProps(cardForm)} className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<input type="hidden" name="intent" value="card" />
						<Field label={t('card.number')} errors={cardFields.cardNumber.errors} inputProps={{ ...getInputProps(cardFields.cardNumber, { type: 'text' }), inputMode: 'numeric', autoComplete: 'off' }} />
						<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
							{t('card.record')}
						</button>
					</Form>
				</section>
			) : null}
			{a.canCertify ? (
				<section className="card">
					<h2>{t('liveness.formTitle')}</h2>
					{actionData?.recorded ? (
						<p className="notice" role="status">
							{t('liveness.recorded')}
						</p>
					) : null}
					<Form method="post" {...getFormProps(form)} className="grid-form">
						<AuthenticityTokenInput name="csrf" />
						<Field label={t('liveness.date')} errors={fields.certifiedOn.errors} inputProps={{ ...getInputProps(fields.certifiedOn, { type: 'date' }), max: today }} />
						<SelectField label={t('liveness.method')} errors={fields.method.errors} selectProps={getSelectProps(fields.method)} placeholder={t('common:common.choose')} options={LIVENESS_METHODS.map((m) => ({ value: m, label: t(`liveness.methods.${m}`) }))} />
						<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
							{t('liveness.record')}
						</button>
					</Form>
				</section>
			) : null}
			<section className="card">
				<h2>{t('family.history')}</h2>
				{a.payments.length === 0 ? (
					<p>{t('family.noHistory')}</p>
				) : (
					<div className="table-wrap">
						<table data-testid="payment-history">
							<thead>
								<tr>
									<th scope="col">{t('family.month')}</th>
									<th scope="col">{t('run.tier')}</th>
									<th scope="col">{t('run.kindCol')}</th>
									<th scope="col">{t('run.amount')}</th>
									<th scope="col">{t('run.state')}</th>
								</tr>
							</thead>
							<tbody>
								{a.payments.map((p) => (
									<tr key={p.month}>
										<td>{p.month}</td>
										<td>{t(`tiers.${p.tier}`)}</td>
										<td>{t(`kind.${p.kind}`)}</td>
										<td>
											<Money fen={p.amountFen} />
										</td>
										<td>{t(`paymentStatus.${p.status}`)}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				)}
				{a.stops.length ? (
					<>
						<h2>{t('family.stopsTitle')}</h2>
						<ul>
							{a.stops.map((s) => (
								<li key={s.month}>
									{s.month} · {t(`stop.${s.reason}`)}
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
									{c.certifiedOn} · {t(`liveness.methods.${c.method}`)}
								</li>
							))}
						</ul>
					</>
				) : null}
			</section>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
