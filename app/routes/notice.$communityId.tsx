import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyDone, SelectField, TextareaField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { addDays, shanghaiDate } from '~/lib/time.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { lodgeObjection, publicNotices } from '~/modules/due-process/notice.server.ts'
import { objectionSchema } from '~/modules/due-process/schemas.ts'

// The public notice (公示) of a community: no sign-in. Only the masked name, community, benefit and
// monthly amount are shown; nothing can be looked up by identity number. Printed, the page keeps
// only the list (A4, app/styles/app.css "due process" block) for the community notice board.
// The parameter is a community id, or a district id for elders with no community.

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.place} · 公示` : '公示' }]

export async function loader({ params }: LoaderFunctionArgs) {
	const place = requireId(params, 'communityId')
	const found = notFoundUnless(await publicNotices(place, shanghaiDate()))
	return found
}

export async function action({ request, params }: ActionFunctionArgs) {
	requireId(params, 'communityId')
	const formData = await readProtectedForm(request)
	return answerForm(formData, objectionSchema, (value) => lodgeObjection(value, clientIp(request), shanghaiDate()), { form: 'objection' })
}

export default function PublicNotice() {
	const { place, notices } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('subsidies')
	const navigation = useNavigation()
	const [form, fields] = useReplyForm<'entryId' | 'name' | 'phone' | 'reason'>('objection', reply)
	const entries = notices.flatMap((n) => n.entries)
	return (
		<section className="public-notice">
			<h1>{t('dueProcess.publicTitle', { place })}</h1>
			<p>{t('dueProcess.publicLead')}</p>
			{notices.length === 0 ? <p className="empty">{t('dueProcess.none')}</p> : null}
			{notices.map((n) => (
				<div key={n.id} className="notice-sheet" data-testid="notice-list">
					<p>
						<strong>{t('dueProcess.period', { from: n.opensOn, to: addDays(n.endsOn, -1) })}</strong>
					</p>
					<DataTable
						caption={`${t('dueProcess.caption')} · ${n.district} ${n.community}`}
						rows={n.entries}
						rowKey={(e) => e.id}
						columns={[
							{ header: t('dueProcess.name'), cell: (e) => e.displayName, rowHeader: true, testId: 'notice-name' },
							{ header: t('dueProcess.community'), cell: (e) => e.community },
							{ header: t('dueProcess.benefit'), cell: (e) => e.benefit },
							{ header: t('dueProcess.amount'), cell: (e) => <Money fen={e.monthlyCreditFen} />, numeric: true },
						]}
					/>
					<p className="print-only">{t('dueProcess.issuer')}</p>
				</div>
			))}
			{entries.length ? (
				<div className="no-print">
					<p>{t('dueProcess.printHint')}</p>
					<h2>{t('dueProcess.objectTitle')}</h2>
					<p>{t('dueProcess.objectLead')}</p>
					{replyDone(reply, 'objection') ? <Notice>{t('dueProcess.lodged')}</Notice> : null}
					<ActionForm form={form}>
						<FormErrors form={form} />
						<SelectField
							label={t('dueProcess.entry')}
							errors={fields.entryId.errors}
							selectProps={{ name: 'entryId', required: true, defaultValue: '' }}
							placeholder="—"
							options={entries.map((e) => ({ value: e.id, label: `${e.displayName} · ${e.benefit}` }))}
						/>
						<Field label={t('dueProcess.objectorName')} errors={fields.name.errors} inputProps={{ name: 'name', required: true, autoComplete: 'name', maxLength: 40 }} />
						<Field label={t('dueProcess.objectorPhone')} errors={fields.phone.errors} inputProps={{ name: 'phone', required: true, type: 'tel', inputMode: 'tel', autoComplete: 'tel' }} />
						<TextareaField label={t('dueProcess.reason')} errors={fields.reason.errors} textareaProps={{ name: 'reason', required: true, maxLength: 1000 }} />
						<button type="submit" disabled={navigation.state === 'submitting'}>
							{t('dueProcess.submit')}
						</button>
					</ActionForm>
				</div>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
