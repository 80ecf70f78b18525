import { getInputProps, getSelectProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ConsentField } from '~/components/consent-field.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, SelectField } from '~/components/forms.tsx'
import { ContactFields, ResidenceFields } from '~/components/residence-fields.tsx'
import { useCheckedForm } from '~/components/use-checked-form.ts'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { communityScope, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { addElderForFamily } from '~/modules/elders/elders.server.ts'
import { registerElder } from '~/modules/elders/registry.server.ts'
import { addElderSchema, registerElderSchema, RELATIONSHIPS } from '~/modules/elders/schemas.ts'
import { listPlaces, type Places } from '~/modules/geography/geography.server.ts'

// One page, two ways in: a family registers an elder they care for (the residence then waits for an
// officer's verification); an officer registers an elder of their area, family or not (verified).
const ROLES = ['family', 'community_officer', 'township_officer', 'bureau_district', 'bureau_city'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const officer = user.role !== 'family'
	return { officer, places: await listPlaces(officer ? communityScope(user) : {}), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	if (user.role === 'family') {
		const parsed = parseForm(formData, addElderSchema(shanghaiDate()), { form: 'add-elder' })
		if (!parsed.ok) return parsed.response
		const outcome = await addElderForFamily(user, parsed.value, clientIp(request))
		if (!outcome.ok) return replyFailure(parsed, outcome)
		// A claim on an elder already registered waits for the community: the family's list shows it.
		return redirect(outcome.value.kind === 'claim' ? '/elders?claim=sent' : `/elders/${outcome.value.id}`)
	}
	const parsed = parseForm(formData, registerElderSchema(shanghaiDate()), { form: 'register-elder' })
	if (!parsed.ok) return parsed.response
	const outcome = await registerElder(user, parsed.value, clientIp(request))
	return outcome.ok ? redirect(`/elders/${outcome.value.id}`) : replyFailure(parsed, outcome)
}

export default function NewElder() {
	const { officer } = useLoaderData<typeof loader>()
	return officer ? <OfficerForm /> : <FamilyForm />
}

function FamilyForm() {
	const { places, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	const [form, fields] = useCheckedForm('add-elder', reply, addElderSchema(today))
	return (
		<section className="card narrow">
			<h1>{t('elders.addTitle')}</h1>
			<p>{t('registry.familyLead')}</p>
			<ActionForm form={form}>
				<IdentityFields idNumber={fields.idNumber} name={fields.name} />
				<SelectField
					label={t('fields.relationship')}
					errors={fields.relationship.errors}
					selectProps={getSelectProps(fields.relationship)}
					placeholder={t('common.choose')}
					options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`relationships.${r}`) }))}
				/>
				<Residence idPrefix="add-elder" places={places} districtId={fields.districtId} communityId={fields.communityId} />
				<ConsentField label={t('privacy.elderConsent')} section="elder" field={fields.elderConsent} />
				<FormSubmit form={form} label={t('elders.save')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

function OfficerForm() {
	const { places, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation()
	// Validated in the browser too (the same schema), so a slip is named before anything is sent.
	const [form, fields] = useCheckedForm('register-elder', reply, registerElderSchema(today))
	return (
		<section className="card narrow">
			<h1>{t('registry.registerTitle')}</h1>
			<p>{t('registry.registerLead')}</p>
			<ActionForm form={form}>
				<IdentityFields idNumber={fields.idNumber} name={fields.name} required />
				<Residence idPrefix="register-elder" places={places} districtId={fields.districtId} communityId={fields.communityId} />
				<ContactFields fields={fields} />
				<FormSubmit form={form} label={t('registry.register')} disabled={navigation.state === 'submitting'} />
			</ActionForm>
		</section>
	)
}

type FieldMeta = Parameters<typeof getInputProps>[0]

/** Who the elder is, as both forms ask it first (an officer's form requires the fields). */
function IdentityFields({ idNumber, name, required }: { idNumber: FieldMeta; name: FieldMeta; required?: true }) {
	const { t } = useTranslation()
	return (
		<>
			<Field
				label={t('fields.idNumber')}
				hint={t('hints.idNumber')}
				errors={idNumber.errors}
				inputProps={{ ...getInputProps(idNumber, { type: 'text' }), autoComplete: 'off', maxLength: 18, className: 'mono', required }}
			/>
			<Field label={t('fields.elderName')} errors={name.errors} inputProps={{ ...getInputProps(name, { type: 'text' }), autoComplete: 'off', required }} />
		</>
	)
}

/** The registered residence fields fed by the form's own fields. */
function Residence({ idPrefix, places, districtId, communityId }: { idPrefix: string; places: Places; districtId: FieldMeta; communityId: FieldMeta }) {
	return (
		<ResidenceFields
			idPrefix={idPrefix}
			places={places}
			districtId={districtId.initialValue as string | undefined}
			communityId={communityId.initialValue as string | undefined}
			errors={{ districtId: districtId.errors, communityId: communityId.errors }}
		/>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
