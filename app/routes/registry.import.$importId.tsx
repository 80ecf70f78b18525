import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, FormErrors, useReplyForm } from '~/components/forms.tsx'
import { DataTable, Facts } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { enqueueApply } from '~/jobs/registry-import.server.ts'
import { REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requestApply } from '~/modules/registry-import/apply.server.ts'
import { importView, sampleLines } from '~/modules/registry-import/read.server.ts'

const RUNNING = ['classifying', 'applying']

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const imp = notFoundUnless(await importView(user, requireId(params, 'importId')))
	return { imp, lines: imp.status === 'classifying' ? [] : await sampleLines(imp.id) }
}

export const meta: MetaFunction<typeof loader> = () => [{ title: '颐养 Yiyang' }]

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const importId = requireId(params, 'importId')
	const formData = await readProtectedForm(request)
	return answerForm(formData, z.object({}), () => requestApply(user, importId, clientIp(request), enqueueApply), { form: 'apply' })
}

export default function RegistryImportPage() {
	const { imp, lines } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const revalidator = useRevalidator()
	const { t } = useTranslation()
	const [form] = useReplyForm('apply', reply)
	const running = RUNNING.includes(imp.status)
	useEffect(() => {
		if (!running) return
		const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 1000)
		return () => clearInterval(timer)
	}, [running, revalidator])
	const percent = imp.status === 'applied' ? 100 : imp.chunkCount ? Math.round((100 * imp.chunksDone) / imp.chunkCount) : 0
	return (
		<section className="card">
			{/* Without JavaScript the page refreshes itself while the job runs (the progress bar moves
			    anyway). Inside <noscript>: a browser running scripts never sees it, because a refresh once
			    scheduled stays scheduled when the element goes, and would reload the page after the
			    polling above has already shown the end. */}
			{running ? (
				<noscript>
					<meta httpEquiv="refresh" content="2" />
				</noscript>
			) : null}
			<p>
				<Link to="/registry/import">{t('registryImport.back')}</Link>
			</p>
			<h1>{t('registryImport.titleOne', { file: imp.fileName })}</h1>
			<p role="status" data-testid="import-status">
				{t(`registryImport.status.${imp.status}`)}
			</p>
			{imp.status === 'applying' || imp.status === 'applied' ? (
				<p>
					<label htmlFor="apply-progress">{t('registryImport.progress', { percent })}</label>{' '}
					<progress id="apply-progress" data-testid="apply-progress" max={100} value={percent}>
						{percent}%
					</progress>
				</p>
			) : null}
			{imp.status === 'classifying' ? <progress aria-label={t('registryImport.status.classifying')} /> : null}
			{imp.status !== 'classifying' ? (
				<Facts
					items={[
						[t('registryImport.lines'), imp.lineCount],
						[t('registryImport.outcome.new'), imp.newCount, { 'data-testid': 'count-new' }],
						[t('registryImport.outcome.changed'), imp.changedCount, { 'data-testid': 'count-changed' }],
						[t('registryImport.outcome.unchanged'), imp.unchangedCount, { 'data-testid': 'count-unchanged' }],
						[t('registryImport.outcome.rejected'), imp.rejectedCount, { 'data-testid': 'count-rejected' }],
						[t('registryImport.encoding'), imp.format === 'xlsx' ? 'XLSX' : `CSV (${imp.encoding.toUpperCase()})`],
					]}
				/>
			) : null}
			{imp.status !== 'classifying' ? (
				<p>
					<a href={`/registry/import/${imp.id}/report.csv`} download>
						{t('registryImport.report.download')}
					</a>
				</p>
			) : null}
			{imp.status === 'classified' ? (
				<ActionForm form={form}>
					<p>{t('registryImport.applyLead', { count: imp.newCount + imp.changedCount })}</p>
					<FormSubmit form={form} label={t('registryImport.apply')} disabled={navigation.state === 'submitting'} />
				</ActionForm>
			) : (
				<FormErrors form={form} />
			)}
			{lines.length ? (
				<DataTable
					rows={lines}
					rowKey={(l) => String(l.line)}
					caption={t('registryImport.sample')}
					columns={[
						{ header: t('registryImport.report.line'), numeric: true, rowHeader: true, cell: (l) => l.line },
						{ header: t('registryImport.report.outcome'), cell: (l) => (l.outcome ? t(`registryImport.outcome.${l.outcome}`) : '') },
						{ header: t('registryImport.report.reason'), cell: (l) => (l.reason ? t(`registryImport.reason.${l.reason}`) : l.changedFields.map((f) => t(`registryImport.field.${f}`)).join('、')) },
						{ header: t('fields.name'), cell: (l) => l.name },
						{ header: t('fields.idNumber'), cell: (l) => <span className="mono">{l.idMasked ?? ''}</span> },
					]}
				/>
			) : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
