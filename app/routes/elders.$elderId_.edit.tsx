import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, useReplyForm } from '~/components/forms.tsx'
import { ContactFields, ResidenceFields } from '~/components/residence-fields.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { communityScope, REGISTRAR_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { editElder, elderForEdit } from '~/modules/elders/registry.server.ts'
import { editElderSchema } from '~/modules/elders/schemas.ts'
import { listPlaces } from '~/modules/geography/geography.server.ts'

// An officer edits an elder of their area. The form carries the version it was loaded with: when
// another officer saved meanwhile, nothing is written, the page says so, keeps what was typed and
// shows the record as it is now (with its new version, so saving again is a deliberate choice).

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const elder = notFoundUnless(await elderForEdit(user, requireId(params, 'elderId')))
	return { elder, places: await listPlaces(communityScope(user)) }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireRole(request, REGISTRAR_ROLES)
	const elderId = requireId(params, 'elderId')
	const parsed = parseForm(await readProtectedForm(request), editElderSchema, { form: 'edit-elder' })
	if (!parsed.ok) return parsed.response
	const outcome = await editElder(user, elderId, parsed.value, clientIp(request))
	if (outcome.ok) return redirect(`/elders/${elderId}`)
	// A conflict answers with the record as it is now, beside what this officer typed.
	const current = outcome.status === 409 ? await elderForEdit(user, elderId) : null
	return replyFailure(parsed, outcome, { current })
}

export default function EditElder() {
	const { elder, places } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const current = (reply as { current?: { name: string; phone: string | null; emergencyContactName: string | null; version: number } | null } | undefined)?.current ?? null
	const [form, fields] = useReplyForm<'version' | 'name' | 'districtId' | 'communityId' | 'phone' | 'emergencyContactName' | 'emergencyContactPhone'>('edit-elder', reply)
	const value = (name: keyof typeof fields, fallback: string | null) => fields[name].initialValue ?? fallback ?? ''
	return (
		<section className="card narrow">
			<h1>{t('registry.editTitle', { name: elder.name })}</h1>
			{current ? (
				<div className="notice" role="alert" data-testid="edit-conflict">
					<p>{t('registry.conflict.lead')}</p>
					<p>
						{t('registry.conflict.now', { name: current.name, phone: current.phone ?? '—', contact: current.emergencyContactName ?? '—' })}
					</p>
				</div>
			) : null}
			<ActionForm form={form}>
				<input type="hidden" name="version" value={current?.version ?? elder.version} />
				<Field label={t('fields.elderName')} errors={fields.name.errors} inputProps={{ id: 'edit-name', name: 'name', type: 'text', defaultValue: value('name', elder.name), required: true, autoComplete: 'off' }} />
				<ResidenceFields
					idPrefix="edit-elder"
					places={places}
					districtId={value('districtId', elder.districtId)}
					communityId={value('communityId', elder.communityId)}
					errors={{ districtId: fields.districtId.errors, communityId: fields.communityId.errors }}
				/>
				<ContactFields
					fields={{
						phone: { initialValue: value('phone', elder.phone), errors: fields.phone.errors },
						emergencyContactName: { initialValue: value('emergencyContactName', elder.emergencyContactName), errors: fields.emergencyContactName.errors },
						emergencyContactPhone: { initialValue: value('emergencyContactPhone', elder.emergencyContactPhone), errors: fields.emergencyContactPhone.errors },
					}}
				/>
				<FormErrors form={form} errors={fields.version.errors} />
				<div className="button-row">
					<button type="submit" className="button big" disabled={navigation.state === 'submitting'}>
						{t('registry.saveEdit')}
					</button>
					<Link to={`/elders/${elder.id}`} className="button secondary">
						{t('registry.cancel')}
					</Link>
				</div>
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
