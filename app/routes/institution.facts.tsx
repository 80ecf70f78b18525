import { getInputProps, getSelectProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { ActionForm, Field, FormErrors, replyDone, SelectOptions, useReplyForm } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireInstitutionStaff } from '~/modules/beds/access.server.ts'
import { factsSchema, getFacts, saveFacts } from '~/modules/beds/facts.server.ts'
import { FACILITY_KINDS, OWNERSHIPS } from '~/modules/beds/facts.ts'

// The institution's facts (issue 14 item 2): ownership, filing, facility kind, 特困 places.
export async function loader({ request }: LoaderFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	return { name: staff.providerName, facts: await getFacts(staff.providerId) }
}

export async function action({ request }: ActionFunctionArgs) {
	const staff = await requireInstitutionStaff(request)
	const parsed = parseForm(await readProtectedForm(request), factsSchema, {
		form: 'facts',
	})
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await saveFacts(staff, parsed.value, clientIp(request)), { resetForm: false })
}

export default function InstitutionFactsPage() {
	const { name, facts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t } = useTranslation('beds')
	const [form, fields] = useReplyForm<'ownership' | 'facilityKind' | 'filingNo' | 'filingDate' | 'tekunCapacity'>('facts', reply)
	return (
		<section className="card narrow">
			<h1>{t('facts.title', { name })}</h1>
			<ActionForm form={form} className="grid-form">
				<div className="field">
					<label htmlFor={fields.ownership.id}>{t('facts.ownership')}</label>
					<select {...getSelectProps(fields.ownership)} defaultValue={facts?.ownership ?? ''}>
						<SelectOptions placeholder="—" options={OWNERSHIPS.map((o) => ({ value: o, label: t(`facts.ownerships.${o}`) }))} />
					</select>
					{fields.ownership.errors?.length ? <p className="form-error">{t(fields.ownership.errors[0]!)}</p> : null}
				</div>
				<div className="field">
					<label htmlFor={fields.facilityKind.id}>{t('facts.facilityKind')}</label>
					<select {...getSelectProps(fields.facilityKind)} defaultValue={facts?.facilityKind ?? ''}>
						<SelectOptions placeholder="—" options={FACILITY_KINDS.map((k) => ({ value: k, label: t(`facts.kinds.${k}`) }))} />
					</select>
					{fields.facilityKind.errors?.length ? <p className="form-error">{t(fields.facilityKind.errors[0]!)}</p> : null}
				</div>
				<Field
					label={t('facts.filingNo')}
					errors={fields.filingNo.errors}
					inputProps={{
						...getInputProps(fields.filingNo, { type: 'text' }),
						defaultValue: facts?.filingNo ?? '',
					}}
				/>
				<Field
					label={t('facts.filingDate')}
					errors={fields.filingDate.errors}
					inputProps={{
						...getInputProps(fields.filingDate, { type: 'date' }),
						defaultValue: facts?.filingDate ?? '',
					}}
				/>
				<Field
					label={t('facts.tekunCapacity')}
					hint={t('facts.tekunHint')}
					errors={fields.tekunCapacity.errors}
					inputProps={{
						...getInputProps(fields.tekunCapacity, { type: 'number' }),
						min: 0,
						defaultValue: facts?.tekunCapacity ?? 0,
					}}
				/>
				<FormErrors form={form} />
				{replyDone(reply, 'facts') ? <Notice>{t('facts.saved')}</Notice> : null}
				<button type="submit" className="button big">
					{t('facts.save')}
				</button>
			</ActionForm>
			<p>
				<Link to="/institution">{t('facts.back')}</Link>
			</p>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
