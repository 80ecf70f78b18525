import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { ErrorList, Field, SelectField } from '~/components/forms.tsx'
import { PRICE_UNITS } from '~/modules/marketplace/categories.ts'
import { offeringSchema } from '~/modules/marketplace/schemas.ts'

type Defaults = { category: string; title: string; description: string; price: string; unit: string; durationMinutes: number; districtIds: string[]; active: boolean }

export function OfferingForm({
	lastResult,
	categories,
	districts,
	defaults,
	submitLabel,
}: {
	lastResult?: SubmissionResult<string[]> | null
	categories: readonly string[]
	districts: { id: string; name: string }[]
	defaults?: Defaults
	submitLabel: string
}) {
	const { t } = useTranslation('marketplace')
	const [form, fields] = useForm({
		id: 'offering',
		lastResult,
		defaultValue: defaults ? { category: defaults.category, title: defaults.title, description: defaults.description, price: defaults.price, unit: defaults.unit, durationMinutes: String(defaults.durationMinutes) } : { durationMinutes: '60', unit: 'per_visit' },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: offeringSchema }),
		shouldRevalidate: 'onInput',
	})
	const chosen = new Set(defaults?.districtIds ?? districts.map((d) => d.id))
	return (
		<Form method="post" {...getFormProps(form)}>
			<AuthenticityTokenInput name="csrf" />
			<input type="hidden" name="intent" value="offering" />
			<SelectField label={t('fields.category')} errors={fields.category.errors} selectProps={getSelectProps(fields.category)} placeholder={t('choose')} options={categories.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
			<Field label={t('fields.title')} errors={fields.title.errors} inputProps={getInputProps(fields.title, { type: 'text' })} />
			<div className="field">
				<label htmlFor={fields.description.id}>{t('fields.description')}</label>
				<textarea {...getTextareaProps(fields.description)} rows={3} />
				<ErrorList errors={fields.description.errors} />
			</div>
			<Field label={t('fields.price')} hint={t('hints.price')} errors={fields.price.errors} inputProps={{ ...getInputProps(fields.price, { type: 'text' }), inputMode: 'decimal' }} />
			<SelectField label={t('fields.unit')} errors={fields.unit.errors} selectProps={getSelectProps(fields.unit)} options={PRICE_UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))} />
			<Field label={t('fields.durationMinutes')} errors={fields.durationMinutes.errors} inputProps={{ ...getInputProps(fields.durationMinutes, { type: 'number' }), min: 15, max: 1440 }} />
			<fieldset className="checks">
				<legend>{t('fields.area')}</legend>
				{districts.map((d) => (
					<label key={d.id}>
						<input type="checkbox" name="districtIds" value={d.id} defaultChecked={chosen.has(d.id)} /> {d.name}
					</label>
				))}
			</fieldset>
			<ErrorList errors={fields.districtIds.errors} />
			<div className="checks">
				<label>
					<input type="checkbox" name="active" defaultChecked={defaults ? defaults.active : true} /> {t('catalogue.activeLabel')}
				</label>
			</div>
			<button type="submit" className="button big">
				{submitLabel}
			</button>
		</Form>
	)
}
