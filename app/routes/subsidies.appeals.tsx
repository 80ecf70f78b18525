import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, FormErrors, OrphanReplyErrors, replyDone, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { familyAppeals, lodgeAppeal } from '~/modules/due-process/appeals.server.ts'
import { appealSchema } from '~/modules/due-process/schemas.ts'

// The family asks for a review (复核) of a refusal, within 60 days; the outcome arrives as a notice.
// Attachments are not taken yet: the reasons are text (docs/subsidies.md).

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	return { refusals: await familyAppeals(user, shanghaiDate()) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, appealSchema, { form: `appeal-${formData.get('applicationId')}` })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await lodgeAppeal(user, parsed.value, clientIp(request), shanghaiDate()))
}

export default function Appeals() {
	const { refusals } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('subsidies')
	return (
		<section>
			<h1>{t('dueProcess.familyTitle')}</h1>
			<p>{t('dueProcess.familyLead')}</p>
			<OrphanReplyErrors reply={reply} formIds={refusals.map((r) => `appeal-${r.applicationId}`)} />
			{refusals.length === 0 ? <p className="empty">{t('dueProcess.noRefusals')}</p> : null}
			<ul className="cards">
				{refusals.map((r) => (
					<li key={r.applicationId} className="card" data-testid="refusal-item">
						<h2>
							{r.elder} · {r.policy}
						</h2>
						{r.appeal ? (
							<p data-testid="appeal-status">
								{t(`dueProcess.appealStatus.${r.appeal.status}`)}
								{r.appeal.outcomeReason ? `：${r.appeal.outcomeReason}` : ''}
							</p>
						) : r.open ? (
							<AppealForm applicationId={r.applicationId} deadline={r.deadline!} reply={reply} />
						) : (
							<p>
								{t('dueProcess.deadline')}: {r.deadline}
							</p>
						)}
					</li>
				))}
			</ul>
		</section>
	)
}

function AppealForm({ applicationId, deadline, reply }: { applicationId: string; deadline: string; reply: unknown }) {
	const { t } = useTranslation('subsidies')
	const navigation = useNavigation()
	const id = `appeal-${applicationId}`
	const [form, fields] = useReplyForm<'reasons'>(id, reply)
	if (replyDone(reply, id))
		return (
			<p role="status" className="notice">
				{t('dueProcess.appealLodged')}
			</p>
		)
	return (
		<ActionForm form={form}>
			<FormErrors form={form} />
			<input type="hidden" name="applicationId" value={applicationId} />
			<p>
				{t('dueProcess.deadline')}: {deadline}
			</p>
			<TextareaField label={t('dueProcess.appealReasons')} errors={fields.reasons.errors} textareaProps={{ id: `${id}-reasons`, name: 'reasons', required: true, maxLength: 1000 }} />
			<button type="submit" disabled={navigation.state === 'submitting'}>
				{t('dueProcess.appealSubmit')}
			</button>
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
