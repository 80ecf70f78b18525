import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { DataTable } from '~/components/ui.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { formatShanghai } from '~/lib/time.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { bedHistory, updateBed } from '~/modules/beds/inventory.server.ts'
import { BED_TYPES, updateBedSchema } from '~/modules/beds/schemas.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	// Another institution's bed answers 404: its existence is not theirs to know.
	return notFoundUnless(await bedHistory(staff, requireId(params, 'bedId')))
}

export async function action({ request, params }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const formData = await readProtectedForm(request)
	formData.set('bedId', requireId(params, 'bedId'))
	return answerForm(formData, updateBedSchema, (value) => updateBed(staff, value), { form: 'update' })
}

export default function BedHistory() {
	const { bed, events } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const [form, fields] = useReplyForm<'type' | 'price' | 'bedId'>('update', reply)
	return (
		<section className="card">
			<h1>{t('history.title', { bed: bed.label })}</h1>
			<p>
				{t(`types.${bed.type}`)} · {t(`statuses.${bed.status}`)} · <Link to="/institution/beds">{t('history.back')}</Link>
			</p>
			{replyDone(reply) ? <Notice>{t('common.saved')}</Notice> : null}
			<h2>{t('inventory.edit', { bed: bed.label })}</h2>
			<ActionForm form={form} intent="update" className="grid-form">
				<SelectField label={t('fields.bedType')} errors={fields.type.errors} selectProps={{ name: 'type', defaultValue: bed.type }} options={BED_TYPES.map((x) => ({ value: x, label: t(`types.${x}`) }))} />
				<Field label={t('fields.price')} errors={fields.price.errors ?? fields.bedId.errors} inputProps={{ name: 'price', type: 'text', inputMode: 'decimal', defaultValue: (bed.monthlyPriceFen / 100).toFixed(2) }} />
				<FormErrors form={form} />
				<button type="submit" className="button big">{t('inventory.saveBed', { bed: bed.label })}</button>
			</ActionForm>
			<h2>{t('history.events')}</h2>
			<DataTable
				columns={[
					{ header: t('history.at'), cell: (e) => formatShanghai(new Date(e.at), i18n.language) },
					{ header: t('history.kind'), cell: (e) => t(`events.${e.kind}`) },
					{ header: t('history.change'), cell: (e) => [e.fromStatus, e.toStatus].map((s) => (s ? t(`statuses.${s}`) : '—')).join(' → ') },
					{ header: t('fields.resident'), cell: (e) => e.elderName ?? '—' },
					{ header: t('history.by'), cell: (e) => e.actorName ?? '—' },
				]}
				rows={events}
				rowKey={(e) => e.id}
				rowProps={(e) => ({ 'data-kind': e.kind })}
			/>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
