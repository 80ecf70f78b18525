// Administrators: the SMS messages sent (with the development transport, what each phone would
// have received, codes included, so the demo can register), and the dead letters with their reason.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, OrphanReplyErrors, useReplyForm } from '~/components/forms.tsx'
import { Pager } from '~/components/pager.tsx'
import { TitledTable } from '~/components/titled-table.tsx'
import { getEnv } from '~/lib/env.server.ts'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { fail, ok } from '~/lib/outcome.ts'
import { formatShanghai } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { listMessages, requeueDeadLetter } from '~/modules/messaging/outbox.server.ts'
import { pageParam } from '~/lib/query.ts'

const ROLES = ['admin'] as const
const requeueSchema = z.object({ id: z.string().regex(/^\d{1,18}$/) })

export async function loader({ request }: LoaderFunctionArgs) {
	await requireRole(request, ROLES)
	const page = pageParam(new URL(request.url).searchParams)
	// Full numbers only where nothing was really sent (the development transport's demo).
	return { ...(await listMessages({ page, showNumbers: getEnv().SMS_TRANSPORT === 'dev' })), page, transport: getEnv().SMS_TRANSPORT }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, requeueSchema, { form: `requeue-${String(formData.get('id') ?? '').slice(0, 20)}` })
	if (!parsed.ok) return parsed.response
	const done = await requeueDeadLetter(parsed.value.id)
	if (done) await audit({ actor: user, action: 'sms.requeue', entityType: 'outbox', entityId: parsed.value.id, ip: clientIp(request) })
	return replyOutcome(parsed, done ? ok(parsed.value.id) : fail('messages.notFound', 404))
}

export default function Messages() {
	const { sent, dead, counts, hasMore, page, transport } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation()
	return (
		<section className="card">
			<h1>{t('messages.title')}</h1>
			<p>
				{t('messages.lead')} ({t('messages.transport')}: <span className="mono">{transport}</span>)
			</p>
			<OrphanReplyErrors reply={reply} formIds={dead.map((d) => `requeue-${d.id}`)} />
			<p data-testid="sms-counts">
				{t('messages.counts')}: {(['pending', 'retry', 'sending', 'sent', 'dead'] as const).map((s) => `${t(`messages.states.${s}`)} ${counts[s] ?? 0}`).join(' · ')}
			</p>
			<TitledTable
				title={t('messages.dead')}
				empty={t('messages.noDead')}
				columns={[
					{ header: t('messages.at'), cell: (d) => (d.at ? formatShanghai(new Date(d.at), i18n.language) : '—') },
					{ header: t('messages.phone'), cell: (d) => d.phone, className: 'mono' },
					{ header: t('messages.template'), cell: (d) => d.template, className: 'mono' },
					{ header: t('messages.attempts'), cell: (d) => d.attempts },
					{ header: t('messages.lastError'), cell: (d) => d.lastError ?? '—' },
					{ header: '', cell: (d) => <RequeueForm id={d.id} reply={reply} /> },
				]}
				rows={dead}
				rowKey={(d) => d.id}
			/>
			<TitledTable
				title={t('messages.sent')}
				empty={t('messages.noSent')}
				columns={[
					{ header: t('messages.at'), cell: (s) => formatShanghai(new Date(s.at), i18n.language) },
					{ header: t('messages.phone'), cell: (s) => s.phone, className: 'mono' },
					{ header: t('messages.text'), cell: (s) => s.text },
					{ header: t('messages.transport'), cell: (s) => s.transport, className: 'mono' },
				]}
				rows={sent}
				rowKey={(s) => s.id}
				rowProps={(s) => ({ 'data-template': s.template })}
			/>
			<Pager page={page} hasMore={hasMore} href={(p) => `?page=${p}`} />
		</section>
	)
}

function RequeueForm({ id, reply }: { id: string; reply: unknown }) {
	const { t } = useTranslation()
	const [form] = useReplyForm(`requeue-${id}`, reply)
	return (
		<ActionForm form={form}>
			<input type="hidden" name="id" value={id} />
			<FormSubmit form={form} label={t('messages.requeue')} className="button small" />
		</ActionForm>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
