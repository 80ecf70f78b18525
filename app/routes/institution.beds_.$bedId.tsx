import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Field, SelectField } from '~/components/forms.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { parseForm, replyTo } from '~/modules/beds/form.server.ts'
import { bedHistory, updateBed } from '~/modules/beds/inventory.server.ts'
import { BED_TYPES, updateBedSchema } from '~/modules/beds/schemas.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	// Another institution's bed answers 404: its existence is not theirs to know.
	const history = await bedHistory(staff, params.bedId ?? '')
	if (!history) throw new Response('Not found', { status: 404 })
	return history
}

export async function action({ request, params }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const formData = await readProtectedForm(request)
	formData.set('bedId', params.bedId ?? '')
	const parsed = parseForm(formData, updateBedSchema, 'update')
	if (!parsed.ok) return parsed.response
	return replyTo('update', await updateBed(staff, parsed.value))
}

export default function BedHistory() {
	const { bed, events } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	return (
		<section className="card">
			<h1>{t('history.title', { bed: bed.label })}</h1>
			<p>
				{t(`types.${bed.type}`)} · {t(`statuses.${bed.status}`)} · <Link to="/institution/beds">{t('history.back')}</Link>
			</p>
			{reply?.ok ? (
				<p className="notice" role="status">
					{t('common.saved')}
				</p>
			) : null}
			<h2>{t('inventory.edit', { bed: bed.label })}</h2>
			<Form method="post" className="grid-form">
				<AuthenticityTokenInput name="csrf" />
				<input type="hidden" name="intent" value="update" />
				<SelectField label={t('fields.bedType')} errors={reply?.fieldErrors.type} selectProps={{ name: 'type', defaultValue: bed.type }} options={BED_TYPES.map((x) => ({ value: x, label: t(`types.${x}`) }))} />
				<Field label={t('fields.price')} errors={reply?.fieldErrors.price ?? reply?.fieldErrors.bedId} inputProps={{ name: 'price', type: 'text', inputMode: 'decimal', defaultValue: (bed.monthlyPriceFen / 100).toFixed(2) }} />
				<button type="submit" className="button big">{t('inventory.saveBed', { bed: bed.label })}</button>
			</Form>
			<h2>{t('history.events')}</h2>
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('history.at')}</th>
							<th scope="col">{t('history.kind')}</th>
							<th scope="col">{t('history.change')}</th>
							<th scope="col">{t('fields.resident')}</th>
							<th scope="col">{t('history.by')}</th>
						</tr>
					</thead>
					<tbody>
						{events.map((e) => (
							<tr key={e.id} data-kind={e.kind}>
								<td>{formatShanghai(new Date(e.at), i18n.language)}</td>
								<td>{t(`events.${e.kind}`)}</td>
								<td>{[e.fromStatus, e.toStatus].map((s) => (s ? t(`statuses.${s}`) : '—')).join(' → ')}</td>
								<td>{e.elderName ?? '—'}</td>
								<td>{e.actorName ?? '—'}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
