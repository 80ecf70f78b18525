import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ErrorList, Field, SelectField } from '~/components/forms.tsx'
import { formatFen } from '~/lib/money.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { parseForm, replyTo } from '~/modules/beds/form.server.ts'
import { addBeds, createRoom, listRoomsAndBeds, setBedStatus } from '~/modules/beds/inventory.server.ts'
import { addBedsSchema, BED_TYPES, bedStatusSchema, roomSchema } from '~/modules/beds/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return { rooms: await listRoomsAndBeds(staff) }
}

export async function action({ request }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const formData = await readProtectedForm(request)
	const intent = String(formData.get('intent'))
	if (intent === 'room') {
		const parsed = parseForm(formData, roomSchema, intent)
		if (!parsed.ok) return parsed.response
		return replyTo(intent, await createRoom(staff, parsed.value))
	}
	if (intent === 'beds') {
		const parsed = parseForm(formData, addBedsSchema, intent)
		if (!parsed.ok) return parsed.response
		return replyTo(intent, await addBeds(staff, parsed.value))
	}
	if (intent === 'status') {
		const parsed = parseForm(formData, bedStatusSchema, intent)
		if (!parsed.ok) return parsed.response
		return replyTo(intent, await setBedStatus(staff, parsed.value))
	}
	throw new Response('Unknown action', { status: 400 })
}

export default function BedsPage() {
	const { rooms } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('beds')
	const errs = (intent: string, field: string) => (reply?.intent === intent ? reply.fieldErrors[field] : undefined)
	return (
		<>
			<section className="card">
				<h1>{t('inventory.title')}</h1>
				{reply?.ok ? (
					<p className="notice" role="status">
						{t('common.saved')}
					</p>
				) : null}
				<h2>{t('inventory.addRoom')}</h2>
				<Form method="post" className="grid-form">
					<AuthenticityTokenInput name="csrf" />
					<input type="hidden" name="intent" value="room" />
					<Field label={t('fields.roomName')} errors={errs('room', 'name')} inputProps={{ name: 'name', type: 'text', required: true, maxLength: 40 }} />
					<Field label={t('fields.floor')} errors={errs('room', 'floor')} inputProps={{ name: 'floor', type: 'number', inputMode: 'numeric' }} />
					<button type="submit" className="button big">{t('inventory.saveRoom')}</button>
				</Form>
				<h2>{t('inventory.addBeds')}</h2>
				<Form method="post" className="grid-form">
					<AuthenticityTokenInput name="csrf" />
					<input type="hidden" name="intent" value="beds" />
					<SelectField label={t('fields.room')} errors={errs('beds', 'roomId')} selectProps={{ name: 'roomId', required: true }} placeholder={t('common.choose')} options={rooms.map((r) => ({ value: r.id, label: r.name }))} />
					<SelectField label={t('fields.bedType')} errors={errs('beds', 'type')} selectProps={{ name: 'type', required: true }} placeholder={t('common.choose')} options={BED_TYPES.map((b) => ({ value: b, label: t(`types.${b}`) }))} />
					<Field label={t('fields.count')} errors={errs('beds', 'count')} inputProps={{ name: 'count', type: 'number', inputMode: 'numeric', defaultValue: 1 }} />
					<Field label={t('fields.price')} errors={errs('beds', 'price')} inputProps={{ name: 'price', type: 'text', inputMode: 'decimal' }} />
					<button type="submit" className="button big">{t('inventory.saveBeds')}</button>
				</Form>
				<ErrorList errors={reply?.intent === 'status' ? Object.values(reply.fieldErrors).flat() : undefined} />
			</section>
			{rooms.map((room) => (
				<section className="card" key={room.id}>
					<h2>
						{room.name}
						{room.floor !== null ? ` · ${t('inventory.floor', { floor: room.floor })}` : ''}
					</h2>
					{room.beds.length === 0 ? (
						<p className="empty">{t('inventory.noBeds')}</p>
					) : (
						<div className="table-wrap">
							<table>
								<thead>
									<tr>
										<th scope="col">{t('fields.bed')}</th>
										<th scope="col">{t('fields.bedType')}</th>
										<th scope="col">{t('fields.status')}</th>
										<th scope="col">{t('fields.price')}</th>
										<th scope="col">{t('fields.resident')}</th>
										<th scope="col">{t('common.actions')}</th>
									</tr>
								</thead>
								<tbody>
									{room.beds.map((b) => (
										<tr key={b.id} data-bed={b.label}>
											<td>
												<Link to={`/institution/beds/${b.id}`} aria-label={t('inventory.edit', { bed: b.label })}>
													{b.label}
												</Link>
											</td>
											<td>{t(`types.${b.type}`)}</td>
											<td data-testid="bed-status">{t(`statuses.${b.status}`)}</td>
											<td>{formatFen(b.monthlyPriceFen, i18n.language)}</td>
											<td>{b.elderName ?? '—'}</td>
											<td>
												{b.status === 'vacant' || b.status === 'out_of_service' ? (
													<Form method="post">
														<AuthenticityTokenInput name="csrf" />
														<input type="hidden" name="intent" value="status" />
														<input type="hidden" name="bedId" value={b.id} />
														<input type="hidden" name="status" value={b.status === 'vacant' ? 'out_of_service' : 'vacant'} />
														<button type="submit" className="button secondary">
															{b.status === 'vacant' ? t('inventory.takeOut', { bed: b.label }) : t('inventory.putBack', { bed: b.label })}
														</button>
													</Form>
												) : null}
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
					)}
				</section>
			))}
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
