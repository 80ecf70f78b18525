import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, OrphanReplyErrors, replyValue, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { endSessionSchema } from '~/modules/auth/schemas.ts'
import { currentSessionId } from '~/modules/auth/session.server.ts'
import { endOtherSessions, endSession, listSessions } from '~/modules/auth/sessions.server.ts'

// The account's recent sessions (device, address, times); the holder can end any of them.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const sessions = await listSessions(user, await currentSessionId(request))
	return data({ sessions }, { headers: { 'Cache-Control': 'no-store' } })
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const parsed = parseForm(await readProtectedForm(request), endSessionSchema)
	if (!parsed.ok) return parsed.response
	const ip = clientIp(request)
	if (parsed.value.all === 'others') return replyOutcome(parsed, await endOtherSessions(user, await currentSessionId(request), ip))
	if (!parsed.value.sessionId) return replyOutcome(parsed, { ok: false, status: 400, formError: 'errors.session.unknown', fieldErrors: {} })
	return replyOutcome(parsed, await endSession(user, parsed.value.sessionId, ip))
}

function device(ua: string | null, t: (k: string) => string) {
	if (!ua) return t('sessions.unknownDevice')
	const browser = /Edg\//.test(ua) ? 'Edge' : /MicroMessenger/.test(ua) ? 'WeChat' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : null
	const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null
	return [browser, os].filter(Boolean).join(' · ') || ua.slice(0, 60)
}

function EndForm({ id, sessionId, label }: { id: string; sessionId?: string; label: string }) {
	const reply = useActionData<typeof action>()
	const [form] = useReplyForm(id, reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<ActionForm form={form}>
			{sessionId ? <input type="hidden" name="sessionId" value={sessionId} /> : <input type="hidden" name="all" value="others" />}
			<FormSubmit form={form} label={label} className="button secondary" disabled={busy} />
		</ActionForm>
	)
}

export default function SessionsPage() {
	const { sessions } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation()
	const ended = replyValue<{ ended: number }>(reply, 'end-others')
	return (
		<section className="card">
			<h1>{t('sessions.title')}</h1>
			<p className="hint">{t('sessions.lead')}</p>
			{ended ? <Notice>{t('sessions.endedOthers', { count: ended.ended })}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={['end-others', ...sessions.map((s) => `end-${s.id}`)]} />
			<DataTable
				caption={t('sessions.title')}
				columns={[
					{ header: t('sessions.device'), cell: (s) => (s.current ? `${device(s.userAgent, t)} (${t('sessions.thisOne')})` : device(s.userAgent, t)) },
					{ header: t('sessions.ip'), cell: (s) => s.ip ?? '—' },
					{ header: t('sessions.signedIn'), cell: (s) => formatShanghai(new Date(s.createdAt), i18n.language) },
					{ header: t('sessions.lastSeen'), cell: (s) => formatShanghai(new Date(s.lastSeenAt), i18n.language) },
					{ header: t('sessions.action'), cell: (s) => <EndForm id={`end-${s.id}`} sessionId={s.id} label={s.current ? t('auth.signOut') : t('sessions.end')} /> },
				]}
				rows={sessions}
				rowKey={(s) => s.id}
			/>
			<EndForm id="end-others" label={t('sessions.endOthers')} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
