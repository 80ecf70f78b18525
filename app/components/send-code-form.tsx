import { getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { sendCodeSchema } from '~/modules/messaging/phone-code-schemas.ts'
import { ActionForm, Field, FormErrors, replyFor, replyValue } from './forms.tsx'
import { Notice } from './notice.tsx'

/** The number the action just sent an SMS code to (its reply to form `id`), or null. */
export function codeSentTo(reply: unknown, id: string): string | null {
	return replyValue<{ phone?: string }>(reply, id)?.phone ?? null
}

/**
 * Step 1 of the forms that confirm a phone with an SMS code (registration, password reset): the
 * number the code goes to, posted with intent "sendCode"; `sentNotice` shows once a code was sent.
 */
export function SendCodeForm({
	id,
	reply,
	sentNotice,
	busy,
	errorMap,
}: {
	id: string
	reply: unknown
	sentNotice: ReactNode
	busy: boolean
	errorMap?: Parameters<typeof parseWithZod>[1]['error']
}) {
	const { t } = useTranslation()
	const sent = codeSentTo(reply, id) !== null
	const [form, fields] = useForm({
		id,
		lastResult: replyFor(reply, id),
		onValidate: ({ formData }) => parseWithZod(formData, { schema: sendCodeSchema, error: errorMap }),
		shouldRevalidate: 'onInput',
	})
	return (
		<ActionForm form={form} intent="sendCode">
			<Field label={t('fields.phone')} hint={t('hints.phone')} errors={fields.phone.errors} inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'tel', inputMode: 'numeric' }} />
			<FormErrors form={form} />
			{sent ? <Notice>{sentNotice}</Notice> : null}
			<button type="submit" className="button" disabled={busy}>
				{sent ? t('auth.phoneCode.sendAgain') : t('auth.phoneCode.send')}
			</button>
		</ActionForm>
	)
}
