import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, FormErrors, useReplyForm } from '~/components/forms.tsx'
import { TitledTable } from '~/components/titled-table.tsx'
import { DataTable } from '~/components/ui.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { enqueueClassify } from '~/jobs/registry-import.server.ts'
import { MAX_IMPORT_BYTES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from '~/modules/registry-import/columns.ts'
import { areaCodes, listImports } from '~/modules/registry-import/read.server.ts'
import { receiveUpload } from '~/modules/registry-import/upload.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	return { imports: await listImports(user), codes: await areaCodes(user), maxMb: Math.round(MAX_IMPORT_BYTES / 1024 / 1024) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	// The body is streamed into the import's staged lines (never read whole): see upload.server.ts.
	const { outcome, fields, missing } = await receiveUpload(user, request, clientIp(request), enqueueClassify)
	if (outcome.ok) return redirect(`/registry/import/${outcome.value.importId}`)
	const parsed = parseForm(fields, z.object({}), { form: 'registry-import' })
	if (!parsed.ok) return parsed.response
	return replyFailure(parsed, outcome, { missing: missing ?? null })
}

export default function RegistryImport() {
	const { imports, codes, maxMb } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form] = useReplyForm('registry-import', reply)
	const missing = reply && 'missing' in reply ? (reply.missing as string | null) : null
	return (
		<section className="card">
			<h1>{t('registryImport.title')}</h1>
			<p className="lead" id="import-hint">
				{t('registryImport.lead', { maxMb })}
			</p>
			<h2>{t('registryImport.columns.title')}</h2>
			<ul data-testid="import-columns">
				{REQUIRED_COLUMNS.map((c) => (
					<li key={c}>
						<strong>{c}</strong> {t('registryImport.columns.required')} — {t(`registryImport.columns.${c}`)}
					</li>
				))}
				{OPTIONAL_COLUMNS.map((c) => (
					<li key={c}>
						<strong>{c}</strong> {t('registryImport.columns.optional')} — {t(`registryImport.columns.${c}`)}
					</li>
				))}
			</ul>
			<p>
				<a href="/registry/import/template.csv" download>
					{t('registryImport.template')}
				</a>
			</p>
			<details>
				<summary>{t('registryImport.codes')}</summary>
				<DataTable
					rows={codes}
					rowKey={(r) => r.communityCode}
					caption={t('registryImport.codes')}
					captionHidden
					empty={t('registryImport.noCodes')}
					columns={[
						{ header: t('registryImport.community'), rowHeader: true, cell: (r) => r.community },
						{ header: '社区代码', cell: (r) => <span className="mono">{r.communityCode}</span>, testId: 'community-code' },
						{ header: t('registryImport.township'), cell: (r) => r.township },
						{ header: '乡镇代码', cell: (r) => <span className="mono">{r.townshipCode}</span>, testId: 'township-code' },
					]}
				/>
			</details>
			<ActionForm form={form} encType="multipart/form-data" className="grid-form">
				<div className="field">
					<label htmlFor="import-file">{t('registryImport.file')}</label>
					<input id="import-file" type="file" name="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="import-hint" />
				</div>
				<FormErrors form={form} />
				{missing ? (
					<p className="form-errors" role="alert" data-testid="missing-columns">
						{t('registryImport.errors.missingList', { columns: missing })}
					</p>
				) : null}
				<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
					{t('registryImport.upload')}
				</button>
			</ActionForm>
			<TitledTable
				title={t('registryImport.mine')}
				rows={imports}
				rowKey={(r) => r.id}
				empty={t('registryImport.none')}
				columns={[
					{ header: t('registryImport.fileName'), rowHeader: true, cell: (r) => <Link to={`/registry/import/${r.id}`}>{r.fileName}</Link> },
					{ header: t('registryImport.statusLabel'), cell: (r) => t(`registryImport.status.${r.status}`) },
					{ header: t('registryImport.lines'), numeric: true, cell: (r) => r.lineCount },
				]}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
