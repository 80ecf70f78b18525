import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormError } from '~/components/marketplace.tsx'
import { OfferingForm } from '~/components/offering-form.tsx'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { addClosure, addRules, getOwnOffering, offeringFormOptions, removeRule, updateOffering } from '~/modules/marketplace/catalogue.server.ts'
import { minuteToTime } from '~/modules/marketplace/schedule.ts'
import { exceptionSchema, offeringSchema, ruleSchema } from '~/modules/marketplace/schemas.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const found = await getOwnOffering(user, params.offeringId ?? '')
	if (!found) throw new Response('Not found', { status: 404 })
	return { ...found, ...(await offeringFormOptions(user)) }
}

type Reply = { result?: SubmissionResult<string[]>; error?: string | null; done?: string }

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const formData = await readProtectedForm(request)
	const offeringId = params.offeringId ?? ''
	if (!(await getOwnOffering(user, offeringId))) throw new Response('Not found', { status: 404 })
	const intent = formData.get('intent')
	const firstError = (errors: Record<string, string[]>) => Object.values(errors)[0]?.[0] ?? 'marketplace:errors.form.invalid'
	if (intent === 'offering') {
		const s = parseWithZod(formData, { schema: offeringSchema })
		if (s.status !== 'success') return data<Reply>({ result: s.reply() }, { status: 400 })
		const r = await updateOffering(user, offeringId, s.value)
		if (!r.ok) return data<Reply>({ result: s.reply({ fieldErrors: r.fieldErrors }) }, { status: 400 })
		return data<Reply>({ done: 'saved' })
	}
	if (intent === 'add-rule') {
		const s = parseWithZod(formData, { schema: ruleSchema })
		if (s.status !== 'success') return data<Reply>({ error: firstError(s.error as Record<string, string[]>) }, { status: 400 })
		const r = await addRules(user, offeringId, s.value)
		if (!r.ok) return data<Reply>({ error: firstError(r.fieldErrors) }, { status: 400 })
		return data<Reply>({ done: 'ruleAdded' })
	}
	if (intent === 'remove-rule') {
		await removeRule(user, offeringId, String(formData.get('ruleId') ?? ''))
		return data<Reply>({ done: 'ruleRemoved' })
	}
	if (intent === 'add-closure') {
		const s = parseWithZod(formData, { schema: exceptionSchema })
		if (s.status !== 'success') return data<Reply>({ error: firstError(s.error as Record<string, string[]>) }, { status: 400 })
		const r = await addClosure(user, formData.get('scope') === 'all' ? null : offeringId, s.value)
		if (!r.ok) return data<Reply>({ error: firstError(r.fieldErrors) }, { status: 400 })
		return data<Reply>({ done: 'closureAdded' })
	}
	throw new Response('Unknown action', { status: 400 })
}

export default function EditOffering() {
	const { offering: o, closures, categories, districts } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card">
			<h1>{o.title}</h1>
			{actionData?.done ? (
				<p className="notice" role="status">
					{t(`catalogue.done.${actionData.done}`)}
				</p>
			) : null}
			<FormError error={actionData?.error} />
			<h2>{t('schedule.title')}</h2>
			{o.rules.length === 0 ? <p className="empty">{t('catalogue.noSchedule')}</p> : null}
			<ul>
				{o.rules.map((r) => (
					<li key={r.id}>
						{t(`weekday.${r.weekday}`)} {minuteToTime(r.startMinute)}–{minuteToTime(r.endMinute)} · {t('schedule.capacityN', { count: r.capacity })}{' '}
						<Form method="post" className="inline-form">
							<AuthenticityTokenInput name="csrf" />
							<input type="hidden" name="intent" value="remove-rule" />
							<input type="hidden" name="ruleId" value={r.id} />
							<button type="submit" className="button secondary">
								{t('schedule.remove')}
							</button>
						</Form>
					</li>
				))}
			</ul>
			<Form method="post" className="grid-form">
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="intent" value="add-rule" />
				<fieldset className="checks">
					<legend>{t('schedule.weekdays')}</legend>
					{[1, 2, 3, 4, 5, 6, 7].map((d) => (
						<label key={d}>
							<input type="checkbox" name="weekdays" value={d} defaultChecked={d <= 5} /> {t(`weekday.${d}`)}
						</label>
					))}
				</fieldset>
				<div className="field">
					<label htmlFor="rule-start">{t('schedule.start')}</label>
					<input id="rule-start" name="start" type="time" defaultValue="08:00" />
				</div>
				<div className="field">
					<label htmlFor="rule-end">{t('schedule.end')}</label>
					<input id="rule-end" name="end" type="time" defaultValue="18:00" />
				</div>
				<div className="field">
					<label htmlFor="rule-capacity">{t('schedule.capacity')}</label>
					<input id="rule-capacity" name="capacity" type="number" min={1} max={1000} defaultValue={2} />
				</div>
				<button type="submit" className="button big">
					{t('schedule.add')}
				</button>
			</Form>
			<h2>{t('schedule.closures')}</h2>
			<ul>
				{closures.map((c) => (
					<li key={c.id}>
						{c.date} {c.reason} {c.offeringId ? '' : `(${t('schedule.allOfferings')})`}
					</li>
				))}
			</ul>
			<Form method="post" className="grid-form">
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="intent" value="add-closure" />
				<div className="field">
					<label htmlFor="closure-date">{t('schedule.closureDate')}</label>
					<input id="closure-date" name="date" type="date" required />
				</div>
				<div className="field">
					<label htmlFor="closure-reason">{t('schedule.closureReason')}</label>
					<input id="closure-reason" name="reason" type="text" maxLength={200} />
				</div>
				<div className="checks">
					<label>
						<input type="checkbox" name="scope" value="all" /> {t('schedule.allOfferings')}
					</label>
				</div>
				<button type="submit" className="button big secondary">
					{t('schedule.addClosure')}
				</button>
			</Form>
			<h2>{t('catalogue.edit')}</h2>
			<OfferingForm
				lastResult={actionData?.result}
				categories={categories}
				districts={districts.map((d) => ({ id: d.id, name: zh ? d.nameZh : d.nameEn, communities: d.communities.map((c) => ({ id: c.id, name: zh ? c.nameZh : (c.nameEn ?? c.nameZh) })) }))}
				defaults={{ category: o.category, title: o.title, description: o.description, price: (o.priceFen / 100).toFixed(2), unit: o.unit, durationMinutes: o.durationMinutes, districtIds: o.districtIds, communityIds: o.communityIds, active: o.active }}
				submitLabel={t('catalogue.save')}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
