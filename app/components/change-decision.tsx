import { useTranslation } from 'react-i18next'
import { ActionForm } from './forms.tsx'

/**
 * The second officer's decision on a pending change (four eyes): approve or reject change
 * `changeId`. The form's errors show once, below the list of changes (FormErrors of `form`).
 */
export function ChangeDecision({ form, changeId, disabled }: { form: Parameters<typeof ActionForm>[0]['form']; changeId: string; disabled: boolean }) {
	const { t } = useTranslation()
	return (
		<ActionForm form={form}>
			<input type="hidden" name="changeId" value={changeId} />
			<div className="actions">
				<button type="submit" name="decision" value="approve" className="button" disabled={disabled}>
					{t('changes.approve')}
				</button>
				<button type="submit" name="decision" value="reject" className="button secondary" disabled={disabled}>
					{t('changes.reject')}
				</button>
			</div>
		</ActionForm>
	)
}
