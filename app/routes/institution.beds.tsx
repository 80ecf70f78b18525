import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, OrphanReplyErrors, replyDone, SelectField, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PostForm } from '~/components/post-form.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { invariantResponse } from '~/lib/http.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
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
		const parsed = parseForm(formData, roomSchema)
		return parsed.ok ? replyOutcome(parsed, await createRoom(staff, parsed.value)) : parsed.response
	}
	if (intent === 'beds') {
		const parsed = parseForm(formData, addBedsSchema)
		return parsed.ok ? replyOutcome(parsed, await addBeds(staff, parsed.value)) : parsed.response
	}
	invariantResponse(intent === 'status', 'Unknown action')
	const parsed = parseForm(formData, bedStatusSchema)
	return parsed.ok ? replyOutcome(parsed, await setBedStatus(staff, parsed.value)) : parsed.response
}

export default function BedsPage() {
	const { rooms } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [roomForm, roomFields] = useReplyForm<'name' | 'floor'>('room', reply)
	const [bedsForm, bedsFields] = useReplyForm<'roomId' | 'type' | 'count' | 'price'>('beds', reply)
	return (
		<>
			<section className="card">
				<h1>{t('inventory.title')}</h1>
				<OrphanReplyErrors reply={reply} formIds={['room', 'beds']} />
				{replyDone(reply) ? <Notice>{t('common.saved')}</Notice> : null}
				<h2>{t('inventory.addRoom')}</h2>
				<ActionForm form={roomForm} intent="room" className="grid-form">
					<Field label={t('fields.roomName')} errors={roomFields.name.errors} inputProps={{ name: 'name', type: 'text', required: true, maxLength: 40 }} />
					<Field label={t('fields.floor')} errors={roomFields.floor.errors} inputProps={{ name: 'floor', type: 'number', inputMode: 'numeric' }} />
					<FormErrors form={roomForm} />
					<button type="submit" className="button big">{t('inventory.saveRoom')}</button>
				</ActionForm>
				<h2>{t('inventory.addBeds')}</h2>
				<ActionForm form={bedsForm} intent="beds" className="grid-form">
					<SelectField label={t('fields.room')} errors={bedsFields.roomId.errors} selectProps={{ name: 'roomId', required: true }} placeholder={t('common.choose')} options={rooms.map((r) => ({ value: r.id, label: r.name }))} />
					<SelectField label={t('fields.bedType')} errors={bedsFields.type.errors} selectProps={{ name: 'type', required: true }} placeholder={t('common.choose')} options={BED_TYPES.map((b) => ({ value: b, label: t(`types.${b}`) }))} />
					<Field label={t('fields.count')} errors={bedsFields.count.errors} inputProps={{ name: 'count', type: 'number', inputMode: 'numeric', defaultValue: 1 }} />
					<Field label={t('fields.price')} errors={bedsFields.price.errors} inputProps={{ name: 'price', type: 'text', inputMode: 'decimal' }} />
					<FormErrors form={bedsForm} />
					<button type="submit" className="button big">{t('inventory.saveBeds')}</button>
				</ActionForm>
				<OrphanReplyErrors reply={reply} formIds={['room', 'beds']} />
			</section>
			{rooms.map((room) => (
				<section className="card" key={room.id}>
					<h2>
						{room.name}
						{room.floor !== null ? ` · ${t('inventory.floor', { floor: room.floor })}` : ''}
					</h2>
					<DataTable
						empty={t('inventory.noBeds')}
						columns={[
							{
								header: t('fields.bed'),
								cell: (b) => (
									<Link to={`/institution/beds/${b.id}`} aria-label={t('inventory.edit', { bed: b.label })}>
										{b.label}
									</Link>
								),
							},
							{ header: t('fields.bedType'), cell: (b) => t(`types.${b.type}`) },
							{ header: t('fields.status'), cell: (b) => t(`statuses.${b.status}`), testId: 'bed-status' },
							{ header: t('fields.price'), cell: (b) => <Money fen={b.monthlyPriceFen} /> },
							{ header: t('fields.resident'), cell: (b) => b.elderName ?? '—' },
							{
								header: t('common.actions'),
								cell: (b) =>
									b.status === 'vacant' || b.status === 'out_of_service' ? (
										<PostForm hidden={{ intent: 'status', bedId: b.id, status: b.status === 'vacant' ? 'out_of_service' : 'vacant' }}>
											{b.status === 'vacant' ? (
												<label className="checkbox">
													<input type="checkbox" name="confirm" required /> {t('inventory.confirmTakeOut')}
												</label>
											) : null}
											<button type="submit" className="button secondary">
												{b.status === 'vacant' ? t('inventory.takeOut', { bed: b.label }) : t('inventory.putBack', { bed: b.label })}
											</button>
										</PostForm>
									) : null,
							},
						]}
						rows={room.beds}
						rowKey={(b) => b.id}
						rowProps={(b) => ({ 'data-bed': b.label })}
					/>
				</section>
			))}
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
