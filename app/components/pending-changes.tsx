import { useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ChangeDecision } from './change-decision.tsx'
import { FormErrors, replyDone, useReplyForm } from './forms.tsx'
import { Notice } from './notice.tsx'
import { DataTable, type Column } from './ui.tsx'

/** A proposed change of settings as the pending list shows it (listPendingChanges in modules/auth). */
type PendingChange = { id: string; proposedBy: string | null; viewerIsProposer: boolean }

/**
 * The changes of settings waiting for a second officer (four-eyes): the page's own columns of what
 * would change, who proposed it and, for an officer who may decide, approve/reject buttons. Every
 * page posts the decision as form `decide-change` with `changeId` and `decision`.
 */
export function PendingChanges<R extends PendingChange>({
	rows,
	columns,
	canDecide,
	reply,
	testId = 'pending-settings',
	decidedNotice = true,
}: {
	rows: readonly R[]
	/** What each change would set (the proposer and the decision columns follow). */
	columns: Column<R>[]
	/** Whether the viewer may decide (all changes, or change by change). */
	canDecide: boolean | ((change: R) => boolean)
	reply: unknown
	testId?: string
	/** False where the page reports the decision with its other outcomes. */
	decidedNotice?: boolean
}) {
	const { t } = useTranslation()
	const [form] = useReplyForm('decide-change', reply)
	const busy = useNavigation().state !== 'idle'
	const mayDecide = (c: R) => (typeof canDecide === 'function' ? canDecide(c) : canDecide)
	return (
		<section className="card" data-testid={testId}>
			<h2>{t('changes.pendingTitle')}</h2>
			<p className="hint">{t('changes.pendingHint')}</p>
			{decidedNotice && replyDone(reply, 'decide-change') ? <Notice>{t('changes.decided')}</Notice> : null}
			<DataTable
				empty={t('changes.none')}
				columns={[
					...columns,
					{ header: t('changes.proposedBy'), cell: (c) => c.proposedBy },
					rows.some(mayDecide)
						? {
								header: t('changes.decision'),
								cell: (c) =>
									!mayDecide(c) ? null : c.viewerIsProposer ? (
										t('changes.waitingForSecond')
									) : (
										<ChangeDecision form={form} changeId={c.id} disabled={busy} />
									),
							}
						: null,
				]}
				rows={rows}
				rowKey={(c) => c.id}
			/>
			<FormErrors form={form} />
		</section>
	)
}
