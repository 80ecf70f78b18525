import { useTranslation } from 'react-i18next'
import { Field } from './forms.tsx'
import { InlineActionForm } from './inline-action.tsx'

// What the bureau's staff page and a provider's staff page share: an account's status, the acts on
// it (reset and invite again, or give back; deactivate), and the one-time link an invitation shows.

type StaffRow = { id: string; active: boolean; invitation: 'pending' | 'expired' | null }

/** 已停用, 待本人激活, 邀请已过期 or 已激活. */
export function StaffStatus({ staff }: { staff: StaffRow }) {
	const { t } = useTranslation()
	return <>{!staff.active ? t('staff.inactive') : staff.invitation === 'pending' ? t('staff.invitationPending') : staff.invitation === 'expired' ? t('staff.invitationExpired') : t('staff.active')}</>
}

/** The forms of one account's row, each with its reason: `reinvite-<id>` and, while active, `deactivate-<id>`. */
export function StaffAccountActions({ staff, reply }: { staff: StaffRow; reply: unknown }) {
	const { t } = useTranslation()
	const s = staff
	return (
		<>
			<InlineActionForm id={`reinvite-${s.id}`} intent="reinvite" hidden={{ userId: s.id }} reply={reply} submit={s.active ? t('staff.reinvite') : t('staff.reactivate')} tone={s.active ? 'danger' : 'secondary'}>
				{(f) => <Field label={t('staff.reinviteReason')} errors={[...(f.reason?.errors ?? []), ...(f.userId?.errors ?? [])]} inputProps={{ id: `reinvite-reason-${s.id}`, name: 'reason', required: true, maxLength: 200 }} />}
			</InlineActionForm>
			{s.active ? (
				<InlineActionForm id={`deactivate-${s.id}`} intent="deactivate" hidden={{ userId: s.id }} reply={reply} submit={t('staff.deactivate')} tone="danger">
					{(f) => <Field label={t('staff.deactivateReason')} errors={[...(f.reason?.errors ?? []), ...(f.userId?.errors ?? [])]} inputProps={{ id: `deactivate-reason-${s.id}`, name: 'reason', required: true, maxLength: 200 }} />}
				</InlineActionForm>
			) : null}
		</>
	)
}

/** The ids of the row forms, for OrphanReplyErrors. */
export const staffFormIds = (staff: readonly { id: string }[]) => staff.flatMap((s) => [`reinvite-${s.id}`, `deactivate-${s.id}`])

/** A one-time invitation link, shown once to hand to the person. */
export function InvitationLink({ text, url, testId = 'invitation' }: { text: string; url: string; testId?: string }) {
	return (
		<div className="notice" role="status" data-testid={testId}>
			<p>{text}</p>
			<p>
				<code>{url}</code>
			</p>
		</div>
	)
}
