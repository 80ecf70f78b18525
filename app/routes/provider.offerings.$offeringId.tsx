import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, ErrorList, Field, OrphanReplyErrors, replyDone, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { OfferingForm } from '~/components/offering-form.tsx'
import { PostButton } from '~/components/post-form.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { addClosure, addRules, getOwnOffering, offeringFormOptions, removeRule, updateOffering } from '~/modules/marketplace/catalogue.server.ts'
import { minuteToTime } from '~/modules/marketplace/schedule.ts'
import { exceptionSchema, offeringSchema, ruleSchema } from '~/modules/marketplace/schemas.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const found = notFoundUnless(await getOwnOffering(user, requireId(params, 'offeringId')))
	return { ...found, ...(await offeringFormOptions(user)) }
}

const removeRuleSchema = z.object({ ruleId: z.string() })

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const formData = await readProtectedForm(request)
	const offeringId = requireId(params, 'offeringId')
	notFoundUnless(await getOwnOffering(user, offeringId))
	const intent = formData.get('intent')
	if (intent === 'offering') {
		const parsed = parseForm(formData, offeringSchema)
		return parsed.ok ? replyOutcome(parsed, await updateOffering(user, offeringId, parsed.value), { resetForm: false }) : parsed.response
	}
	if (intent === 'add-rule') {
		const parsed = parseForm(formData, ruleSchema)
		return parsed.ok ? replyOutcome(parsed, await addRules(user, offeringId, parsed.value)) : parsed.response
	}
	if (intent === 'remove-rule') {
		const parsed = parseForm(formData, removeRuleSchema, { form: `remove-rule-${formData.get('ruleId')}` })
		if (!parsed.ok) return parsed.response
		await removeRule(user, offeringId, parsed.value.ruleId)
		return replyOutcome(parsed, ok())
	}
	invariantResponse(intent === 'add-closure', 'Unknown action')
	const parsed = parseForm(formData, exceptionSchema)
	return parsed.ok ? replyOutcome(parsed, await addClosure(user, formData.get('scope') === 'all' ? null : offeringId, parsed.value)) : parsed.response
}

const DONE: Record<string, string> = { offering: 'saved', 'add-rule': 'ruleAdded', 'add-closure': 'closureAdded' }

export default function EditOffering() {
	const { offering: o, closures, categories, districts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const [ruleForm, ruleFields] = useReplyForm<'weekdays' | 'start' | 'end' | 'capacity'>('add-rule', reply)
	const [closureForm, closureFields] = useReplyForm<'date' | 'reason'>('add-closure', reply)
	const done = reply && replyDone(reply) ? (DONE[reply.form] ?? 'ruleRemoved') : null
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card">
			<h1>{o.title}</h1>
			{done ? <Notice>{t(`catalogue.done.${done}`)}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={['offering', 'add-rule', 'add-closure']} />
			<h2>{t('schedule.title')}</h2>
			{o.rules.length === 0 ? <p className="empty">{t('catalogue.noSchedule')}</p> : null}
			<ul>
				{o.rules.map((r) => (
					<li key={r.id}>
						{t(`weekday.${r.weekday}`)} {minuteToTime(r.startMinute)}–{minuteToTime(r.endMinute)} · {t('schedule.capacityN', { count: r.capacity })}{' '}
						<PostButton className="inline-form" hidden={{ intent: 'remove-rule', ruleId: r.id }} label={t('schedule.remove')} />
					</li>
				))}
			</ul>
			<ActionForm form={ruleForm} intent="add-rule" className="grid-form">
				<fieldset className="checks">
					<legend>{t('schedule.weekdays')}</legend>
					{[1, 2, 3, 4, 5, 6, 7].map((d) => (
						<label key={d}>
							<input type="checkbox" name="weekdays" value={d} defaultChecked={d <= 5} /> {t(`weekday.${d}`)}
						</label>
					))}
				</fieldset>
				<ErrorList errors={ruleFields.weekdays.errors} />
				<Field label={t('schedule.start')} errors={ruleFields.start.errors} inputProps={{ id: 'rule-start', name: 'start', type: 'time', defaultValue: '08:00' }} />
				<Field label={t('schedule.end')} errors={ruleFields.end.errors} inputProps={{ id: 'rule-end', name: 'end', type: 'time', defaultValue: '18:00' }} />
				<Field label={t('schedule.capacity')} errors={ruleFields.capacity.errors} inputProps={{ id: 'rule-capacity', name: 'capacity', type: 'number', min: 1, max: 1000, defaultValue: 2 }} />
				<FormSubmit form={ruleForm} label={t('schedule.add')} />
			</ActionForm>
			<h2>{t('schedule.closures')}</h2>
			<ul>
				{closures.map((c) => (
					<li key={c.id}>
						{c.date} {c.reason} {c.offeringId ? '' : `(${t('schedule.allOfferings')})`}
					</li>
				))}
			</ul>
			<ActionForm form={closureForm} intent="add-closure" className="grid-form">
				<Field label={t('schedule.closureDate')} errors={closureFields.date.errors} inputProps={{ id: 'closure-date', name: 'date', type: 'date', required: true }} />
				<Field label={t('schedule.closureReason')} errors={closureFields.reason.errors} inputProps={{ id: 'closure-reason', name: 'reason', type: 'text', maxLength: 200 }} />
				<div className="checks">
					<label>
						<input type="checkbox" name="scope" value="all" /> {t('schedule.allOfferings')}
					</label>
				</div>
				<FormSubmit form={closureForm} label={t('schedule.addClosure')} className="button big secondary" />
			</ActionForm>
			<h2>{t('catalogue.edit')}</h2>
			<OfferingForm
				reply={reply}
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
