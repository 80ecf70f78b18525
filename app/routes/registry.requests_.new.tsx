import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, SelectField, useReplyForm } from '~/components/forms.tsx'
import { RightsRequestFields } from '~/components/rights-request-fields.tsx'
import { Facts } from '~/components/ui.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless } from '~/lib/http.server.ts'
import { uuidParam } from '~/lib/query.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { elderForInPersonRequest, recordInPersonRightsRequest, RIGHTS_DECIDER_ROLES } from '~/modules/rights/requests.server.ts'
import { RIGHTS_IDENTITY_DOCUMENTS, RIGHTS_REQUESTER_RELATIONS } from '~/modules/rights/rules.ts'
import { recordInPersonRightsRequestSchema } from '~/modules/rights/schemas.server.ts'

// A request about an elder's record made in person at the office (PIPL arts. 44–50) by the elder, a
// guardian or an agent, for an elder without a family account to file it online: the officer checks
// who is asking and records it; then the receipt is printed for the requester (its due date).
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, RIGHTS_DECIDER_ROLES)
	const elderId = uuidParam(new URL(request.url).searchParams, 'elder')
	return { elder: notFoundUnless(elderId ? await elderForInPersonRequest(user, elderId) : null) }
}

// The elder comes with the form (a hidden field): the module checks it is in the officer's scope.
export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, RIGHTS_DECIDER_ROLES)
	const parsed = parseForm(await readProtectedForm(request), recordInPersonRightsRequestSchema, { form: 'record-request' })
	if (!parsed.ok) return parsed.response
	const recorded = await recordInPersonRightsRequest(user, parsed.value, clientIp(request))
	if (!recorded.ok) return replyFailure(parsed, recorded, undefined, recorded.status === 409 ? 'kind' : undefined)
	return redirect(`/registry/requests/${recorded.value.id}/paper`)
}

export default function RecordInPersonRequest() {
	const { elder } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation()
	const [form, fields] = useReplyForm<'kind' | 'requesterRelation' | 'requesterName' | 'identityDocument' | 'contactPhone' | 'wrongInfo' | 'correctInfo' | 'reason'>('record-request', reply)
	const busy = useNavigation().state !== 'idle'
	return (
		<section className="card">
			<h1>{t('rights.inPerson.title')}</h1>
			<p>{t('rights.inPerson.lead')}</p>
			<Facts
				items={[
					[t('rights.elder'), <Link key="elder" to={`/elders/${elder.id}`}>{elder.name}</Link>],
					[t('fields.idNumber'), elder.idNumberMasked, { className: 'mono' }],
				]}
			/>
			<ActionForm form={form} intent="record" className="grid-form">
				<input type="hidden" name="elderId" value={elder.id} />
				<SelectField
					label={t('rights.inPerson.relation')}
					errors={fields.requesterRelation.errors}
					selectProps={{ id: 'record-relation', name: 'requesterRelation', required: true, defaultValue: 'self' }}
					options={RIGHTS_REQUESTER_RELATIONS.map((r) => ({ value: r, label: t(`rights.inPerson.relations.${r}`) }))}
				/>
				<Field
					label={t('rights.inPerson.name')}
					hint={t('rights.inPerson.nameHint')}
					errors={fields.requesterName.errors}
					inputProps={{ id: 'record-name', name: 'requesterName', required: true, maxLength: 40, autoComplete: 'off', defaultValue: elder.name }}
				/>
				<SelectField
					label={t('rights.inPerson.document')}
					hint={t('rights.inPerson.documentHint')}
					errors={fields.identityDocument.errors}
					selectProps={{ id: 'record-document', name: 'identityDocument', required: true }}
					placeholder={t('common.choose')}
					options={RIGHTS_IDENTITY_DOCUMENTS.map((d) => ({ value: d, label: t(`rights.inPerson.documents.${d}`) }))}
				/>
				<Field
					label={t('rights.inPerson.phone')}
					hint={t('rights.inPerson.phoneHint')}
					errors={fields.contactPhone.errors}
					inputProps={{ id: 'record-phone', name: 'contactPhone', type: 'tel', inputMode: 'numeric', maxLength: 11, autoComplete: 'off', defaultValue: elder.phone ?? '' }}
				/>
				<RightsRequestFields idPrefix="record" fields={fields} />
				<FormSubmit form={form} label={t('rights.inPerson.record')} className="button big" disabled={busy} />
			</ActionForm>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
