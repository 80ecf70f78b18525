import { getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FormSubmit } from './form-submit.tsx'
import { ActionForm, ErrorList, Field, replyFor, SelectField, TextareaField } from '~/components/forms.tsx'
import { PRICE_UNITS } from '~/modules/marketplace/categories.ts'
import { offeringSchema } from '~/modules/marketplace/schemas.ts'
import { zodMessageKey } from '~/lib/zod-messages.ts'

type Defaults = { category: string; title: string; description: string; price: string; unit: string; durationMinutes: number; districtIds: string[]; communityIds: string[]; active: boolean }

export function OfferingForm({
	reply,
	categories,
	districts,
	defaults,
	submitLabel,
}: {
	/** The action's reply; the form reads its own (form id "offering"). */
	reply: unknown
	categories: readonly string[]
	districts: { id: string; name: string; communities: { id: string; name: string }[] }[]
	defaults?: Defaults
	submitLabel: string
}) {
	const { t } = useTranslation('marketplace')
	const [form, fields] = useForm({
		id: 'offering',
		lastResult: replyFor(reply, 'offering'),
		defaultValue: defaults ? { category: defaults.category, title: defaults.title, description: defaults.description, price: defaults.price, unit: defaults.unit, durationMinutes: String(defaults.durationMinutes) } : { durationMinutes: '60', unit: 'per_visit' },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: offeringSchema, error: zodMessageKey }),
		shouldRevalidate: 'onInput',
	})
	const [chosen, setChosen] = useState(() => new Set(defaults?.districtIds ?? districts.map((d) => d.id)))
	const limitedTo = new Set(defaults?.communityIds ?? [])
	const toggleDistrict = (id: string, on: boolean) =>
		setChosen((prev) => {
			const next = new Set(prev)
			if (on) next.add(id)
			else next.delete(id)
			return next
		})
	return (
		<ActionForm form={form} intent="offering">
			<SelectField label={t('fields.category')} errors={fields.category.errors} selectProps={getSelectProps(fields.category)} placeholder={t('choose')} options={categories.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
			<Field label={t('fields.title')} errors={fields.title.errors} inputProps={getInputProps(fields.title, { type: 'text' })} />
			<TextareaField label={t('fields.description')} errors={fields.description.errors} textareaProps={{ ...getTextareaProps(fields.description), rows: 3 }} />
			<Field label={t('fields.price')} hint={t('hints.price')} errors={fields.price.errors} inputProps={{ ...getInputProps(fields.price, { type: 'text' }), inputMode: 'decimal' }} />
			<SelectField label={t('fields.unit')} errors={fields.unit.errors} selectProps={getSelectProps(fields.unit)} options={PRICE_UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))} />
			<Field label={t('fields.durationMinutes')} errors={fields.durationMinutes.errors} inputProps={{ ...getInputProps(fields.durationMinutes, { type: 'number' }), min: 15, max: 1440 }} />
			<fieldset className="checks">
				<legend>{t('fields.area')}</legend>
				{districts.map((d) => (
					<label key={d.id}>
						<input type="checkbox" name="districtIds" value={d.id} defaultChecked={chosen.has(d.id)} onChange={(e) => toggleDistrict(d.id, e.currentTarget.checked)} /> {d.name}
					</label>
				))}
			</fieldset>
			<ErrorList errors={fields.districtIds.errors} />
			<fieldset className="community-choice" aria-describedby="community-hint">
				<legend>{t('fields.communities')}</legend>
				<p id="community-hint" className="hint">
					{t('hints.communities')}
				</p>
				{/* Only the chosen districts' communities; a group hidden with its district is disabled, so it is not sent. */}
				{districts.map((d) =>
					d.communities.length === 0 ? null : (
						<fieldset key={d.id} className="checks" hidden={!chosen.has(d.id)} disabled={!chosen.has(d.id)} data-testid={`communities-${d.id}`}>
							<legend>{t('catalogue.communitiesOf', { district: d.name })}</legend>
							{d.communities.map((c) => (
								<label key={c.id}>
									<input type="checkbox" name="communityIds" value={c.id} defaultChecked={limitedTo.has(c.id)} /> {c.name}
								</label>
							))}
						</fieldset>
					),
				)}
			</fieldset>
			<ErrorList errors={fields.communityIds.errors} />
			<div className="checks">
				<label>
					<input type="checkbox" name="active" defaultChecked={defaults ? defaults.active : true} /> {t('catalogue.activeLabel')}
				</label>
			</div>
			<FormSubmit form={form} label={submitLabel} />
		</ActionForm>
	)
}
