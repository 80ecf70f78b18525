import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CheckboxField } from './forms.tsx'

/** A consent box with a link to the part of the privacy notice it is about (opens beside the form). */
export function ConsentField({ label, section, field }: { label: string; section?: string; field: { name: string; id: string; errors?: string[] } }) {
	const { t } = useTranslation()
	return (
		<CheckboxField
			label={label}
			hint={
				<Link to={section ? `/privacy#${section}` : '/privacy'} target="_blank" rel="noopener">
					{t('privacy.readNotice')}
				</Link>
			}
			errors={field.errors}
			inputProps={{ name: field.name, id: field.id }}
		/>
	)
}
