import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { parseForm, replyFailure, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { getT } from '~/lib/i18n.ts'
import { getPreferences } from '~/lib/preferences.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { familyAppeals, lodgeAppeal } from '~/modules/due-process/appeals.server.ts'
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '~/modules/due-process/attachments.ts'
import { readAppealForm } from '~/modules/due-process/attachments.server.ts'
import { appealSchema } from '~/modules/due-process/schemas.ts'

// The family asks for a review (复核) of any decision about its elders — a subsidy refusal, an
// allowance stop, the assessed level, a complaint's finding — within 60 days, with reasons and up to
// 3 files (docs/appeals.md); the outcome arrives as a notification. Works without JavaScript.

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	return { decisions: await familyAppeals(user, shanghaiDate()), maxFiles: MAX_ATTACHMENTS, maxMb: MAX_ATTACHMENT_BYTES / 1024 / 1024 }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const read = await readAppealForm(request)
	// A body over every limit at once is not read at all: the page's error boundary answers 413.
	if (read === 'tooLarge') throw new Response(getT((await getPreferences(request)).locale)('subsidies:dueProcess.errors.attachmentTooLarge'), { status: 413, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
	const formId = `appeal-${read.formData.get('kind')}-${read.formData.get('subjectId')}`
	const parsed = parseForm(read.formData, appealSchema, { form: formId })
	if (!parsed.ok) return parsed.response
	if ('failure' in read) return replyFailure(parsed, read.failure)
	return replyOutcome(parsed, await lodgeAppeal(user, { ...parsed.value, attachments: read.attachments }, clientIp(request), shanghaiDate()))
}

export default function Appeals() {
	const { decisions, maxFiles, maxMb } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('subsidies')
	return (
		<section>
			<h1>{t('dueProcess.familyTitle')}</h1>
			<p>{t('dueProcess.familyLead')}</p>
			<OrphanReplyErrors reply={reply} formIds={decisions.map((d) => `appeal-${d.key}`)} />
			{reply && typeof reply === 'object' && 'ok' in reply && reply.ok ? <Notice>{t('dueProcess.appealLodged')}</Notice> : null}
			<Cards items={decisions} empty={t('dueProcess.noRefusals')} itemKey={(d) => d.key} itemProps={(d) => ({ 'data-testid': 'refusal-item', 'data-kind': d.kind })}>
				{(d) => (
					<>
						<h2>
							{t(`dueProcess.kinds.${d.kind}`)} · {d.elder ? `${d.elder} · ` : ''}
							{d.detail}
						</h2>
						<p>
							{t(`dueProcess.decided.${d.decided}`)} · {d.decidedOn}
						</p>
						{d.appeal ? (
							<p data-testid="appeal-status">
								{t(`dueProcess.appealStatus.${d.appeal.status}`)}
								{d.appeal.changedTo ? ` · ${t(`dueProcess.decided.${d.appeal.changedTo}`)}` : ''}
								{d.appeal.outcomeReason ? `：${d.appeal.outcomeReason}` : ''}
							</p>
						) : (
							<AppealForm kind={d.kind} subjectId={d.subjectId} deadline={d.deadline} reply={reply} maxFiles={maxFiles} maxMb={maxMb} />
						)}
					</>
				)}
			</Cards>
		</section>
	)
}

function AppealForm({ kind, subjectId, deadline, reply, maxFiles, maxMb }: { kind: string; subjectId: string; deadline: string; reply: unknown; maxFiles: number; maxMb: number }) {
	const { t } = useTranslation('subsidies')
	const navigation = useNavigation()
	const id = `appeal-${kind}-${subjectId}`
	const [form, fields] = useReplyForm<'reasons' | 'attachments'>(id, reply)
	// Lodged: the page says so at the top, and the item shows the appeal (the list is loaded again).
	if (replyDone(reply, id)) return null
	return (
		<ActionForm form={form} encType="multipart/form-data">
			<FormErrors form={form} />
			<input type="hidden" name="kind" value={kind} />
			<input type="hidden" name="subjectId" value={subjectId} />
			<p>
				{t('dueProcess.deadline')}: {deadline}
			</p>
			<TextareaField label={t('dueProcess.appealReasons')} errors={fields.reasons.errors} textareaProps={{ id: `${id}-reasons`, name: 'reasons', required: true, maxLength: 1000 }} />
			<Field
				label={t('dueProcess.attachments')}
				hint={t('dueProcess.attachmentsHint', { count: maxFiles, mb: maxMb })}
				errors={fields.attachments.errors}
				inputProps={{ id: `${id}-attachments`, name: 'attachments', type: 'file', multiple: true, accept: 'image/jpeg,image/png,application/pdf' }}
			/>
			<button type="submit" disabled={navigation.state === 'submitting'}>
				{t('dueProcess.appealSubmit')}
			</button>
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
