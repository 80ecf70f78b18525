import { useTranslation } from 'react-i18next'
import { RIGHTS_KINDS, RIGHTS_TEXT_MAX } from '~/modules/rights/rules.ts'
import { SelectField, TextareaField, type ListOfErrors } from './forms.tsx'

type Errors = { errors?: ListOfErrors }

/**
 * What a request about an elder's record asks for (PIPL arts. 44–50): the kind and, for a correction
 * or a deletion, what the officer needs to act. The same fields whether a family files it online or an
 * officer records it at the office; `idPrefix` keeps the ids of the two forms apart.
 */
export function RightsRequestFields({ idPrefix, fields }: { idPrefix: string; fields: { kind: Errors; wrongInfo: Errors; correctInfo: Errors; reason: Errors } }) {
	const { t } = useTranslation()
	return (
		<>
			<SelectField
				label={t('rights.kind')}
				errors={fields.kind.errors}
				selectProps={{ id: `${idPrefix}-kind`, name: 'kind', required: true }}
				placeholder={t('common.choose')}
				options={RIGHTS_KINDS.map((k) => ({ value: k, label: t(`rights.kinds.${k}`) }))}
			/>
			<TextareaField label={t('rights.wrongInfo')} hint={t('rights.wrongInfoHint')} errors={fields.wrongInfo.errors} textareaProps={{ id: `${idPrefix}-wrong`, name: 'wrongInfo', maxLength: RIGHTS_TEXT_MAX }} />
			<TextareaField label={t('rights.correctInfo')} hint={t('rights.correctInfoHint')} errors={fields.correctInfo.errors} textareaProps={{ id: `${idPrefix}-correct`, name: 'correctInfo', maxLength: RIGHTS_TEXT_MAX }} />
			<TextareaField label={t('rights.deletionReason')} hint={t('rights.deletionReasonHint')} errors={fields.reason.errors} textareaProps={{ id: `${idPrefix}-reason`, name: 'reason', maxLength: RIGHTS_TEXT_MAX }} />
		</>
	)
}
