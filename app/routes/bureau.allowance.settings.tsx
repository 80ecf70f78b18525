import { getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyDone, replyFor, SelectField } from '~/components/forms.tsx'
import { Notice } from '~/components/notice.tsx'
import { PendingChanges } from '~/components/pending-changes.tsx'
import { DataTable, Money } from '~/components/ui.tsx'
import { formIdOf, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { addMonths, shanghaiMonth } from '~/lib/time.ts'
import { listSettings } from '~/modules/allowance/runs.server.ts'
import { decideSettingsChange, pendingSettings, proposeSettingsVersion } from '~/modules/allowance/setting-changes.server.ts'
import { settingsSchema } from '~/modules/allowance/schemas.ts'
import { BUREAU_ROLES, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { decideChangeSchema } from '~/modules/auth/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { ...(await listSettings()), pending: await pendingSettings(user), canEdit: user.role === 'bureau_city', nextMonth: addMonths(shanghaiMonth(), 1) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['bureau_city'])
	const formData = await readProtectedForm(request)
	// A change is proposed by one city officer and takes effect when another approves it.
	if (formIdOf(formData) === 'decide-change') {
		// Approving a change of amounts or rules is a sensitive act: the password or TOTP again after five minutes.
		await requireRecentAuth(request, user, '/bureau/allowance/settings')
		const parsed = parseForm(formData, decideChangeSchema, { form: 'decide-change' })
		if (!parsed.ok) return parsed.response
		return replyOutcome(parsed, await decideSettingsChange(user, parsed.value, clientIp(request)))
	}
	const parsed = parseForm(formData, settingsSchema, { form: 'allowance-settings' })
	if (!parsed.ok) return parsed.response
	const v = parsed.value
	const outcome = await proposeSettingsVersion(
		user,
		{ effectiveMonth: v.effectiveMonth, tier80Fen: v.tier80, tier90Fen: v.tier90, tier100Fen: v.tier100, livenessWindowMonths: v.livenessWindowMonths, backPayAllowed: v.backPayAllowed === 'yes' },
		clientIp(request),
	)
	return replyOutcome(parsed, outcome, { errorField: 'effectiveMonth' })
}

export default function SettingsPage() {
	const { versions, current, canEdit, nextMonth, pending } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const navigation = useNavigation()
	const { t } = useTranslation('allowance')
	const [form, fields] = useForm({
		id: 'allowance-settings',
		lastResult: replyFor(reply, 'allowance-settings'),
		defaultValue: {
			effectiveMonth: nextMonth,
			tier80: String(current.tier80Fen / 100),
			tier90: String(current.tier90Fen / 100),
			tier100: String(current.tier100Fen / 100),
			livenessWindowMonths: String(current.livenessWindowMonths),
			backPayAllowed: current.backPayAllowed ? 'yes' : 'no',
		},
		onValidate: ({ formData }) => parseWithZod(formData, { schema: settingsSchema }),
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			<section className="card">
				<h1>{t('settings.title')}</h1>
				<p className="lead">{t('settings.lead')}</p>
				{replyDone(reply, 'allowance-settings') ? <Notice>{t('settings.proposed')}</Notice> : null}
				{canEdit ? (
					<ActionForm form={form} className="grid-form">
						<Field label={t('settings.effectiveMonth')} hint={t('runs.monthHint')} errors={fields.effectiveMonth.errors} inputProps={getInputProps(fields.effectiveMonth, { type: 'text' })} />
						<Field label={t('settings.tier80')} errors={fields.tier80.errors} inputProps={{ ...getInputProps(fields.tier80, { type: 'text' }), inputMode: 'decimal' }} />
						<Field label={t('settings.tier90')} errors={fields.tier90.errors} inputProps={{ ...getInputProps(fields.tier90, { type: 'text' }), inputMode: 'decimal' }} />
						<Field label={t('settings.tier100')} errors={fields.tier100.errors} inputProps={{ ...getInputProps(fields.tier100, { type: 'text' }), inputMode: 'decimal' }} />
						<Field label={t('settings.window')} errors={fields.livenessWindowMonths.errors} inputProps={{ ...getInputProps(fields.livenessWindowMonths, { type: 'text' }), inputMode: 'numeric' }} />
						<SelectField label={t('settings.backPay')} errors={fields.backPayAllowed.errors} selectProps={getSelectProps(fields.backPayAllowed)} options={[{ value: 'yes', label: t('settings.yes') }, { value: 'no', label: t('settings.no') }]} />
						<FormSubmit form={form} label={t('settings.save')} disabled={navigation.state === 'submitting'} />
					</ActionForm>
				) : null}
			</section>
			<PendingChanges
				rows={pending}
				columns={[
					{ header: t('settings.effectiveMonth'), cell: (c) => (c.payload as { effectiveMonth: string }).effectiveMonth },
					{ header: t('tiers.80'), cell: (c) => <Money fen={(c.payload as { tier80Fen: number }).tier80Fen} /> },
					{ header: t('tiers.90'), cell: (c) => <Money fen={(c.payload as { tier90Fen: number }).tier90Fen} /> },
					{ header: t('tiers.100'), cell: (c) => <Money fen={(c.payload as { tier100Fen: number }).tier100Fen} /> },
				]}
				canDecide={canEdit}
				reply={reply}
			/>
			<CardSection title={t('settings.versions')}>
				<DataTable
					columns={[
						{ header: t('settings.effectiveMonth'), cell: (v) => v.effectiveMonth },
						{ header: t('tiers.80'), cell: (v) => <Money fen={v.tier80Fen} /> },
						{ header: t('tiers.90'), cell: (v) => <Money fen={v.tier90Fen} /> },
						{ header: t('tiers.100'), cell: (v) => <Money fen={v.tier100Fen} /> },
						{ header: t('settings.window'), cell: (v) => v.livenessWindowMonths },
						{ header: t('settings.backPay'), cell: (v) => (v.backPayAllowed ? t('settings.yes') : t('settings.no')) },
					]}
					rows={versions}
					rowKey={(v) => v.effectiveMonth}
				/>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
