import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Places } from '~/modules/geography/geography.server.ts'
import { ErrorList, Field, SelectField, type ListOfErrors } from './forms.tsx'

// The registered residence (户籍) of an elder: district, then community or village grouped by
// township / street. Without JavaScript every community in scope is listed (grouped by district and
// township); with it, the list follows the chosen district.

type Props = {
	places: Places
	districtId?: string
	communityId?: string
	errors: { districtId?: ListOfErrors; communityId?: ListOfErrors }
	idPrefix: string
}

export function ResidenceFields({ places, districtId: initialDistrict, communityId, errors, idPrefix }: Props) {
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	const label = (p: { nameZh: string; nameEn: string | null }) => (zh ? p.nameZh : (p.nameEn ?? p.nameZh))
	const [districtId, setDistrictId] = useState(initialDistrict ?? (places.length === 1 ? places[0]!.id : ''))
	const shown = districtId ? places.filter((d) => d.id === districtId) : places
	const communityFieldId = `${idPrefix}-communityId`
	const errorId = errors.communityId?.length ? `${communityFieldId}-error` : undefined
	return (
		<>
			<SelectField
				label={t('fields.district')}
				errors={errors.districtId}
				selectProps={{ id: `${idPrefix}-districtId`, name: 'districtId', defaultValue: districtId, required: true, onChange: (e) => setDistrictId(e.currentTarget.value) }}
				placeholder={t('common.choose')}
				options={places.map((d) => ({ value: d.id, label: label(d) }))}
			/>
			<div className="field">
				<label htmlFor={communityFieldId}>{t('fields.community')}</label>
				<p className="hint" id={`${communityFieldId}-hint`}>
					{t('registry.hints.community')}
				</p>
				<select
					id={communityFieldId}
					name="communityId"
					defaultValue={communityId ?? ''}
					required
					aria-invalid={errorId ? true : undefined}
					aria-describedby={[`${communityFieldId}-hint`, errorId].filter(Boolean).join(' ')}
				>
					<option value="">{t('common.choose')}</option>
					{shown.flatMap((d) =>
						d.townships.map((tw) => (
							<optgroup key={`${d.id}-${tw.id}`} label={`${label(d)} · ${tw.id ? label(tw) : t('registry.noTownship')}`}>
								{tw.communities.map((c) => (
									<option key={c.id} value={c.id}>
										{label(c)} ({t(`settlement.${c.kind}`)})
									</option>
								))}
							</optgroup>
						)),
					)}
				</select>
				<ErrorList id={errorId} errors={errors.communityId} />
			</div>
		</>
	)
}

type ContactMeta = { initialValue?: string; errors?: string[] }
/** Phone and emergency contact, shared with the edit page. */
export function ContactFields({ fields }: { fields: { phone: ContactMeta; emergencyContactName: ContactMeta; emergencyContactPhone: ContactMeta } }) {
	const { t } = useTranslation()
	return (
		<>
			<Field label={t('registry.fields.phone')} hint={t('registry.hints.optional')} errors={fields.phone.errors} inputProps={{ id: 'elder-phone', name: 'phone', type: 'tel', defaultValue: fields.phone.initialValue, autoComplete: 'off' }} />
			<Field
				label={t('registry.fields.emergencyContactName')}
				hint={t('registry.hints.emergency')}
				errors={fields.emergencyContactName.errors}
				inputProps={{ id: 'elder-emergency-name', name: 'emergencyContactName', type: 'text', defaultValue: fields.emergencyContactName.initialValue, autoComplete: 'off' }}
			/>
			<Field
				label={t('registry.fields.emergencyContactPhone')}
				errors={fields.emergencyContactPhone.errors}
				inputProps={{ id: 'elder-emergency-phone', name: 'emergencyContactPhone', type: 'tel', defaultValue: fields.emergencyContactPhone.initialValue, autoComplete: 'off' }}
			/>
		</>
	)
}
